"""The limits the audit applies, from ``Pulumi.<stack>.yaml`` read and validated exactly as the program
reads it (``stack_config.parse_stack_config``): one config reader, the same defaults and rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi

from audit.model import Thresholds
from audit.session import AuditError
from offline.runner import ProgramError, read_stack_config
from stack_config import StackConfig, parse_stack_config
from stack_config.accounts import AccountsConfig
from stack_config.database import DatabaseConfig
from stack_config.retention import RetentionConfig

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class AuditConfig:
    stack: StackConfig

    @property
    def environment(self) -> str:
        return self.stack.environment

    @property
    def accounts(self) -> AccountsConfig:
        return self.stack.accounts

    @property
    def retention(self) -> RetentionConfig:
        return self.stack.retention

    @property
    def database(self) -> DatabaseConfig:
        return self.stack.database

    @property
    def is_production(self) -> bool:
        return self.stack.is_production

    def thresholds(self) -> Thresholds:
        return Thresholds(
            log_days=self.retention.log_days,
            cloudtrail_log_days=self.retention.cloudtrail_days,
            backup_retention_days=self.database.backup_retention_days,
            deletion_protection=self.is_production,
        )


def load_audit_config(stack: str, project_dir: Path = PROJECT_DIR) -> AuditConfig:
    """Read and validate the stack's config, or raise one AuditError naming every bad key."""
    try:
        return AuditConfig(parse_stack_config(read_stack_config(stack, project_dir).values))
    except ProgramError as err:
        raise AuditError(err.message) from err
    except pulumi.RunError as err:
        raise AuditError(f"Pulumi.{stack}.yaml: {err}") from err
