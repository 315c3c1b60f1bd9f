"""AWS Backup for the data tier: a KMS-encrypted vault, a daily plan and a selection with its own role.

Aurora keeps its own automated backups (point-in-time recovery within ``backupRetentionDays``); this
plan adds daily recovery points kept ``backupPlan.retentionDays`` in a vault, managed apart from
the cluster (seed 6.4; restore procedures in docs/database.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import grants
from stack_config.database import BackupPlanConfig

# AWS managed policies written for exactly this role (backup and restore of the selected resources).
BACKUP_SERVICE_POLICIES = {
    "backup": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "restore": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
}

# Denied on the prod vault to every principal: recovery points leave only by their lifecycle.
RECOVERY_POINT_TAMPERING = ("backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle")


@dataclass(frozen=True, kw_only=True)
class AuroraBackupArgs:
    config: BackupPlanConfig
    account_id: str
    kms_key_arn: pulumi.Input[str]  # the vault's key
    resource_arns: Sequence[pulumi.Input[str]]  # what the plan backs up
    production: bool = False  # prod: nobody deletes or shortens a recovery point; only expiry removes it


class AuroraBackup(pulumi.ComponentResource):
    vault: aws.backup.Vault
    plan: aws.backup.Plan
    selection: aws.backup.Selection
    role: aws.iam.Role

    def __init__(self, name: str, args: AuroraBackupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:data:AuroraBackup", name, None, opts)
        cfg = args.config
        child = pulumi.ResourceOptions(parent=self)

        self.vault = aws.backup.Vault(f"{name}-vault", kms_key_arn=args.kms_key_arn, opts=child)
        if args.production:
            aws.backup.VaultPolicy(
                f"{name}-vault-policy",
                backup_vault_name=self.vault.name,
                policy=grants.policy_document(
                    grants.statement(
                        RECOVERY_POINT_TAMPERING,
                        "*",
                        effect="Deny",
                        sid="NoManualDeletionOfRecoveryPoints",
                        principals={"AWS": "*"},
                    )
                ),
                opts=child,
            )
        self.plan = aws.backup.Plan(
            f"{name}-plan",
            rules=[
                aws.backup.PlanRuleArgs(
                    rule_name="daily",
                    target_vault_name=self.vault.name,
                    schedule=cfg.schedule,
                    schedule_expression_timezone="Etc/UTC",
                    start_window=cfg.start_window_minutes,
                    completion_window=cfg.completion_window_minutes,
                    lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=cfg.retention_days),
                    recovery_point_tags={"smartpost:backup": "daily"},
                )
            ],
            opts=child,
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            description="AWS Backup: back up and restore the Aurora cluster",
            assume_role_policy=grants.assume_role_policy("backup.amazonaws.com", source_account=args.account_id),
            opts=child,
        )
        attachments = [
            aws.iam.RolePolicyAttachment(f"{name}-role-{use}", role=self.role.name, policy_arn=arn, opts=child)
            for use, arn in BACKUP_SERVICE_POLICIES.items()
        ]
        self.selection = aws.backup.Selection(
            f"{name}-selection",
            plan_id=self.plan.id,
            iam_role_arn=self.role.arn,
            resources=list(args.resource_arns),
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments),
        )
        self.register_outputs({"vault_arn": self.vault.arn, "plan_id": self.plan.id, "role_arn": self.role.arn})
