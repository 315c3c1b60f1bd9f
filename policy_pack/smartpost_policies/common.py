"""How every SmartPOST policy is declared: a name, the desired state, severity, remediation, the
matching public control IDs (../shared CONTROLS.md), and config with defaults the code applies itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

DOCS = "https://docs.aws.amazon.com/securityhub/latest/userguide/"
FSBP = "AWS Foundational Security Best Practices"

# Config every policy accepts: which stacks count as production (decided from the resource URN).
PRODUCTION_STACKS_DEFAULT = ["prod"]


@dataclass(frozen=True)
class Control:
    """Public control IDs a rule matches, so a finding reads the same in the pack, Security Hub and Checkov."""

    security_hub: str | None = None  # e.g. "S3.8"
    checkov: str | None = None  # e.g. "CKV_AWS_53"
    cdk_nag: str | None = None  # e.g. "AwsSolutions-S2"

    def tags(self) -> list[str]:
        tags = []
        if self.security_hub:
            tags.append(f"securityhub:{self.security_hub}")
        if self.checkov:
            tags.append(f"checkov:{self.checkov}")
        if self.cdk_nag:
            tags.append(f"cdk-nag:{self.cdk_nag}")
        return tags

    def url(self) -> str:
        if not self.security_hub:
            return "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html"
        service = self.security_hub.split(".")[0].lower()
        return f"{DOCS}{service}-controls.html#{service}-{self.security_hub.split('.')[1]}"


def _schema(config: Mapping[str, tuple[dict[str, Any], Any]] | None) -> PolicyConfigSchema | None:
    if not config:
        return None
    return PolicyConfigSchema(properties={k: {**spec, "default": default} for k, (spec, default) in config.items()})


def _common(control: Control) -> dict[str, Any]:
    return {
        "framework": PolicyComplianceFramework(
            name=FSBP, reference=control.security_hub or "", specification=control.checkov or ""
        ),
        "tags": control.tags(),
        "url": control.url(),
    }


def resource_policy(
    *,
    name: str,
    description: str,
    severity: Severity,
    remediation: str,
    control: Control,
    validate: Callable[[ResourceValidationArgs, Callable[..., None]], None],
    config: Mapping[str, tuple[dict[str, Any], Any]] | None = None,
    enforcement_level: EnforcementLevel = EnforcementLevel.MANDATORY,
) -> ResourceValidationPolicy:
    """A resource policy. ``config`` maps a property to (JSON schema, default)."""
    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=enforcement_level,
        severity=severity,
        remediation_steps=remediation,
        config_schema=_schema(config),
        **_common(control),
    )


def stack_policy(
    *,
    name: str,
    description: str,
    severity: Severity,
    remediation: str,
    control: Control,
    validate: Callable[[StackValidationArgs, Callable[..., None]], None],
    config: Mapping[str, tuple[dict[str, Any], Any]] | None = None,
    enforcement_level: EnforcementLevel = EnforcementLevel.MANDATORY,
) -> StackValidationPolicy:
    return StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=enforcement_level,
        severity=severity,
        remediation_steps=remediation,
        config_schema=_schema(config),
        **_common(control),
    )


def config_value(args: ResourceValidationArgs | StackValidationArgs, key: str, default: Any) -> Any:
    """The policy's config value, or its default: the Python SDK does not apply schema defaults itself."""
    config = args.get_config() if hasattr(args, "get_config") else None
    if config and key in config and config[key] is not None:
        return config[key]
    return default


def stack_of(urn: str) -> str:
    """'urn:pulumi:prod::smartpost::type::name' -> 'prod'."""
    parts = urn.split(":")
    return parts[2] if len(parts) > 3 else ""


def is_production(args: ResourceValidationArgs | StackValidationArgs, urn: str) -> bool:
    return stack_of(urn) in config_value(args, "productionStacks", PRODUCTION_STACKS_DEFAULT)


PRODUCTION_STACKS_CONFIG = {
    "productionStacks": (
        {"type": "array", "items": {"type": "string"}, "description": "Stacks treated as production"},
        PRODUCTION_STACKS_DEFAULT,
    ),
}


def decoded(value: Any) -> Any:
    """Provider inputs and policy documents can arrive JSON-encoded; return the decoded value."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (json.JSONDecodeError, ValueError):
            return value
    return value


def as_list(value: Any) -> list[Any]:
    value = decoded(value)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]
