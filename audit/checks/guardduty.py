"""GuardDuty: an enabled detector in the audited region."""

from __future__ import annotations

from collections.abc import Iterator

from audit.model import AuditContext, Result, Status, evaluate, paginate

RULES = ("guardduty-detector-enabled",)


def run(ctx: AuditContext) -> Iterator[Result]:
    guardduty = ctx.client("guardduty")
    detector_ids = paginate(guardduty, "list_detectors", "DetectorIds")
    if not detector_ids:
        yield Result(RULES[0], ctx.account_resource("guardduty"), Status.FAIL, "GuardDuty has no detector here")
        return
    for detector_id in detector_ids:
        arn = f"arn:aws:guardduty:{ctx.region}:{ctx.account_id}:detector/{detector_id}"

        def probe(detector_id: str = detector_id) -> tuple[bool, str]:
            status = guardduty.get_detector(DetectorId=detector_id).get("Status", "UNKNOWN")
            return status == "ENABLED", f"detector {status}"

        yield evaluate(RULES[0], arn, probe)
