"""SmartPOST bootstrap: the delivery roles of ONE account (see README.md in this folder).

Stacks: `dev`, `uat`, `prod` (environment accounts), `logging`, `management`. Run once per account by an
administrator (your IAM Identity Center session, `AWS_PROFILE=...`), environment accounts first, with a
local backend (`pulumi login file://~/.smartpost-bootstrap`): the bootstrap cannot keep its state in
the bucket it creates.
"""

import pulumi
import pulumi_aws as aws

from components.deploy_access import (
    EnvironmentDelivery,
    EnvironmentDeliveryArgs,
    SharedAccountDelivery,
    SharedAccountDeliveryArgs,
)
from stack_config.accounts import HOME_REGION
from stack_config.bootstrap import load_bootstrap_config

config = load_bootstrap_config()
account = config.account
provider = aws.Provider(
    "account",
    region=HOME_REGION,
    allowed_account_ids=[account.account_id],
    default_tags=aws.ProviderDefaultTagsArgs(
        tags={"Project": "smartpost", "ManagedBy": "pulumi", "Component": "delivery-bootstrap"}
    ),
)
opts = pulumi.ResourceOptions(provider=provider)

if account.kind == "environment":
    assert account.environment is not None and account.logging_account_id is not None  # validated
    delivery = EnvironmentDelivery(
        "delivery",
        EnvironmentDeliveryArgs(
            environment=account.environment,
            account_id=account.account_id,
            region=HOME_REGION,
            repository=config.github.repository,
            branch=config.github.branch,
            logging_account_id=account.logging_account_id,
            management_account_id=account.management_account_id,
            operator_role_arns=config.operator_role_arns,
            protect=config.protect,
        ),
        opts=opts,
    )
    # What the workflows and `pulumi stack init` need (docs/delivery.md).
    pulumi.export("backendUrl", delivery.backend_url)
    pulumi.export("secretsProvider", delivery.secrets_provider)
    pulumi.export("githubDeployRoleArn", delivery.github_deploy.arn)
    pulumi.export("githubPreviewRoleArn", delivery.github_preview.arn)
    pulumi.export("deployRoleArn", delivery.deploy.arn)
    pulumi.export("previewRoleArn", delivery.preview.arn)
else:
    shared = SharedAccountDelivery(
        account.kind,
        SharedAccountDeliveryArgs(
            kind=account.kind,
            account_id=account.account_id,
            trusted_environments={str(env): account for env, account in config.trusted_environments.items()},
            operator_role_arns=config.operator_role_arns,
        ),
        opts=opts,
    )
    pulumi.export("deployRoleArns", {label: role.arn for label, role in shared.deploy_roles.items()})
    pulumi.export("previewRoleArns", {label: role.arn for label, role in shared.preview_roles.items()})
