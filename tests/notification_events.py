"""Sample events for the notification handler tests (the shapes the state machine passes)."""

from __future__ import annotations

import copy
from typing import Any

APNS_TOKEN = "a1" * 32
FCM_TOKEN = "fcm-registration-token_0123456789:APA91bHPRgkF"
ADDRESS = "resident@example.jp"
BODY = "避難指示が発令されました。"
EXECUTION_ID = "arn:aws:states:ap-northeast-1:111111111111:execution:delivery:ntf-1"

REFS = {
    "notificationId": "ntf-20261204-0001",
    "municipalityId": "131016",
    "recipientId": "rcp_8f3a2c9d41",
    "category": "disaster",
    "templateId": "evacuation-order-v2",
}
MESSAGE = {"title": "避難指示", "body": BODY}


def request(**overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        **copy.deepcopy(REFS),
        "message": copy.deepcopy(MESSAGE),
        "deliveries": [
            {"channel": "push-apns", "deviceToken": APNS_TOKEN},
            {"channel": "push-fcm", "deviceToken": FCM_TOKEN},
            {"channel": "email", "address": ADDRESS},
        ],
    }
    event.update(overrides)
    return event


def task(channel: str = "push-apns", delivery_id: str = "d0") -> dict[str, Any]:
    """One Map item, as the state machine hands it to a send function."""
    target = {"push-apns": {"deviceToken": APNS_TOKEN}, "push-fcm": {"deviceToken": FCM_TOKEN}}.get(
        channel, {"address": ADDRESS}
    )
    return {
        "notification": copy.deepcopy(REFS),
        "message": copy.deepcopy(MESSAGE),
        "delivery": {"deliveryId": delivery_id, "channel": channel, **target},
        "executionId": EXECUTION_ID,
    }


def trail_input(result: dict[str, Any]) -> dict[str, Any]:
    """What the state machine's RecordTrail state passes to record_trail."""
    return {"notification": copy.deepcopy(REFS), "executionId": EXECUTION_ID, "result": result}
