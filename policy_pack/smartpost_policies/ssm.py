"""SSM Parameter Store (runtime configuration and third-party credentials): SecureString with a customer key."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, customer_key, get, resource_policy

PARAMETER = "aws:ssm/parameter:Parameter"


def _secure_string(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != PARAMETER:
        return
    if get(args.props, "type") != "SecureString":
        report(f"The parameter is a {get(args.props, 'type')}: store configuration and credentials as SecureString.")
    elif not customer_key(get(args.props, "keyId")):
        report("The SecureString parameter uses the AWS-managed key: set key_id to a customer-managed key.")


ssm_parameter_secure_string = resource_policy(
    name="ssm-parameter-secure-string-kms",
    description="SSM parameters are SecureStrings encrypted with a customer-managed KMS key.",
    severity=Severity.HIGH,
    remediation="Create parameters with type='SecureString' and key_id=<KmsKey.arn>; feed secrets from "
    "`pulumi config set --secret`.",
    control=Control(checkov="CKV2_AWS_34", seed="2"),
    validate=_secure_string,
)

POLICIES = [ssm_parameter_secure_string]
