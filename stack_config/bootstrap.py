"""Config of the bootstrap program (``bootstrap/``) and the names it gives the delivery roles.

The bootstrap runs once per AWS account, by a human with administrator access, before any stack:
it creates the roles the environment stacks name in ``smartpost:accounts`` (``deployRoleArn``) and
the roles GitHub Actions reaches through OIDC. The role names are fixed (the stack files reference
them), so they live here, in one place, for the bootstrap, the CI helper and the tests.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import Field, ValidationError, model_validator

from stack_config.base import AccountId, ConfigModel, RoleArn

BOOTSTRAP_PROJECT = "smartpost-bootstrap"
Environment = Literal["dev", "uat", "prod"]

# -- role names (fixed: Pulumi.<stack>.yaml names them) ---------------------------------------------
GITHUB_DEPLOY_ROLE = "smartpost-github-deploy"  # environment account, assumed by `pulumi up` jobs via OIDC
GITHUB_PREVIEW_ROLE = "smartpost-github-preview"  # environment account, assumed by pull-request previews
ENVIRONMENT_DEPLOY_ROLE = "smartpost-pulumi-deploy"  # environment account, the stack's `environment` provider
ENVIRONMENT_PREVIEW_ROLE = "smartpost-pulumi-preview"  # same account, read-only
MANAGEMENT_DEPLOY_ROLE = "smartpost-pulumi-identity-center"  # management account (Identity Center assignments)
ROLE_PATH = "/"


def logging_deploy_role(environment: str) -> str:
    """The role a stack's `logging` provider assumes in the logging account: one per environment."""
    return f"smartpost-pulumi-deploy-{environment}"


def preview_role_name(deploy_role_name: str) -> str:
    """The read-only twin of a deploy role, in the same account (what pull-request previews assume)."""
    if deploy_role_name == ENVIRONMENT_DEPLOY_ROLE:
        return ENVIRONMENT_PREVIEW_ROLE
    if deploy_role_name.startswith("smartpost-pulumi-deploy-"):
        return "smartpost-pulumi-preview-" + deploy_role_name.removeprefix("smartpost-pulumi-deploy-")
    return f"{deploy_role_name}-preview"


_ROLE_ARN = re.compile(r"^(arn:aws:iam::\d{12}:role/)(.+)$")


def preview_role_arn(deploy_role_arn: str) -> str:
    match = _ROLE_ARN.match(deploy_role_arn)
    if not match:
        raise ValueError(f"not an IAM role ARN: {deploy_role_arn!r}")
    return match.group(1) + preview_role_name(match.group(2))


def state_bucket_name(account_id: str) -> str:
    """The environment account's Pulumi state bucket (a fixed name: `pulumi login` needs it)."""
    return f"smartpost-pulumi-state-{account_id}"


def secrets_provider(environment: str, region: str) -> str:
    """The stack's secrets provider: the state key, by alias (`pulumi stack init --secrets-provider`)."""
    return f"awskms://alias/smartpost-pulumi-{environment}?region={region}"


def role_arn(account_id: str, role_name: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{role_name}"


# -- GitHub OIDC subjects ---------------------------------------------------------------------------
# The repository's OIDC subject template is customised (bootstrap/README.md) to
# ["repo", "context", "ref"], so one `sub` pins repository, GitHub environment and branch together:
#   deploy job on main with `environment: prod`  -> repo:<org>/<repo>:environment:prod:ref:refs/heads/main
#   pull-request preview (no environment)        -> repo:<org>/<repo>:pull_request:ref:refs/pull/<n>/merge
def deploy_subject(repository: str, environment: str, branch: str = "main") -> str:
    return f"repo:{repository}:environment:{environment}:ref:refs/heads/{branch}"


def preview_subject(repository: str) -> str:
    return f"repo:{repository}:pull_request:ref:refs/pull/*/merge"


class GithubConfig(ConfigModel):
    """`smartpost-bootstrap:github`: the repository whose workflows may assume the roles."""

    repository: str = Field(pattern=r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")  # "<org>/<repo>"
    branch: str = Field(default="main", pattern=r"^[A-Za-z0-9._/-]+$")


class AccountConfig(ConfigModel):
    """`smartpost-bootstrap:account`: which account this bootstrap stack sets up."""

    kind: Literal["environment", "logging", "management"]
    account_id: AccountId
    # kind=environment: which environment the account hosts.
    environment: Environment | None = None
    # kind=environment: where the stack's trail and audit pieces go (its logging deploy role).
    logging_account_id: AccountId | None = None
    # kind=environment (prod): the management account whose Identity Center role the stack also uses.
    management_account_id: AccountId | None = None

    @model_validator(mode="after")
    def _environment_fields(self) -> AccountConfig:
        if self.kind == "environment":
            missing = [k for k in ("environment", "logging_account_id") if getattr(self, k) is None]
            if missing:
                raise ValueError(f"kind 'environment' needs {', '.join(missing)}")
        elif self.environment is not None:
            raise ValueError(f"environment is only for kind 'environment', not {self.kind!r}")
        return self


class BootstrapConfig(ConfigModel):
    account: AccountConfig
    github: GithubConfig
    # kind=logging|management: the environment accounts whose CI roles may assume this account's roles.
    trusted_environments: dict[Environment, AccountId] = Field(default_factory=dict)
    # People (IAM Identity Center permission-set roles) allowed to assume the deploy roles by hand.
    operator_role_arns: list[RoleArn] = Field(default_factory=list)
    # Keep the state bucket and key from being deleted by a `pulumi destroy` of the bootstrap.
    protect: bool = True

    @model_validator(mode="after")
    def _trusted(self) -> BootstrapConfig:
        if self.account.kind != "environment" and not self.trusted_environments:
            raise ValueError(f"trustedEnvironments is required for kind {self.account.kind!r}")
        if self.account.kind == "environment" and self.trusted_environments:
            raise ValueError("trustedEnvironments is only for the logging and management accounts")
        return self


KEYS = ("account", "github", "trustedEnvironments", "operatorRoleArns", "protect")


def parse_bootstrap_config(raw: dict[str, Any]) -> BootstrapConfig:
    """Validate; every problem becomes one line naming `smartpost-bootstrap:<key>.<path>`."""
    try:
        return BootstrapConfig.model_validate(raw)
    except ValidationError as err:
        lines = []
        for problem in err.errors():
            path = ".".join(str(p) for p in problem["loc"]) or "(root)"
            lines.append(f"  {BOOTSTRAP_PROJECT}:{path}: {problem['msg']}")
        raise pulumi.RunError("invalid bootstrap config:\n" + "\n".join(lines)) from None


def load_bootstrap_config() -> BootstrapConfig:
    raw: dict[str, Any] = {}
    for key in KEYS:
        value = runtime_config.get_config(f"{BOOTSTRAP_PROJECT}:{key}")
        if value is None:
            continue
        try:
            raw[key] = json.loads(value)
        except json.JSONDecodeError:
            raw[key] = value
    return parse_bootstrap_config(raw)
