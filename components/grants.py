"""Least-privilege grants, CDK style: named action lists and one way to attach them to a role.

Components expose ``grant_*`` methods built on ``grant``; nothing else in the program writes IAM
policy JSON by hand. A grant on something encrypted adds the KMS actions itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

# -- action lists (one place, so a reviewer sees every permission the platform hands out) ----------
KMS_DECRYPT = ("kms:Decrypt", "kms:DescribeKey")
KMS_ENCRYPT = ("kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
KMS_ENCRYPT_DECRYPT = ("kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
KMS_KEY_ADMIN = ("kms:*",)  # only ever for the owning account's root, in key policies
S3_READ = ("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation")
S3_WRITE = (
    "s3:PutObject",
    "s3:AbortMultipartUpload",
    "s3:ListBucketMultipartUploads",
    "s3:GetBucketLocation",
    "s3:ListBucket",
)
S3_DELETE = ("s3:DeleteObject",)
FIREHOSE_PUT = ("firehose:PutRecord", "firehose:PutRecordBatch")
SSM_READ = ("ssm:GetParameters", "ssm:GetParameter")
SECRETS_READ = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
LAMBDA_INVOKE = ("lambda:InvokeFunction",)
RDS_CONNECT = ("rds-db:connect",)
SNS_PUBLISH = ("sns:Publish",)
SQS_SEND = ("sqs:SendMessage",)
LOGS_WRITE = ("logs:CreateLogStream", "logs:PutLogEvents")
LOGS_DELIVERY = (
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
)
XRAY_WRITE = (
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
)
ECR_PULL = ("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage")
ECR_AUTH = ("ecr:GetAuthorizationToken",)  # has no resource-level scoping in IAM
PINPOINT_SEND = ("mobiletargeting:SendMessages",)
STATES_START = ("states:StartExecution",)


def statement(
    actions: Sequence[str],
    resources: Sequence[pulumi.Input[str]] | pulumi.Input[str],
    *,
    effect: str = "Allow",
    sid: str | None = None,
    principals: Mapping[str, Any] | None = None,
    conditions: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """One IAM statement as a plain dict (Outputs allowed inside; render with ``policy_document``)."""
    stmt: dict[str, Any] = {"Effect": effect, "Action": sorted(set(actions))}
    if isinstance(resources, list | tuple):
        stmt["Resource"] = list(resources)
    else:
        stmt["Resource"] = resources
    if sid:
        stmt["Sid"] = sid
    if principals is not None:
        stmt["Principal"] = dict(principals)
    if conditions:
        stmt["Condition"] = {k: dict(v) for k, v in conditions.items()}
    return stmt


def policy_document(*statements: Mapping[str, Any]) -> pulumi.Output[str]:
    """Render statements (which may hold Outputs) as a policy JSON string Output."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def assume_role_policy(
    service: str, *, source_account: str | None = None, source_arn: pulumi.Input[str] | None = None
) -> pulumi.Output[str]:
    """Trust policy for an AWS service, optionally pinned against confused-deputy use."""
    conditions: dict[str, dict[str, Any]] = {}
    if source_account:
        conditions["StringEquals"] = {"aws:SourceAccount": source_account}
    if source_arn is not None:
        conditions["ArnLike"] = {"aws:SourceArn": source_arn}
    stmt: dict[str, Any] = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}
    if conditions:
        stmt["Condition"] = conditions
    return policy_document(stmt)


def grant(
    name: str,
    role: aws.iam.Role,
    statements: Sequence[Mapping[str, Any]],
    *,
    parent: pulumi.Resource,
) -> aws.iam.RolePolicy:
    """Attach ``statements`` to ``role`` as an inline policy named after the grant."""
    return aws.iam.RolePolicy(
        name,
        role=role.id,
        policy=policy_document(*statements),
        opts=pulumi.ResourceOptions(parent=parent),
    )
