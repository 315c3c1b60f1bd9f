"""CloudWatch Logs: retention (seed 6.3) and encryption with a customer key."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, config_value, resource_policy

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


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

POLICIES = [cloudwatch_log_group_retention]
