"""Private ECR repositories, one per service: immutable tags, scan on push, KMS, a lifecycle policy,
and registry-wide enhanced scanning (Amazon Inspector: on push and continuously, seed 5.2).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import grants
from components.kms import KmsKey, KmsKeyArgs

UNTAGGED_EXPIRY_DAYS = 7
# Releases kept per repository: enough to roll back well past the last deployment.
RELEASES_KEPT = 50


def lifecycle_policy() -> str:
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": f"untagged layers go after {UNTAGGED_EXPIRY_DAYS} days",
                    "selection": {
                        "tagStatus": "untagged",
                        "countType": "sinceImagePushed",
                        "countUnit": "days",
                        "countNumber": UNTAGGED_EXPIRY_DAYS,
                    },
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 2,
                    "description": f"keep the last {RELEASES_KEPT} images",
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": RELEASES_KEPT},
                    "action": {"type": "expire"},
                },
            ]
        },
        sort_keys=True,
    )


@dataclass(frozen=True, kw_only=True)
class ImageRegistryArgs:
    account_id: str
    alias: str  # KMS alias for the repositories' key
    repositories: Sequence[str]  # one per service name
    protect: bool = False


class ImageRegistry(pulumi.ComponentResource):
    key: KmsKey
    repositories: dict[str, aws.ecr.Repository]

    def __init__(self, name: str, args: ImageRegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:services:ImageRegistry", name, None, opts)
        self.key = KmsKey(
            f"{name}-kms",
            KmsKeyArgs(
                description="ECR repositories", account_id=args.account_id, alias=args.alias, protect=args.protect
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        # Enhanced scanning is Amazon Inspector's: activate it for ECR in this account, then make it the
        # registry's (account-wide, one per region) scanning mode: every repository scanned on push and
        # again whenever a new CVE affects an image already pushed.
        inspector = aws.inspector2.Enabler(
            f"{name}-inspector",
            account_ids=[args.account_id],
            resource_types=["ECR"],
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.ecr.RegistryScanningConfiguration(
            f"{name}-enhanced-scanning",
            scan_type="ENHANCED",
            rules=[
                aws.ecr.RegistryScanningConfigurationRuleArgs(
                    scan_frequency="CONTINUOUS_SCAN",
                    repository_filters=[
                        aws.ecr.RegistryScanningConfigurationRuleRepositoryFilterArgs(
                            filter="*", filter_type="WILDCARD"
                        )
                    ],
                )
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[inspector]),
        )
        self.repositories = {}
        for repo in args.repositories:
            repository = aws.ecr.Repository(
                f"{name}-{repo}",
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
                encryption_configurations=[
                    aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=self.key.arn)
                ],
                force_delete=False,
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            )
            aws.ecr.LifecyclePolicy(
                f"{name}-{repo}-lifecycle",
                repository=repository.name,
                policy=lifecycle_policy(),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.repositories[repo] = repository
        self.register_outputs({"repository_urls": {k: r.repository_url for k, r in self.repositories.items()}})

    def grant_pull(self, name: str, role: aws.iam.Role, repo: str, *, parent: pulumi.Resource) -> aws.iam.RolePolicy:
        """Pull from one repository (GetAuthorizationToken has no resource-level scoping in IAM)."""
        return grants.grant(
            name,
            role,
            [
                grants.statement(grants.ECR_PULL, self.repositories[repo].arn),
                grants.statement(grants.ECR_AUTH, "*"),
            ],
            parent=parent,
        )
