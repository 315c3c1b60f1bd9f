"""The parts of ``Pulumi.<stack>.yaml`` the audit needs: accounts, retention and database limits.

Each section is validated with the program's own models (``stack_config``), so the audit and the
program agree on defaults and rules; sections the audit does not read are left alone, so a typo in,
say, the notifications config never blocks an audit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from audit.model import Thresholds
from audit.session import AuditError
from offline.runner import ProgramError, read_stack_config
from stack_config import PROJECT, config_key, describe_error
from stack_config.accounts import AccountsConfig
from stack_config.database import DatabaseConfig
from stack_config.retention import RetentionConfig

PROJECT_DIR = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("dev", "uat", "prod")


@dataclass(frozen=True)
class AuditConfig:
    environment: str
    accounts: AccountsConfig
    retention: RetentionConfig
    database: DatabaseConfig

    @property
    def is_production(self) -> bool:
        return self.environment == "prod"

    def thresholds(self) -> Thresholds:
        return Thresholds(
            log_days=self.retention.log_days,
            cloudtrail_log_days=self.retention.cloudtrail_days,
            backup_retention_days=self.database.backup_retention_days,
            deletion_protection=self.is_production,
        )


def _section(
    values: dict[str, str], section: str, model: type[BaseModel], environment: str, problems: list[str]
) -> Any:
    raw = values.get(f"{PROJECT}:{section}")
    try:
        data = json.loads(raw) if raw is not None else {}
        return model.model_validate(data, context={"environment": environment})
    except json.JSONDecodeError as err:
        problems.append(f"{PROJECT}:{section} is not valid structured config: {err}")
    except ValidationError as err:
        problems.extend(f"{config_key((section, *e['loc']))} {describe_error(e)}" for e in err.errors())
    return None


def load_audit_config(stack: str, project_dir: Path = PROJECT_DIR) -> AuditConfig:
    """Read and validate the stack's accounts, retention and database sections, or raise one AuditError."""
    try:
        values = read_stack_config(stack, project_dir).values
    except ProgramError as err:
        raise AuditError(err.message) from err
    problems: list[str] = []
    environment = values.get(f"{PROJECT}:environment", "")
    if environment not in ENVIRONMENTS:
        problems.append(f"{PROJECT}:environment must be one of {', '.join(ENVIRONMENTS)}, got {environment!r}")
    accounts = _section(values, "accounts", AccountsConfig, environment, problems)
    retention = _section(values, "retention", RetentionConfig, environment, problems)
    database = _section(values, "database", DatabaseConfig, environment, problems)
    if problems:
        raise AuditError(f"Pulumi.{stack}.yaml is invalid: {'; '.join(problems)}")
    return AuditConfig(environment, accounts, retention, database)
