"""record_trail against moto's Firehose (in process, and moto's server on 127.0.0.1): one record per
delivery attempt, the documented schema, throttling retried with backoff, then the task fails."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from moto.server import ThreadedMotoServer

from handlers.notification import firehose, record_trail, trail
from handlers.notification.errors import InvalidNotification, TrailWriteError
from tests.notification_events import ADDRESS, APNS_TOKEN, BODY, EXECUTION_ID, REFS, trail_input

REGION = "ap-northeast-1"
STREAM = "smartpost-dev-notification-trail"
BUCKET = "trail-bucket"
DOC = Path(__file__).resolve().parent.parent / "docs" / "notification-trail.md"

DELIVERED = {
    "deliveryId": "d0",
    "channel": "push-apns",
    "status": "delivered",
    "reason": None,
    "providerMessageId": "pinpoint-msg-1",
    "attemptedAt": "2026-12-04T09:30:00.123Z",
}


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)


def _create_stream(session: Any, **endpoint: Any) -> None:
    s3 = session.client("s3", **endpoint)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    session.client("firehose", **endpoint).create_delivery_stream(
        DeliveryStreamName=STREAM,
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::111111111111:role/firehose",
            "BucketARN": f"arn:aws:s3:::{BUCKET}",
            "Prefix": "notification-trail/",
        },
    )


def _trail_lines(session: Any, **endpoint: Any) -> list[bytes]:
    s3 = session.client("s3", **endpoint)
    lines: list[bytes] = []
    for obj in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        assert obj["Key"].startswith("notification-trail/")
        body = s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read()
        lines.extend(line for line in body.split(b"\n") if line)
    return lines


@pytest.fixture
def moto_firehose(aws_env: None) -> Iterator[Any]:
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        _create_stream(session)
        yield session


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = io.BytesIO(body)

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body.read()


def inject_firehose_errors(client: Any, responses: list[tuple[int, dict[str, Any]]]) -> list[int]:
    """Answer the next PutRecordBatch calls with ``responses`` (status, JSON body), then let them through."""
    calls: list[int] = []

    def before_send(request: Any, **_: Any) -> AWSResponse | None:
        calls.append(len(calls))
        if not responses:
            return None
        status, body = responses.pop(0)
        # botocore runs every before-send handler and takes the first answer: point the request
        # somewhere moto does not serve, so moto does not also process it.
        request.url = "https://injected-fault.invalid/"
        headers = {"Content-Type": "application/x-amz-json-1.1"}
        return AWSResponse(request.url, status, headers, _Raw(json.dumps(body).encode()))  # type: ignore[arg-type]

    client.meta.events.register_first("before-send.firehose.PutRecordBatch", before_send)
    return calls


THROTTLED = (400, {"__type": "ServiceUnavailableException", "message": "Slow down."})
THROTTLED_2 = (400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
PARTIAL = (
    200,
    {
        "FailedPutCount": 1,
        "Encrypted": True,
        "RequestResponses": [{"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "Slow down."}],
    },
)


def test_delivered_attempt_writes_exactly_one_record_with_the_documented_schema(moto_firehose: Any) -> None:
    out = record_trail.record(trail_input(DELIVERED), client=firehose.make_client(moto_firehose), stream_name=STREAM)
    lines = _trail_lines(moto_firehose)
    assert len(lines) == 1
    rec = json.loads(lines[0])
    assert tuple(rec) == trail.FIELDS
    assert rec["schemaVersion"] == trail.SCHEMA_VERSION
    assert rec["recordId"] == out["recordId"]
    assert {k: rec[k] for k in REFS} == REFS
    assert (rec["channel"], rec["result"], rec["reason"], rec["providerMessageId"]) == (
        "push-apns",
        "delivered",
        None,
        "pinpoint-msg-1",
    )
    assert rec["attemptedAt"] == "2026-12-04T09:30:00.123Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", rec["recordedAt"])
    assert rec["executionId"] == EXECUTION_ID
    assert out["firehoseAttempts"] == 1


def test_failed_attempt_is_recorded_with_its_reason(moto_firehose: Any) -> None:
    failed = {
        **DELIVERED,
        "status": "failed",
        "reason": "PERMANENT_FAILURE (400): BadDeviceToken",
        "providerMessageId": None,
    }
    record_trail.record(trail_input(failed), client=firehose.make_client(moto_firehose), stream_name=STREAM)
    (line,) = _trail_lines(moto_firehose)
    rec = json.loads(line)
    assert (rec["result"], rec["reason"]) == ("failed", "PERMANENT_FAILURE (400): BadDeviceToken")


def test_caught_send_failure_keeps_the_lambda_error_message_but_not_the_stack(moto_firehose: Any) -> None:
    caught = {
        "deliveryId": "d2",
        "channel": "email",
        "status": "failed",
        "reason": "TransientDeliveryError",
        "providerMessageId": None,
        "attemptedAt": "2026-12-04T09:31:00Z",
        "errorCause": json.dumps(
            {"errorMessage": "SendGrid HTTP 503", "errorType": "TransientDeliveryError", "stackTrace": ["x.py"]}
        ),
    }
    record_trail.record(trail_input(caught), client=firehose.make_client(moto_firehose), stream_name=STREAM)
    rec = json.loads(_trail_lines(moto_firehose)[0])
    assert rec["reason"] == "TransientDeliveryError: SendGrid HTTP 503"
    assert rec["attemptedAt"] == "2026-12-04T09:31:00.000Z"


def test_trail_never_holds_the_body_the_token_or_the_address(moto_firehose: Any) -> None:
    event = trail_input(DELIVERED)
    record_trail.record(event, client=firehose.make_client(moto_firehose), stream_name=STREAM)
    raw = b"".join(_trail_lines(moto_firehose)).decode()
    for secret in (BODY, APNS_TOKEN, ADDRESS, "避難指示"):
        assert secret not in raw


def test_firehose_throttling_is_retried_with_growing_jittered_backoff(moto_firehose: Any) -> None:
    client = firehose.make_client(moto_firehose)
    calls = inject_firehose_errors(client, [THROTTLED, THROTTLED_2, PARTIAL])
    sleeps: list[float] = []
    out = record_trail.record(
        trail_input(DELIVERED), client=client, stream_name=STREAM, sleep=sleeps.append, rand=lambda: 1.0
    )
    assert len(calls) == 4 and out["firehoseAttempts"] == 4
    assert sleeps == [0.2, 0.4, 0.8]  # base 0.1 * 2**attempt, jitter factor pinned at 1.0
    assert len(_trail_lines(moto_firehose)) == 1  # nothing lost, nothing doubled


def test_jitter_draws_below_the_exponential_cap() -> None:
    backoff = firehose.Backoff(base_seconds=0.1, cap_seconds=1.0)
    assert backoff.delay(10, lambda: 0.5) == 0.5
    assert backoff.delay(2, lambda: 0.25) == pytest.approx(0.1)


def test_persistent_throttling_raises_trail_write_error_so_step_functions_retries(moto_firehose: Any) -> None:
    client = firehose.make_client(moto_firehose)
    calls = inject_firehose_errors(client, [THROTTLED] * 10)
    sleeps: list[float] = []
    with pytest.raises(TrailWriteError, match=r"did not accept 1 of 1 .* after 3 attempts") as err:
        record_trail.record(
            trail_input(DELIVERED),
            client=client,
            stream_name=STREAM,
            backoff=firehose.Backoff(max_attempts=3),
            sleep=sleeps.append,
        )
    assert type(err.value).__name__ == "TrailWriteError"  # the state machine retries on this name
    assert len(calls) == 3 and len(sleeps) == 2
    assert _trail_lines(moto_firehose) == []


def test_non_retryable_firehose_errors_are_not_retried(moto_firehose: Any) -> None:
    sleeps: list[float] = []
    with pytest.raises(Exception, match="ResourceNotFoundException"):
        record_trail.record(
            trail_input(DELIVERED), client=firehose.make_client(moto_firehose), stream_name="nope", sleep=sleeps.append
        )
    assert sleeps == []


@pytest.mark.parametrize(
    ("result", "field"),
    [
        ({**DELIVERED, "status": "maybe"}, "result.status"),
        ({**DELIVERED, "channel": "fax"}, "result.channel"),
        ({**DELIVERED, "attemptedAt": "yesterday"}, "result.attemptedAt"),
        ({**DELIVERED, "attemptedAt": "2026-12-04T09:30:00"}, "result.attemptedAt"),
        ({k: v for k, v in DELIVERED.items() if k != "deliveryId"}, "result.deliveryId"),
    ],
)
def test_malformed_trail_input_fails_cleanly_without_writing(
    moto_firehose: Any, result: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidNotification) as err:
        record_trail.record(trail_input(result), client=firehose.make_client(moto_firehose), stream_name=STREAM)
    assert err.value.field == field
    assert _trail_lines(moto_firehose) == []


def test_handler_reads_the_stream_name_from_the_environment(
    moto_firehose: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_trail._client.cache_clear()
    monkeypatch.setenv("TRAIL_STREAM_NAME", STREAM)
    try:
        record_trail.handler(trail_input(DELIVERED), None)
    finally:
        record_trail._client.cache_clear()
    assert len(_trail_lines(moto_firehose)) == 1


def test_record_ids_are_stable_across_retries_of_the_same_attempt() -> None:
    first = record_trail.to_record(trail_input(DELIVERED))
    second = record_trail.to_record(trail_input(DELIVERED))
    other = record_trail.to_record(trail_input({**DELIVERED, "deliveryId": "d1"}))
    assert first.recordId == second.recordId != other.recordId


def test_documented_schema_lists_every_field_and_the_version() -> None:
    doc = DOC.read_text()
    assert f"`{trail.SCHEMA_VERSION}`" in doc
    documented = re.findall(r"^\| `(\w+)` \|", doc, flags=re.MULTILINE)
    assert tuple(documented) == trail.FIELDS


def test_over_moto_server_on_loopback_the_record_lands_in_the_bucket(aws_env: None) -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = {"endpoint_url": f"http://{host}:{port}"}
        session = boto3.Session(region_name=REGION)
        _create_stream(session, **endpoint)
        client = firehose.make_client(session, **endpoint)
        inject_firehose_errors(client, [THROTTLED])
        sleeps: list[float] = []
        out = record_trail.record(trail_input(DELIVERED), client=client, stream_name=STREAM, sleep=sleeps.append)
        (line,) = _trail_lines(session, **endpoint)
        assert json.loads(line)["recordId"] == out["recordId"]
        assert out["firehoseAttempts"] == 2 and len(sleeps) == 1
    finally:
        server.stop()
