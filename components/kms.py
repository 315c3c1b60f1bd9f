"""A customer-managed KMS key: rotation on, a deletion window, an alias, and a key policy that names
the AWS services and principals that use it. Every tier takes its keys from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components import grants


@dataclass(frozen=True, kw_only=True)
class ServiceUse:
    """An AWS service principal allowed to use the key, with the conditions that scope it."""

    principal: str  # e.g. "logs.ap-northeast-1.amazonaws.com"
    actions: Sequence[str] = grants.KMS_ENCRYPT_DECRYPT
    conditions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class KmsKeyArgs:
    description: str
    account_id: str  # the account that owns (and administers) the key
    alias: str  # "alias/..." name
    services: Sequence[ServiceUse] = ()
    users: Sequence[pulumi.Input[str]] = ()  # principal ARNs that may encrypt and decrypt
    extra_statements: Sequence[Mapping[str, Any]] = ()  # e.g. CloudTrail's documented statements
    deletion_window_days: int = 30
    protect: bool = False  # prod: Pulumi refuses to delete the key
    region: str | None = None  # pulumi-aws v7 per-resource region (CloudFront's WAF logs: us-east-1); None = provider's


class KmsKey(pulumi.ComponentResource):
    key: aws.kms.Key
    arn: pulumi.Output[str]
    key_id: pulumi.Output[str]
    alias_name: str

    def __init__(self, name: str, args: KmsKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:security:KmsKey", name, None, opts)
        if not 7 <= args.deletion_window_days <= 30:
            raise pulumi.RunError(f"KmsKey {name}: deletion_window_days must be 7-30, got {args.deletion_window_days}")
        root = f"arn:aws:iam::{args.account_id}:root"
        statements: list[Mapping[str, Any]] = [
            # Without this the key becomes unmanageable; IAM policies in the account then decide.
            grants.statement(grants.KMS_KEY_ADMIN, "*", sid="AccountRootAdministers", principals={"AWS": root}),
        ]
        for use in args.services:
            statements.append(
                grants.statement(
                    use.actions,
                    "*",
                    sid=f"Service{use.principal.split('.')[0].title()}",
                    principals={"Service": use.principal},
                    conditions=use.conditions,
                )
            )
        if args.users:
            statements.append(
                grants.statement(
                    grants.KMS_ENCRYPT_DECRYPT, "*", sid="NamedUsers", principals={"AWS": list(args.users)}
                )
            )
        statements.extend(args.extra_statements)

        self.alias_name = args.alias
        self.key = aws.kms.Key(
            f"{name}-key",
            description=args.description,
            enable_key_rotation=True,
            deletion_window_in_days=args.deletion_window_days,
            policy=grants.policy_document(*statements),
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        aws.kms.Alias(
            f"{name}-alias",
            name=args.alias,
            target_key_id=self.key.key_id,
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.key.arn
        self.key_id = self.key.key_id
        self.register_outputs({"arn": self.arn, "key_id": self.key_id})

    def grant_decrypt(self, name: str, role: aws.iam.Role, *, parent: pulumi.Resource) -> aws.iam.RolePolicy:
        return grants.grant(name, role, [grants.statement(grants.KMS_DECRYPT, self.arn)], parent=parent)

    def grant_encrypt_decrypt(self, name: str, role: aws.iam.Role, *, parent: pulumi.Resource) -> aws.iam.RolePolicy:
        return grants.grant(name, role, [grants.statement(grants.KMS_ENCRYPT_DECRYPT, self.arn)], parent=parent)


def logs_service(region: str, account_id: str) -> ServiceUse:
    """CloudWatch Logs may use the key only for log groups in this account and region."""
    return ServiceUse(
        principal=f"logs.{region}.amazonaws.com",
        actions=("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
        conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:*"}},
    )
