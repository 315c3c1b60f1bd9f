"""S3: every bucket fully private, encrypted (KMS unless the writer allows only SSE-S3), TLS-only,
log buckets expiring on schedule, the notification trail under Object Lock (seed 1.1, 2, 6.3).

Bucket settings are separate resources in pulumi-aws v7, so these are stack policies that join each
setting to its bucket through the ``bucket`` property and report against the bucket's URN.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pulumi_policy import PolicyResource, Severity, StackValidationArgs

from smartpost_policies.common import (
    PRODUCTION_STACKS_CONFIG,
    Control,
    as_list,
    config_value,
    customer_key,
    each,
    get,
    is_production,
    known,
    protected,
    references,
    stack_policy,
    statements,
    truthy,
)

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LIFECYCLE = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
OBJECT_LOCK = (
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
)
TRAIL = "aws:cloudtrail/trail:Trail"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
DELIVERY_CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
BUCKET_LOGGING_V2 = "aws:s3/bucketLoggingV2:BucketLoggingV2"
PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _settings(bucket: PolicyResource, candidates: Iterable[PolicyResource]) -> list[PolicyResource]:
    return [c for c in candidates if references(c, "bucket", [bucket])]


def _targets(args: StackValidationArgs, buckets: list[PolicyResource], writers: dict[str, str]) -> set[str]:
    """URNs of buckets that some writer type points at through the given property."""
    urns: set[str] = set()
    for writer_type, prop in writers.items():
        for writer in each(args, writer_type):
            with known():
                if writer_type == FLOW_LOG and get(writer.props, "logDestinationType") != "s3":
                    continue
                urns |= {b.urn for b in references(writer, prop, buckets)}
    return urns


def trail_buckets(args: StackValidationArgs, buckets: list[PolicyResource]) -> set[str]:
    return _targets(args, buckets, {TRAIL: "s3BucketName"})


def notification_trail_buckets(args: StackValidationArgs, buckets: list[PolicyResource]) -> set[str]:
    return _targets(args, buckets, {FIREHOSE: "extendedS3Configuration"})


def sse_s3_only_buckets(args: StackValidationArgs, buckets: list[PolicyResource]) -> set[str]:
    """Buckets whose writer supports only SSE-S3: ALB access logs, CloudFront standard logs, S3 server
    access logs."""
    return _targets(
        args,
        buckets,
        {
            LOAD_BALANCER: "accessLogs",
            DISTRIBUTION: "loggingConfig",
            BUCKET_LOGGING: "targetBucket",
            BUCKET_LOGGING_V2: "targetBucket",
        },
    )


def other_log_buckets(args: StackValidationArgs, buckets: list[PolicyResource]) -> set[str]:
    return _targets(
        args,
        buckets,
        {
            LOAD_BALANCER: "accessLogs",
            DISTRIBUTION: "loggingConfig",
            FLOW_LOG: "logDestination",
            DELIVERY_CHANNEL: "s3BucketName",
            BUCKET_LOGGING: "targetBucket",
            BUCKET_LOGGING_V2: "targetBucket",
        },
    )


def _public_access_block(args: StackValidationArgs, report) -> None:
    blocks = list(each(args, PUBLIC_ACCESS_BLOCK))
    for bucket in each(args, *BUCKETS):
        with known():
            mine = _settings(bucket, blocks)
            if not mine:
                report("The bucket has no aws.s3.BucketPublicAccessBlock.", bucket.urn)
            elif not any(all(truthy(get(b.props, f)) for f in PUBLIC_ACCESS_FLAGS) for b in mine):
                off = [f for f in PUBLIC_ACCESS_FLAGS if not all(truthy(get(b.props, f)) for b in mine)]
                report(f"The bucket's public access block leaves {', '.join(off)} off.", bucket.urn)


def _sse_rules(config: PolicyResource) -> list[tuple[str, str]]:
    return [
        (
            str(get(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm", default="")),
            str(get(rule, "applyServerSideEncryptionByDefault", "kmsMasterKeyId", default="")),
        )
        for rule in as_list(get(config.props, "rules"))
    ]


def _encryption(args: StackValidationArgs, report) -> None:
    configs = list(each(args, *ENCRYPTION))
    for bucket in each(args, *BUCKETS):
        with known():
            rules = [r for c in _settings(bucket, configs) for r in _sse_rules(c)]
            if not any(algorithm in ("aws:kms", "aws:kms:dsse", "AES256") for algorithm, _ in rules):
                report("The bucket has no server-side encryption configuration.", bucket.urn)


def _kms_encryption(args: StackValidationArgs, report) -> None:
    configs = list(each(args, *ENCRYPTION))
    buckets = list(each(args, *BUCKETS))
    exempt = sse_s3_only_buckets(args, buckets)
    for bucket in buckets:
        with known():
            rules = [r for c in _settings(bucket, configs) for r in _sse_rules(c)]
            if not rules or bucket.urn in exempt:
                continue  # no configuration at all is s3-bucket-encryption's finding
            if not any(a.startswith("aws:kms") and customer_key(k) for a, k in rules):
                report(
                    "The bucket is not encrypted with a customer-managed KMS key (SSE-KMS, kms_master_key_id); "
                    "only ALB, CloudFront and S3 access log buckets may use SSE-S3.",
                    bucket.urn,
                )


def _denies_insecure_transport(statement) -> bool:
    if get(statement, "Effect") != "Deny":
        return False
    value = get(statement, "Condition", "Bool", "aws:SecureTransport")
    if str(as_list(value)[0] if as_list(value) else "").lower() != "false":
        return False
    actions = as_list(get(statement, "Action"))
    principal = get(statement, "Principal")
    everyone = principal == "*" or (isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS")))
    return everyone and any(a in ("s3:*", "*") for a in actions)


def _tls_only(args: StackValidationArgs, report) -> None:
    policies = list(each(args, POLICY))
    for bucket in each(args, *BUCKETS):
        with known():
            mine = _settings(bucket, policies)
            if not any(_denies_insecure_transport(s) for p in mine for s in statements(get(p.props, "policy"))):
                report("The bucket policy does not deny s3:* when aws:SecureTransport is false.", bucket.urn)


def _expiration_days(configs: list[PolicyResource]) -> list[int]:
    days = []
    for config in configs:
        for rule in as_list(get(config.props, "rules")):
            if get(rule, "status") == "Enabled" and get(rule, "expiration", "days") is not None:
                days.append(int(get(rule, "expiration", "days")))
    return days


def _log_retention(args: StackValidationArgs, report) -> None:
    cloudtrail_days = int(config_value(args, "cloudtrailDays", 365))
    log_days = int(config_value(args, "logDays", 90))
    buckets = list(each(args, *BUCKETS))
    lifecycles = list(each(args, *LIFECYCLE))
    trails = trail_buckets(args, buckets)
    logs = other_log_buckets(args, buckets) - trails
    for bucket in buckets:
        if bucket.urn not in trails | logs:
            continue
        with known():
            minimum, kind = (cloudtrail_days, "CloudTrail") if bucket.urn in trails else (log_days, "log")
            days = _expiration_days(_settings(bucket, lifecycles))
            if not days:
                report(
                    f"The {kind} bucket has no enabled lifecycle expiration: keep objects {minimum} days.", bucket.urn
                )
            elif min(days) < minimum:
                report(
                    f"The {kind} bucket expires objects after {min(days)} days; keep them {minimum} days.", bucket.urn
                )


def _object_lock(args: StackValidationArgs, report) -> None:
    buckets = list(each(args, *BUCKETS))
    locks = list(each(args, *OBJECT_LOCK))
    targets = notification_trail_buckets(args, buckets)
    for bucket in buckets:
        if bucket.urn not in targets:
            continue
        with known():
            enabled = truthy(get(bucket.props, "objectLockEnabled"))
            rules = [get(lock.props, "rule", "defaultRetention") for lock in _settings(bucket, locks)]
            if not enabled or not any(r and get(r, "mode") and (get(r, "days") or get(r, "years")) for r in rules):
                report(
                    "The notification-trail bucket needs object_lock_enabled=True and an Object Lock "
                    "configuration with a default retention.",
                    bucket.urn,
                )


def _trail_protected(args: StackValidationArgs, report) -> None:
    buckets = list(each(args, *BUCKETS))
    evidence = trail_buckets(args, buckets) | notification_trail_buckets(args, buckets)
    for bucket in buckets:
        if bucket.urn in evidence and is_production(args, bucket.urn) and not protected(bucket):
            report("A production trail bucket must be created with protect=True.", bucket.urn)


def _account(resource: PolicyResource) -> str:
    """The account a resource's provider is pinned to ('' when not known)."""
    provider = resource.provider
    if provider is None:
        return ""
    with known():
        accounts = as_list(provider.props.get("allowedAccountIds"))
        if len(accounts) == 1:
            return str(accounts[0])
    return ""


