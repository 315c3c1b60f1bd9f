"""Who may deploy: the roles GitHub Actions and Pulumi use in each account (built by ``bootstrap/``).

Environment account (dev, uat, prod each):
  GitHub OIDC provider ─▶ ``smartpost-github-deploy``  (sub pins repo + environment + main)
                              ├─ reads/writes the Pulumi state bucket, encrypts with the state key
                              └─ sts:AssumeRole ─▶ ``smartpost-pulumi-deploy`` (this account)
                                                 ─▶ ``smartpost-pulumi-deploy-<env>`` (logging account)
                                                 ─▶ ``smartpost-pulumi-identity-center`` (management, prod)
  GitHub OIDC provider ─▶ ``smartpost-github-preview`` (sub pins repo + pull_request)
                              ├─ reads the state, decrypts config secrets
                              └─ sts:AssumeRole ─▶ the ``*-preview`` twins (ReadOnlyAccess, no data reads)
Logging / management account: the deploy and preview roles the environment stacks' providers assume,
trusted only from those CI roles (and named operators), never from the whole account.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import grants
from components.bucket import SecureBucket, SecureBucketArgs
from components.kms import KmsKey, KmsKeyArgs
from stack_config import bootstrap as names

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
STS_AUDIENCE = "sts.amazonaws.com"
POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
# `pulumi up` of a whole stack (Aurora, CloudFront) outlasts the 1 h default; role chaining caps at 1 h
# anyway for the provider's own AssumeRole, so the chained roles stay at 1 h and say so.
CI_SESSION_SECONDS = 2 * 3600
CHAINED_SESSION_SECONDS = 3600


def _delivery_role_arns(account_id: str) -> list[str]:
    """The bootstrap's own roles: nothing deployed by a stack may rewrite them."""
    return [
        f"arn:aws:iam::{account_id}:role/smartpost-github-*",
        f"arn:aws:iam::{account_id}:role/smartpost-pulumi-*",
    ]


def deploy_statements(account_id: str, *, protected_arns: Sequence[pulumi.Input[str]] = ()) -> list[dict[str, Any]]:
    """What a deploy role may do beyond PowerUserAccess, and what it may never do."""
    return [
        grants.statement(
            grants.IAM_MANAGE_ROLES,
            [f"arn:aws:iam::{account_id}:role/*", f"arn:aws:iam::{account_id}:policy/*"],
            sid="ManageWorkloadRoles",
        ),
        grants.statement(grants.IAM_LONG_LIVED_CREDENTIALS, "*", effect="Deny", sid="NoLongLivedCredentials"),
        grants.statement(
            grants.IAM_ROLE_TAMPERING, _delivery_role_arns(account_id), effect="Deny", sid="NoDeliveryRoleTampering"
        ),
        *(
            [
                grants.statement(
                    ("s3:DeleteBucket", "s3:PutBucketPolicy"), list(protected_arns), effect="Deny", sid="KeepState"
                )
            ]
            if protected_arns
            else []
        ),
    ]


def preview_statements() -> list[dict[str, Any]]:
    return [grants.statement(grants.DATA_PLANE_READS, "*", effect="Deny", sid="ConfigurationNotData")]


def _trust_without_resource(stmt: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in stmt.items() if k != "Resource"}


def role_trust(principal_arns: Sequence[str]) -> pulumi.Output[str]:
    accounts = sorted({arn.split(":")[4] for arn in principal_arns})
    stmt = grants.statement(
        grants.STS_ASSUME,
        [],
        principals={"AWS": [f"arn:aws:iam::{a}:root" for a in accounts]},
        conditions={"ArnEquals": {"aws:PrincipalArn": sorted(set(principal_arns))}},
    )
    return grants.policy_document(_trust_without_resource(stmt))


def github_trust(provider_arn: pulumi.Input[str], subjects: Sequence[str]) -> pulumi.Output[str]:
    """Web-identity trust for GitHub Actions: audience STS, subject pinned (wildcards only where given)."""
    operator = "StringLike" if any("*" in s for s in subjects) else "StringEquals"
    conditions: dict[str, dict[str, Any]] = {"StringEquals": {f"{GITHUB_OIDC_HOST}:aud": STS_AUDIENCE}}
    conditions.setdefault(operator, {})[f"{GITHUB_OIDC_HOST}:sub"] = list(subjects)
    stmt = grants.statement(
        grants.STS_ASSUME_WEB_IDENTITY, [], principals={"Federated": provider_arn}, conditions=conditions
    )
    return grants.policy_document(_trust_without_resource(stmt))


@dataclass(frozen=True, kw_only=True)
class DeliveryRoleArgs:
    role_name: str  # fixed: the stack files name it
    description: str
    trust_policy: pulumi.Input[str]
    managed_policy_arn: str | None  # one AWS managed policy, or None
    statements: Sequence[Mapping[str, Any]]
    max_session_seconds: int = CHAINED_SESSION_SECONDS


