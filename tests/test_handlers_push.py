"""send_push through Pinpoint's SendMessages. moto has no Pinpoint SendMessages (moto 5.2: apps,
settings, event streams and tags only), so botocore's Stubber answers it here and ONLY here; the
trail half of each test runs against moto's Firehose."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from moto import mock_aws

from handlers.notification import firehose, record_trail, send_push
from handlers.notification.errors import InvalidNotification, TransientDeliveryError
from tests.notification_events import APNS_TOKEN, FCM_TOKEN, REFS, task, trail_input
from tests.test_handlers_trail import REGION, STREAM, _create_stream, _trail_lines

APP_ID = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def moto_session(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        _create_stream(session)
        yield session


def _pinpoint(token: str, outcome: dict[str, Any], expected_request: Any = ANY) -> tuple[Any, Stubber]:
    client = boto3.client("pinpoint", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
    stubber = Stubber(client)
    stubber.add_response(
        "send_messages",
        {"MessageResponse": {"ApplicationId": APP_ID, "Result": {token: outcome}}},
        {"ApplicationId": APP_ID, "MessageRequest": expected_request},
    )
    stubber.activate()
    return client, stubber


def _record(session: Any, result: dict[str, Any]) -> dict[str, Any]:
    record_trail.record(trail_input(result), client=firehose.make_client(session), stream_name=STREAM)
    (line,) = _trail_lines(session)
    return dict(json.loads(line))


def test_delivered_push_writes_exactly_one_trail_record(moto_session: Any) -> None:
    client, stubber = _pinpoint(
        APNS_TOKEN, {"DeliveryStatus": "SUCCESSFUL", "StatusCode": 200, "MessageId": "pp-msg-1"}
    )
    result = send_push.deliver(task("push-apns"), pinpoint=client, app_id=APP_ID)
    stubber.assert_no_pending_responses()
    assert result["status"] == "delivered" and result["providerMessageId"] == "pp-msg-1"
    rec = _record(moto_session, result)
    assert (rec["channel"], rec["result"], rec["providerMessageId"], rec["reason"]) == (
        "push-apns",
        "delivered",
        "pp-msg-1",
        None,
    )
    assert rec["recipientId"] == REFS["recipientId"] and rec["municipalityId"] == REFS["municipalityId"]


def test_rejected_device_token_writes_a_failed_record(moto_session: Any) -> None:
    client, _ = _pinpoint(
        FCM_TOKEN,
        {
            "DeliveryStatus": "PERMANENT_FAILURE",
            "StatusCode": 400,
            "StatusMessage": f"InvalidRegistration for {FCM_TOKEN}",
        },
    )
    result = send_push.deliver(task("push-fcm", "d1"), pinpoint=client, app_id=APP_ID)
    assert result["status"] == "failed"
    rec = _record(moto_session, result)
    assert rec["result"] == "failed"
    assert rec["reason"] == "PERMANENT_FAILURE (400): InvalidRegistration for <device-token>"
    assert FCM_TOKEN not in json.dumps(rec)


def test_request_targets_the_token_on_the_configured_channel_without_trail_fields_leaking() -> None:
    expected = send_push.message_request("push-apns", "APNS_SANDBOX", APNS_TOKEN, REFS, task()["message"])
    client, stubber = _pinpoint(APNS_TOKEN, {"DeliveryStatus": "SUCCESSFUL", "StatusCode": 200}, expected)
    send_push.deliver(task("push-apns"), pinpoint=client, app_id=APP_ID, apns_channel_type="APNS_SANDBOX")
    stubber.assert_no_pending_responses()
    assert expected["Addresses"] == {APNS_TOKEN: {"ChannelType": "APNS_SANDBOX"}}
    assert expected["MessageConfiguration"]["APNSMessage"]["Priority"] == "high"  # category disaster
    fcm = send_push.message_request("push-fcm", "APNS", FCM_TOKEN, REFS, task()["message"])
    assert fcm["Addresses"] == {FCM_TOKEN: {"ChannelType": "GCM"}}


@pytest.mark.parametrize("status", ["TEMPORARY_FAILURE", "THROTTLED", "TIMEOUT"])
def test_transient_pinpoint_status_raises_so_step_functions_retries(status: str) -> None:
    client, _ = _pinpoint(APNS_TOKEN, {"DeliveryStatus": status, "StatusCode": 429})
    with pytest.raises(TransientDeliveryError, match=status):
        send_push.deliver(task("push-apns"), pinpoint=client, app_id=APP_ID)


def test_throttled_api_call_raises_transient_error() -> None:
    client = boto3.client("pinpoint", region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t")
    stubber = Stubber(client)
    stubber.add_client_error("send_messages", service_error_code="TooManyRequestsException", http_status_code=429)
    stubber.activate()
    with pytest.raises(TransientDeliveryError, match="TooManyRequestsException"):
        send_push.deliver(task("push-apns"), pinpoint=client, app_id=APP_ID)


def test_malformed_task_fails_before_calling_pinpoint() -> None:
    client, stubber = _pinpoint(APNS_TOKEN, {"DeliveryStatus": "SUCCESSFUL", "StatusCode": 200})
    bad = task("push-apns")
    bad["delivery"]["deviceToken"] = "short"
    with pytest.raises(InvalidNotification, match=r"^delivery\.deviceToken: "):
        send_push.deliver(bad, pinpoint=client, app_id=APP_ID)
    with pytest.raises(AssertionError):
        stubber.assert_no_pending_responses()  # Pinpoint was never called


def test_handler_requires_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PINPOINT_APP_ID", raising=False)
    with pytest.raises(Exception, match="PINPOINT_APP_ID"):
        send_push.handler(task(), None)
    monkeypatch.setenv("PINPOINT_APP_ID", APP_ID)
    monkeypatch.setenv("APNS_CHANNEL_TYPE", "VOIP")
    with pytest.raises(Exception, match="APNS_CHANNEL_TYPE"):
        send_push.handler(task(), None)
