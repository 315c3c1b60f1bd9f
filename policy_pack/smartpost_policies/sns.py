"""SNS (alert topics, seed 6.2): encrypted with a customer key."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, customer_key, get, resource_policy

TOPIC = "aws:sns/topic:Topic"


def _sns(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == TOPIC and not customer_key(get(args.props, "kmsMasterKeyId")):
        report("The topic is not encrypted with a customer-managed key: set kms_master_key_id.")


sns_topic_kms = resource_policy(
    name="sns-topic-kms",
    description="SNS topics are encrypted with a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    remediation="Set kms_master_key_id=<KmsKey.arn> (the key policy must admit the publishing services).",
    control=Control(security_hub="SNS.1", checkov="CKV_AWS_26"),
    validate=_sns,
)
POLICIES = [sns_topic_kms]
