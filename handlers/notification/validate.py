"""First state of the delivery state machine: check a notification request and split it into one
delivery task per channel target (the Map state fans these out).

Input (the state machine's execution input)::

    {
      "notificationId": "ntf-20261204-0001",
      "municipalityId": "131016",            # 6-digit local government code (JIS X 0402, check digit)
      "recipientId": "rcp_8f3a2c...",        # pseudonymous resident ID, never a name or an address
      "category": "disaster",
      "templateId": "evacuation-order-v2",
      "message": {"title": "...", "body": "..."},
      "deliveries": [
        {"channel": "push-apns", "deviceToken": "<64 hex>"},
        {"channel": "push-fcm", "deviceToken": "<FCM registration token>"},
        {"channel": "email", "address": "resident@example.jp"}
      ]
    }

Output: ``{"notification": {...ids...}, "message": {...}, "deliveries": [{"deliveryId": "d0", ...}]}``.
Bad input raises :class:`InvalidNotification` naming the field (the state machine does not retry it).
"""

from __future__ import annotations

import re
from typing import Any

from handlers.notification.errors import InvalidNotification

CHANNELS = ("push-apns", "push-fcm", "email")
PUSH_CHANNELS = ("push-apns", "push-fcm")
MAX_DELIVERIES = 10
MAX_TITLE = 200
MAX_BODY = 4000

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
_RECIPIENT = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_MUNICIPALITY = re.compile(r"^\d{6}$")
_APNS_TOKEN = re.compile(r"^[0-9a-fA-F]{64}$")
_FCM_TOKEN = re.compile(r"^[A-Za-z0-9_:.-]{20,4096}$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def municipality_check_digit(first_five: str) -> int:
    """Check digit of a local government code: weights 6..2, modulus 11, ones digit of (11 - r)."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def _require_str(obj: dict[str, Any], key: str, path: str) -> str:
    value = obj.get(key)
    if value is None:
        raise InvalidNotification(path, "is required")
    if not isinstance(value, str):
        raise InvalidNotification(path, f"must be a string, got {type(value).__name__}")
    value = value.strip()
    if not value:
        raise InvalidNotification(path, "must not be empty")
    return value


def _require_obj(obj: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = obj.get(key)
    if value is None:
        raise InvalidNotification(path, "is required")
    if not isinstance(value, dict):
        raise InvalidNotification(path, f"must be an object, got {type(value).__name__}")
    return value


def _matching(value: str, pattern: re.Pattern[str], path: str, expected: str) -> str:
    if not pattern.match(value):
        # The value itself is not echoed: it may be personal data.
        raise InvalidNotification(path, f"must be {expected}")
    return value


def parse_notification_refs(event: Any, path: str = "") -> dict[str, str]:
    """The identifying fields a trail record carries (who and what), validated."""
    if not isinstance(event, dict):
        raise InvalidNotification(path or "input", f"must be an object, got {type(event).__name__}")
    p = f"{path}." if path else ""
    municipality = _matching(
        _require_str(event, "municipalityId", f"{p}municipalityId"),
        _MUNICIPALITY,
        f"{p}municipalityId",
        "a 6-digit local government code",
    )
    if int(municipality[5]) != municipality_check_digit(municipality[:5]):
        raise InvalidNotification(f"{p}municipalityId", "has a wrong check digit")
    return {
        "notificationId": _matching(
            _require_str(event, "notificationId", f"{p}notificationId"),
            _ID,
            f"{p}notificationId",
            "1-128 characters of letters, digits and . _ : -",
        ),
        "municipalityId": municipality,
        "recipientId": _matching(
            _require_str(event, "recipientId", f"{p}recipientId"),
            _RECIPIENT,
            f"{p}recipientId",
            "a pseudonymous ID of 8-128 letters, digits, _ or -",
        ),
        "category": _matching(
            _require_str(event, "category", f"{p}category"), _SLUG, f"{p}category", "a lower-case slug"
        ),
        "templateId": _matching(
            _require_str(event, "templateId", f"{p}templateId"), _SLUG, f"{p}templateId", "a lower-case slug"
        ),
    }


def parse_message(event: dict[str, Any], path: str = "message") -> dict[str, str]:
    message = _require_obj(event, "message", path)
    title = _require_str(message, "title", f"{path}.title")
    body = _require_str(message, "body", f"{path}.body")
    if len(title) > MAX_TITLE:
        raise InvalidNotification(f"{path}.title", f"must be at most {MAX_TITLE} characters, got {len(title)}")
    if len(body) > MAX_BODY:
        raise InvalidNotification(f"{path}.body", f"must be at most {MAX_BODY} characters, got {len(body)}")
    return {"title": title, "body": body}


def parse_delivery(item: Any, path: str, *, with_id: bool) -> dict[str, str]:
    """One channel target. ``with_id``: the item must already carry the ``deliveryId`` validate gave it."""
    if not isinstance(item, dict):
        raise InvalidNotification(path, f"must be an object, got {type(item).__name__}")
    channel = _require_str(item, "channel", f"{path}.channel")
    if channel not in CHANNELS:
        raise InvalidNotification(f"{path}.channel", f"must be one of {', '.join(CHANNELS)}, got {channel!r}")
    delivery = {"channel": channel}
    if with_id:
        delivery["deliveryId"] = _matching(
            _require_str(item, "deliveryId", f"{path}.deliveryId"), _ID, f"{path}.deliveryId", "a delivery ID"
        )
    if channel == "push-apns":
        delivery["deviceToken"] = _matching(
            _require_str(item, "deviceToken", f"{path}.deviceToken"),
            _APNS_TOKEN,
            f"{path}.deviceToken",
            "an APNs device token (64 hex digits)",
        )
    elif channel == "push-fcm":
        delivery["deviceToken"] = _matching(
            _require_str(item, "deviceToken", f"{path}.deviceToken"),
            _FCM_TOKEN,
            f"{path}.deviceToken",
            "an FCM registration token",
        )
    else:
        delivery["address"] = _matching(
            _require_str(item, "address", f"{path}.address"), _EMAIL, f"{path}.address", "an e-mail address"
        )
    unknown = set(item) - set(delivery) - {"deliveryId"}
    if unknown:
        raise InvalidNotification(f"{path}", f"has unknown fields {sorted(unknown)}")
    return delivery


def parse_request(event: Any) -> dict[str, Any]:
    """Validate a notification request; the result is what the Map state fans out."""
    refs = parse_notification_refs(event)
    message = parse_message(event)
    items = event.get("deliveries")
    if not isinstance(items, list) or not items:
        raise InvalidNotification("deliveries", "must be a non-empty list")
    if len(items) > MAX_DELIVERIES:
        raise InvalidNotification("deliveries", f"must hold at most {MAX_DELIVERIES} targets, got {len(items)}")
    deliveries = []
    for index, item in enumerate(items):
        delivery = parse_delivery(item, f"deliveries[{index}]", with_id=False)
        deliveries.append({"deliveryId": f"d{index}", **delivery})
    seen: set[tuple[str, str]] = set()
    for index, delivery in enumerate(deliveries):
        target = (delivery["channel"], delivery.get("deviceToken") or delivery["address"])
        if target in seen:
            raise InvalidNotification(f"deliveries[{index}]", "repeats an earlier target")
        seen.add(target)
    return {"notification": refs, "message": message, "deliveries": deliveries}


def parse_task(event: Any) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """A Map item as a send function receives it: (notification refs, message, delivery)."""
    if not isinstance(event, dict):
        raise InvalidNotification("input", f"must be an object, got {type(event).__name__}")
    refs = parse_notification_refs(_require_obj(event, "notification", "notification"), "notification")
    message = parse_message(event)
    delivery = parse_delivery(_require_obj(event, "delivery", "delivery"), "delivery", with_id=True)
    return refs, message, delivery


def handler(event: Any, context: Any) -> dict[str, Any]:
    return parse_request(event)
