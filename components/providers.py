"""Explicit AWS providers, one per account. Default providers are disabled in Pulumi.yaml.

Every provider pins ``allowed_account_ids``: credentials for the wrong account fail instead of
deploying there. Pieces AWS wants in another region (CloudFront's WAF and certificate in us-east-1,
the Chatbot API region) use pulumi-aws v7's per-resource ``region`` on the same provider.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stack_config import AccountAccess, StackConfig

CLOUDFRONT_REGION = "us-east-1"


@dataclass(frozen=True)
class Providers:
    environment: aws.Provider
    logging: aws.Provider
    management: aws.Provider | None
    region: str
    environment_account_id: str
    logging_account_id: str

    def env(self, **kwargs: object) -> pulumi.ResourceOptions:
        """Options for a resource in the environment account (add ``parent=`` etc. through kwargs)."""
        return pulumi.ResourceOptions(provider=self.environment, **kwargs)  # type: ignore[arg-type]

    def log_account(self, **kwargs: object) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(provider=self.logging, **kwargs)  # type: ignore[arg-type]


def _provider(name: str, access: AccountAccess, region: str, session: str, tags: dict[str, str]) -> aws.Provider:
    return aws.Provider(
        name,
        region=region,
        allowed_account_ids=[access.account_id],
        assume_roles=[aws.ProviderAssumeRoleArgs(role_arn=access.deploy_role_arn, session_name=session)],
        default_tags=aws.ProviderDefaultTagsArgs(tags=tags),
    )


def create_providers(config: StackConfig) -> Providers:
    accounts = config.accounts
    tags = {"Project": "smartpost", "Environment": config.environment, "ManagedBy": "pulumi", **config.tags}
    session = f"pulumi-smartpost-{config.environment}"
    return Providers(
        environment=_provider("environment", accounts.environment, accounts.region, session, tags),
        logging=_provider("logging", accounts.logging, accounts.region, session, tags),
        management=(
            _provider("management", accounts.management, accounts.region, session, tags)
            if accounts.management
            else None
        ),
        region=accounts.region,
        environment_account_id=accounts.environment.account_id,
        logging_account_id=accounts.logging.account_id,
    )
