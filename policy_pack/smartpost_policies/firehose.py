"""Data Firehose (notification trail delivery): encrypted with a customer key."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, get, resource_policy, truthy

FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"


def _firehose(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != FIREHOSE or get(args.props, "kinesisSourceConfiguration") is not None:
        return  # a Kinesis-stream source is encrypted by its stream
    sse = get(args.props, "serverSideEncryption", default={})
    if not truthy(get(sse, "enabled")) or get(sse, "keyType") != "CUSTOMER_MANAGED_CMK" or not get(sse, "keyArn"):
        report(
            "The delivery stream is not encrypted with a customer key: server_side_encryption enabled=True, "
            "key_type='CUSTOMER_MANAGED_CMK', key_arn=<KmsKey.arn>."
        )


firehose_delivery_stream_kms = resource_policy(
    name="firehose-delivery-stream-kms",
    description="Direct-put Data Firehose streams are encrypted with a customer-managed key.",
    severity=Severity.HIGH,
    remediation="Set server_side_encryption=FirehoseDeliveryStreamServerSideEncryptionArgs(enabled=True, "
    "key_type='CUSTOMER_MANAGED_CMK', key_arn=<KmsKey.arn>).",
    control=Control(security_hub="DataFirehose.1", checkov="CKV_AWS_240", cdk_nag="AwsSolutions-KDF1"),
    validate=_firehose,
)
POLICIES = [firehose_delivery_stream_kms]
