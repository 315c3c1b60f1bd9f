"""`smartpost:notifications`: push / e-mail delivery and the notification trail (notification tier).

Credentials are not here: the APNs signing key, the FCM service account and the SendGrid API key are
secret config (``apnsSigningKey``, ``fcmServiceAccountJson``, ``sendgridApiKey``).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from stack_config.base import ConfigModel

_BUNDLE_ID = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_APPLE_ID = re.compile(r"^[A-Z0-9]{10}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@([a-z0-9-]+\.)+[a-z]{2,63}$")
# Evidence must outlive an audit cycle in production (ISMAP assessments are annual).
PROD_MIN_OBJECT_LOCK_DAYS = 365


class ApnsConfig(ConfigModel):
    """APNs token authentication (the .p8 key itself is the secret ``apnsSigningKey``)."""

    bundle_id: str
    team_id: str
    token_key_id: str
    # Development builds of the app register with the APNs sandbox: dev/uat, never prod.
    sandbox: bool = False

    @field_validator("bundle_id")
    @classmethod
    def _bundle(cls, value: str) -> str:
        if not _BUNDLE_ID.match(value):
            raise ValueError(f"expected an iOS bundle ID such as jp.example.xid, got {value!r}")
        return value

    @field_validator("team_id", "token_key_id")
    @classmethod
    def _apple_id(cls, value: str) -> str:
        if not _APPLE_ID.match(value):
            raise ValueError(f"expected Apple's 10-character upper-case ID, got {value!r}")
        return value


class FunctionConfig(ConfigModel):
    """Sizing of one delivery function."""

    memory_mb: int = Field(default=256, ge=128, le=10240)
    timeout_seconds: int = Field(default=30, ge=3, le=900)
    # Caps the function so a burst cannot starve the account (and bounds provider rate limits).
    reserved_concurrency: int = Field(default=5, ge=1, le=1000)


class FunctionsConfig(ConfigModel):
    validate_: FunctionConfig = Field(default_factory=FunctionConfig, alias="validate")
    send_push: FunctionConfig = Field(default_factory=FunctionConfig)
    send_email: FunctionConfig = Field(default_factory=FunctionConfig)
    record_trail: FunctionConfig = Field(default_factory=FunctionConfig)


class TrailConfig(ConfigModel):
    """The notification-trail bucket (logging account) and the Firehose stream that fills it."""

    object_lock_days: int = Field(default=PROD_MIN_OBJECT_LOCK_DAYS, ge=1, le=36500)
    # None: kept for ever (Object Lock still prevents early deletion).
    expire_after_days: int | None = Field(default=None, ge=1, le=36500)
    buffering_seconds: int = Field(default=300, ge=60, le=900)
    buffering_mb: int = Field(default=5, ge=1, le=128)

    @model_validator(mode="after")
    def _expiry_after_lock(self) -> TrailConfig:
        if self.expire_after_days is not None and self.expire_after_days < self.object_lock_days:
            raise ValueError(
                f"expireAfterDays ({self.expire_after_days}) must not be shorter than objectLockDays "
                f"({self.object_lock_days}): locked evidence cannot expire"
            )
        return self


class NotificationsConfig(ConfigModel):
    mail_from: str  # sender address of notification e-mails (a domain authenticated in SendGrid)
    apns: ApnsConfig
    # Step Functions execution logging: ALL in dev/uat to follow a delivery, ERROR in prod (volume).
    log_level: Literal["ALL", "ERROR"] = "ERROR"
    # How many channel deliveries of one notification run at once (the Map state).
    max_concurrency: int = Field(default=10, ge=1, le=40)
    functions: FunctionsConfig = Field(default_factory=FunctionsConfig)
    trail: TrailConfig = Field(default_factory=TrailConfig)

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"expected a sender e-mail address such as no-reply@example.jp, got {value!r}")
        return value

    @model_validator(mode="after")
    def _production_rules(self, info: ValidationInfo) -> NotificationsConfig:
        if (info.context or {}).get("environment") != "prod":
            return self
        problems = []
        if self.apns.sandbox:
            problems.append("apns.sandbox must be false in prod (the App Store build talks to production APNs)")
        if self.trail.object_lock_days < PROD_MIN_OBJECT_LOCK_DAYS:
            problems.append(
                f"trail.objectLockDays must be at least {PROD_MIN_OBJECT_LOCK_DAYS} in prod, "
                f"got {self.trail.object_lock_days}"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self
