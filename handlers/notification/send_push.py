"""Send one push notification through the Pinpoint / AWS End User Messaging push API (APNs or FCM).

Returns a delivery result the state machine hands to ``record_trail``:
``{"deliveryId", "channel", "status": "delivered"|"failed", "reason", "providerMessageId", "attemptedAt"}``.

Pinpoint's per-address ``DeliveryStatus`` decides:
- ``SUCCESSFUL`` -> delivered;
- ``PERMANENT_FAILURE`` (e.g. the device token was rejected), ``OPT_OUT``, ``DUPLICATE``,
  ``UNKNOWN_FAILURE`` -> failed, recorded in the trail, not retried;
- ``TEMPORARY_FAILURE``, ``THROTTLED``, ``TIMEOUT`` (and throttled API calls) -> raise
  :class:`TransientDeliveryError` so Step Functions retries; when its retries run out the state
  machine's Catch records the failure.

Environment: ``PINPOINT_APP_ID``; ``APNS_CHANNEL_TYPE`` (``APNS`` or ``APNS_SANDBOX``, default ``APNS``).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from handlers.notification.errors import ConfigurationError, TransientDeliveryError
from handlers.notification.trail import iso_utc, now_utc
from handlers.notification.validate import parse_task

DELIVERED = frozenset({"SUCCESSFUL"})
TRANSIENT = frozenset({"TEMPORARY_FAILURE", "THROTTLED", "TIMEOUT"})
TRANSIENT_API_ERRORS = frozenset(
    {"TooManyRequestsException", "InternalServerErrorException", "ServiceUnavailableException", "ThrottlingException"}
)
APNS_CHANNEL_TYPES = ("APNS", "APNS_SANDBOX")


def message_request(
    channel: str, apns_channel_type: str, token: str, refs: dict[str, str], message: dict[str, str]
) -> dict[str, Any]:
    """The SendMessages request: the app opens the notice by ID (the body is in the message only)."""
    data = {"notificationId": refs["notificationId"], "category": refs["category"]}
    if channel == "push-apns":
        address = {"ChannelType": apns_channel_type}
        config: dict[str, Any] = {
            "APNSMessage": {
                "Action": "OPEN_APP",
                "Title": message["title"],
                "Body": message["body"],
                "Data": data,
                "Priority": "high" if refs["category"] == "disaster" else "normal",
                "APNSPushType": "alert",
            }
        }
    else:
        address = {"ChannelType": "GCM"}
        config = {
            "GCMMessage": {
                "Action": "OPEN_APP",
                "Title": message["title"],
                "Body": message["body"],
                "Data": data,
                "Priority": "high" if refs["category"] == "disaster" else "normal",
            }
        }
    return {
        "Addresses": {token: address},
        "Context": {"notificationId": refs["notificationId"], "municipalityId": refs["municipalityId"]},
        "MessageConfiguration": config,
        "TraceId": refs["notificationId"][:50],
    }


def deliver(event: Any, *, pinpoint: Any, app_id: str, apns_channel_type: str = "APNS") -> dict[str, Any]:
    refs, message, delivery = parse_task(event)
    channel = delivery["channel"]
    if channel not in ("push-apns", "push-fcm"):
        raise ConfigurationError(f"send_push got a {channel} delivery; the state machine routes it elsewhere")
    token = delivery["deviceToken"]
    attempted_at = iso_utc(now_utc())
    try:
        response = pinpoint.send_messages(
            ApplicationId=app_id,
            MessageRequest=message_request(channel, apns_channel_type, token, refs, message),
        )
    except Exception as err:
        code = getattr(err, "response", {}).get("Error", {}).get("Code")
        if code in TRANSIENT_API_ERRORS:
            raise TransientDeliveryError(f"Pinpoint SendMessages: {code}") from err
        raise
    outcome = response.get("MessageResponse", {}).get("Result", {}).get(token)
    if outcome is None:
        raise TransientDeliveryError("Pinpoint returned no result for the address")
    status = str(outcome.get("DeliveryStatus", "UNKNOWN_FAILURE"))
    if status in TRANSIENT:
        raise TransientDeliveryError(f"Pinpoint {status} ({outcome.get('StatusCode')})")
    delivered = status in DELIVERED
    reason = None
    if not delivered:
        detail = str(outcome.get("StatusMessage") or "").strip()
        reason = f"{status} ({outcome.get('StatusCode')}){': ' + detail if detail else ''}"
        if token in reason:  # providers sometimes echo the token; the trail never holds it
            reason = reason.replace(token, "<device-token>")
    return {
        "deliveryId": delivery["deliveryId"],
        "channel": channel,
        "status": "delivered" if delivered else "failed",
        "reason": reason,
        "providerMessageId": outcome.get("MessageId"),
        "attemptedAt": attempted_at,
    }


@cache
def _pinpoint() -> Any:
    import boto3

    return boto3.client("pinpoint")


def _settings() -> tuple[str, str]:
    app_id = os.environ.get("PINPOINT_APP_ID", "")
    channel_type = os.environ.get("APNS_CHANNEL_TYPE", "APNS")
    if not app_id:
        raise ConfigurationError("PINPOINT_APP_ID is not set")
    if channel_type not in APNS_CHANNEL_TYPES:
        raise ConfigurationError(f"APNS_CHANNEL_TYPE must be one of {APNS_CHANNEL_TYPES}, got {channel_type!r}")
    return app_id, channel_type


def handler(event: Any, context: Any) -> dict[str, Any]:
    app_id, channel_type = _settings()
    return deliver(event, pinpoint=_pinpoint(), app_id=app_id, apns_channel_type=channel_type)
