"""The audit's limits come from the stack config (smartpost:retention, smartpost:database, environment)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from audit.config import load_audit_config
from audit.session import AuditError

PROJECT_DIR = Path(__file__).resolve().parent.parent


def test_production_requires_deletion_protection_and_the_configured_backup_days() -> None:
    prod = load_audit_config("prod")
    thresholds = prod.thresholds()

    assert prod.accounts.environment.account_id == "333333333333"
    assert thresholds.deletion_protection is True
    assert thresholds.backup_retention_days == prod.database.backup_retention_days >= 7
    assert (thresholds.log_days, thresholds.cloudtrail_log_days) == (90, 365)


def test_non_production_stacks_do_not_require_deletion_protection() -> None:
    assert load_audit_config("dev").thresholds().deletion_protection is False


def stack_with(tmp_path: Path, stack: str, **changes: object) -> Path:
    shutil.copy(PROJECT_DIR / f"Pulumi.{stack}.yaml", tmp_path / f"Pulumi.{stack}.yaml")
    document = yaml.safe_load((tmp_path / f"Pulumi.{stack}.yaml").read_text())
    document["config"].update({f"smartpost:{key}": value for key, value in changes.items()})
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(document))
    return tmp_path


def test_retention_config_sets_the_log_limits(tmp_path: Path) -> None:
    project = stack_with(tmp_path, "prod", retention={"logDays": 180, "cloudtrailDays": 400})

    thresholds = load_audit_config("prod", project).thresholds()

    assert (thresholds.log_days, thresholds.cloudtrail_log_days) == (180, 400)


def test_invalid_config_is_one_error_naming_each_key(tmp_path: Path) -> None:
    project = stack_with(
        tmp_path, "prod", retention={"logDays": 91}, accounts={"environment": {}}, notifications={"noSuchSetting": 1}
    )

    with pytest.raises(AuditError) as error:
        load_audit_config("prod", project)

    assert "smartpost:retention.logDays" in str(error.value)
    assert "smartpost:accounts.environment.accountId is required" in str(error.value)
    assert "smartpost:notifications.noSuchSetting is not a known setting" in str(error.value)
