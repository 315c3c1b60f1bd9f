"""`smartpost:operations`: audit trail, security services, alerting, observability and access."""

from __future__ import annotations

from stack_config.base import ConfigModel


class OperationsConfig(ConfigModel):
    pass
