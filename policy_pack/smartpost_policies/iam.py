"""IAM (seed 2): no policy allows every action on every resource; nothing gets AdministratorAccess."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, as_list, get, resource_policy, statements

POLICY_TYPES = (
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
ROLE = "aws:iam/role:Role"
ATTACHMENTS = (
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
)
ADMIN_POLICIES = ["arn:aws:iam::aws:policy/AdministratorAccess"]


def _documents(args: ResourceValidationArgs) -> list:
    if args.resource_type in POLICY_TYPES:
        return [get(args.props, "policy")]
    if args.resource_type == ROLE:
        return [get(p, "policy") for p in as_list(get(args.props, "inlinePolicies"))]
    return []


def _full_admin(statement) -> bool:
    return (
        get(statement, "Effect") == "Allow"
        and any(a in ("*", "*:*") for a in as_list(get(statement, "Action")))
        and "*" in as_list(get(statement, "Resource"))
    )


def _no_star(args: ResourceValidationArgs, report) -> None:
    for document in _documents(args):
        if any(_full_admin(s) for s in statements(document)):
            report(
                "The policy allows Action '*' on Resource '*': grant the named actions on the named resources "
                "(components/grants.py)."
            )


def _no_admin_managed_policy(args: ResourceValidationArgs, report) -> None:
    admin = set(ADMIN_POLICIES)
    arns = []
    if args.resource_type in ATTACHMENTS:
        arns = [get(args.props, "policyArn")]
    elif args.resource_type == ROLE:
        arns = as_list(get(args.props, "managedPolicyArns"))
    for arn in arns:
        if arn in admin:
            report(f"{arn} is attached: grant least privilege instead.")


iam_policy_no_full_admin = resource_policy(
    name="iam-policy-no-star-on-star",
    description="No IAM policy allows Action '*' on Resource '*'.",
    severity=Severity.CRITICAL,
    remediation="Build policies with components/grants.py from named action lists and resource ARNs.",
    control=Control(security_hub="IAM.1", checkov="CKV_AWS_62", cdk_nag="AwsSolutions-IAM5"),
    validate=_no_star,
)
iam_no_administrator_access = resource_policy(
    name="iam-role-no-administrator-access",
    description="No role, user or group has the AWS managed AdministratorAccess policy attached.",
    severity=Severity.CRITICAL,
    remediation="Attach a least-privilege policy built with components/grants.py.",
    control=Control(security_hub="IAM.1", checkov="CKV_AWS_274"),
    validate=_no_admin_managed_policy,
)

POLICIES = [iam_policy_no_full_admin, iam_no_administrator_access]
