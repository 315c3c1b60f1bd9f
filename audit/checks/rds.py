"""Aurora / RDS clusters: storage encryption, IAM auth, deletion protection (production), backup retention."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from audit.model import AuditContext, Result, evaluate, paginate

RULES = (
    "rds-cluster-storage-encrypted",
    "rds-cluster-iam-authentication",
    "rds-cluster-deletion-protection",
    "rds-cluster-backup-retention",
)
OTHER_ENGINES = ("neptune", "docdb")  # share the DescribeDBClusters API but are not RDS databases


def run(ctx: AuditContext) -> Iterator[Result]:
    minimum = ctx.thresholds.backup_retention_days
    for cluster in paginate(ctx.client("rds"), "describe_db_clusters", "DBClusters"):
        if cluster.get("Engine", "").startswith(OTHER_ENGINES):
            continue
        arn = cluster["DBClusterArn"]
        yield evaluate(RULES[0], arn, _encrypted, ctx.client("kms"), cluster)
        yield evaluate(RULES[1], arn, _flag, cluster, "IAMDatabaseAuthenticationEnabled", "IAM authentication")
        if ctx.thresholds.deletion_protection:
            yield evaluate(RULES[2], arn, _flag, cluster, "DeletionProtection", "deletion protection")
        yield evaluate(RULES[3], arn, _backup, cluster, minimum)


def _encrypted(kms: Any, cluster: dict[str, Any]) -> tuple[bool, str]:
    if not cluster.get("StorageEncrypted"):
        return False, "storage is not encrypted"
    key_id = cluster.get("KmsKeyId") or ""
    if not key_id:
        return False, "storage encrypted, but the cluster names no KMS key"
    manager = kms.describe_key(KeyId=key_id)["KeyMetadata"].get("KeyManager")
    if manager != "CUSTOMER":
        return False, f"storage encrypted with the AWS-managed key {key_id}, not a customer-managed key"
    return True, f"storage encrypted with customer key {key_id}"


def _flag(cluster: dict[str, Any], key: str, what: str) -> tuple[bool, str]:
    return (True, f"{what} on") if cluster.get(key) else (False, f"{what} off")


def _backup(cluster: dict[str, Any], minimum: int) -> tuple[bool, str]:
    days = int(cluster.get("BackupRetentionPeriod") or 0)
    kept = f"backups kept {days} day{'' if days == 1 else 's'}"
    return (True, kept) if days >= minimum else (False, f"{kept}; the minimum is {minimum}")
