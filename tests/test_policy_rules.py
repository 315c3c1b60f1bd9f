"""Every policy of the pack, through its real analyzer gRPC server: a compliant world of synthetic
resources (every type the pack judges) passes, and each case that breaks exactly one property yields
exactly the expected set of (policy, resource) violations (Checkov's test style).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from offline.analyzer import PolicyPackServer
from offline.mocks import RecordedResource
from tests.policy_support import (
    World,
    compliant_world,
    container,
    edited,
    findings,
    unprotected,
    without,
)

Resources = list[RecordedResource]
Case = tuple[str, Callable[[World], Resources], set[tuple[str, str]]]


def task(**overrides: Any) -> Callable[[World], Resources]:
    return lambda w: edited(w.resources, "task", containerDefinitions=json.dumps([container(**overrides)]))


def sse(w: World, name: str, by_default: dict[str, Any]) -> Resources:
    return edited(w.resources, f"{name}-sse", rules=[{"applyServerSideEncryptionByDefault": by_default}])


def no_dependency(resources: Resources, name: str, prop: str, value: Any) -> Resources:
    """Point a property elsewhere: new value and no engine property dependency."""
    out = []
    for r in edited(resources, name, **{prop: value}):
        if r.name == name:
            deps = {k: v for k, v in r.property_dependencies.items() if k != prop}
            r = dataclasses.replace(r, property_dependencies=deps)
        out.append(r)
    return out


def default_provider(resources: Resources, name: str) -> Resources:
    return [dataclasses.replace(r, provider="") if r.name == name else r for r in resources]


def unpinned_logging_provider(resources: Resources) -> Resources:
    return [
        dataclasses.replace(r, inputs={k: v for k, v in r.inputs.items() if k != "allowedAccountIds"})
        if r.type == "pulumi:providers:aws" and r.name == "logging"
        else r
        for r in resources
    ]


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
STAR = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
LOGGING_ACCOUNT_RESOURCES = {
    n
    for b in ("cloudtrail", "notification-trail")
    for n in (b, f"{b}-pab", f"{b}-sse", f"{b}-policy", f"{b}-lifecycle", f"{b}-lock")
} - {"notification-trail-lifecycle", "cloudtrail-lock"}

CASES: list[Case] = [
    # providers and regions
    (
        "default provider",
        lambda w: default_provider(w.resources, "alerts"),
        {("pulumi-provider-explicit-pinned-account", "alerts")},
    ),
    (
        "unpinned provider",
        lambda w: unpinned_logging_provider(w.resources),
        {("pulumi-provider-explicit-pinned-account", n) for n in {*LOGGING_ACCOUNT_RESOURCES, "logging"}},
    ),
    (
        "topic in another region",
        lambda w: edited(w.resources, "alerts", region="us-west-2"),
        {("aws-resource-region-allowed", "alerts")},
    ),
    (
        "regional web ACL in us-east-1",
        lambda w: edited(w.resources, "regional-acl", region="us-east-1"),
        {("aws-resource-region-allowed", "regional-acl")},
    ),
    (
        "app log group in us-east-1",
        lambda w: edited(w.resources, "app-logs", region="us-east-1"),
        {("aws-resource-region-allowed", "app-logs")},
    ),
    (
        "global-event forwarding rule outside us-east-1",
        lambda w: edited(w.resources, "root-usage-global", region="us-west-2"),
        {("aws-resource-region-allowed", "root-usage-global")},
    ),
    (
        "us-east-1 event target that does more than forward home",
        lambda w: edited(w.resources, "root-usage-global-forward", arn=w.arn("alerts")),
        {("aws-resource-region-allowed", "root-usage-global-forward")},
    ),
    (
        "chatbot in Tokyo",
        lambda w: edited(w.resources, "slack", region="ap-northeast-1"),
        {("aws-resource-region-allowed", "slack")},
    ),
    # ELB
    (
        "TLS 1.0 listener policy",
        lambda w: edited(w.resources, "https", sslPolicy="ELBSecurityPolicy-2016-08"),
        {("elb-listener-tls-policy", "https")},
    ),
    (
        "listener without policy",
        lambda w: edited(w.resources, "https", sslPolicy=None),
        {("elb-listener-tls-policy", "https")},
    ),
    (
        "HTTP listener forwards",
        lambda w: edited(w.resources, "http", defaultActions=[{"type": "forward"}]),
        {("elb-listener-http-redirects-https", "http")},
    ),
    (
        "HTTP redirect to HTTP",
        lambda w: edited(w.resources, "http", defaultActions=[{"type": "redirect", "redirect": {"protocol": "HTTP"}}]),
        {("elb-listener-http-redirects-https", "http")},
    ),
    (
        "invalid headers kept",
        lambda w: edited(w.resources, "alb", dropInvalidHeaderFields=False),
        {("elb-load-balancer-drop-invalid-headers", "alb")},
    ),
    (
        "access logs off",
        lambda w: edited(w.resources, "alb", accessLogs={"bucket": w.id("alb-logs"), "enabled": False}),
        {("elb-load-balancer-access-logs", "alb")},
    ),
    (
        "prod ALB deletable",
        lambda w: edited(w.resources, "alb", enableDeletionProtection=None),
        {("elb-load-balancer-deletion-protection", "alb")},
    ),
    ("ALB without WAF", lambda w: without(w.resources, "alb-waf"), {("elb-load-balancer-waf", "alb")}),
    # CloudFront and WAF
    (
        "old viewer TLS",
        lambda w: edited(
            w.resources,
            "cdn",
            viewerCertificate={"acmCertificateArn": w.arn("cf-cert"), "minimumProtocolVersion": "TLSv1.2_2019"},
        ),
        {("cloudfront-distribution-viewer-tls", "cdn")},
    ),
    (
        "default certificate",
        lambda w: edited(w.resources, "cdn", viewerCertificate={"cloudfrontDefaultCertificate": True}),
        {("cloudfront-distribution-viewer-tls", "cdn")},
    ),
    (
        "behavior allows HTTP",
        lambda w: edited(
            w.resources,
            "cdn",
            orderedCacheBehaviors=[
                {"pathPattern": "/assets/*", "targetOriginId": "site", "viewerProtocolPolicy": "allow-all"}
            ],
        ),
        {("cloudfront-distribution-https-only", "cdn")},
    ),
    (
        "distribution without WAF",
        lambda w: edited(w.resources, "cdn", webAclId=None),
        {("cloudfront-distribution-waf", "cdn")},
    ),
    (
        "S3 origin without OAC",
        lambda w: edited(
            w.resources,
            "cdn",
            origins=[{"originId": "site", "domainName": "site-physical.s3.ap-northeast-1.amazonaws.com"}],
        ),
        {("cloudfront-distribution-origin-access-control", "cdn")},
    ),
    (
        "web ACL without rules",
        lambda w: edited(w.resources, "cf-acl", rules=[]),
        {("wafv2-web-acl-has-rules", "cf-acl")},
    ),
    (
        "web ACL without logging",
        lambda w: without(w.resources, "regional-acl-logging"),
        {("wafv2-web-acl-logging", "regional-acl")},
    ),
    # S3
    (
        "bucket without public access block",
        lambda w: without(w.resources, "site-pab"),
        {("s3-bucket-public-access-block", "site")},
    ),
    (
        "public access block with a flag off",
        lambda w: edited(w.resources, "site-pab", restrictPublicBuckets=False),
        {("s3-bucket-public-access-block", "site")},
    ),
    ("bucket without SSE", lambda w: without(w.resources, "site-sse"), {("s3-bucket-encryption", "site")}),
    (
        "data bucket with SSE-S3",
        lambda w: sse(w, "site", {"sseAlgorithm": "AES256"}),
        {("s3-bucket-kms-encryption", "site")},
    ),
    (
        "data bucket with the AWS key",
        lambda w: sse(w, "site", {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "alias/aws/s3"}),
        {("s3-bucket-kms-encryption", "site")},
    ),
    (
        "bucket policy without TLS deny",
        lambda w: edited(
            w.resources,
            "site-policy",
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}],
                }
            ),
        ),
        {("s3-bucket-tls-only-policy", "site")},
    ),
    ("bucket without policy", lambda w: without(w.resources, "site-policy"), {("s3-bucket-tls-only-policy", "site")}),
    (
        "CloudTrail bucket kept 90 days",
        lambda w: edited(
            w.resources, "cloudtrail-lifecycle", rules=[{"id": "x", "status": "Enabled", "expiration": {"days": 90}}]
        ),
        {("s3-bucket-log-retention", "cloudtrail")},
    ),
    (
        "ALB log bucket kept forever",
        lambda w: without(w.resources, "alb-logs-lifecycle"),
        {("s3-bucket-log-retention", "alb-logs")},
    ),
    (
        "trail bucket without Object Lock",
        lambda w: edited(w.resources, "notification-trail", objectLockEnabled=None),
        {("s3-bucket-object-lock-notification-trail", "notification-trail")},
    ),
    (
        "trail bucket without lock configuration",
        lambda w: without(w.resources, "notification-trail-lock"),
        {("s3-bucket-object-lock-notification-trail", "notification-trail")},
    ),
    (
        "prod trail bucket unprotected",
        lambda w: unprotected(w.resources, "cloudtrail"),
        {("s3-bucket-trail-protected", "cloudtrail")},
    ),
    (
        "CloudTrail bucket in the recorded account",
        lambda w: [
            dataclasses.replace(r, provider=w.get("trail").provider) if r.name == "cloudtrail" else r
            for r in w.resources
        ],
        {("s3-bucket-trail-separate-account", "cloudtrail")},
    ),
    (
        "notification-trail bucket in the recorded account",
        lambda w: [
            dataclasses.replace(r, provider=w.get("trail").provider) if r.name == "notification-trail" else r
            for r in w.resources
        ],
        {("s3-bucket-trail-separate-account", "notification-trail")},
    ),
    # RDS
    (
        "storage unencrypted",
        lambda w: edited(w.resources, "aurora", storageEncrypted=False),
        {("rds-cluster-storage-encrypted", "aurora")},
    ),
    (
        "storage with the AWS key",
        lambda w: edited(w.resources, "aurora", kmsKeyId=None),
        {("rds-cluster-storage-encrypted", "aurora")},
    ),
    (
        "no IAM auth",
        lambda w: edited(w.resources, "aurora", iamDatabaseAuthenticationEnabled=None),
        {("rds-cluster-iam-authentication", "aurora")},
    ),
    (
        "backups 3 days",
        lambda w: edited(w.resources, "aurora", backupRetentionPeriod=3),
        {("rds-cluster-backup-retention", "aurora")},
    ),
    (
        "no log export",
        lambda w: edited(w.resources, "aurora", enabledCloudwatchLogsExports=[]),
        {("rds-cluster-postgresql-log-export", "aurora")},
    ),
    (
        "public instance",
        lambda w: edited(w.resources, "aurora-writer", publiclyAccessible=True),
        {("rds-instance-not-public", "aurora-writer")},
    ),
    (
        "Performance Insights with the AWS key",
        lambda w: edited(w.resources, "aurora-reader", performanceInsightsKmsKeyId=None),
        {("rds-performance-insights-kms", "aurora-reader")},
    ),
    (
        "prod cluster deletable",
        lambda w: edited(w.resources, "aurora", deletionProtection=False),
        {("rds-cluster-deletion-protection", "aurora")},
    ),
    ("prod cluster unprotected", lambda w: unprotected(w.resources, "aurora"), {("rds-cluster-protected", "aurora")}),
    (
        "parameter group without force_ssl",
        lambda w: edited(w.resources, "pg", parameters=[{"name": "rds.force_ssl", "value": "0"}]),
        {("rds-cluster-parameter-group-force-ssl", "pg"), ("rds-cluster-force-ssl", "aurora")},
    ),
    (
        "cluster on the default parameter group",
        lambda w: no_dependency(w.resources, "aurora", "dbClusterParameterGroupName", "default.aurora-postgresql16"),
        {("rds-cluster-force-ssl", "aurora")},
    ),
    (
        "prod instances in one AZ",
        lambda w: edited(w.resources, "aurora-reader", availabilityZone="ap-northeast-1a"),
        {("rds-cluster-multi-az", "aurora")},
    ),
    (
        "prod cluster with one instance",
        lambda w: without(w.resources, "aurora-reader"),
        {("rds-cluster-multi-az", "aurora")},
    ),
    # KMS, SNS, Firehose, Backup
    (
        "key without rotation",
        lambda w: edited(w.resources, "data-key", enableKeyRotation=False),
        {("kms-key-rotation", "data-key")},
    ),
    ("prod key unprotected", lambda w: unprotected(w.resources, "data-key"), {("kms-key-protected", "data-key")}),
    (
        "topic with the AWS key",
        lambda w: edited(w.resources, "alerts", kmsMasterKeyId="alias/aws/sns"),
        {("sns-topic-kms", "alerts")},
    ),
    (
        "firehose with the AWS-owned key",
        lambda w: edited(
            w.resources, "notification-trail-stream", serverSideEncryption={"enabled": True, "keyType": "AWS_OWNED_CMK"}
        ),
        {("firehose-delivery-stream-kms", "notification-trail-stream")},
    ),
    ("vault without key", lambda w: edited(w.resources, "vault", kmsKeyArn=None), {("backup-vault-kms", "vault")}),
    # EC2
    (
        "service port open to the world",
        lambda w: edited(w.resources, "svc-from-alb-in", cidrIpv4="0.0.0.0/0", referencedSecurityGroupId=None),
        {("ec2-security-group-no-world-ingress", "svc-from-alb-in")},
    ),
    (
        "SSH open on the ALB group",
        lambda w: edited(w.resources, "alb-443-in", fromPort=22, toPort=22),
        {("ec2-security-group-no-world-ingress", "alb-443-in")},
    ),
    (
        "inline IPv6 world ingress",
        lambda w: edited(
            w.resources,
            "svc-sg",
            ingress=[{"protocol": "tcp", "fromPort": 443, "toPort": 443, "ipv6CidrBlocks": ["::/0"]}],
        ),
        {("ec2-security-group-no-world-ingress", "svc-sg")},
    ),
    (
        "default group with rules",
        lambda w: edited(
            w.resources,
            "default-sg",
            egress=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}],
        ),
        {("ec2-default-security-group-no-rules", "default-sg")},
    ),
    ("VPC without flow log", lambda w: without(w.resources, "flow-log"), {("ec2-vpc-flow-logs", "vpc")}),
    # ECR
    (
        "mutable tags",
        lambda w: edited(w.resources, "repo", imageTagMutability="MUTABLE"),
        {("ecr-repository-immutable-tags", "repo")},
    ),
    (
        "repository with AES256",
        lambda w: edited(w.resources, "repo", encryptionConfigurations=[{"encryptionType": "AES256"}]),
        {("ecr-repository-kms", "repo")},
    ),
    (
        "no scan on push",
        lambda w: edited(w.resources, "repo", imageScanningConfiguration=None),
        {("ecr-repository-scan-on-push", "repo")},
    ),
    (
        "no lifecycle policy",
        lambda w: without(w.resources, "repo-lifecycle"),
        {("ecr-repository-lifecycle-policy", "repo")},
    ),
    # ECS
    ("writable root filesystem", task(readonlyRootFilesystem=False), {("ecs-task-definition-read-only-root", "task")}),
    ("privileged container", task(privileged=True), {("ecs-task-definition-not-privileged", "task")}),
    ("no user", task(user=None), {("ecs-task-definition-non-root-user", "task")}),
    ("root user", task(user="0:0"), {("ecs-task-definition-non-root-user", "task")}),
    ("no logging", task(logConfiguration=None), {("ecs-task-definition-logging", "task")}),
    (
        "secret in environment",
        task(environment=[{"name": "SENDGRID_API_KEY", "value": "SG.x"}]),
        {("ecs-task-definition-no-secrets-in-environment", "task")},
    ),
    (
        "public IP",
        lambda w: edited(w.resources, "service", networkConfiguration={"assignPublicIp": True}),
        {("ecs-service-no-public-ip", "service")},
    ),
    (
        "ECS Exec",
        lambda w: edited(w.resources, "service", enableExecuteCommand=True),
        {("ecs-service-no-execute-command", "service")},
    ),
    # Lambda, Step Functions, IAM, Chatbot
    (
        "Lambda open to everyone",
        lambda w: edited(w.resources, "invoke", principal="*"),
        {("lambda-function-not-public", "invoke")},
    ),
    (
        "state machine not logging",
        lambda w: edited(w.resources, "delivery", loggingConfiguration={"level": "OFF"}),
        {("sfn-state-machine-logging", "delivery")},
    ),
    (
        "state machine without logging config",
        lambda w: edited(w.resources, "delivery", loggingConfiguration=None),
        {("sfn-state-machine-logging", "delivery")},
    ),
    (
        "role policy star on star",
        lambda w: edited(w.resources, "task-role-read", policy=STAR),
        {("iam-policy-no-star-on-star", "task-role-read")},
    ),
    (
        "inline star on star",
        lambda w: edited(w.resources, "task-role", inlinePolicies=[{"name": "x", "policy": STAR}]),
        {("iam-policy-no-star-on-star", "task-role")},
    ),
    (
        "AdministratorAccess attached",
        lambda w: edited(w.resources, "task-role-xray", policyArn=ADMIN),
        {("iam-role-no-administrator-access", "task-role-xray")},
    ),
    (
        "Chatbot without guardrails",
        lambda w: edited(w.resources, "slack", guardrailPolicyArns=None),
        {("chatbot-channel-configuration-guardrails", "slack")},
    ),
    (
        "Chatbot with admin guardrail",
        lambda w: edited(w.resources, "slack", guardrailPolicyArns=[ADMIN]),
        {("chatbot-channel-configuration-guardrails", "slack")},
    ),
    (
        "Container Insights off",
        lambda w: edited(w.resources, "cluster", settings=[{"name": "containerInsights", "value": "disabled"}]),
        {("ecs-cluster-container-insights", "cluster")},
    ),
    (
        "distribution without access logs",
        lambda w: edited(w.resources, "cdn", loggingConfig=None),
        {("cloudfront-distribution-access-logs", "cdn")},
    ),
    (
        "plain String parameter",
        lambda w: edited(w.resources, "sendgrid-key", type="String"),
        {("ssm-parameter-secure-string-kms", "sendgrid-key")},
    ),
    (
        "SecureString with the AWS key",
        lambda w: edited(w.resources, "sendgrid-key", keyId=None),
        {("ssm-parameter-secure-string-kms", "sendgrid-key")},
    ),
    (
        "Athena results unencrypted",
        lambda w: edited(
            w.resources,
            "audit-queries",
            configuration={
                "enforceWorkgroupConfiguration": True,
                "resultConfiguration": {"outputLocation": "s3://results/"},
            },
        ),
        {("athena-workgroup-encrypted-results", "audit-queries")},
    ),
    (
        "Athena settings not enforced",
        lambda w: edited(
            w.resources,
            "audit-queries",
            configuration={**w.get("audit-queries").inputs["configuration"], "enforceWorkgroupConfiguration": False},
        ),
        {("athena-workgroup-encrypted-results", "audit-queries")},
    ),
    # Logs and audit
    (
        "log group 30 days",
        lambda w: edited(w.resources, "app-logs", retentionInDays=30),
        {("cloudwatch-log-group-retention", "app-logs")},
    ),
    (
        "log group forever",
        lambda w: edited(w.resources, "app-logs", retentionInDays=None),
        {("cloudwatch-log-group-retention", "app-logs")},
    ),
    (
        "log group without key",
        lambda w: edited(w.resources, "app-logs", kmsKeyId=None),
        {("cloudwatch-log-group-kms", "app-logs")},
    ),
    (
        "log group with an AWS-managed key",
        lambda w: edited(w.resources, "app-logs", kmsKeyId="alias/aws/logs"),
        {("cloudwatch-log-group-kms", "app-logs")},
    ),
    (
        "CloudTrail log group 90 days",
        lambda w: edited(w.resources, "trail-logs", retentionInDays=90),
        {("cloudwatch-log-group-cloudtrail-retention", "trail-logs")},
    ),
    (
        "single-region trail",
        lambda w: edited(w.resources, "trail", isMultiRegionTrail=False),
        {("cloudtrail-trail-multi-region", "trail")},
    ),
    (
        "trail without validation",
        lambda w: edited(w.resources, "trail", enableLogFileValidation=None),
        {("cloudtrail-trail-log-file-validation", "trail")},
    ),
    ("trail without key", lambda w: edited(w.resources, "trail", kmsKeyId=None), {("cloudtrail-trail-kms", "trail")}),
    (
        "Aurora with an AWS-managed key",
        lambda w: edited(w.resources, "aurora", kmsKeyId="arn:aws:kms:ap-northeast-1:333333333333:alias/aws/rds"),
        {("rds-cluster-storage-encrypted", "aurora")},
    ),
    (
        "trail without S3 data events",
        lambda w: edited(
            w.resources,
            "trail",
            advancedEventSelectors=[
                {"name": "mgmt", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}
            ],
        ),
        {("cloudtrail-trail-s3-data-events", "trail")},
    ),
    ("no GuardDuty", lambda w: without(w.resources, "guardduty"), {("guardduty-detector-enabled", "")}),
    (
        "GuardDuty disabled",
        lambda w: edited(w.resources, "guardduty", enable=False),
        {("guardduty-detector-enabled", "")},
    ),
    ("no Security Hub", lambda w: without(w.resources, "securityhub"), {("securityhub-account-enabled", "")}),
    ("no Config recorder", lambda w: without(w.resources, "recorder"), {("config-recorder-enabled", "")}),
    (
        "Config recorder stopped",
        lambda w: edited(w.resources, "recorder-status", isEnabled=False),
        {("config-recorder-enabled", "recorder")},
    ),
]


@pytest.fixture(scope="module")
def world() -> World:
    return compliant_world("prod")


def test_the_compliant_world_passes_every_policy(policy_pack: PolicyPackServer, world: World) -> None:
    assert policy_pack.analyze_all(world.resources) == []


@pytest.mark.parametrize(("case", "breaks", "expected"), CASES, ids=[c[0] for c in CASES])
def test_one_broken_property_is_caught_by_exactly_its_policy(
    policy_pack: PolicyPackServer,
    world: World,
    case: str,
    breaks: Callable[[World], Resources],
    expected: set[tuple[str, str]],
) -> None:
    assert findings(policy_pack, breaks(world)) == expected


def test_every_policy_has_a_failing_case(policy_pack: PolicyPackServer) -> None:
    policies = {p.name for p in policy_pack.info().policies}
    covered = {policy for _, _, expected in CASES for policy, _ in expected}
    assert policies - covered == set()


@pytest.mark.parametrize(
    ("case", "breaks"),
    [
        ("ALB", lambda w: edited(w.resources, "alb", enableDeletionProtection=False)),
        ("Aurora", lambda w: unprotected(edited(w.resources, "aurora", deletionProtection=False), "aurora")),
        ("Aurora AZs", lambda w: without(w.resources, "aurora-reader")),
        ("KMS", lambda w: unprotected(w.resources, "data-key")),
        ("trail bucket", lambda w: unprotected(w.resources, "cloudtrail")),
    ],
)
def test_prod_resilience_rules_do_not_apply_to_dev(
    policy_pack: PolicyPackServer, case: str, breaks: Callable[[World], Resources]
) -> None:
    assert findings(policy_pack, breaks(compliant_world("dev"))) == set()


def test_registry_enhanced_scanning_satisfies_scan_on_push(policy_pack: PolicyPackServer, world: World) -> None:
    resources = edited(world.resources, "repo", imageScanningConfiguration=None)
    scanning = dataclasses.replace(
        world.get("repo"),
        urn=world.get("repo").urn.replace(
            "aws:ecr/repository:Repository::repo",
            "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration::scan",
        ),
        type="aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
        name="scan",
        inputs={
            "scanType": "ENHANCED",
            "rules": [
                {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}
            ],
        },
        outputs={},
    )
    assert findings(policy_pack, [*resources, scanning]) == set()


def test_alb_log_bucket_may_use_sse_s3_but_a_data_bucket_may_not(policy_pack: PolicyPackServer, world: World) -> None:
    # alb-logs is SSE-S3 in the compliant world; the same bucket without the ALB pointing at it is a data bucket.
    resources = no_dependency(world.resources, "alb", "accessLogs", {"bucket": "elsewhere", "enabled": True})
    assert ("s3-bucket-kms-encryption", "alb-logs") in findings(policy_pack, resources)


def test_s3_server_access_log_buckets_may_use_sse_s3_and_expire_like_logs(
    policy_pack: PolicyPackServer, world: World
) -> None:
    resources = sse(world, "site", {"sseAlgorithm": "AES256"})
    assert findings(policy_pack, resources) == {("s3-bucket-kms-encryption", "site")}
    logging = dataclasses.replace(
        world.get("alb-logs-pab"),
        urn=world.get("alb-logs-pab").urn.replace("BucketPublicAccessBlock::alb-logs-pab", "BucketLogging::x"),
        type="aws:s3/bucketLogging:BucketLogging",
        name="alb-logs-access-logging",
        inputs={"bucket": world.id("alb-logs"), "targetBucket": world.id("site"), "targetPrefix": "s3/"},
        outputs={"bucket": world.id("alb-logs"), "targetBucket": world.id("site"), "targetPrefix": "s3/"},
        property_dependencies={"bucket": [world.get("alb-logs").urn], "targetBucket": [world.get("site").urn]},
    )
    # Now a log bucket: SSE-S3 is allowed, but it must expire its objects like every log bucket.
    assert findings(policy_pack, [*resources, logging]) == {("s3-bucket-log-retention", "site")}
