"""The validate handler: a good request fans out into one task per target; bad input fails cleanly,
naming the field (and never echoing personal data)."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.notification import validate
from handlers.notification.errors import InvalidNotification
from tests.notification_events import ADDRESS, APNS_TOKEN, REFS, request, task


def test_valid_request_splits_into_one_delivery_per_target_with_ids() -> None:
    out = validate.handler(request(), None)
    assert out["notification"] == REFS
    assert [(d["deliveryId"], d["channel"]) for d in out["deliveries"]] == [
        ("d0", "push-apns"),
        ("d1", "push-fcm"),
        ("d2", "email"),
    ]
    assert out["message"]["title"] == "避難指示"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"notificationId": None}, "notificationId"),
        ({"municipalityId": "13101"}, "municipalityId"),
        ({"municipalityId": "131017"}, "municipalityId"),  # wrong check digit
        ({"recipientId": "taro@example.jp"}, "recipientId"),  # not pseudonymous
        ({"category": "Disaster!"}, "category"),
        ({"templateId": 7}, "templateId"),
        ({"message": {"title": "x"}}, "message.body"),
        ({"message": {"title": "x" * 201, "body": "y"}}, "message.title"),
        ({"deliveries": []}, "deliveries"),
        ({"deliveries": [{"channel": "sms", "address": ADDRESS}]}, "deliveries[0].channel"),
        ({"deliveries": [{"channel": "push-apns", "deviceToken": "not-hex"}]}, "deliveries[0].deviceToken"),
        ({"deliveries": [{"channel": "email", "address": "nobody"}]}, "deliveries[0].address"),
        ({"deliveries": [{"channel": "email"}]}, "deliveries[0].address"),
        ({"deliveries": [{"channel": "email", "address": ADDRESS, "cc": "x"}]}, "deliveries[0]"),
        ({"deliveries": [{"channel": "email", "address": ADDRESS}] * 2}, "deliveries[1]"),
    ],
)
def test_malformed_request_raises_invalid_notification_naming_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidNotification) as err:
        validate.handler(request(**change), None)
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}: ")


def test_error_messages_do_not_echo_personal_data() -> None:
    with pytest.raises(InvalidNotification) as err:
        validate.handler(request(deliveries=[{"channel": "email", "address": "taro yamada@example"}]), None)
    assert "taro" not in str(err.value)


def test_non_object_input_is_rejected() -> None:
    with pytest.raises(InvalidNotification, match="input: must be an object"):
        validate.handler(["not", "a", "dict"], None)


@pytest.mark.parametrize("code", ["131016", "011002", "271004", "472018", "141003", "231002"])
def test_municipality_check_digit_matches_published_codes(code: str) -> None:
    # Chiyoda, Sapporo, Osaka, Naha, Yokohama, Nagoya: the published codes' last digit is the check digit
    assert validate.municipality_check_digit(code[:5]) == int(code[5])


def test_send_task_needs_the_delivery_id_and_the_notification_refs() -> None:
    item = task()
    del item["delivery"]["deliveryId"]
    with pytest.raises(InvalidNotification, match=r"delivery\.deliveryId"):
        validate.parse_task(item)
    item = task()
    item["notification"]["recipientId"] = "x"
    with pytest.raises(InvalidNotification, match=r"notification\.recipientId"):
        validate.parse_task(item)
    refs, _, delivery = validate.parse_task(task())
    assert delivery == {"deliveryId": "d0", "channel": "push-apns", "deviceToken": APNS_TOKEN}
    assert refs == REFS
