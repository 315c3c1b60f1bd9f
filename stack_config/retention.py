"""`smartpost:retention`: how long logs are kept (seed 6.3: CloudTrail 1 year, every other log 3 months)."""

from __future__ import annotations

from pydantic import field_validator

from stack_config.base import CLOUDWATCH_RETENTION_DAYS, ConfigModel


class RetentionConfig(ConfigModel):
    cloudtrail_days: int = 365
    log_days: int = 90

    @field_validator("cloudtrail_days", "log_days")
    @classmethod
    def _cloudwatch_accepts(cls, days: int) -> int:
        if days not in CLOUDWATCH_RETENTION_DAYS:
            raise ValueError(f"CloudWatch Logs keeps logs for one of {CLOUDWATCH_RETENTION_DAYS} days, got {days}")
        return days
