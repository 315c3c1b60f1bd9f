"""Athena (audit queries over the trail and audit logs): results encrypted, settings enforced."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, get, resource_policy, truthy

WORKGROUP = "aws:athena/workgroup:Workgroup"


def _encrypted(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != WORKGROUP:
        return
    configuration = get(args.props, "configuration", default={})
    option = get(configuration, "resultConfiguration", "encryptionConfiguration", "encryptionOption")
    if option not in ("SSE_KMS", "CSE_KMS") or not get(
        configuration, "resultConfiguration", "encryptionConfiguration", "kmsKeyArn"
    ):
        report("Query results are not encrypted with a customer key: encryption_option SSE_KMS with kms_key_arn.")
    if not truthy(get(configuration, "enforceWorkgroupConfiguration", default=True)):
        report("Clients may override the workgroup's encryption: enforce_workgroup_configuration=True.")


athena_workgroup_encrypted = resource_policy(
    name="athena-workgroup-encrypted-results",
    description="Athena workgroups encrypt query results with a customer key and enforce that setting.",
    severity=Severity.MEDIUM,
    remediation="Set configuration.result_configuration.encryption_configuration (SSE_KMS, kms_key_arn) and "
    "enforce_workgroup_configuration=True.",
    control=Control(checkov="CKV_AWS_159"),
    validate=_encrypted,
)

POLICIES = [athena_workgroup_encrypted]
