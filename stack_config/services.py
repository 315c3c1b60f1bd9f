"""`smartpost:services`: the ALB, the ECS cluster and the microservices it runs (services tier).

Adding a microservice is one entry of ``services``: its repository, task definition, service, log
group, roles, autoscaling and (if it has a ``route``) target group and listener rule follow from it.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

from pydantic import Field, field_validator, model_validator

from stack_config.base import ConfigModel
from stack_config.secrets import SECRET_KEYS

# Fargate task sizes (CPU units -> allowed memory MiB), from the ECS developer guide's table.
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}
# Ports the tracing sidecar listens on inside every task (tasks share one network namespace).
SIDECAR_PORTS = {2000: "X-Ray UDP", 4317: "OTLP gRPC", 4318: "OTLP HTTP", 13133: "collector health"}
# A non-root user cannot bind below 1024 (no NET_BIND_SERVICE without root).
LOWEST_PORT = 1024
FIRST_RULE_PRIORITY = 100

_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9-]{1,22}[a-z0-9]$")
_IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
_DB_USER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_ACM_ARN = re.compile(r"^arn:aws:acm:([a-z0-9-]+):(\d{12}):certificate/[0-9a-f-]{36}$")
_PCA_ARN = re.compile(r"^arn:aws:acm-pca:([a-z0-9-]+):(\d{12}):certificate-authority/[0-9a-f-]{36}$")
_HOST = re.compile(r"^(\*\.)?([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")
_PATH = re.compile(r"^/[A-Za-z0-9_.~*?/-]{0,127}$")
_NAMESPACE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
_ADOT_IMAGE = re.compile(r"^public\.ecr\.aws/aws-observability/aws-otel-collector:v\d+\.\d+\.\d+$")
MUTABLE_TAGS = {"latest", "main", "master", "stable", "dev", "uat", "prod"}


class Route(ConfigModel):
    """How the ALB reaches a service: path patterns or host names (not both), at a rule priority."""

    path_patterns: list[str] = Field(default_factory=list, max_length=5)
    hosts: list[str] = Field(default_factory=list, max_length=5)
    priority: int | None = Field(default=None, ge=1, le=50000)

    @field_validator("path_patterns")
    @classmethod
    def _paths(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if not _PATH.match(v)]
        if bad:
            raise ValueError(f"path patterns must start with '/' and be at most 128 characters, got {bad}")
        return values

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if not _HOST.match(v)]
        if bad:
            raise ValueError(f"hosts must be lower-case DNS names (optionally '*.'-prefixed), got {bad}")
        return values

    @model_validator(mode="after")
    def _one_kind(self) -> Route:
        if bool(self.path_patterns) == bool(self.hosts):
            raise ValueError("a route needs either pathPatterns or hosts (exactly one of them)")
        return self

    @property
    def values(self) -> list[str]:
        return self.path_patterns or self.hosts


class Autoscaling(ConfigModel):
    """Target tracking on the service's average CPU between ``minCount`` and ``maxCount`` tasks."""

    min_count: int = Field(ge=1, le=100)
    max_count: int = Field(ge=1, le=100)
    target_cpu: int = Field(default=60, ge=10, le=90)


