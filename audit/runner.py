"""Run every check; one failing API call costs that check (or one resource), never the whole audit."""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from botocore.exceptions import BotoCoreError, ClientError

from audit.checks import CHECKS
from audit.model import AuditContext, Result, Status, describe_error


def run_check(ctx: AuditContext, check: ModuleType) -> list[Result]:
    results: list[Result] = []
    try:
        results.extend(check.run(ctx))
    except (ClientError, BotoCoreError) as err:
        reason = describe_error(err)
    except Exception as err:  # a bug or an unexpected response shape in one check must not stop the others
        reason = f"internal error in the {check.__name__.rsplit('.', 1)[-1]} check: {describe_error(err)}"
    else:
        return results
    # The listing call failed (or failed part way): whatever was not reported is not evaluated.
    scope = ctx.account_resource(check.__name__.rsplit(".", 1)[-1])
    results.extend(Result(rule, scope, Status.NOT_EVALUATED, reason) for rule in check.RULES)
    return results


def run_checks(ctx: AuditContext, checks: Iterable[ModuleType] = CHECKS) -> list[Result]:
    results: list[Result] = []
    for check in checks:
        results.extend(run_check(ctx, check))
    return results
