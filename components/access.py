"""People's access to the environment account through IAM Identity Center (seed 2.2, 2.3, 6.5).

Created only when the stack has a management-account provider (Identity Center lives there):
- ``administrator`` (AdministratorAccess, 1-hour sessions): the administrators group, whose members
  are the named people allowed superuser work (CTO and product owner), in every environment;
- ``developer`` (PowerUserAccess, no IAM): the developers group, in the dev account only;
- ``read-only`` (ReadOnlyAccess): the operators group, in uat and prod (release and incident work).
MFA is an Identity Center setting, not an API resource: see docs/runbook.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from stack_config.operations import IdentityCenterConfig

Environment = Literal["dev", "uat", "prod"]

PERMISSION_SETS: dict[str, tuple[str, str]] = {
    # role: (managed policy, description)
    "administrator": ("arn:aws:iam::aws:policy/AdministratorAccess", "Superuser work by named people only"),
    "developer": ("arn:aws:iam::aws:policy/PowerUserAccess", "Development, no IAM changes (dev account only)"),
    "read-only": ("arn:aws:iam::aws:policy/ReadOnlyAccess", "Investigation and release checks"),
}


def assignments_for(environment: Environment, groups: IdentityCenterConfig) -> dict[str, tuple[str, str]]:
    """Which group gets which permission set in this environment's account: {label: (set, group id)}."""
    result = {"administrators": ("administrator", groups.administrators_group_id)}
    if environment == "dev":
        result["developers"] = ("developer", groups.developers_group_id)
    else:
        result["operators"] = ("read-only", groups.operators_group_id)
    return result


@dataclass(frozen=True, kw_only=True)
class AccessArgs:
    environment: Environment
    name_prefix: str
    account_id: str  # the environment account the assignments target
    groups: IdentityCenterConfig


class IdentityCenterAccess(pulumi.ComponentResource):
    """Create with the management provider (``ResourceOptions(provider=providers.management)``)."""

    permission_sets: dict[str, aws.ssoadmin.PermissionSet]
    assignments: dict[str, aws.ssoadmin.AccountAssignment]

    def __init__(
        self,
        name: str,
        args: AccessArgs,
        *,
        provider: aws.Provider,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            "smartpost:access:IdentityCenterAccess",
            name,
            None,
            pulumi.ResourceOptions.merge(pulumi.ResourceOptions(provider=provider), opts),
        )
        child = pulumi.ResourceOptions(parent=self)
        instances = aws.ssoadmin.get_instances_output(opts=pulumi.InvokeOutputOptions(provider=provider, parent=self))
        instance_arn = instances.arns[0]
        label = args.name_prefix.removeprefix("smartpost-").capitalize()
        session = {"administrator": args.groups.administrator_session}

        wanted = assignments_for(args.environment, args.groups)
        self.permission_sets = {}
        for role, (policy_arn, description) in PERMISSION_SETS.items():
            if role not in {r for r, _ in wanted.values()}:
                continue  # e.g. no developer set outside dev
            permission_set = aws.ssoadmin.PermissionSet(
                f"{name}-{role}",
                name=f"SmartPOST-{label}-{role.title().replace('-', '')}"[:32],
                description=description,
                instance_arn=instance_arn,
                session_duration=session.get(role, args.groups.session),
                opts=child,
            )
            aws.ssoadmin.ManagedPolicyAttachment(
                f"{name}-{role}-policy",
                instance_arn=instance_arn,
                permission_set_arn=permission_set.arn,
                managed_policy_arn=policy_arn,
                opts=child,
            )
            self.permission_sets[role] = permission_set

        self.assignments = {}
        for who, (role, group_id) in wanted.items():
            self.assignments[who] = aws.ssoadmin.AccountAssignment(
                f"{name}-{who}",
                instance_arn=instance_arn,
                permission_set_arn=self.permission_sets[role].arn,
                principal_type="GROUP",
                principal_id=group_id,
                target_type="AWS_ACCOUNT",
                target_id=args.account_id,
                opts=child,
            )
        self.register_outputs({})
