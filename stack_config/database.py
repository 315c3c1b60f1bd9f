"""`smartpost:database`: the Aurora PostgreSQL cluster (data tier).

Times are UTC, as RDS and AWS Backup take them (JST = UTC+9). Rules that depend on the environment
(prod keeps backups at least 7 days and runs a writer and a reader) read it from the validation
context that ``parse_stack_config`` passes down.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from stack_config.base import ConfigModel

SERVERLESS_INSTANCE_CLASS = "db.serverless"
SUPPORTED_MAJOR_VERSIONS = (13, 14, 15, 16, 17)
PROD_MIN_BACKUP_RETENTION_DAYS = 7
PROD_MIN_INSTANCES = 2  # a writer and a reader in another AZ (RDS.15)
MAX_INSTANCES = 16  # Aurora: one writer and up to 15 readers
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_ENGINE_VERSION = re.compile(r"^(\d{2})\.(\d{1,2})$")
_INSTANCE_CLASS = re.compile(r"^db\.(serverless|[rtx]\d+[a-z]*\.[0-9]*x?(large|medium|small))$")
_DAILY_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_WEEKLY_WINDOW = re.compile(r"^([a-z]{3}):([01]\d|2[0-3]):([0-5]\d)-([a-z]{3}):([01]\d|2[0-3]):([0-5]\d)$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_DB_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_PERFORMANCE_INSIGHTS_DAYS = (7, *(31 * months for months in range(1, 24)), 731)


def daily_window_minutes(window: str) -> tuple[int, int]:
    """'17:00-17:30' -> (1020, 1050) minutes after midnight UTC; the end may wrap past midnight."""
    match = _DAILY_WINDOW.match(window)
    if not match:
        raise ValueError(f"must look like hh:mm-hh:mm (UTC), got {window!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    return start, end if end > start else end + MINUTES_PER_DAY


def weekly_window_minutes(window: str) -> tuple[int, int]:
    """'sun:18:00-sun:18:30' -> minutes after Monday 00:00 UTC; the end may wrap past Sunday."""
    match = _WEEKLY_WINDOW.match(window)
    if not match or match.group(1) not in DAYS or match.group(4) not in DAYS:
        raise ValueError(f"must look like ddd:hh:mm-ddd:hh:mm with ddd one of {', '.join(DAYS)} (UTC), got {window!r}")
    d1, h1, m1, d2, h2, m2 = match.groups()
    start = DAYS.index(d1) * MINUTES_PER_DAY + int(h1) * 60 + int(m1)
    end = DAYS.index(d2) * MINUTES_PER_DAY + int(h2) * 60 + int(m2)
    return start, end if end > start else end + MINUTES_PER_WEEK


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _environment(info: ValidationInfo) -> str | None:
    context: Any = info.context
    return context.get("environment") if isinstance(context, dict) else None


class ServerlessScaling(ConfigModel):
    """Aurora Serverless v2 capacity in ACUs (0.5 steps; 0 lets the cluster pause when idle)."""

    min_capacity: float = Field(default=0.5, ge=0, le=256)
    max_capacity: float = Field(default=4, ge=1, le=256)

    @field_validator("min_capacity", "max_capacity")
    @classmethod
    def _half_steps(cls, value: float) -> float:
        if (value * 2) != int(value * 2):
            raise ValueError(f"must be a multiple of 0.5 ACU, got {value}")
        return value

    @field_validator("max_capacity")
    @classmethod
    def _max_not_below_min(cls, value: float, info: ValidationInfo) -> float:
        minimum = info.data.get("min_capacity")
        if minimum is not None and value < minimum:
            raise ValueError(f"must be at least minCapacity ({minimum}), got {value}")
        return value


class BackupPlanConfig(ConfigModel):
    """The AWS Backup daily plan (on top of Aurora's own automated backups and PITR)."""

    retention_days: int = Field(default=35, ge=1, le=36500)
    start_time: str = "19:00"  # UTC (04:00 JST), after the automated backup window
    start_window_minutes: int = Field(default=60, ge=60, le=720)
    completion_window_minutes: int = Field(default=360, ge=120, le=10080)

    @field_validator("start_time")
    @classmethod
    def _time(cls, value: str) -> str:
        if not _TIME.match(value):
            raise ValueError(f"must look like hh:mm (UTC), got {value!r}")
        return value

    @property
    def schedule(self) -> str:
        hour, minute = (int(part) for part in self.start_time.split(":"))
        return f"cron({minute} {hour} * * ? *)"


class DatabaseConfig(ConfigModel):
    engine_version: str = "16.6"
    database_name: str = "smartpost"
    master_username: str = "smartpost_admin"
    instance_class: str = SERVERLESS_INSTANCE_CLASS
    instance_count: int = Field(default=1, ge=1, le=MAX_INSTANCES)
    serverless: ServerlessScaling = Field(default_factory=ServerlessScaling)
    backup_retention_days: int = Field(default=7, ge=1, le=35)
    backup_window: str = "17:00-17:30"  # UTC (02:00 JST)
    maintenance_window: str = "sun:18:00-sun:18:30"  # UTC (Monday 03:00 JST)
    backup_plan: BackupPlanConfig = Field(default_factory=BackupPlanConfig)
    performance_insights_retention_days: int = 7

    @field_validator("engine_version")
    @classmethod
    def _engine_version(cls, value: str) -> str:
        match = _ENGINE_VERSION.match(value)
        if not match:
            raise ValueError(f"must be an Aurora PostgreSQL major.minor version such as 16.6, got {value!r}")
        if int(match.group(1)) not in SUPPORTED_MAJOR_VERSIONS:
            raise ValueError(
                f"major version {match.group(1)} is not one of {', '.join(map(str, SUPPORTED_MAJOR_VERSIONS))}"
            )
        return value

    @field_validator("database_name", "master_username")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not _DB_IDENTIFIER.match(value):
            raise ValueError(f"must be a lower-case PostgreSQL identifier (a-z, 0-9, _; 63 max), got {value!r}")
        return value

    @field_validator("instance_class")
    @classmethod
    def _instance_class(cls, value: str) -> str:
        if not _INSTANCE_CLASS.match(value):
            raise ValueError(f"must be db.serverless or a DB instance class such as db.r7g.large, got {value!r}")
        return value

    @field_validator("instance_count")
    @classmethod
    def _prod_has_a_reader(cls, value: int, info: ValidationInfo) -> int:
        if _environment(info) == "prod" and value < PROD_MIN_INSTANCES:
            raise ValueError(f"must be at least {PROD_MIN_INSTANCES} in prod (a writer and a reader), got {value}")
        return value

    @field_validator("backup_retention_days")
    @classmethod
    def _prod_retention(cls, value: int, info: ValidationInfo) -> int:
        if _environment(info) == "prod" and value < PROD_MIN_BACKUP_RETENTION_DAYS:
            raise ValueError(f"must be at least {PROD_MIN_BACKUP_RETENTION_DAYS} days in prod, got {value}")
        return value

    @field_validator("backup_window")
    @classmethod
    def _backup_window(cls, value: str) -> str:
        start, end = daily_window_minutes(value)
        if end - start < 30:
            raise ValueError(f"must be at least 30 minutes long, got {value!r}")
        return value

    @field_validator("maintenance_window")
    @classmethod
    def _maintenance_window(cls, value: str, info: ValidationInfo) -> str:
        start, end = weekly_window_minutes(value)
        if end - start < 30:
            raise ValueError(f"must be at least 30 minutes long, got {value!r}")
        if end - start > MINUTES_PER_DAY:
            raise ValueError(f"must be at most 24 hours long, got {value!r}")
        backup = info.data.get("backup_window")
        if backup:  # absent when the backup window itself was invalid
            daily = daily_window_minutes(backup)
            for day in range(-1, 8):  # every day's backup window, including the wrap into next week
                offset = day * MINUTES_PER_DAY
                if _overlaps((start, end), (daily[0] + offset, daily[1] + offset)):
                    raise ValueError(f"{value!r} overlaps the backupWindow {backup!r}")
        return value

    @field_validator("performance_insights_retention_days")
    @classmethod
    def _pi_retention(cls, value: int) -> int:
        if value not in _PERFORMANCE_INSIGHTS_DAYS:
            raise ValueError(f"must be 7, a multiple of 31 up to 713, or 731 days, got {value}")
        return value

    @field_validator("backup_plan")
    @classmethod
    def _plan_after_automated_backups(cls, value: BackupPlanConfig, info: ValidationInfo) -> BackupPlanConfig:
        backup = info.data.get("backup_window")
        if backup:
            hour, minute = (int(part) for part in value.start_time.split(":"))
            start = hour * 60 + minute
            job = (start, start + value.start_window_minutes)
            daily = daily_window_minutes(backup)
            if any(_overlaps(job, (daily[0] + d, daily[1] + d)) for d in (-MINUTES_PER_DAY, 0, MINUTES_PER_DAY)):
                raise ValueError(
                    f"startTime {value.start_time} plus its {value.start_window_minutes}-minute start window "
                    f"overlaps the backupWindow {backup!r}: AWS Backup cannot snapshot Aurora during it"
                )
        return value

    @property
    def serverless_instances(self) -> bool:
        return self.instance_class == SERVERLESS_INSTANCE_CLASS

    @property
    def engine_major_version(self) -> int:
        return int(self.engine_version.split(".")[0])
