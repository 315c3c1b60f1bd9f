"""Put records on a Firehose stream without losing any: throttling (``ServiceUnavailableException``,
``ThrottlingException``, ...) and records PutRecordBatch reports as failed are retried with
exponential backoff and full jitter; what is still not accepted after the last attempt raises
:class:`TrailWriteError`, which fails the task so that Step Functions retries it.

botocore's own retries are switched off on the client (``make_client``) so this module alone decides
how long to keep trying (a Lambda has a timeout, and Step Functions adds its own retry layer).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from handlers.notification.errors import TrailWriteError

RETRYABLE_CODES = frozenset(
    {
        "ServiceUnavailableException",
        "ThrottlingException",
        "Throttling",
        "LimitExceededException",
        "InternalFailure",
        "InternalFailureException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)
MAX_BATCH = 500  # PutRecordBatch limit


@dataclass(frozen=True)
class Backoff:
    max_attempts: int = 6
    base_seconds: float = 0.1
    cap_seconds: float = 3.0

    def delay(self, attempt: int, rand: Callable[[], float]) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)) (AWS architecture blog)."""
        return rand() * min(self.cap_seconds, self.base_seconds * (2**attempt))


DEFAULT_BACKOFF = Backoff()


def make_client(session: Any = None, **client_kwargs: Any) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=3, read_timeout=10)
    return (session or boto3).client("firehose", config=config, **client_kwargs)


def _error_code(err: Exception) -> str | None:
    response = getattr(err, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


def put_records(
    client: Any,
    stream_name: str,
    records: Sequence[bytes],
    *,
    backoff: Backoff = DEFAULT_BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> int:
    """Put every record; returns how many attempts it took. Raises TrailWriteError when some never got in."""
    if not records:
        return 0
    if len(records) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} records per call, got {len(records)}")
    pending = list(records)
    last_problem = ""
    for attempt in range(backoff.max_attempts):
        if attempt:
            sleep(backoff.delay(attempt, rand))
        try:
            response = client.put_record_batch(
                DeliveryStreamName=stream_name, Records=[{"Data": data} for data in pending]
            )
        except Exception as err:
            code = _error_code(err)
            if code not in RETRYABLE_CODES:
                raise
            last_problem = code or type(err).__name__
            continue
        if not response.get("FailedPutCount"):
            return attempt + 1
        entries = response.get("RequestResponses", [])
        failed = [data for data, entry in zip(pending, entries, strict=True) if entry.get("ErrorCode")]
        codes = sorted({str(entry["ErrorCode"]) for entry in entries if entry.get("ErrorCode")})
        last_problem = f"{len(failed)} record(s) failed: {', '.join(codes)}"
        pending = failed
    raise TrailWriteError(
        f"Firehose stream {stream_name} did not accept {len(pending)} of {len(records)} trail record(s) "
        f"after {backoff.max_attempts} attempts (last: {last_problem})"
    )
