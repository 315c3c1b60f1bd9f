"""The notification-trail bucket and its key, in the LOGGING account (seed 1.1: the evidence of every
notification lives apart from the environments). Created with the logging provider (the caller
passes it in ``opts``); the only writer is the environment's Firehose role, admitted cross-account by
the key policy and the bucket policy (an IAM policy in the environment account alone is not enough
across accounts).

Evidence cannot be altered: versioning + Object Lock in COMPLIANCE mode (not even the logging
account's root can shorten it), SSE-KMS with a logging-account key, public access blocked,
TLS-only (SecureBucket), ``protect`` in prod.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components import grants
from components.bucket import ObjectLock, SecureBucket, SecureBucketArgs
from components.kms import KmsKey, KmsKeyArgs

# Where Firehose writes (the delivery stream's prefix and error prefix start with this).
TRAIL_PREFIX = "notification-trail"
# What the writer may do on objects, and on the bucket (Firehose's documented S3 destination actions
# minus reads: the writer never reads evidence back).
WRITER_OBJECT_ACTIONS = ("s3:PutObject", "s3:AbortMultipartUpload")
WRITER_BUCKET_ACTIONS = ("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads")
# Firehose encrypts each object with a data key from the logging-account key (through S3).
WRITER_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")


@dataclass(frozen=True, kw_only=True)
class NotificationTrailArgs:
    name_prefix: str
    logging_account_id: str
    region: str
    writer_role_arn: pulumi.Input[str]  # the environment account's Firehose delivery role
    object_lock_days: int
    expire_after_days: int | None = None
    protect: bool = False


class NotificationTrail(pulumi.ComponentResource):
    key: KmsKey
    bucket: SecureBucket
    bucket_arn: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: NotificationTrailArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:logging:NotificationTrail", name, None, opts)
        writer = {"AWS": args.writer_role_arn}
        self.key = KmsKey(
            f"{name}-key",
            KmsKeyArgs(
                description=f"{args.name_prefix} notification trail (logging account)",
                account_id=args.logging_account_id,
                alias=f"alias/{args.name_prefix}/notification-trail",
                extra_statements=[
                    grants.statement(
                        WRITER_KEY_ACTIONS,
                        "*",
                        sid="EnvironmentFirehoseWritesThroughS3",
                        principals=writer,
                        conditions={"StringEquals": {"kms:ViaService": f"s3.{args.region}.amazonaws.com"}},
                    )
                ],
                protect=args.protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        def writer_statements(bucket_arn: pulumi.Output[str]) -> list[dict[str, Any]]:
            return [
                grants.statement(
                    WRITER_OBJECT_ACTIONS,
                    pulumi.Output.concat(bucket_arn, f"/{TRAIL_PREFIX}*"),
                    sid="EnvironmentFirehoseWritesObjects",
                    principals=writer,
                ),
                grants.statement(
                    WRITER_BUCKET_ACTIONS, bucket_arn, sid="EnvironmentFirehoseSeesBucket", principals=writer
                ),
            ]

        self.bucket = SecureBucket(
            f"{name}-bucket",
            SecureBucketArgs(
                encryption="kms",
                kms_key_arn=self.key.arn,
                versioning=True,
                object_lock=ObjectLock(mode="COMPLIANCE", days=args.object_lock_days),
                expire_after_days=args.expire_after_days,
                policy_statements_for=writer_statements,
                protect=args.protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.bucket_arn = self.bucket.arn
        self.bucket_name = self.bucket.name
        self.key_arn = self.key.arn
        self.register_outputs({"bucket_arn": self.bucket_arn, "bucket_name": self.bucket_name, "key_arn": self.key_arn})

    def writer_role_statements(self) -> list[dict[str, Any]]:
        """The writer role's side of the grant (IAM in the environment account): the same actions the
        bucket and key policies admit it for, on this bucket and key. Cross-account needs both sides."""
        return [
            grants.statement(WRITER_OBJECT_ACTIONS, pulumi.Output.concat(self.bucket_arn, f"/{TRAIL_PREFIX}*")),
            grants.statement(WRITER_BUCKET_ACTIONS, self.bucket_arn),
            grants.statement(WRITER_KEY_ACTIONS, self.key_arn),
        ]
