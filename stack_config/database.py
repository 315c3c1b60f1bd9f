"""`smartpost:database`: the Aurora PostgreSQL cluster (data tier)."""

from __future__ import annotations

from stack_config.base import ConfigModel


class DatabaseConfig(ConfigModel):
    engine_version: str = "16.6"
