"""The environment's pieces in the logging account (seed 1.1, 4.4, 6.3): where audit evidence lands,
out of reach of anyone who can change the environment account.

- the CloudTrail bucket and its own logging-account key, both scoped (``aws:SourceArn``) to this
  environment's trail, kept ``cloudtrail_days`` (1 year);
- the AWS Config delivery bucket (service principal scoped to the environment account), kept
  ``log_days`` (3 months), on a second logging-account key for "every other log".

The trail ARN is built from its explicit name (no dependency on the trail resource, so no cycle
between the bucket policy and the trail that needs it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components import grants
from components.bucket import SecureBucket, SecureBucketArgs, service_delivery_statements
from components.kms import KmsKey, KmsKeyArgs, ServiceUse

CLOUDTRAIL = "cloudtrail.amazonaws.com"
CONFIG = "config.amazonaws.com"


def trail_arn(region: str, account_id: str, trail_name: str) -> str:
    return f"arn:aws:cloudtrail:{region}:{account_id}:trail/{trail_name}"


@dataclass(frozen=True, kw_only=True)
class LoggingAccountArgs:
    name_prefix: str  # "smartpost-dev"
    region: str
    environment_account_id: str  # the account whose trail and recorder write here
    logging_account_id: str
    trail_name: str  # the environment trail's explicit name
    cloudtrail_days: int = 365
    log_days: int = 90
    protect: bool = False


class LoggingAccount(pulumi.ComponentResource):
    """Create with ``providers.log_account()``: every child lands in the logging account."""

    trail_key: KmsKey
    logs_key: KmsKey
    trail_bucket: SecureBucket
    config_bucket: SecureBucket
    trail_arn: str
    trail_bucket_name: pulumi.Output[str]
    trail_bucket_arn: pulumi.Output[str]
    trail_key_arn: pulumi.Output[str]
    config_bucket_name: pulumi.Output[str]
    config_bucket_arn: pulumi.Output[str]
    logs_key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: LoggingAccountArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:audit:LoggingAccount", name, None, opts)
        env_account = args.environment_account_id
        self.trail_arn = trail_arn(args.region, env_account, args.trail_name)
        from_trail = {"StringEquals": {"aws:SourceArn": self.trail_arn}}
        trail_context = {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{env_account}:trail/*"}

        # Key policy per AWS "Configure AWS KMS key policies for CloudTrail", scoped to this trail.
        self.trail_key = KmsKey(
            f"{name}-trail-key",
            KmsKeyArgs(
                description=f"{args.name_prefix} CloudTrail logs (environment account {env_account})",
                account_id=args.logging_account_id,
                alias=f"alias/{args.name_prefix}/cloudtrail",
                services=[
                    ServiceUse(
                        principal=CLOUDTRAIL,
                        actions=("kms:GenerateDataKey*",),
                        conditions={**from_trail, "StringLike": trail_context},
                    )
                ],
                extra_statements=[
                    grants.statement(
                        ("kms:DescribeKey",),
                        "*",
                        sid="CloudTrailDescribesKey",
                        principals={"Service": CLOUDTRAIL},
                        conditions=from_trail,
                    ),
                    # Readers in the logging account (Athena, auditors) decrypt; IAM there decides who.
                    grants.statement(
                        ("kms:Decrypt", "kms:ReEncryptFrom"),
                        "*",
                        sid="LoggingAccountDecryptsTrailLogs",
                        principals={"AWS": "*"},
                        conditions={
                            "StringEquals": {"kms:CallerAccount": args.logging_account_id},
                            "StringLike": trail_context,
                        },
                    ),
                ],
                protect=args.protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.logs_key = KmsKey(
            f"{name}-logs-key",
            KmsKeyArgs(
                description=f"{args.name_prefix} Config snapshots, query results and other logs",
                account_id=args.logging_account_id,
                alias=f"alias/{args.name_prefix}/audit-logs",
                services=[
                    ServiceUse(
                        principal=CONFIG,
                        actions=("kms:Decrypt", "kms:GenerateDataKey"),
                        conditions={"StringEquals": {"aws:SourceAccount": env_account}},
                    )
                ],
                protect=args.protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        # Bucket policies per AWS "Amazon S3 bucket policy for CloudTrail" and "Permissions for the
        # Amazon S3 bucket for the AWS Config delivery channel": only this trail / this account writes.
        def trail_writes(bucket_arn: pulumi.Output[str]) -> list[dict[str, Any]]:
            return service_delivery_statements(
                bucket_arn,
                service=CLOUDTRAIL,
                sid="CloudTrail",
                key_prefix=f"AWSLogs/{env_account}/*",
                conditions=from_trail["StringEquals"],
            )

        from_account = {"StringEquals": {"aws:SourceAccount": env_account}}

        def config_writes(bucket_arn: pulumi.Output[str]) -> list[dict[str, Any]]:
            return service_delivery_statements(
                bucket_arn,
                service=CONFIG,
                sid="Config",
                key_prefix=f"AWSLogs/{env_account}/Config/*",
                conditions=from_account["StringEquals"],
                check_actions=("s3:GetBucketAcl", "s3:ListBucket"),
            )

        self.trail_bucket = SecureBucket(
            f"{name}-trail",
            SecureBucketArgs(
                kms_key_arn=self.trail_key.arn,
                expire_after_days=args.cloudtrail_days,
                policy_statements_for=trail_writes,
                protect=args.protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.config_bucket = SecureBucket(
            f"{name}-config",
            SecureBucketArgs(
                kms_key_arn=self.logs_key.arn,
                expire_after_days=args.log_days,
                policy_statements_for=config_writes,
                protect=args.protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.trail_bucket_name = self.trail_bucket.name
        self.trail_bucket_arn = self.trail_bucket.arn
        self.trail_key_arn = self.trail_key.arn
        self.config_bucket_name = self.config_bucket.name
        self.config_bucket_arn = self.config_bucket.arn
        self.logs_key_arn = self.logs_key.arn
        self.register_outputs(
            {
                "trail_bucket_name": self.trail_bucket_name,
                "trail_key_arn": self.trail_key_arn,
                "config_bucket_name": self.config_bucket_name,
                "logs_key_arn": self.logs_key_arn,
            }
        )
