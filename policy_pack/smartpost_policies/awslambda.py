"""Lambda (seed 2): no function invocable by every principal."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, get, resource_policy

PERMISSION = "aws:lambda/permission:Permission"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"


def _not_public(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == PERMISSION:
        principal = str(get(args.props, "principal", default=""))
        if principal in ("", "*"):
            report(
                "The Lambda permission admits every principal: name the service or account (principal) and "
                "scope it with source_arn / source_account."
            )
    elif args.resource_type == FUNCTION_URL and get(args.props, "authorizationType") != "AWS_IAM":
        report("The function URL admits anyone (authorization_type NONE): use AWS_IAM.")


lambda_permission_not_public = resource_policy(
    name="lambda-function-not-public",
    description="No Lambda permission or function URL admits every principal.",
    severity=Severity.CRITICAL,
    remediation="Set principal to a service principal or account and add source_arn/source_account; function URLs "
    "use authorization_type='AWS_IAM'.",
    control=Control(security_hub="Lambda.1", checkov="CKV_AWS_301"),
    validate=_not_public,
)

POLICIES = [lambda_permission_not_public]
