"""What the checks produce and need: results, thresholds and the context that hands out clients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# Throttling and transient errors are retried by botocore's standard retry mode.
BOTO_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 5},
    connect_timeout=5,
    read_timeout=30,
    user_agent_extra="smartpost-audit",
)


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_EVALUATED = "not-evaluated"


@dataclass(frozen=True)
class Result:
    rule: str
    resource: str  # an ARN, or the account/region for account-level rules
    status: Status
    detail: str = ""


@dataclass(frozen=True)
class Thresholds:
    log_days: int = 90
    cloudtrail_log_days: int = 365
    backup_retention_days: int = 7
    deletion_protection: bool = True  # production only


@dataclass
class AuditContext:
    session: boto3.Session
    region: str
    account_id: str
    thresholds: Thresholds = field(default_factory=Thresholds)
    endpoint_url: str | None = None
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url, config=BOTO_CONFIG
            )
        return self._clients[service]

    def account_resource(self, service: str) -> str:
        """The resource an account-level finding is reported against."""
        return f"arn:aws:{service}:{self.region}:{self.account_id}"


def error_code(err: BaseException) -> str:
    return err.response.get("Error", {}).get("Code", "") if isinstance(err, ClientError) else ""


def describe_error(err: BaseException) -> str:
    """One line saying which call failed and why (AccessDenied on s3:GetBucketPolicy, ...)."""
    if isinstance(err, ClientError):
        info = err.response.get("Error", {})
        return f"{info.get('Code', 'Error')} on {err.operation_name}: {info.get('Message', '')}".strip()
    if isinstance(err, BotoCoreError):
        return str(err)
    return f"{type(err).__name__}: {err}"


def evaluate(rule: str, resource: str, probe: Callable[..., tuple[bool, str]], *args: Any) -> Result:
    """``probe(*args)`` decides one rule on one resource; an API error makes it 'not evaluated', not fatal."""
    try:
        ok, detail = probe(*args)
    except (ClientError, BotoCoreError) as err:
        return Result(rule, resource, Status.NOT_EVALUATED, describe_error(err))
    return Result(rule, resource, Status.PASS if ok else Status.FAIL, detail)


def paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    """Every item of a paginated list call."""
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key) or [])
    return items
