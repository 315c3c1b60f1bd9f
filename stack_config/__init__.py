"""The stack's config: one validated model, read once in ``__main__.py`` and passed down.

Each section is one Pulumi config key holding an object (``smartpost:network``, ...), one module here.
Anything wrong (bad value, wrong type, missing or unknown key) becomes one ``pulumi.RunError`` that
names every offending key, raised before a single resource is registered.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import Field, ValidationError, model_validator

from stack_config.accounts import AccountAccess, AccountsConfig
from stack_config.base import ConfigModel
from stack_config.database import DatabaseConfig
from stack_config.frontend import FrontendConfig
from stack_config.network import NetworkConfig
from stack_config.notifications import NotificationsConfig
from stack_config.operations import OperationsConfig
from stack_config.retention import RetentionConfig
from stack_config.secrets import PROJECT, SECRET_KEYS
from stack_config.services import ServicesConfig

__all__ = [
    "PROJECT",
    "SECRET_KEYS",
    "AccountAccess",
    "AccountsConfig",
    "NetworkConfig",
    "StackConfig",
    "StackSecrets",
    "config_key",
    "describe_error",
    "load_stack_config",
    "load_stack_secrets",
    "parse_stack_config",
]


class StackConfig(ConfigModel):
    """The whole stack config. Field names are the config keys (camelCase in YAML)."""

    environment: Literal["dev", "uat", "prod"]
    accounts: AccountsConfig
    network: NetworkConfig
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    database: DatabaseConfig  # required: each stack states its sizing and retention
    services: ServicesConfig  # required: the ALB needs its certificate, every stack lists its services
    notifications: NotificationsConfig  # required: the sender address and the APNs identity are per stack
    frontend: FrontendConfig  # the panel needs its domain: every stack sets it
    operations: OperationsConfig = Field(default_factory=OperationsConfig)
    tags: dict[str, str] = Field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.environment == "prod"

    @model_validator(mode="after")
    def _services_placement(self) -> StackConfig:
        problems = self.services.placement_problems(self.accounts.environment.account_id, self.accounts.region)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _identity_center_with_management(self) -> StackConfig:
        if self.accounts.management is not None and self.operations.identity_center is None:
            raise ValueError(
                "smartpost:operations.identityCenter is required when smartpost:accounts.management is set"
            )
        return self


def config_key(loc: tuple[Any, ...]) -> str:
    """('network', 'publicSubnets', 0) -> 'smartpost:network.publicSubnets[0]'."""
    key = f"{PROJECT}:{loc[0]}" if loc else PROJECT
    for part in loc[1:]:
        key += f"[{part}]" if isinstance(part, int) else f".{part}"
    return key


def describe_error(error: Any) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "missing":
        return "is required but not set"
    if kind == "extra_forbidden":
        return "is not a known setting (check its spelling)"
    if kind == "literal_error":
        return f"{msg.replace('Input should be', 'must be')}, got {error.get('input')!r}"
    return (
        f"{msg.removeprefix('Value error, ')} (got {error.get('input')!r})"
        if kind != "value_error"
        else msg.removeprefix("Value error, ")
    )


def parse_stack_config(raw: dict[str, str]) -> StackConfig:
    """Validate raw config (``{"smartpost:network": "<json>", ...}``) or raise one RunError naming every key."""
    problems: list[str] = []
    sections: dict[str, Any] = {}
    known = set(StackConfig.model_fields) | {f.alias for f in StackConfig.model_fields.values() if f.alias}
    for full_key, value in sorted(raw.items()):
        namespace, _, key = full_key.partition(":")
        if namespace != PROJECT or key in SECRET_KEYS:
            continue
        if key not in known:
            problems.append(f"{full_key} is not a known setting (known: {', '.join(sorted(known))})")
            continue
        try:
            sections[key] = json.loads(value) if isinstance(value, str) and value[:1] in "{[" else value
        except json.JSONDecodeError as err:
            problems.append(f"{full_key} is not valid structured config: {err}")
    if not problems:
        try:
            # Sections may check environment-specific rules (prod minimums) through the context.
            return StackConfig.model_validate(sections, context={"environment": sections.get("environment")})
        except ValidationError as err:
            problems.extend(f"{config_key(e['loc'])} {describe_error(e)}" for e in err.errors())
    raise pulumi.RunError("invalid stack config:\n  - " + "\n  - ".join(problems))


def _all_raw_config() -> dict[str, str]:
    """Every config value the engine handed the program (explicitly set, or via PULUMI_CONFIG)."""
    merged: dict[str, str] = dict(runtime_config.get_config_env())
    merged.update(runtime_config.CONFIG.get())
    return merged


def load_stack_config() -> StackConfig:
    """Read and validate the current stack's config. Call once, at the top of the program."""
    return parse_stack_config(_all_raw_config())


class StackSecrets:
    """Third-party credentials from secret config, as secret Outputs (never plain values)."""

    def __init__(self, values: dict[str, pulumi.Output[str]]) -> None:
        self._values = values

    def __getitem__(self, key: str) -> pulumi.Output[str]:
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._values)

    def as_dict(self) -> dict[str, pulumi.Output[str]]:
        return dict(self._values)


def load_stack_secrets() -> StackSecrets:
    config = pulumi.Config(PROJECT)
    missing = [key for key in SECRET_KEYS if config.get(key) is None]
    if missing:
        raise pulumi.RunError(
            "missing secret stack config: "
            + ", ".join(f"{PROJECT}:{k}" for k in missing)
            + " (set each with `pulumi config set --secret <key> <value>`)"
        )
    return StackSecrets({key: config.require_secret(key) for key in SECRET_KEYS})
