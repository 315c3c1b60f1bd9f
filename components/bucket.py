"""A private S3 bucket, secure by default (CDK's ``Bucket`` with the defaults it should have had):
full public access block, SSE (KMS with a customer key, or SSE-S3 where the writing service allows
nothing else), versioning, bucket-owner-enforced ownership, a TLS-only bucket policy, optional
expiry and Object Lock. Access is granted with ``grant_*`` methods, never hand-written JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pulumi
import pulumi_aws as aws

from components import grants


@dataclass(frozen=True, kw_only=True)
class ObjectLock:
    mode: Literal["COMPLIANCE", "GOVERNANCE"] = "COMPLIANCE"
    days: int = 365


def service_delivery_statements(
    bucket_arn: pulumi.Output[str],
    *,
    service: str,
    sid: str,
    key_prefix: str,
    conditions: Mapping[str, Any],
    check_actions: Sequence[str] = ("s3:GetBucketAcl",),
) -> list[dict[str, Any]]:
    """Bucket-policy statements for an AWS service that delivers logs into ``key_prefix`` (CloudTrail,
    AWS Config): it may check the bucket's ACL and put objects owned by the bucket owner, under
    ``conditions`` (an ``aws:SourceArn`` / ``aws:SourceAccount`` StringEquals) and nothing else."""
    return [
        grants.statement(
            check_actions,
            bucket_arn,
            sid=f"{sid}Check",
            principals={"Service": service},
            conditions={"StringEquals": dict(conditions)},
        ),
        grants.statement(
            ("s3:PutObject",),
            pulumi.Output.concat(bucket_arn, "/", key_prefix),
            sid=f"{sid}Write",
            principals={"Service": service},
            conditions={"StringEquals": {**conditions, "s3:x-amz-acl": "bucket-owner-full-control"}},
        ),
    ]


@dataclass(frozen=True, kw_only=True)
class SecureBucketArgs:
    # "kms" needs kms_key_arn. "s3" (SSE-S3) only where the writer supports nothing else (ALB access logs).
    encryption: Literal["kms", "s3"] = "kms"
    kms_key_arn: pulumi.Input[str] | None = None
    versioning: bool = True
    expire_after_days: int | None = None  # log buckets: 90 (CloudTrail's: 365)
    object_lock: ObjectLock | None = None
    # Extra bucket policy statements (service principals, cross-account writers). The TLS-only deny is always added.
    policy_statements: Sequence[Mapping[str, Any]] = ()
    # Statements that name the bucket itself (service writers): called with the bucket's ARN.
    policy_statements_for: Callable[[pulumi.Output[str]], Sequence[Mapping[str, Any]]] | None = None
    # "BucketOwnerEnforced" (ACLs off) unless a log writer needs ACLs (CloudFront standard logs).
    object_ownership: Literal["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"] = "BucketOwnerEnforced"
    force_destroy: bool = False
    protect: bool = False
    # A fixed physical name, only where something outside the program must know it (the Pulumi state bucket).
    bucket_name: str | None = None
    region: str | None = None  # pulumi-aws v7 per-resource region; None = the provider's


class SecureBucket(pulumi.ComponentResource):
    bucket: aws.s3.Bucket
    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    kms_key_arn: pulumi.Input[str] | None
    policy: aws.s3.BucketPolicy

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:storage:SecureBucket", name, None, opts)
        if args.encryption == "kms" and args.kms_key_arn is None:
            raise pulumi.RunError(f"SecureBucket {name}: encryption='kms' needs kms_key_arn")
        if args.object_lock and not args.versioning:
            raise pulumi.RunError(f"SecureBucket {name}: Object Lock needs versioning")
        child = pulumi.ResourceOptions(parent=self)
        self.kms_key_arn = args.kms_key_arn

        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=args.bucket_name,
            force_destroy=args.force_destroy,
            object_lock_enabled=True if args.object_lock else None,
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.name = self.bucket.bucket
        self.arn = self.bucket.arn
        public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            region=args.region,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=self.bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership=args.object_ownership),
            region=args.region,
            opts=child,
        )
        sse = (
            aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="aws:kms", kms_master_key_id=args.kms_key_arn
            )
            if args.encryption == "kms"
            else aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="AES256"
            )
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=self.bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=sse, bucket_key_enabled=args.encryption == "kms"
                )
            ],
            region=args.region,
            opts=child,
        )
        if args.versioning:
            aws.s3.BucketVersioning(
                f"{name}-versioning",
                bucket=self.bucket.id,
                versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
                region=args.region,
                opts=child,
            )
        if args.expire_after_days is not None:
            aws.s3.BucketLifecycleConfiguration(
                f"{name}-lifecycle",
                bucket=self.bucket.id,
                rules=[
                    aws.s3.BucketLifecycleConfigurationRuleArgs(
                        id=f"expire-after-{args.expire_after_days}-days",
                        status="Enabled",
                        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                        expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=args.expire_after_days),
                        noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                            noncurrent_days=args.expire_after_days
                        ),
                        abort_incomplete_multipart_upload=(
                            aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                                days_after_initiation=7
                            )
                        ),
                    )
                ],
                region=args.region,
                opts=child,
            )
        if args.object_lock:
            aws.s3.BucketObjectLockConfiguration(
                f"{name}-object-lock",
                bucket=self.bucket.id,
                rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                    default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                        mode=args.object_lock.mode, days=args.object_lock.days
                    )
                ),
                region=args.region,
                opts=child,
            )

        self._statements: list[Mapping[str, Any]] = [self._deny_insecure_transport(), *args.policy_statements]
        if args.policy_statements_for is not None:
            self._statements.extend(args.policy_statements_for(self.bucket.arn))
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=self.bucket.id,
            policy=grants.policy_document(*self._statements),
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access_block]),
        )
        self.register_outputs({"name": self.name, "arn": self.arn})

    def _deny_insecure_transport(self) -> dict[str, Any]:
        return grants.statement(
            ("s3:*",),
            [self.bucket.arn, pulumi.Output.concat(self.bucket.arn, "/*")],
            effect="Deny",
            sid="DenyInsecureTransport",
            principals={"AWS": "*"},
            conditions={"Bool": {"aws:SecureTransport": "false"}},
        )

    # -- grants (same-account IAM; the bucket's key comes along) ------------------------------
    def objects_arn(self, prefix: str = "*") -> pulumi.Output[str]:
        return pulumi.Output.concat(self.bucket.arn, "/", prefix)

    def access_statements(
        self, *, write: bool = False, delete: bool = False, prefix: str = "*"
    ) -> list[dict[str, Any]]:
        """IAM statements to read (and optionally write / delete) objects under ``prefix``, with the
        bucket's KMS key actions that go with them. For roles whose policy is assembled elsewhere."""
        actions = [*grants.S3_READ, *(grants.S3_WRITE if write else ()), *(grants.S3_DELETE if delete else ())]
        statements = [grants.statement(actions, [self.bucket.arn, self.objects_arn(prefix)])]
        if self.kms_key_arn is not None:
            kms_actions = grants.KMS_ENCRYPT_DECRYPT if write else grants.KMS_DECRYPT
            statements.append(grants.statement(kms_actions, self.kms_key_arn))
        return statements

    def grant_read(
        self, name: str, role: aws.iam.Role, *, parent: pulumi.Resource, prefix: str = "*"
    ) -> aws.iam.RolePolicy:
        return grants.grant(name, role, self.access_statements(prefix=prefix), parent=parent)

    def grant_read_write(
        self, name: str, role: aws.iam.Role, *, parent: pulumi.Resource, prefix: str = "*", delete: bool = False
    ) -> aws.iam.RolePolicy:
        return grants.grant(name, role, self.access_statements(write=True, delete=delete, prefix=prefix), parent=parent)
