"""Runtime configuration and third-party credentials in SSM Parameter Store, as SecureString under a
key of their own. Services read them through ECS ``secrets`` (the execution role is granted exactly
the parameters a service declares), never through plain ``environment`` values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import grants
from components.kms import KmsKey, KmsKeyArgs


@dataclass(frozen=True, kw_only=True)
class ParameterStoreArgs:
    account_id: str
    region: str
    path: str  # hierarchy root, e.g. "/smartpost/dev"
    alias: str  # KMS alias, e.g. "alias/smartpost-dev/parameters"
    runtime: Mapping[str, pulumi.Input[str]]  # non-secret configuration (name -> value)
    secrets: Mapping[str, pulumi.Input[str]]  # third-party credentials (name -> secret Output)
    protect: bool = False


class ParameterStore(pulumi.ComponentResource):
    key: KmsKey
    kms_key_arn: pulumi.Output[str]
    arns: dict[str, pulumi.Output[str]]
    names: dict[str, str]

    def __init__(self, name: str, args: ParameterStoreArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:services:ParameterStore", name, None, opts)
        if not args.path.startswith("/") or args.path.endswith("/"):
            raise pulumi.RunError(f"ParameterStore {name}: path must start and not end with '/', got {args.path!r}")
        self.key = KmsKey(
            f"{name}-kms",
            KmsKeyArgs(
                description=f"SSM parameters under {args.path}",
                account_id=args.account_id,
                alias=args.alias,
                protect=args.protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.kms_key_arn = self.key.arn
        self.arns = {}
        self.names = {}
        entries = [("config", key, value) for key, value in args.runtime.items()]
        entries += [("secrets", key, pulumi.Output.secret(value)) for key, value in args.secrets.items()]
        for folder, key, value in entries:
            full_name = f"{args.path}/{folder}/{key}"
            parameter = aws.ssm.Parameter(
                f"{name}-{folder}-{key}",
                name=full_name,  # a hierarchical path: auto-naming would flatten it
                type="SecureString",
                key_id=self.key.arn,
                value=value,
                tier="Standard",  # 4 KB: enough for an FCM service account JSON and an APNs .p8 key
                description=f"{folder} {key}",
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.names[key] = full_name
            self.arns[key] = parameter.arn
        self.register_outputs({"kms_key_arn": self.kms_key_arn, "arns": self.arns})

    def grant_read(
        self, name: str, role: aws.iam.Role, keys: Sequence[str], *, parent: pulumi.Resource
    ) -> aws.iam.RolePolicy | None:
        """Let ``role`` read exactly ``keys`` (and decrypt them with this store's key)."""
        if not keys:
            return None
        unknown = sorted(set(keys) - set(self.arns))
        if unknown:
            raise pulumi.RunError(f"ParameterStore: no parameters named {unknown}")
        return grants.grant(
            name,
            role,
            [
                grants.statement(grants.SSM_READ, [self.arns[k] for k in sorted(set(keys))]),
                grants.statement(grants.KMS_DECRYPT, self.kms_key_arn),
            ],
            parent=parent,
        )
