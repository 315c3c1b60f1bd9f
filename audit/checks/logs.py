"""CloudWatch Logs: retention at least the configured days (90), CloudTrail's log groups at least 365."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from audit.model import AuditContext, Result, evaluate, paginate

RULES = ("cloudwatch-log-group-retention", "cloudwatch-log-group-cloudtrail-retention")


def trail_log_groups(ctx: AuditContext) -> set[str]:
    """Names of the log groups trails deliver to (best effort: the name heuristic still applies)."""
    try:
        trails = ctx.client("cloudtrail").describe_trails(includeShadowTrails=True).get("trailList") or []
    except (ClientError, BotoCoreError):
        return set()
    names = set()
    for trail in trails:
        arn = trail.get("CloudWatchLogsLogGroupArn") or ""
        if ":log-group:" in arn:
            names.add(arn.split(":log-group:", 1)[1].split(":", 1)[0])
    return names


def run(ctx: AuditContext) -> Iterator[Result]:
    logs = ctx.client("logs")
    groups = paginate(logs, "describe_log_groups", "logGroups")
    if not groups:
        return
    trail_groups = trail_log_groups(ctx)
    for group in groups:
        name = group["logGroupName"]
        is_trail = name in trail_groups or "cloudtrail" in name.lower()
        minimum = ctx.thresholds.cloudtrail_log_days if is_trail else ctx.thresholds.log_days
        arn = group.get("logGroupArn") or group.get("arn", name).removesuffix(":*")
        yield evaluate(RULES[1] if is_trail else RULES[0], arn, _retention, group, minimum, is_trail)


def _retention(group: dict[str, Any], minimum: int, is_trail: bool) -> tuple[bool, str]:
    days = group.get("retentionInDays")
    kind = "CloudTrail log group" if is_trail else "log group"
    if not days:
        return False, f"{kind} keeps logs forever (no retention); the minimum is {minimum} days"
    if int(days) < minimum:
        return False, f"{kind} keeps logs {days} days; the minimum is {minimum}"
    return True, f"{kind} keeps logs {days} days"
