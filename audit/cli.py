"""`python -m audit --stack prod`: audit the stack's live account and report drift from the rules.

Exit codes: 0 every rule evaluated and passed; 1 something failed or could not be evaluated;
2 fatal (bad stack or config, no credentials, unreachable endpoint, role cannot be assumed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from audit.config import load_audit_config
from audit.model import AuditContext
from audit.report import AuditReport, render_table, to_json, to_sarif
from audit.runner import run_checks
from audit.session import AuditError, open_session

STACKS = ("dev", "uat", "prod")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m audit",
        description="Audit a stack's live AWS account against the SmartPOST rules (see docs/audit.md).",
        epilog="exit codes: 0 all passed, 1 failures or checks not evaluated, 2 fatal error",
    )
    parser.add_argument("--stack", required=True, choices=STACKS, help="stack whose config names account and limits")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--sarif", metavar="FILE", type=Path, help="also write SARIF 2.1.0 to FILE")
    parser.add_argument("--endpoint-url", help="send every AWS call here (e.g. a moto server)")
    role = parser.add_mutually_exclusive_group()
    role.add_argument("--role-arn", help="role to assume (default: the stack's accounts.environment.deployRoleArn)")
    role.add_argument(
        "--no-assume-role", action="store_true", help="use the standard credential chain as it is, assume nothing"
    )
    parser.add_argument("--region", help="region to audit (default: the stack's accounts.region)")
    parser.add_argument("--show-passed", action="store_true", help="list passing checks in the table too")
    return parser.parse_args(argv)


def audit(args: argparse.Namespace) -> AuditReport:
    config = load_audit_config(args.stack)
    region = args.region or config.accounts.region
    expected_account = config.accounts.environment.account_id
    role_arn = args.role_arn or (None if args.no_assume_role else config.accounts.environment.deploy_role_arn)
    identity = open_session(region=region, role_arn=role_arn, endpoint_url=args.endpoint_url)
    if not args.role_arn and identity.account_id != expected_account:
        # An explicit --role-arn chooses the account; otherwise auditing another account is a mistake.
        raise AuditError(
            f"the credentials reach account {identity.account_id} ({identity.arn}) but stack {args.stack} "
            f"lives in {expected_account}: use that account's credentials or pass --role-arn"
        )
    ctx = AuditContext(
        session=identity.session,
        region=region,
        account_id=identity.account_id,
        thresholds=config.thresholds(),
        endpoint_url=args.endpoint_url,
    )
    return AuditReport(args.stack, identity.account_id, region, run_checks(ctx))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Piped into a CI log the table keeps full rule names and ARNs instead of folding them at 80 columns.
    console = Console(stderr=args.json, width=None if sys.stdout.isatty() else 200)
    try:
        report = audit(args)
    except AuditError as err:
        print(f"audit: error: {err}", file=sys.stderr)
        return 2
    if args.sarif:
        try:
            args.sarif.write_text(json.dumps(to_sarif(report, f"Pulumi.{args.stack}.yaml"), indent=2) + "\n")
        except OSError as err:
            print(f"audit: error: cannot write {args.sarif}: {err.strerror}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(to_json(report), indent=2))
    else:
        render_table(report, console, show_passed=args.show_passed)
    return report.exit_code
