"""The real state machine definition run (tests/asl_sim.py) against the real handlers: Firehose and
S3 in moto, SendGrid through an injected opener, Pinpoint SendMessages through botocore's Stubber
(moto has no SendMessages). One trail record per delivery attempt, whatever its outcome."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from moto import mock_aws

from components.notification_workflow import definition
from handlers.notification import firehose, record_trail, send_email, send_push, validate
from handlers.notification.errors import InvalidNotification
from tests.asl_sim import Simulator, StatesError
from tests.notification_events import ADDRESS, APNS_TOKEN, BODY, FCM_TOKEN, request
from tests.test_handlers_email import FakeOpener
from tests.test_handlers_trail import REGION, STREAM, THROTTLED, _create_stream, _trail_lines, inject_firehose_errors

ARNS = {
    key: f"arn:aws:lambda:{REGION}:111111111111:function:{key}"
    for key in ("validate", "send_push", "send_email", "record_trail")
}
QUEUE_URL = f"https://sqs.{REGION}.amazonaws.com/111111111111/trail-dead-letters"
NO_WAIT = firehose.Backoff(max_attempts=2)


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        s = boto3.Session(region_name=REGION)
        _create_stream(s)
        yield s


def _pinpoint(outcomes: list[tuple[str, dict[str, Any]]]) -> Any:
    client = boto3.client("pinpoint", region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t")
    stubber = Stubber(client)
    for token, outcome in outcomes:
        stubber.add_response(
            "send_messages",
            {"MessageResponse": {"ApplicationId": "app", "Result": {token: outcome}}},
            {"ApplicationId": "app", "MessageRequest": ANY},
        )
    stubber.activate()
    return client


def simulator(session: Any, pinpoint: Any, opener: FakeOpener, firehose_client: Any = None) -> Simulator:
    client = firehose_client or firehose.make_client(session)
    return Simulator(
        functions={
            ARNS["validate"]: lambda event: validate.handler(event, None),
            ARNS["send_push"]: lambda event: send_push.deliver(event, pinpoint=pinpoint, app_id="app"),
            ARNS["send_email"]: lambda event: send_email.deliver(event, api_key="SG.k", sender="a@b.jp", opener=opener),
            ARNS["record_trail"]: lambda event: record_trail.record(
                event, client=client, stream_name=STREAM, backoff=NO_WAIT, sleep=lambda _: None
            ),
        }
    )


MACHINE = definition(ARNS, trail_dead_letter_queue_url=QUEUE_URL, max_concurrency=10)
OK = {"DeliveryStatus": "SUCCESSFUL", "StatusCode": 200, "MessageId": "pp-1"}
REJECTED = {"DeliveryStatus": "PERMANENT_FAILURE", "StatusCode": 400, "StatusMessage": "InvalidRegistration"}


def _records(session: Any) -> dict[str, dict[str, Any]]:
    return {r["deliveryId"]: r for r in (json.loads(line) for line in _trail_lines(session))}


def test_each_delivery_attempt_writes_one_trail_record_whatever_its_outcome(session: Any) -> None:
    sim = simulator(session, _pinpoint([(APNS_TOKEN, OK), (FCM_TOKEN, REJECTED)]), FakeOpener(202))
    out = sim.run(MACHINE, request())
    records = _records(session)
    assert len(_trail_lines(session)) == 3
    assert {k: (r["channel"], r["result"]) for k, r in records.items()} == {
        "d0": ("push-apns", "delivered"),
        "d1": ("push-fcm", "failed"),
        "d2": ("email", "delivered"),
    }
    assert records["d1"]["reason"] == "PERMANENT_FAILURE (400): InvalidRegistration"
    assert records["d2"]["providerMessageId"] == "sg-msg-1"
    assert all(r["executionId"] == sim.execution_id for r in records.values())
    assert [o["trail"] for o in out["outcomes"]] == [records[f"d{i}"]["recordId"] for i in range(3)]
    assert "message" not in out  # the execution's output drops the body


def test_send_failure_after_step_functions_retries_is_caught_and_recorded(session: Any) -> None:
    sim = simulator(session, _pinpoint([]), FakeOpener(503))
    sim.run(MACHINE, request(deliveries=[{"channel": "email", "address": ADDRESS}]))
    (record,) = _records(session).values()
    assert record["result"] == "failed"
    assert record["reason"] == "TransientDeliveryError: SendGrid HTTP 503"
    assert sim.invocations.count(ARNS["send_email"]) == 5  # first try + 4 retries of TransientDeliveryError
    assert record["attemptedAt"] == "2026-12-04T09:30:05.000Z"


def test_record_firehose_never_takes_is_parked_in_the_dead_letter_queue_without_message_or_target(
    session: Any,
) -> None:
    client = firehose.make_client(session)
    inject_firehose_errors(client, [THROTTLED] * 100)
    sim = simulator(session, _pinpoint([(APNS_TOKEN, OK)]), FakeOpener(202), firehose_client=client)
    out = sim.run(MACHINE, request(deliveries=[{"channel": "push-apns", "deviceToken": APNS_TOKEN}]))
    assert out["outcomes"] == [
        {"deliveryId": "d0", "channel": "push-apns", "status": "delivered", "trail": "dead-lettered"}
    ]
    (parked,) = sim.sent_messages
    assert parked["QueueUrl"] == QUEUE_URL
    body = json.dumps(parked["MessageBody"], ensure_ascii=False)
    for secret in (BODY, APNS_TOKEN, ADDRESS):
        assert secret not in body
    # Replaying the parked message is invoking record_trail with it.
    replayed = record_trail.record(parked["MessageBody"], client=firehose.make_client(session), stream_name=STREAM)
    assert replayed["result"] == "delivered"
    assert _trail_lines(session) and json.loads(_trail_lines(session)[0])["recordId"] == replayed["recordId"]


def test_malformed_request_fails_the_execution_without_sending_or_recording(session: Any) -> None:
    sim = simulator(session, _pinpoint([]), FakeOpener(202))
    with pytest.raises(StatesError) as err:
        sim.run(MACHINE, request(municipalityId="131017"))
    assert err.value.error == InvalidNotification.__name__
    assert sim.invocations == [ARNS["validate"]]
    assert _trail_lines(session) == []
