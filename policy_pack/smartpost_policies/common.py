"""How every SmartPOST policy is declared: a name, the desired state, severity, remediation, the
matching public control IDs (../shared CONTROLS.md), and config with defaults the code applies itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

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
    seed: str | None = None  # the seed section for SmartPOST's own rules with no public control, e.g. "6.3"

    def tags(self) -> list[str]:
        tags = [f"seed:{self.seed}"] if self.seed else []
        if self.security_hub:
            tags.append(f"securityhub:{self.security_hub}")
        if self.checkov:
            tags.append(f"checkov:{self.checkov}")
        if self.cdk_nag:
            tags.append(f"cdk-nag:{self.cdk_nag}")
        return tags

    def url(self) -> str:
        if not self.security_hub:
            if self.checkov:
                return "https://www.checkov.io/5.Policy%20Index/terraform.html"
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


def _tolerating_unknowns(
    validate: Callable[[Any, Callable[..., None]], None],
) -> Callable[[Any, Callable[..., None]], None]:
    """A value not known during preview is no violation: stop checking quietly (the SDK would emit an
    advisory diagnostic). Stack policies should also use ``each()`` so one unknown skips one resource only."""

    def run(args: Any, report: Callable[..., None]) -> None:
        with suppress(UnknownValueError):
            validate(args, report)

    run.__doc__ = validate.__doc__
    return run


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
        validate=_tolerating_unknowns(validate),
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
        validate=_tolerating_unknowns(validate),
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
    # The SDK hands lists over as read-only Sequence proxies, not lists.
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    return [value]


def get(props: Any, *path: str | int, default: Any = None) -> Any:
    """props[a][b]... with JSON strings decoded on the way; ``default`` where a step is missing.
    An unknown value raises UnknownValueError (the policy then stays silent)."""
    value = props
    for key in path:
        value = decoded(value)
        if isinstance(key, int):
            if not isinstance(value, Sequence) or isinstance(value, str) or len(value) <= key:
                return default
            value = value[key]
        else:
            if not isinstance(value, Mapping) or key not in value:
                return default
            value = value[key]
        if value is None:
            return default
    return value


def customer_key(value: Any) -> bool:
    """A KMS key reference that is not an AWS-managed key (``alias/aws/...``): a customer-managed key."""
    return bool(value) and "alias/aws/" not in str(value)


def truthy(value: Any) -> bool:
    """Booleans may arrive as strings ("true") from providers and JSON documents."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def each(args: StackValidationArgs, *types: str) -> Iterator[PolicyResource]:
    """The stack's resources of these types (all if none given). Use as
    ``for r in each(args, T): with known(): ...`` so one unknown value skips one resource only."""
    for resource in args.resources:
        if not types or resource.resource_type in types:
            yield resource


def known() -> suppress:
    return suppress(UnknownValueError)


def identifiers(resource: PolicyResource) -> set[str]:
    """Values other resources use to point at this one (ID-like outputs)."""
    ids: set[str] = set()
    for key in ("id", "arn", "bucket", "name", "keyId", "bucketDomainName", "bucketRegionalDomainName"):
        with known():
            value = resource.props.get(key)
            if isinstance(value, str) and value:
                ids.add(value)
    return ids


def _strip(value: str) -> str:
    return value[:-2] if value.endswith(":*") else value


def references(resource: PolicyResource, prop: str, targets: Iterable[PolicyResource]) -> list[PolicyResource]:
    """The targets that ``resource.<prop>`` points at: by the engine's property dependencies (exact, also
    during preview) or by value (an ID/ARN/name the target exposes)."""
    targets = list(targets)
    by_dependency = {r.urn for r in (resource.property_dependencies or {}).get(prop, [])}
    values: set[str] = set()
    with known():
        raw = resource.props.get(prop)
        values = {_strip(v) for v in _strings(raw)}
    return [t for t in targets if t.urn in by_dependency or (values and values & identifiers(t))]


def _strings(value: Any) -> Iterator[str]:
    value = decoded(value)
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, Sequence):
        for v in value:
            yield from _strings(v)


def protected(resource: Any) -> bool:
    opts = getattr(resource, "opts", None)
    return bool(getattr(opts, "protect", False))


def region_of(resource: Any) -> str:
    """The region a resource lands in: its pulumi-aws v7 ``region`` input, else its provider's."""
    with known():
        region = resource.props.get("region")
        if isinstance(region, str) and region:
            return region
    provider = getattr(resource, "provider", None)
    if provider is not None:
        with known():
            region = decoded(provider.props.get("region"))
            if isinstance(region, str):
                return region
    return ""


def statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of an IAM/resource policy document (a JSON string or a mapping)."""
    document = decoded(document)
    if not isinstance(document, Mapping):
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, Mapping)]
