"""Send one e-mail through SendGrid's v3 Mail Send API (standard-library HTTP, no SDK).

The API key is read once per cold start from an SSM Parameter Store SecureString whose name is in
``SENDGRID_API_KEY_PARAMETER``; the sender address is ``MAIL_FROM_ADDRESS``. The HTTP opener is
injectable so tests never reach the network.

Outcome: 2xx -> delivered (provider message ID from ``X-Message-Id``); 429, 5xx and network errors ->
:class:`TransientDeliveryError` (Step Functions retries); other 4xx (e.g. a rejected address) ->
failed, recorded in the trail.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from functools import cache
from typing import Any

from handlers.notification.errors import ConfigurationError, TransientDeliveryError
from handlers.notification.trail import iso_utc, now_utc
from handlers.notification.validate import parse_task

SENDGRID_URL = "https://api.sendgrid.com/v3/mail/send"
TIMEOUT_SECONDS = 10
Opener = Callable[..., Any]  # urllib.request.urlopen's shape: (request, timeout=...) -> response
# What the Lambda handler sends with; tests replace it so nothing reaches the network.
OPENER: Opener = urllib.request.urlopen


def mail_request(
    api_key: str, sender: str, address: str, refs: dict[str, str], message: dict[str, str]
) -> urllib.request.Request:
    payload = {
        "personalizations": [{"to": [{"email": address}]}],
        "from": {"email": sender},
        "subject": message["title"],
        "content": [{"type": "text/plain", "value": message["body"]}],
        # Echoed in SendGrid's event webhook, so a bounce can be matched to the trail record.
        "custom_args": {"notificationId": refs["notificationId"], "municipalityId": refs["municipalityId"]},
        "categories": [refs["category"]],
    }
    return urllib.request.Request(
        SENDGRID_URL,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
        method="POST",
    )


def _sendgrid_errors(body: bytes) -> str:
    try:
        errors = json.loads(body or b"{}").get("errors") or []
        return "; ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict))[:200]
    except (ValueError, AttributeError):
        return ""


def deliver(event: Any, *, api_key: str, sender: str, opener: Opener = urllib.request.urlopen) -> dict[str, Any]:
    refs, message, delivery = parse_task(event)
    if delivery["channel"] != "email":
        raise ConfigurationError(
            f"send_email got a {delivery['channel']} delivery; the state machine routes it elsewhere"
        )
    address = delivery["address"]
    attempted_at = iso_utc(now_utc())
    request = mail_request(api_key, sender, address, refs, message)
    status: int
    message_id: str | None = None
    detail = ""
    try:
        with opener(request, timeout=TIMEOUT_SECONDS) as response:
            status = int(response.status)
            message_id = response.headers.get("X-Message-Id")
    except urllib.error.HTTPError as err:
        status = int(err.code)
        detail = _sendgrid_errors(err.read())
    except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
        raise TransientDeliveryError(f"SendGrid unreachable: {type(err).__name__}") from err
    if status == 429 or status >= 500:
        raise TransientDeliveryError(f"SendGrid HTTP {status}")
    delivered = 200 <= status < 300
    reason = (
        None if delivered else f"SendGrid HTTP {status}{': ' + detail if detail else ''}".replace(address, "<address>")
    )
    return {
        "deliveryId": delivery["deliveryId"],
        "channel": "email",
        "status": "delivered" if delivered else "failed",
        "reason": reason,
        "providerMessageId": message_id,
        "attemptedAt": attempted_at,
    }


def read_api_key(ssm: Any, parameter_name: str) -> str:
    value = ssm.get_parameter(Name=parameter_name, WithDecryption=True)["Parameter"]["Value"]
    if not value:
        raise ConfigurationError(f"parameter {parameter_name} is empty")
    return str(value)


@cache
def _api_key(parameter_name: str) -> str:
    import boto3

    return read_api_key(boto3.client("ssm"), parameter_name)


def handler(event: Any, context: Any) -> dict[str, Any]:
    parameter = os.environ.get("SENDGRID_API_KEY_PARAMETER", "")
    sender = os.environ.get("MAIL_FROM_ADDRESS", "")
    if not parameter or not sender:
        raise ConfigurationError("SENDGRID_API_KEY_PARAMETER and MAIL_FROM_ADDRESS must be set")
    return deliver(event, api_key=_api_key(parameter), sender=sender, opener=OPENER)
