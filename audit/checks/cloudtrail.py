"""CloudTrail: a multi-region trail that is logging, with log file validation and KMS encryption."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from audit.model import AuditContext, Result, Status, evaluate

RULES = (
    "cloudtrail-trail-logging",
    "cloudtrail-trail-multi-region",
    "cloudtrail-trail-log-file-validation",
    "cloudtrail-trail-kms",
)


def run(ctx: AuditContext) -> Iterator[Result]:
    cloudtrail = ctx.client("cloudtrail")
    # DescribeTrails is not paginated; shadow trails show multi-region trails homed elsewhere.
    trails: dict[str, dict[str, Any]] = {}
    for trail in cloudtrail.describe_trails(includeShadowTrails=True).get("trailList") or []:
        trails.setdefault(trail["TrailARN"], trail)
    if not trails:
        yield Result(RULES[0], ctx.account_resource("cloudtrail"), Status.FAIL, "no trail records this account")
        return
    for arn, trail in trails.items():
        yield evaluate(RULES[0], arn, _logging, cloudtrail, arn)
        yield evaluate(RULES[1], arn, _multi_region, trail)
        yield evaluate(RULES[2], arn, _validation, trail)
        yield evaluate(RULES[3], arn, _kms, trail)


def _logging(cloudtrail: Any, arn: str) -> tuple[bool, str]:
    if cloudtrail.get_trail_status(Name=arn).get("IsLogging"):
        return True, "logging"
    return False, "logging is stopped: API activity is not being recorded"


def _multi_region(trail: dict[str, Any]) -> tuple[bool, str]:
    if trail.get("IsMultiRegionTrail"):
        return True, "records every region"
    return False, f"records {trail.get('HomeRegion', 'one region')} only"


def _validation(trail: dict[str, Any]) -> tuple[bool, str]:
    if trail.get("LogFileValidationEnabled"):
        return True, "log file validation on"
    return False, "log file validation off: tampering with delivered logs would go unnoticed"


def _kms(trail: dict[str, Any]) -> tuple[bool, str]:
    key = trail.get("KmsKeyId")
    return (True, f"encrypted with {key}") if key else (False, "log files are not encrypted with a KMS key")
