"""The notification-trail record: the evidence, kept in the logging account, that a notification was
(or could not be) delivered. One record per delivery attempt; schema documented in
``docs/notification-trail.md``. Bump ``SCHEMA_VERSION`` (major for removed/renamed fields, minor for
added optional fields) together with that document whenever ``FIELDS`` changes.

What a record holds: who (municipality, pseudonymous recipient), what (notification, template,
category), which channel, when, the result (and why it failed), the provider's message ID. What it
never holds: the message title or body, the device token, the e-mail address.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Literal

SCHEMA_VERSION = "1.0"
RESULTS = ("delivered", "failed")
MAX_REASON = 500
# Namespace for deterministic record IDs (uuid5): retries of the record step produce the same ID,
# so a consumer removes Firehose's at-least-once duplicates with DISTINCT recordId.
RECORD_NAMESPACE = uuid.UUID("7d0f3b1e-5a52-4c1b-9a8e-2f6c0e1d9b41")


@dataclass(frozen=True, kw_only=True)
class TrailRecord:
    schemaVersion: str
    recordId: str
    executionId: str | None
    deliveryId: str
    municipalityId: str
    recipientId: str
    notificationId: str
    templateId: str
    category: str
    channel: str
    attemptedAt: str
    recordedAt: str
    result: Literal["delivered", "failed"]
    reason: str | None
    providerMessageId: str | None

    def to_json_line(self) -> bytes:
        """One JSON object per line (Firehose concatenates records; Athena reads JSON lines)."""
        return (json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":")) + "\n").encode()


FIELDS: tuple[str, ...] = tuple(TrailRecord.__dataclass_fields__)


def iso_utc(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and a Z suffix: 2026-12-04T09:30:00.123Z."""
    if moment.tzinfo is None:
        raise ValueError("timestamps in the trail must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_utc() -> datetime:
    return datetime.now(UTC)


def record_id(execution_id: str | None, notification_id: str, recipient_id: str, delivery_id: str) -> str:
    return str(
        uuid.uuid5(RECORD_NAMESPACE, "/".join((execution_id or "-", notification_id, recipient_id, delivery_id)))
    )


def build_record(
    *,
    refs: dict[str, str],
    channel: str,
    delivery_id: str,
    result: str,
    attempted_at: str,
    reason: str | None = None,
    provider_message_id: str | None = None,
    execution_id: str | None = None,
    recorded_at: datetime | None = None,
) -> TrailRecord:
    if result not in RESULTS:
        raise ValueError(f"result must be one of {RESULTS}, got {result!r}")
    if result == "failed" and not reason:
        raise ValueError("a failed delivery needs a reason")
    return TrailRecord(
        schemaVersion=SCHEMA_VERSION,
        recordId=record_id(execution_id, refs["notificationId"], refs["recipientId"], delivery_id),
        executionId=execution_id,
        deliveryId=delivery_id,
        municipalityId=refs["municipalityId"],
        recipientId=refs["recipientId"],
        notificationId=refs["notificationId"],
        templateId=refs["templateId"],
        category=refs["category"],
        channel=channel,
        attemptedAt=attempted_at,
        recordedAt=iso_utc(recorded_at or now_utc()),
        result=result,  # type: ignore[arg-type]
        reason=reason[:MAX_REASON] if reason else None,
        providerMessageId=provider_message_id,
    )
