"""Which AWS accounts a stack deploys into and how Pulumi gets into them."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from stack_config.base import AccountId, ConfigModel, RoleArn, role_account

HOME_REGION: Literal["ap-northeast-1"] = "ap-northeast-1"


class AccountAccess(ConfigModel):
    """An account and the role Pulumi assumes in it."""

    account_id: AccountId
    deploy_role_arn: RoleArn

    @model_validator(mode="after")
    def _role_in_account(self) -> AccountAccess:
        if role_account(self.deploy_role_arn) != self.account_id:
            raise ValueError(
                f"deployRoleArn {self.deploy_role_arn!r} is in account {role_account(self.deploy_role_arn)}, "
                f"expected a role in account {self.account_id}"
            )
        return self


class AccountsConfig(ConfigModel):
    """`smartpost:accounts`: the environment account, the logging account, optionally the management account."""

    environment: AccountAccess
    logging: AccountAccess
    # Only needed for IAM Identity Center assignments; without it those pieces are skipped.
    management: AccountAccess | None = None
    region: Literal["ap-northeast-1"] = HOME_REGION
    # Amazon Q Developer in chat applications (Chatbot) has no API in Tokyo.
    chatbot_region: Literal["us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1"] = "us-east-2"

    @model_validator(mode="after")
    def _separate_accounts(self) -> AccountsConfig:
        if self.environment.account_id == self.logging.account_id:
            raise ValueError("logging.accountId must differ from environment.accountId: the trail lives apart")
        return self