class ServiceConfig(ConfigModel):
    """One microservice: its image, size, scaling, route and what it may read."""

    name: str
    image_tag: str
    port: int
    cpu: int
    memory: int
    desired_count: int = Field(ge=1, le=100)
    autoscaling: Autoscaling
    route: Route | None = None  # None: internal only (reachable through Service Connect)
    database_access: bool = False
    db_user: str | None = None  # the PostgreSQL role for IAM auth; defaults to the name in snake_case
    parameters: dict[str, str] = Field(default_factory=dict)  # ENV_VAR -> parameter name
    health_check_path: str = "/health"
    health_check_grace_period_seconds: int = Field(default=60, ge=0, le=2_147_483_647)
    cpu_architecture: Literal["X86_64", "ARM64"] = "X86_64"

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _SERVICE_NAME.match(value):
            raise ValueError(f"expected 3-24 lower-case letters, digits and '-', starting with a letter, got {value!r}")
        return value

    @field_validator("image_tag")
    @classmethod
    def _tag(cls, value: str) -> str:
        if not _IMAGE_TAG.match(value):
            raise ValueError(f"expected a Docker image tag, got {value!r}")
        if value in MUTABLE_TAGS:
            raise ValueError(f"{value!r} reads like a moving tag; repositories are immutable: use a release tag")
        return value

    @field_validator("port")
    @classmethod
    def _port(cls, value: int) -> int:
        if not LOWEST_PORT <= value <= 65535:
            raise ValueError(f"must be {LOWEST_PORT}-65535 (containers run as a non-root user), got {value}")
        if value in SIDECAR_PORTS:
            raise ValueError(f"{value} is taken by the tracing sidecar ({SIDECAR_PORTS[value]})")
        return value

    @field_validator("db_user")
    @classmethod
    def _db_user(cls, value: str | None) -> str | None:
        if value is not None and not _DB_USER.match(value):
            raise ValueError(f"expected a PostgreSQL role name (lower case, digits, '_'), got {value!r}")
        return value

    @field_validator("parameters")
    @classmethod
    def _env_names(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [k for k in value if not _ENV_NAME.match(k)]
        if bad:
            raise ValueError(f"environment variable names must be UPPER_SNAKE_CASE, got {bad}")
        return value

    @field_validator("health_check_path")
    @classmethod
    def _health_path(cls, value: str) -> str:
        if not value.startswith("/") or len(value) > 1024:
            raise ValueError(f"must start with '/', got {value!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ServiceConfig:
        problems: list[str] = []
        allowed = FARGATE_SIZES.get(self.cpu)
        if allowed is None:
            problems.append(f"cpu {self.cpu} is not a Fargate size (one of {sorted(FARGATE_SIZES)})")
        elif self.memory not in allowed:
            problems.append(
                f"cpu {self.cpu} with memory {self.memory} is not a Fargate combination "
                f"(memory for cpu {self.cpu}: {allowed[0]}-{allowed[-1]} MiB in steps of "
                f"{allowed[1] - allowed[0]})"
            )
        scaling = self.autoscaling
        if not scaling.min_count <= self.desired_count <= scaling.max_count:
            problems.append(
                f"autoscaling needs minCount <= desiredCount <= maxCount, got "
                f"{scaling.min_count} <= {self.desired_count} <= {scaling.max_count}"
            )
        if self.db_user is not None and not self.database_access:
            problems.append("dbUser is set but databaseAccess is false")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def database_user(self) -> str:
        return self.db_user or self.name.replace("-", "_")


class ServicesConfig(ConfigModel):
    # ACM certificate for the HTTPS listener, in the environment account and the home region.
    certificate_arn: str
    desync_mitigation_mode: Literal["defensive", "strictest"] = "defensive"
    container_insights: Literal["enhanced", "enabled"] = "enhanced"
    # Cloud Map namespace the services discover each other in (Service Connect).
    namespace: str = "smartpost.internal"
    # AWS Private CA for Service Connect TLS between services; without it traffic stays in the VPC unencrypted.
    private_ca_arn: str | None = None
    # Requests per IP per 5 minutes before the WAF rate rule blocks.
    rate_limit: int = Field(default=2000, ge=100, le=2_000_000_000)
    adot_image: str = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"
    # Non-secret runtime configuration, stored as SecureString parameters too (name -> value).
    runtime_parameters: dict[str, str] = Field(default_factory=dict)
    services: list[ServiceConfig] = Field(default_factory=list)

    @field_validator("certificate_arn")
    @classmethod
    def _certificate(cls, value: str) -> str:
        if not _ACM_ARN.match(value):
            raise ValueError(
                f"expected an ACM certificate ARN such as arn:aws:acm:ap-northeast-1:123456789012:certificate/<uuid>, "
                f"got {value!r}"
            )
        return value

    @field_validator("private_ca_arn")
    @classmethod
    def _private_ca(cls, value: str | None) -> str | None:
        if value is not None and not _PCA_ARN.match(value):
            raise ValueError(f"expected an AWS Private CA certificate-authority ARN, got {value!r}")
        return value

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, value: str) -> str:
        if not _NAMESPACE.match(value) or len(value) > 253:
            raise ValueError(f"expected a lower-case DNS-style name such as smartpost.internal, got {value!r}")
        return value

    @field_validator("adot_image")
    @classmethod
    def _adot(cls, value: str) -> str:
        if not _ADOT_IMAGE.match(value):
            raise ValueError(
                "expected public.ecr.aws/aws-observability/aws-otel-collector pinned to a release (vX.Y.Z), "
                f"got {value!r}"
            )
        return value

    @field_validator("runtime_parameters")
    @classmethod
    def _runtime_names(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [k for k in value if not _PARAMETER_NAME.match(k)]
        clash = [k for k in value if k in SECRET_KEYS]
        problems = []
        if bad:
            problems.append(f"parameter names must be lower-case letters, digits and '-', got {bad}")
        if clash:
            problems.append(f"{clash} are secret keys, set them with `pulumi config set --secret`")
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @model_validator(mode="after")
    def _services(self) -> ServicesConfig:
        problems: list[str] = []
        names = Counter(s.name for s in self.services)
        for name, count in names.items():
            if count > 1:
                problems.append(f"services: the name {name!r} is used {count} times (names must be unique)")
        known = set(self.runtime_parameters) | set(SECRET_KEYS)
        routed = [(i, s) for i, s in enumerate(self.services) if s.route is not None]
        seen_values: dict[tuple[str, str], str] = {}
        seen_priorities: dict[int, str] = {}
        for i, svc in enumerate(self.services):
            unknown = sorted(p for p in svc.parameters.values() if p not in known)
            if unknown:
                problems.append(
                    f"services[{i}].parameters refers to unknown parameters {unknown} "
                    f"(known: runtimeParameters keys and secrets {sorted(SECRET_KEYS)})"
                )
        for i, svc in routed:
            assert svc.route is not None
            kind = "pathPatterns" if svc.route.path_patterns else "hosts"
            for value in svc.route.values:
                other = seen_values.setdefault((kind, value), svc.name)
                if other != svc.name:
                    problems.append(
                        f"services[{i}].route.{kind}: {value!r} is already routed to {other!r} (route clash)"
                    )
            priority = self.rule_priority(svc.name)
            other = seen_priorities.setdefault(priority, svc.name)
            if other != svc.name:
                problems.append(f"services[{i}].route.priority {priority} is already used by {other!r} (route clash)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def rule_priority(self, service_name: str) -> int:
        """The listener rule priority: explicit, or 100, 110, ... in the order routed services are listed."""
        routed = [s for s in self.services if s.route is not None]
        for position, svc in enumerate(routed):
            if svc.name == service_name:
                assert svc.route is not None
                return svc.route.priority or FIRST_RULE_PRIORITY + 10 * position
        raise KeyError(service_name)

    def placement_problems(self, account_id: str, region: str) -> list[str]:
        """Cross-section checks: the certificate must live where the ALB does."""
        problems: list[str] = []
        match = _ACM_ARN.match(self.certificate_arn)
        if match:
            if match.group(1) != region:
                problems.append(
                    f"smartpost:services.certificateArn is in region {match.group(1)}, the ALB is in {region} "
                    "(an ALB certificate must be in the ALB's region)"
                )
            if match.group(2) != account_id:
                problems.append(
                    f"smartpost:services.certificateArn is in account {match.group(2)}, expected the environment "
                    f"account {account_id}"
                )
        return problems
