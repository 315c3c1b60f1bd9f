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
LAMBDA_INVOKE = ("lambda:InvokeFunction",)
RDS_CONNECT = ("rds-db:connect",)
SNS_PUBLISH = ("sns:Publish",)
SQS_SEND = ("sqs:SendMessage",)
EVENTS_PUT = ("events:PutEvents",)  # EventBridge cross-region forwarding to an event bus
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
# -- delivery (bootstrap/): the roles CI and Pulumi use in each account ----------------------------
STS_ASSUME = ("sts:AssumeRole",)
STS_ASSUME_WEB_IDENTITY = ("sts:AssumeRoleWithWebIdentity",)
# What PowerUserAccess leaves out and the program needs: roles and policies for its functions and tasks.
IAM_MANAGE_ROLES = (
    "iam:AttachRolePolicy",
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:CreateRole",
    "iam:CreateServiceLinkedRole",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:DeleteRole",
    "iam:DeleteRolePolicy",
    "iam:DeleteServiceLinkedRole",
    "iam:DetachRolePolicy",
    "iam:Get*",
    "iam:List*",
    "iam:PassRole",
    "iam:PutRolePolicy",
    "iam:TagPolicy",
    "iam:TagRole",
    "iam:UntagPolicy",
    "iam:UntagRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
)
# Never for a deploy role: long-lived credentials, and rewriting the delivery roles themselves.
IAM_LONG_LIVED_CREDENTIALS = (
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreateUser",
    "iam:UpdateLoginProfile",
)
IAM_ROLE_TAMPERING = (
    "iam:AttachRolePolicy",
    "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PassRole",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
)
# Read-only preview roles read configuration, never data: denied on top of ReadOnlyAccess.
DATA_PLANE_READS = (
    "dynamodb:BatchGetItem",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "kms:Decrypt",
    "lambda:InvokeFunction",
    "logs:FilterLogEvents",
    "logs:GetLogEvents",
    "logs:StartQuery",
    "rds-db:connect",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "secretsmanager:GetSecretValue",
    "sqs:ReceiveMessage",
    "ssm:GetParameter",
    "ssm:GetParameterHistory",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
)
IDENTITY_CENTER_MANAGE = (
    "identitystore:Describe*",
    "identitystore:List*",
    "organizations:Describe*",
    "organizations:List*",
    "sso:*",
)


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
    service: str,
    *,
    source_account: str | None = None,
    source_arn: pulumi.Input[str] | None = None,
    external_id: str | None = None,
) -> pulumi.Output[str]:
    """Trust policy for an AWS service, optionally pinned against confused-deputy use.

    ``external_id``: services that pass ``sts:ExternalId`` instead (Data Firehose passes the account ID).
    """
    conditions: dict[str, dict[str, Any]] = {}
    if source_account:
        conditions["StringEquals"] = {"aws:SourceAccount": source_account}
    if external_id:
        conditions.setdefault("StringEquals", {})["sts:ExternalId"] = external_id
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