def _trail_separate_account(args: StackValidationArgs, report) -> None:
    buckets = list(each(args, *BUCKETS))
    for writer_type, prop in ((TRAIL, "s3BucketName"), (FIREHOSE, "extendedS3Configuration")):
        for writer in each(args, writer_type):
            with known():
                for bucket in references(writer, prop, buckets):
                    writer_account, bucket_account = _account(writer), _account(bucket)
                    if writer_account and writer_account == bucket_account:
                        report(
                            f"The trail bucket is in the account it records ({bucket_account}); create it "
                            "in the logging account (providers.log_account(...)).",
                            bucket.urn,
                        )


s3_bucket_public_access_block = stack_policy(
    name="s3-bucket-public-access-block",
    description="Every bucket has a public access block with all four settings on.",
    severity=Severity.CRITICAL,
    remediation="Create buckets through components/bucket.py SecureBucket, or add aws.s3.BucketPublicAccessBlock "
    "with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all True.",
    control=Control(security_hub="S3.8", checkov="CKV2_AWS_6", cdk_nag="AwsSolutions-S2"),
    validate=_public_access_block,
)
s3_bucket_encryption = stack_policy(
    name="s3-bucket-encryption",
    description="Every bucket has a server-side encryption configuration.",
    severity=Severity.HIGH,
    remediation="Add aws.s3.BucketServerSideEncryptionConfiguration (SecureBucket does it for you).",
    control=Control(checkov="CKV_AWS_145"),
    validate=_encryption,
)
s3_bucket_kms_encryption = stack_policy(
    name="s3-bucket-kms-encryption",
    description="Buckets are encrypted with a customer-managed KMS key, except ALB, CloudFront and S3 "
    "server access log buckets (whose writers support only SSE-S3).",
    severity=Severity.HIGH,
    remediation="Use SecureBucketArgs(encryption='kms', kms_key_arn=<customer key>); SSE-S3 only for a bucket that "
    "an ALB, CloudFront or S3 server access logging writes its logs to.",
    control=Control(security_hub="S3.17", checkov="CKV_AWS_145"),
    validate=_kms_encryption,
)
s3_bucket_tls_only = stack_policy(
    name="s3-bucket-tls-only-policy",
    description="Every bucket policy denies requests without TLS (aws:SecureTransport = false).",
    severity=Severity.HIGH,
    remediation="Attach a bucket policy with a Deny on s3:* for Principal '*' when aws:SecureTransport is false "
    "(SecureBucket adds it).",
    control=Control(security_hub="S3.5", cdk_nag="AwsSolutions-S10"),
    validate=_tls_only,
)
s3_bucket_log_retention = stack_policy(
    name="s3-bucket-log-retention",
    description="The CloudTrail bucket keeps objects 1 year (365 days), other log buckets 3 months (90 days).",
    severity=Severity.MEDIUM,
    remediation="Set SecureBucketArgs(expire_after_days=...) from the stack's retention config: cloudtrailDays "
    "for the trail bucket, logDays for ALB/CloudFront/flow-log/Config buckets.",
    control=Control(seed="6.3"),
    validate=_log_retention,
    config={
        "cloudtrailDays": ({"type": "integer", "minimum": 1}, 365),
        "logDays": ({"type": "integer", "minimum": 1}, 90),
    },
)
s3_bucket_object_lock_notification_trail = stack_policy(
    name="s3-bucket-object-lock-notification-trail",
    description="The notification-trail bucket (a Firehose destination) has Object Lock with a default retention.",
    severity=Severity.HIGH,
    remediation="Create the trail bucket with SecureBucketArgs(object_lock=ObjectLock(mode='COMPLIANCE', days=...)).",
    control=Control(checkov="CKV_AWS_143"),
    validate=_object_lock,
)
s3_bucket_trail_protected = stack_policy(
    name="s3-bucket-trail-protected",
    description="In production, CloudTrail and notification-trail buckets are Pulumi-protected.",
    severity=Severity.HIGH,
    remediation="Pass SecureBucketArgs(protect=True) for trail buckets when the stack is production.",
    control=Control(seed="6.3"),
    validate=_trail_protected,
    config=PRODUCTION_STACKS_CONFIG,
)

s3_bucket_trail_separate_account = stack_policy(
    name="s3-bucket-trail-separate-account",
    description="CloudTrail and notification-trail buckets live in another account than the one they record.",
    severity=Severity.HIGH,
    remediation="Create the trail buckets with the logging-account provider (providers.log_account(...)).",
    control=Control(seed="1.1, 4.4"),
    validate=_trail_separate_account,
)

POLICIES = [
    s3_bucket_public_access_block,
    s3_bucket_encryption,
    s3_bucket_kms_encryption,
    s3_bucket_tls_only,
    s3_bucket_log_retention,
    s3_bucket_object_lock_notification_trail,
    s3_bucket_trail_protected,
    s3_bucket_trail_separate_account,
]
