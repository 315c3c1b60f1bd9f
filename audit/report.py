"""The audit's outputs: a rich table, JSON, and SARIF 2.1.0 for CI code-scanning."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from audit.model import Result, Status
from audit.rules import RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
STYLE = {Status.FAIL: "bold red", Status.NOT_EVALUATED: "yellow", Status.PASS: "green"}


@dataclass(frozen=True)
class AuditReport:
    stack: str
    account_id: str
    region: str
    results: list[Result]

    def count(self, status: Status) -> int:
        return sum(1 for result in self.results if result.status is status)

    @property
    def exit_code(self) -> int:
        """0 only when every rule was evaluated and passed; an incomplete audit is not a clean one."""
        return 0 if self.count(Status.PASS) == len(self.results) else 1

    def summary(self) -> dict[str, int]:
        counts = Counter(result.status.value for result in self.results)
        return {status.value: counts.get(status.value, 0) for status in Status}


def render_table(report: AuditReport, console: Console, *, show_passed: bool = False) -> None:
    shown = [r for r in report.results if show_passed or r.status is not Status.PASS]
    table = Table(title=f"SmartPOST audit: stack {report.stack}, account {report.account_id}, {report.region}")
    for column in ("Status", "Rule", "Control", "Resource", "Detail"):
        table.add_column(column, overflow="fold")
    for result in sorted(shown, key=lambda r: (r.status is Status.PASS, r.status, r.rule, r.resource)):
        control = RULES[result.rule].control
        table.add_row(
            f"[{STYLE[result.status]}]{result.status.value}[/]",
            result.rule,
            control.security_hub or control.checkov or "",
            result.resource,
            result.detail,
        )
    if shown:
        console.print(table)
    summary = report.summary()
    console.print(
        f"{summary['fail']} failed, {summary['not-evaluated']} not evaluated, {summary['pass']} passed "
        f"({len(report.results)} checks)"
    )


def to_json(report: AuditReport) -> dict[str, Any]:
    return {
        "stack": report.stack,
        "account": report.account_id,
        "region": report.region,
        "summary": report.summary(),
        "results": [
            {
                "rule": r.rule,
                "resource": r.resource,
                "status": r.status.value,
                "detail": r.detail,
                "securityHubControl": RULES[r.rule].control.security_hub,
                "checkov": RULES[r.rule].control.checkov,
                "severity": RULES[r.rule].severity,
            }
            for r in report.results
        ],
    }


def to_sarif(report: AuditReport, artifact_uri: str) -> dict[str, Any]:
    """SARIF 2.1.0: one rule per audit rule; failures are results of kind 'fail', unevaluated ones 'open'.

    Live resources have no source file; each result names its ARN as a logical location and points at
    the stack's config file (``artifact_uri``) so code-scanning UIs that need a file accept it.
    """
    rules = list(RULES.values())
    index = {rule.name: i for i, rule in enumerate(rules)}
    results = []
    for result in report.results:
        if result.status is Status.PASS:
            continue
        rule = RULES[result.rule]
        failed = result.status is Status.FAIL
        results.append(
            {
                "ruleId": rule.name,
                "ruleIndex": index[rule.name],
                "kind": "fail" if failed else "open",
                "level": SARIF_LEVEL[rule.severity] if failed else "none",
                "message": {
                    "text": f"{result.resource}: {result.detail}" if failed else f"not evaluated: {result.detail}"
                },
                "locations": [
                    {
                        "physicalLocation": {"artifactLocation": {"uri": artifact_uri}},
                        "logicalLocations": [{"fullyQualifiedName": result.resource, "kind": "resource"}],
                    }
                ],
                "partialFingerprints": {"resource/v1": f"{rule.name}|{result.resource}"},
                "properties": {"resource": result.resource, "status": result.status.value},
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "smartpost-audit",
                        "rules": [
                            {
                                "id": rule.name,
                                "shortDescription": {"text": rule.description},
                                "help": {"text": rule.remediation},
                                "helpUri": rule.help_uri,
                                "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
                                "properties": {
                                    "securityHubControl": rule.control.security_hub,
                                    "checkov": rule.control.checkov,
                                    "severity": rule.severity,
                                    "tags": ["security", *(t for t in (rule.control.security_hub,) if t)],
                                },
                            }
                            for rule in rules
                        ],
                    }
                },
                "automationDetails": {"id": f"smartpost-audit/{report.stack}/{report.account_id}/{report.region}"},
                "results": results,
            }
        ],
    }
