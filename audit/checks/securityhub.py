"""Security Hub: enabled (subscribed) in the audited region."""

from __future__ import annotations

from collections.abc import Iterator

from botocore.exceptions import ClientError

from audit.model import AuditContext, Result, Status, error_code

RULES = ("securityhub-account-enabled",)


def run(ctx: AuditContext) -> Iterator[Result]:
    resource = ctx.account_resource("securityhub")
    try:
        hub = ctx.client("securityhub").describe_hub()
    except ClientError as err:
        # "Account is not subscribed to AWS Security Hub" (InvalidAccessException)
        if error_code(err) in ("InvalidAccessException", "ResourceNotFoundException"):
            yield Result(RULES[0], resource, Status.FAIL, "Security Hub is not enabled in this region")
            return
        raise
    yield Result(RULES[0], hub.get("HubArn") or resource, Status.PASS, "Security Hub enabled")
