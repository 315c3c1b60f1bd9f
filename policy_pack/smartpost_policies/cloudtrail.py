"""CloudTrail (seed 4.4, 6.3): multi-region, log file validation, KMS, S3 object-level data events."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, as_list, customer_key, get, resource_policy, truthy

TRAIL = "aws:cloudtrail/trail:Trail"
S3_OBJECT = "AWS::S3::Object"


def _trail(args: ResourceValidationArgs) -> bool:
    return args.resource_type == TRAIL


def _multi_region(args: ResourceValidationArgs, report) -> None:
    if _trail(args) and not truthy(get(args.props, "isMultiRegionTrail")):
        report("The trail records one region only: set is_multi_region_trail=True.")


def _validation(args: ResourceValidationArgs, report) -> None:
    if _trail(args) and not truthy(get(args.props, "enableLogFileValidation")):
        report("Log file validation is off: set enable_log_file_validation=True.")


def _kms(args: ResourceValidationArgs, report) -> None:
    if _trail(args) and not customer_key(get(args.props, "kmsKeyId")):
        report("The trail's log files are not encrypted with a customer key: set kms_key_id.")


def _s3_data_events(args: ResourceValidationArgs, report) -> None:
    if not _trail(args):
        return
    basic = any(
        get(resource, "type") == S3_OBJECT and as_list(get(resource, "values"))
        for selector in as_list(get(args.props, "eventSelectors"))
        for resource in as_list(get(selector, "dataResources"))
    )
    advanced = any(
        get(field, "field") == "resources.type" and S3_OBJECT in as_list(get(field, "equals"))
        for selector in as_list(get(args.props, "advancedEventSelectors"))
        for field in as_list(get(selector, "fieldSelectors"))
    )
    if not (basic or advanced):
        report(
            "The trail records no S3 object-level data events (event_selectors / advanced_event_selectors "
            "for AWS::S3::Object on the site and data buckets)."
        )


cloudtrail_trail_multi_region = resource_policy(
    name="cloudtrail-trail-multi-region",
    description="Trails record every region.",
    severity=Severity.HIGH,
    remediation="Set is_multi_region_trail=True.",
    control=Control(security_hub="CloudTrail.1", checkov="CKV_AWS_67"),
    validate=_multi_region,
)
cloudtrail_trail_log_file_validation = resource_policy(
    name="cloudtrail-trail-log-file-validation",
    description="Trails have log file integrity validation on.",
    severity=Severity.MEDIUM,
    remediation="Set enable_log_file_validation=True.",
    control=Control(security_hub="CloudTrail.4", checkov="CKV_AWS_36"),
    validate=_validation,
)
cloudtrail_trail_kms = resource_policy(
    name="cloudtrail-trail-kms",
    description="Trails encrypt their log files with a customer-managed KMS key.",
    severity=Severity.HIGH,
    remediation="Set kms_key_id=<KmsKey.arn> (key policy admitting cloudtrail.amazonaws.com).",
    control=Control(security_hub="CloudTrail.2", checkov="CKV_AWS_35"),
    validate=_kms,
)
cloudtrail_trail_s3_data_events = resource_policy(
    name="cloudtrail-trail-s3-data-events",
    description="Trails record S3 object-level data events.",
    severity=Severity.MEDIUM,
    remediation="Add advanced_event_selectors with resources.type = AWS::S3::Object (or event_selectors "
    "data_resources of type AWS::S3::Object) for the site and data buckets.",
    control=Control(security_hub="S3.22"),
    validate=_s3_data_events,
)

POLICIES = [
    cloudtrail_trail_multi_region,
    cloudtrail_trail_log_file_validation,
    cloudtrail_trail_kms,
    cloudtrail_trail_s3_data_events,
]
