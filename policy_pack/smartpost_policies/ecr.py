"""ECR (seed 5.2): immutable tags, images scanned on push (basic or Inspector enhanced scanning),
KMS encryption, and a lifecycle policy on every repository."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity, StackValidationArgs

from smartpost_policies.common import (
    Control,
    as_list,
    customer_key,
    each,
    get,
    known,
    references,
    resource_policy,
    stack_policy,
    truthy,
)

REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
REGISTRY_SCANNING = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"


def _immutable(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == REPOSITORY:
        mutability = get(args.props, "imageTagMutability", default="MUTABLE")
        if mutability != "IMMUTABLE":
            report(f"imageTagMutability is {mutability}: a tag must always name the same image (IMMUTABLE).")


def _kms(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != REPOSITORY:
        return
    configs = as_list(get(args.props, "encryptionConfigurations"))
    if not any(get(c, "encryptionType") == "KMS" and customer_key(get(c, "kmsKey")) for c in configs):
        report("The repository is not encrypted with a customer key: encryption_type='KMS' with kms_key.")


def _enhanced_on_push(args: StackValidationArgs) -> bool:
    for config in each(args, REGISTRY_SCANNING):
        with known():
            if get(config.props, "scanType") == "ENHANCED" and any(
                get(rule, "scanFrequency") in ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")
                for rule in as_list(get(config.props, "rules"))
            ):
                return True
    return False


def _scan_on_push(args: StackValidationArgs, report) -> None:
    if _enhanced_on_push(args):
        return
    for repository in each(args, REPOSITORY):
        with known():
            if not truthy(get(repository.props, "imageScanningConfiguration", "scanOnPush")):
                report(
                    "Images are not scanned on push: set image_scanning_configuration.scan_on_push=True or "
                    "enable registry enhanced scanning (Amazon Inspector).",
                    repository.urn,
                )


def _lifecycle(args: StackValidationArgs, report) -> None:
    policies = list(each(args, LIFECYCLE))
    for repository in each(args, REPOSITORY):
        with known():
            if not any(references(p, "repository", [repository]) and get(p.props, "policy") for p in policies):
                report("The repository has no lifecycle policy (aws.ecr.LifecyclePolicy).", repository.urn)


ecr_repository_immutable_tags = resource_policy(
    name="ecr-repository-immutable-tags",
    description="ECR repositories have immutable image tags.",
    severity=Severity.HIGH,
    remediation="Set image_tag_mutability='IMMUTABLE' and deploy by unique tag or digest.",
    control=Control(security_hub="ECR.2", checkov="CKV_AWS_51"),
    validate=_immutable,
)
ecr_repository_kms = resource_policy(
    name="ecr-repository-kms",
    description="ECR repositories are encrypted with a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    remediation="Set encryption_configurations=[RepositoryEncryptionConfigurationArgs(encryption_type='KMS', "
    "kms_key=<KmsKey.arn>)].",
    control=Control(checkov="CKV_AWS_136"),
    validate=_kms,
)
ecr_repository_scan_on_push = stack_policy(
    name="ecr-repository-scan-on-push",
    description="Every image is scanned on push (repository setting or registry enhanced scanning).",
    severity=Severity.HIGH,
    remediation="Create aws.ecr.RegistryScanningConfiguration(scan_type='ENHANCED', rules=[... SCAN_ON_PUSH or "
    "CONTINUOUS_SCAN ...]) or set scan_on_push=True on each repository.",
    control=Control(security_hub="ECR.1", checkov="CKV_AWS_163"),
    validate=_scan_on_push,
)
ecr_repository_lifecycle_policy = stack_policy(
    name="ecr-repository-lifecycle-policy",
    description="Every ECR repository has a lifecycle policy.",
    severity=Severity.LOW,
    remediation="Create aws.ecr.LifecyclePolicy(repository=repo.name, policy=...) expiring old/untagged images.",
    control=Control(security_hub="ECR.3"),
    validate=_lifecycle,
)

POLICIES = [
    ecr_repository_immutable_tags,
    ecr_repository_kms,
    ecr_repository_scan_on_push,
    ecr_repository_lifecycle_policy,
]
