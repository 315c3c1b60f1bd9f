"""send_email through SendGrid's HTTP API with an injected opener (no network), its key from an SSM
SecureString in moto."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from typing import Any

import boto3
import pytest
from moto import mock_aws

from handlers.notification import send_email
from handlers.notification.errors import InvalidNotification, TransientDeliveryError
from tests.notification_events import ADDRESS, BODY, REFS, task

PARAMETER = "/smartpost-dev/notifications/sendgrid-api-key"
KEY = "SG.test-key"
SENDER = "no-reply@smartpost.example.jp"


class _Response:
    def __init__(self, status: int, message_id: str | None) -> None:
        self.status = status
        self.headers = Message()
        if message_id:
            self.headers["X-Message-Id"] = message_id

    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *_: Any) -> None:
        return None


class FakeOpener:
    """Records requests; answers with a status (and raises HTTPError for >= 400, like urllib)."""

    def __init__(self, status: int = 202, body: dict[str, Any] | None = None, exc: Exception | None = None) -> None:
        self.status, self.body, self.exc = status, body or {}, exc
        self.requests: list[urllib.request.Request] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> _Response:
        self.requests.append(request)
        if self.exc:
            raise self.exc
        if self.status >= 400:
            raise urllib.error.HTTPError(
                request.full_url, self.status, "error", Message(), io.BytesIO(json.dumps(self.body).encode())
            )
        return _Response(self.status, "sg-msg-1")


def test_accepted_mail_is_delivered_with_sendgrids_message_id() -> None:
    opener = FakeOpener(202)
    result = send_email.deliver(task("email", "d2"), api_key=KEY, sender=SENDER, opener=opener)
    assert result == {
        "deliveryId": "d2",
        "channel": "email",
        "status": "delivered",
        "reason": None,
        "providerMessageId": "sg-msg-1",
        "attemptedAt": result["attemptedAt"],
    }
    (request,) = opener.requests
    assert request.full_url == "https://api.sendgrid.com/v3/mail/send" and request.get_method() == "POST"
    assert request.get_header("Authorization") == f"Bearer {KEY}"
    payload = json.loads(request.data)  # type: ignore[arg-type]
    assert payload["personalizations"] == [{"to": [{"email": ADDRESS}]}]
    assert payload["from"] == {"email": SENDER}
    assert payload["content"][0]["value"] == BODY
    assert payload["custom_args"]["notificationId"] == REFS["notificationId"]


def test_rejected_address_is_a_failed_delivery_without_the_address_in_the_reason() -> None:
    opener = FakeOpener(400, {"errors": [{"message": f"Invalid email {ADDRESS}"}]})
    result = send_email.deliver(task("email"), api_key=KEY, sender=SENDER, opener=opener)
    assert result["status"] == "failed"
    assert result["reason"] == "SendGrid HTTP 400: Invalid email <address>"


@pytest.mark.parametrize(
    "opener",
    [
        FakeOpener(429),
        FakeOpener(503),
        FakeOpener(exc=urllib.error.URLError("timed out")),
        FakeOpener(exc=TimeoutError()),
    ],
)
def test_throttling_server_errors_and_network_failures_are_retried_by_step_functions(opener: FakeOpener) -> None:
    with pytest.raises(TransientDeliveryError):
        send_email.deliver(task("email"), api_key=KEY, sender=SENDER, opener=opener)


def test_malformed_task_fails_before_any_http_call() -> None:
    opener = FakeOpener()
    bad = task("email")
    bad["message"] = {"title": "x"}
    with pytest.raises(InvalidNotification, match=r"^message\.body: is required"):
        send_email.deliver(bad, api_key=KEY, sender=SENDER, opener=opener)
    assert opener.requests == []


def test_push_task_routed_to_email_is_refused() -> None:
    with pytest.raises(Exception, match="push-apns delivery"):
        send_email.deliver(task("push-apns"), api_key=KEY, sender=SENDER, opener=FakeOpener())


@pytest.fixture
def ssm_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    with mock_aws():
        boto3.client("ssm").put_parameter(Name=PARAMETER, Value=KEY, Type="SecureString")
        send_email._api_key.cache_clear()
        yield
        send_email._api_key.cache_clear()


def test_api_key_is_read_decrypted_from_the_parameter_named_in_the_environment(
    ssm_key: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert send_email.read_api_key(boto3.client("ssm"), PARAMETER) == KEY
    monkeypatch.setenv("SENDGRID_API_KEY_PARAMETER", PARAMETER)
    monkeypatch.setenv("MAIL_FROM_ADDRESS", SENDER)
    opener = FakeOpener(202)
    monkeypatch.setattr(send_email, "OPENER", opener)
    assert send_email.handler(task("email"), None)["status"] == "delivered"
    assert opener.requests[0].get_header("Authorization") == f"Bearer {KEY}"


def test_handler_requires_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENDGRID_API_KEY_PARAMETER", raising=False)
    with pytest.raises(Exception, match="SENDGRID_API_KEY_PARAMETER"):
        send_email.handler(task("email"), None)
