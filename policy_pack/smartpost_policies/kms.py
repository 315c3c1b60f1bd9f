"""KMS (seed 2): customer keys rotate, and in prod are Pulumi-protected."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import (
    PRODUCTION_STACKS_CONFIG,
    Control,
    get,
    is_production,
    protected,
    resource_policy,
    truthy,
)

KMS_KEY = "aws:kms/key:Key"


def _rotation(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != KMS_KEY:
        return
    spec = get(args.props, "customerMasterKeySpec") or get(args.props, "keySpec") or "SYMMETRIC_DEFAULT"
    if spec == "SYMMETRIC_DEFAULT" and not truthy(get(args.props, "enableKeyRotation")):
        report("Automatic key rotation is off: set enable_key_rotation=True.")


def _key_protected(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == KMS_KEY and is_production(args, args.urn) and not protected(args):
        report("A production KMS key must be created with pulumi protect=True (losing it loses the data).")


kms_key_rotation = resource_policy(
    name="kms-key-rotation",
    description="Symmetric customer-managed KMS keys rotate automatically.",
    severity=Severity.MEDIUM,
    remediation="Create keys through components/kms.py KmsKey (enable_key_rotation=True).",
    control=Control(security_hub="KMS.4", checkov="CKV_AWS_7", cdk_nag="AwsSolutions-KMS5"),
    validate=_rotation,
)
kms_key_protected = resource_policy(
    name="kms-key-protected",
    description="Production KMS keys are Pulumi-protected against deletion.",
    severity=Severity.HIGH,
    remediation="Create the key with opts=pulumi.ResourceOptions(protect=True) when the stack is production.",
    control=Control(security_hub="KMS.3"),
    validate=_key_protected,
    config=PRODUCTION_STACKS_CONFIG,
)

POLICIES = [kms_key_rotation, kms_key_protected]
