"""Write the notification-trail record of one delivery attempt to Data Firehose.

Input (built by the state machine; it never carries the message, the token or the address)::

    {"notification": {notificationId, municipalityId, recipientId, category, templateId},
     "executionId": "arn:aws:states:...:execution:...",
     "result": {"deliveryId", "channel", "status": "delivered"|"failed", "reason", "providerMessageId",
                "attemptedAt", "errorCause"?}}

``errorCause`` is Step Functions' ``Cause`` when the send task failed for good (its Catch): the Lambda
error message is kept as part of the reason. Firehose throttling is retried here (``firehose.py``);
if the record still does not get in, :class:`TrailWriteError` fails the task and Step Functions retries.

Environment: ``TRAIL_STREAM_NAME``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

from handlers.notification import firehose
from handlers.notification.errors import ConfigurationError, InvalidNotification
from handlers.notification.trail import RESULTS, TrailRecord, build_record, iso_utc
from handlers.notification.validate import CHANNELS, parse_notification_refs


def _cause_message(cause: Any) -> str:
    """The ``errorMessage`` inside a Lambda error's Cause JSON (not its stack trace)."""
    if not isinstance(cause, str) or not cause:
        return ""
    try:
        decoded = json.loads(cause)
    except ValueError:
        return cause[:200]
    return str(decoded.get("errorMessage", ""))[:200] if isinstance(decoded, dict) else ""


def parse_result(result: Any) -> dict[str, Any]:
    if not isinstance(result, dict):
        raise InvalidNotification("result", f"must be an object, got {type(result).__name__}")
    for key in ("deliveryId", "channel", "status", "attemptedAt"):
        if not isinstance(result.get(key), str) or not result[key]:
            raise InvalidNotification(f"result.{key}", "is required (a string)")
    if result["channel"] not in CHANNELS:
        raise InvalidNotification("result.channel", f"must be one of {', '.join(CHANNELS)}, got {result['channel']!r}")
    if result["status"] not in RESULTS:
        raise InvalidNotification("result.status", f"must be one of {', '.join(RESULTS)}, got {result['status']!r}")
    try:
        attempted = datetime.fromisoformat(result["attemptedAt"].replace("Z", "+00:00"))
    except ValueError:
        raise InvalidNotification("result.attemptedAt", "must be an ISO-8601 timestamp") from None
    if attempted.tzinfo is None:
        raise InvalidNotification("result.attemptedAt", "must carry a time zone (UTC)")
    reason = result.get("reason")
    cause = _cause_message(result.get("errorCause"))
    if cause:
        reason = f"{reason}: {cause}" if reason else cause
    if result["status"] == "failed" and not reason:
        reason = "unknown"
    return {
        "deliveryId": result["deliveryId"],
        "channel": result["channel"],
        "status": result["status"],
        "reason": reason if result["status"] == "failed" else None,
        "providerMessageId": result.get("providerMessageId") or None,
        "attemptedAt": iso_utc(attempted),
    }


def to_record(event: Any) -> TrailRecord:
    if not isinstance(event, dict):
        raise InvalidNotification("input", f"must be an object, got {type(event).__name__}")
    notification = event.get("notification")
    if not isinstance(notification, dict):
        raise InvalidNotification("notification", "is required (an object)")
    refs = parse_notification_refs(notification, "notification")
    result = parse_result(event.get("result"))
    execution_id = event.get("executionId")
    return build_record(
        refs=refs,
        channel=result["channel"],
        delivery_id=result["deliveryId"],
        result=result["status"],
        attempted_at=result["attemptedAt"],
        reason=result["reason"],
        provider_message_id=result["providerMessageId"],
        execution_id=execution_id if isinstance(execution_id, str) and execution_id else None,
    )


def record(
    event: Any,
    *,
    client: Any,
    stream_name: str,
    backoff: firehose.Backoff = firehose.DEFAULT_BACKOFF,
    sleep: Callable[[float], None] | None = None,
    rand: Callable[[], float] | None = None,
) -> dict[str, Any]:
    trail_record = to_record(event)
    extra: dict[str, Any] = {}
    if sleep is not None:
        extra["sleep"] = sleep
    if rand is not None:
        extra["rand"] = rand
    attempts = firehose.put_records(client, stream_name, [trail_record.to_json_line()], backoff=backoff, **extra)
    return {"recordId": trail_record.recordId, "result": trail_record.result, "firehoseAttempts": attempts}


@cache
def _client() -> Any:
    return firehose.make_client()


def handler(event: Any, context: Any) -> dict[str, Any]:
    stream_name = os.environ.get("TRAIL_STREAM_NAME", "")
    if not stream_name:
        raise ConfigurationError("TRAIL_STREAM_NAME is not set")
    return record(event, client=_client(), stream_name=stream_name)