class DeliveryRole(pulumi.ComponentResource):
    """One named role with its trust, one AWS managed policy and one inline policy."""

    role: aws.iam.Role
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: DeliveryRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:delivery:DeliveryRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Physical name on purpose: Pulumi.<stack>.yaml and the workflows reference it.
        self.role = aws.iam.Role(
            f"{name}-role",
            name=args.role_name,
            path=names.ROLE_PATH,
            description=args.description,
            assume_role_policy=args.trust_policy,
            max_session_duration=args.max_session_seconds,
            opts=child,
        )
        if args.managed_policy_arn:
            aws.iam.RolePolicyAttachment(
                f"{name}-managed", role=self.role.name, policy_arn=args.managed_policy_arn, opts=child
            )
        if args.statements:
            grants.grant(f"{name}-policy", self.role, list(args.statements), parent=self)
        self.arn = self.role.arn
        self.register_outputs({"arn": self.arn})


@dataclass(frozen=True, kw_only=True)
class EnvironmentDeliveryArgs:
    environment: str
    account_id: str
    region: str
    repository: str  # "<org>/<repo>"
    branch: str
    logging_account_id: str
    management_account_id: str | None = None
    operator_role_arns: Sequence[str] = ()
    protect: bool = True


class EnvironmentDelivery(pulumi.ComponentResource):
    """An environment account's delivery: OIDC provider, state bucket and key, CI and Pulumi roles."""

    oidc_provider: aws.iam.OpenIdConnectProvider
    state_key: KmsKey
    state_bucket: SecureBucket
    github_deploy: DeliveryRole
    github_preview: DeliveryRole
    deploy: DeliveryRole
    preview: DeliveryRole
    backend_url: pulumi.Output[str]
    secrets_provider: str

    def __init__(self, name: str, args: EnvironmentDeliveryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:delivery:EnvironmentDelivery", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = args.account_id
        github_deploy_arn = names.role_arn(account, names.GITHUB_DEPLOY_ROLE)
        github_preview_arn = names.role_arn(account, names.GITHUB_PREVIEW_ROLE)

        # AWS validates GitHub's certificate against its own trusted CAs: no thumbprint to pin or rotate.
        self.oidc_provider = aws.iam.OpenIdConnectProvider(
            f"{name}-github-oidc", url=f"https://{GITHUB_OIDC_HOST}", client_id_lists=[STS_AUDIENCE], opts=child
        )

        alias = names.secrets_provider(args.environment, args.region).removeprefix("awskms://").split("?")[0]
        self.state_key = KmsKey(
            f"{name}-state",
            KmsKeyArgs(
                description=f"smartpost-{args.environment} Pulumi state and config secrets",
                account_id=account,
                alias=alias,
                protect=args.protect,
            ),
            opts=child,
        )
        self.state_bucket = SecureBucket(
            f"{name}-state",
            SecureBucketArgs(
                kms_key_arn=self.state_key.arn,
                versioning=True,
                protect=args.protect,
                bucket_name=names.state_bucket_name(account),
            ),
            opts=child,
        )
        self.backend_url = pulumi.Output.concat("s3://", self.state_bucket.name)
        self.secrets_provider = names.secrets_provider(args.environment, args.region)

        github_trust_deploy = github_trust(
            self.oidc_provider.arn, [names.deploy_subject(args.repository, args.environment, args.branch)]
        )
        github_trust_preview = github_trust(self.oidc_provider.arn, [names.preview_subject(args.repository)])

        # The roles the stack's providers assume (Pulumi.<stack>.yaml `smartpost:accounts.*.deployRoleArn`).
        deploy_targets = [
            names.role_arn(account, names.ENVIRONMENT_DEPLOY_ROLE),
            names.role_arn(args.logging_account_id, names.logging_deploy_role(args.environment)),
        ]
        if args.management_account_id:
            deploy_targets.append(names.role_arn(args.management_account_id, names.MANAGEMENT_DEPLOY_ROLE))
        preview_targets = [names.preview_role_arn(arn) for arn in deploy_targets]

        self.github_deploy = DeliveryRole(
            f"{name}-github-deploy",
            DeliveryRoleArgs(
                role_name=names.GITHUB_DEPLOY_ROLE,
                description=f"GitHub Actions `pulumi up` of {args.repository} ({args.environment}, {args.branch})",
                trust_policy=github_trust_deploy,
                managed_policy_arn=None,  # CI roles only reach state and assume the stack roles
                statements=[
                    grants.statement(grants.STS_ASSUME, deploy_targets, sid="AssumeStackProviders"),
                    # Pulumi state and config secrets: the state bucket with its key.
                    *self.state_bucket.access_statements(write=True, delete=True),
                ],
                max_session_seconds=CI_SESSION_SECONDS,
            ),
            opts=child,
        )
        self.github_preview = DeliveryRole(
            f"{name}-github-preview",
            DeliveryRoleArgs(
                role_name=names.GITHUB_PREVIEW_ROLE,
                description=f"GitHub Actions pull-request `pulumi preview` of {args.repository} ({args.environment})",
                trust_policy=github_trust_preview,
                managed_policy_arn=None,  # CI roles only reach state and assume the stack roles
                statements=[
                    grants.statement(grants.STS_ASSUME, preview_targets, sid="AssumeReadOnlyProviders"),
                    *self.state_bucket.access_statements(),
                ],
                max_session_seconds=CI_SESSION_SECONDS,
            ),
            opts=child,
        )
        operators = list(args.operator_role_arns)
        self.deploy = DeliveryRole(
            f"{name}-deploy",
            DeliveryRoleArgs(
                role_name=names.ENVIRONMENT_DEPLOY_ROLE,
                description=f"Pulumi deploys smartpost-{args.environment} (stack provider `environment`)",
                trust_policy=role_trust([github_deploy_arn, *operators]),
                managed_policy_arn=POWER_USER,
                statements=deploy_statements(account, protected_arns=[self.state_bucket.arn]),
            ),
            opts=child,
        )
        self.preview = DeliveryRole(
            f"{name}-preview",
            DeliveryRoleArgs(
                role_name=names.ENVIRONMENT_PREVIEW_ROLE,
                description=f"Pulumi previews smartpost-{args.environment}: configuration, never data",
                trust_policy=role_trust([github_preview_arn, *operators]),
                managed_policy_arn=READ_ONLY,
                statements=preview_statements(),
            ),
            opts=child,
        )
        self.register_outputs(
            {
                "backend_url": self.backend_url,
                "github_deploy_role_arn": self.github_deploy.arn,
                "github_preview_role_arn": self.github_preview.arn,
                "deploy_role_arn": self.deploy.arn,
                "preview_role_arn": self.preview.arn,
            }
        )


@dataclass(frozen=True, kw_only=True)
class SharedAccountDeliveryArgs:
    kind: str  # "logging" | "management"
    account_id: str
    trusted_environments: Mapping[str, str]  # environment -> its account ID
    operator_role_arns: Sequence[str] = ()


class SharedAccountDelivery(pulumi.ComponentResource):
    """Logging or management account: per trusted environment, a deploy role and its read-only twin."""

    deploy_roles: dict[str, DeliveryRole]
    preview_roles: dict[str, DeliveryRole]

    def __init__(self, name: str, args: SharedAccountDeliveryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:delivery:SharedAccountDelivery", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.deploy_roles, self.preview_roles = {}, {}
        operators = list(args.operator_role_arns)
        envs = sorted(args.trusted_environments.items())
        if args.kind == "logging":
            # One role per environment: each stack's `logging` provider names its own.
            groups = [(env, names.logging_deploy_role(env), [(env, account)]) for env, account in envs]
            managed, statements = POWER_USER, deploy_statements(args.account_id)
        else:
            # Identity Center assignments: one role, assumed by the trusted environments' CI.
            groups = [("identity-center", names.MANAGEMENT_DEPLOY_ROLE, envs)]
            managed = READ_ONLY
            statements = [grants.statement(grants.IDENTITY_CENTER_MANAGE, "*", sid="IdentityCenterAssignments")]
        for label, role_name, members in groups:
            who = ", ".join(f"smartpost-{env}" for env, _ in members)
            self.deploy_roles[label] = DeliveryRole(
                f"{name}-{label}-deploy",
                DeliveryRoleArgs(
                    role_name=role_name,
                    description=f"Pulumi deploys {who} pieces in the {args.kind} account",
                    trust_policy=role_trust(
                        [names.role_arn(a, names.GITHUB_DEPLOY_ROLE) for _, a in members] + operators
                    ),
                    managed_policy_arn=managed,
                    statements=statements,
                ),
                opts=child,
            )
            self.preview_roles[label] = DeliveryRole(
                f"{name}-{label}-preview",
                DeliveryRoleArgs(
                    role_name=names.preview_role_name(role_name),
                    description=f"Pulumi previews {who} pieces in the {args.kind} account (read-only)",
                    trust_policy=role_trust(
                        [names.role_arn(a, names.GITHUB_PREVIEW_ROLE) for _, a in members] + operators
                    ),
                    managed_policy_arn=READ_ONLY,
                    statements=preview_statements(),
                ),
                opts=child,
            )
        self.register_outputs({f"{label}_deploy_role_arn": r.arn for label, r in self.deploy_roles.items()})
