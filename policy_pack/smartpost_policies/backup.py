"""AWS Backup (seed 4.3): vaults encrypted with a customer key."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, customer_key, get, resource_policy

BACKUP_VAULT = "aws:backup/vault:Vault"


def _backup(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == BACKUP_VAULT and not customer_key(get(args.props, "kmsKeyArn")):
        report("The backup vault is not encrypted with a customer-managed key: set kms_key_arn.")


backup_vault_kms = resource_policy(
    name="backup-vault-kms",
    description="AWS Backup vaults are encrypted with a customer-managed key.",
    severity=Severity.HIGH,
    remediation="Set kms_key_arn=<KmsKey.arn> on the aws.backup.Vault.",
    control=Control(checkov="CKV_AWS_166"),
    validate=_backup,
)
POLICIES = [backup_vault_kms]
