"""CloudWatch Logs: retention (seed 6.3) and encryption with a customer key."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity, StackValidationArgs

from smartpost_policies.common import (
    Control,
    config_value,
    customer_key,
    each,
    get,
    known,
    references,
    resource_policy,
    stack_policy,
)

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TRAIL = "aws:cloudtrail/trail:Trail"


def _log_group_retention(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != LOG_GROUP:
        return
    minimum = config_value(args, "minimumDays", 90)
    days = args.props.get("retentionInDays")
    if not days:
        report("The log group keeps logs forever: set retention_in_days (seed 6.3: 3 months).")
    elif int(days) < int(minimum):
        report(f"retentionInDays is {days}; the minimum is {minimum} days.")


cloudwatch_log_group_retention = resource_policy(
    name="cloudwatch-log-group-retention",
    description="Every CloudWatch log group has a retention of at least the configured minimum (90 days).",
    severity=Severity.MEDIUM,
    remediation="Create log groups through components/logs.py LogSettings.log_group, which applies the "
    "stack's retention config (90 days, 365 for CloudTrail).",
    control=Control(checkov="CKV_AWS_66"),
    validate=_log_group_retention,
    config={"minimumDays": ({"type": "integer", "minimum": 1}, 90)},
)


def _log_group_kms(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == LOG_GROUP and not customer_key(get(args.props, "kmsKeyId")):
        report("The log group is not encrypted with a customer-managed key: set kms_key_id (LogSettings does).")


def _cloudtrail_log_group_retention(args: StackValidationArgs, report) -> None:
    minimum = int(config_value(args, "minimumDays", 365))
    groups = list(each(args, LOG_GROUP))
    for trail in each(args, TRAIL):
        with known():
            for group in references(trail, "cloudWatchLogsGroupArn", groups):
                with known():
                    days = get(group.props, "retentionInDays")
                    if not days or int(days) < minimum:
                        report(
                            f"CloudTrail's log group keeps logs {days or 'forever'} days; CloudTrail logs are "
                            f"kept {minimum} days (seed 6.3: 1 year).",
                            group.urn,
                        )


cloudwatch_log_group_kms = resource_policy(
    name="cloudwatch-log-group-kms",
    description="Every CloudWatch log group is encrypted with a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    remediation="Create log groups through components/logs.py LogSettings.log_group (the stack's logs key).",
    control=Control(checkov="CKV_AWS_158"),
    validate=_log_group_kms,
)
cloudwatch_cloudtrail_log_group_retention = stack_policy(
    name="cloudwatch-log-group-cloudtrail-retention",
    description="The log group CloudTrail delivers to keeps logs at least 365 days.",
    severity=Severity.MEDIUM,
    remediation="Create CloudTrail's log group with log_settings.log_group(name, cloudtrail=True).",
    control=Control(checkov="CKV_AWS_66", seed="6.3"),
    validate=_cloudtrail_log_group_retention,
    config={"minimumDays": ({"type": "integer", "minimum": 1}, 365)},
)

POLICIES = [cloudwatch_log_group_retention, cloudwatch_log_group_kms, cloudwatch_cloudtrail_log_group_retention]
