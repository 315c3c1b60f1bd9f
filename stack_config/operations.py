"""`smartpost:operations`: audit trail, security services, alerting, observability and access."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from stack_config.base import ConfigModel

# Identity store group IDs (AWS's documented GroupId pattern).
_GROUP_ID = re.compile(r"^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$")
_SLACK_TEAM = re.compile(r"^T[A-Z0-9]{8,}$")
_SLACK_CHANNEL = re.compile(r"^[CG][A-Z0-9]{8,}$")
_MANAGED_POLICY = re.compile(r"^arn:aws:iam::(aws|\d{12}):policy/[\w+=,.@/-]+$")
# Guardrails cap what anyone can do from Slack: never these.
FORBIDDEN_GUARDRAILS = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")


def _group_id(value: str) -> str:
    if not _GROUP_ID.match(value):
        raise ValueError(f"expected an IAM Identity Center group ID such as 906754b7a0-1b2c3d4e-..., got {value!r}")
    return value


GroupId = Annotated[str, AfterValidator(_group_id)]


class SlackConfig(ConfigModel):
    """Amazon Q Developer in chat applications (Chatbot): the Slack workspace and channel alerts go to."""

    team_id: str  # workspace ID, e.g. T07ABCDEF12 (authorise the workspace in the console once)
    channel_id: str  # e.g. C07ABCDEF12
    # Upper bound on what a Slack user can do through the channel role. Read-only only.
    guardrail_policy_arns: list[str] = Field(default_factory=lambda: ["arn:aws:iam::aws:policy/ReadOnlyAccess"])

    @field_validator("team_id")
    @classmethod
    def _team(cls, value: str) -> str:
        if not _SLACK_TEAM.match(value):
            raise ValueError(f"expected a Slack workspace ID such as T07ABCDEF12, got {value!r}")
        return value

    @field_validator("channel_id")
    @classmethod
    def _channel(cls, value: str) -> str:
        if not _SLACK_CHANNEL.match(value):
            raise ValueError(f"expected a Slack channel ID such as C07ABCDEF12, got {value!r}")
        return value

    @field_validator("guardrail_policy_arns")
    @classmethod
    def _read_only(cls, arns: list[str]) -> list[str]:
        if not arns:
            raise ValueError("at least one guardrail policy is required (an empty list means no limit)")
        for arn in arns:
            if not _MANAGED_POLICY.match(arn):
                raise ValueError(f"expected an IAM policy ARN, got {arn!r}")
            if arn.rsplit("/", 1)[-1] in FORBIDDEN_GUARDRAILS:
                raise ValueError(f"guardrails must be read-only, {arn!r} is not")
        return arns


class AlarmThresholds(ConfigModel):
    """CloudWatch alarm thresholds (seed 6.2). Periods are 60 s; an alarm fires after evaluation_periods."""

    evaluation_periods: int = Field(default=5, ge=1, le=60)
    alb_errors_per_minute: int = Field(default=10, ge=1)
    alb_target_response_seconds: float = Field(default=2.0, gt=0)
    ecs_cpu_percent: int = Field(default=80, ge=1, le=100)
    ecs_memory_percent: int = Field(default=80, ge=1, le=100)
    aurora_cpu_percent: int = Field(default=80, ge=1, le=100)
    aurora_freeable_memory_mib: int = Field(default=256, ge=1)
    aurora_connections: int = Field(default=200, ge=1)
    lambda_errors_per_minute: int = Field(default=1, ge=1)
    firehose_freshness_seconds: int = Field(default=900, ge=60)


class ObservabilityConfig(ConfigModel):
    grafana: bool = True  # needs IAM Identity Center enabled for the organisation
    xray_sampling_rate: float = Field(default=0.05, ge=0, le=1)
    xray_reservoir_per_second: int = Field(default=1, ge=0)


class AnalyticsConfig(ConfigModel):
    # Athena stops a query that would scan more than this (cost guard), bytes; minimum 10 MB.
    bytes_scanned_cutoff_per_query: int = Field(default=10 * 1024**3, ge=10_000_000)


class IdentityCenterConfig(ConfigModel):
    """IAM Identity Center groups (seed 2.2). Used only when `accounts.management` is configured."""

    # CTO and product owner only (seed 2.2 "管理者権限"): membership is managed in Identity Center.
    administrators_group_id: GroupId
    developers_group_id: GroupId  # assigned to the dev account only
    operators_group_id: GroupId  # assigned to uat and prod (release work, incident investigation; seed 6.5)
    administrator_session: str = "PT1H"
    session: str = "PT8H"

    @field_validator("administrator_session", "session")
    @classmethod
    def _iso_duration(cls, value: str) -> str:
        if not re.match(r"^PT([1-9]|1[0-2])H$", value):
            raise ValueError(f"expected an ISO-8601 duration of 1-12 hours such as PT1H, got {value!r}")
        return value


class OperationsConfig(ConfigModel):
    # Alerts go to Slack only when set; without it the topic still collects them (pulumi warns).
    slack: SlackConfig | None = None
    alarms: AlarmThresholds = Field(default_factory=AlarmThresholds)
    observability: ObservabilityConfig = Field(default_factory=ObservabilityConfig)
    analytics: AnalyticsConfig = Field(default_factory=AnalyticsConfig)
    identity_center: IdentityCenterConfig | None = None
    guardduty_finding_frequency: Literal["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"] = "FIFTEEN_MINUTES"
