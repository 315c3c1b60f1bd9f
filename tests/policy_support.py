"""Synthetic resource sets for the policy pack tests: a compliant "world" covering every resource type
the pack judges (shaped as pulumi-aws v7 serialises its inputs), and small edits that break one thing.

Every resource is a ``RecordedResource`` as the offline runner records it, so the tests send them through
the pack's real analyzer gRPC server exactly like the offline preview does.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from typing import Any

from offline.analyzer import PolicyPackServer, Violation
from offline.mocks import RecordedResource

PROJECT = "smartpost"
ENV_ACCOUNT = "333333333333"
LOG_ACCOUNT = "444444444444"
REGION = "ap-northeast-1"


def urn(stack: str, type_token: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{type_token}::{name}"


def provider(stack: str, name: str, account: str, region: str = REGION) -> RecordedResource:
    inputs = {"region": region, "allowedAccountIds": json.dumps([account]), "skipRegionValidation": "true"}
    return RecordedResource(
        urn=urn(stack, "pulumi:providers:aws", name),
        type="pulumi:providers:aws",
        name=name,
        custom=True,
        inputs=inputs,
        outputs=dict(inputs),
        id=f"{name}-id",
        parent="",
        provider="",
        protect=False,
        retain_on_delete=False,
        dependencies=[],
        property_dependencies={},
    )


class World:
    """A set of resources in one stack, built by name; ``ref(name)`` gives the value other resources use."""

    def __init__(self, stack: str = "prod") -> None:
        self.stack = stack
        self.env = provider(stack, "environment", ENV_ACCOUNT)
        self.logging = provider(stack, "logging", LOG_ACCOUNT)
        self.resources: list[RecordedResource] = [self.env, self.logging]

    def add(
        self,
        type_token: str,
        name: str,
        inputs: Mapping[str, Any],
        *,
        deps: Mapping[str, Iterable[str]] | None = None,
        protect: bool = False,
        account: str = "env",
    ) -> RecordedResource:
        prov = self.env if account == "env" else self.logging
        acct = ENV_ACCOUNT if account == "env" else LOG_ACCOUNT
        service = type_token.split(":")[1].split("/")[0]
        arn = f"arn:aws:{service}:{REGION}:{acct}:{name}"
        outputs = {"arn": arn, "id": f"{name}-id", **inputs}
        property_dependencies = {k: [self.get(n).urn for n in names] for k, names in (deps or {}).items()}
        resource = RecordedResource(
            urn=urn(self.stack, type_token, name),
            type=type_token,
            name=name,
            custom=True,
            inputs=dict(inputs),
            outputs=outputs,
            id=f"{name}-id",
            parent=urn(self.stack, "pulumi:pulumi:Stack", f"{PROJECT}-{self.stack}"),
            provider=f"{prov.urn}::{prov.id}",
            protect=protect,
            retain_on_delete=False,
            dependencies=sorted({u for urns in property_dependencies.values() for u in urns}),
            property_dependencies=property_dependencies,
        )
        self.resources.append(resource)
        return resource

    def get(self, name: str) -> RecordedResource:
        matches = [r for r in self.resources if r.name == name]
        assert len(matches) == 1, name
        return matches[0]

    def arn(self, name: str) -> str:
        return str(self.get(name).outputs["arn"])

    def id(self, name: str) -> str:
        return str(self.get(name).outputs["id"])


def edited(resources: list[RecordedResource], name: str, **changes: Any) -> list[RecordedResource]:
    """The set with one resource's inputs changed (a value of ``None`` removes the property)."""
    out = []
    for r in resources:
        if r.name == name:
            inputs = {k: v for k, v in {**r.inputs, **changes}.items() if v is not None}
            outputs = {k: v for k, v in {**r.outputs, **changes}.items() if v is not None}
            r = dataclasses.replace(r, inputs=inputs, outputs=outputs)
        out.append(r)
    assert any(r.name == name for r in resources), name
    return out


def unprotected(resources: list[RecordedResource], name: str) -> list[RecordedResource]:
    assert any(r.name == name for r in resources), name
    return [dataclasses.replace(r, protect=False) if r.name == name else r for r in resources]


def without(resources: list[RecordedResource], name: str) -> list[RecordedResource]:
    assert any(r.name == name for r in resources), name
    return [r for r in resources if r.name != name]


def mandatory(violations: Iterable[Violation]) -> set[tuple[str, str]]:
    return {(v.policy, v.urn) for v in violations if v.mandatory}


def findings(pack: PolicyPackServer, resources: list[RecordedResource]) -> set[tuple[str, str]]:
    """(policy, resource name or '' for stack-level) of every mandatory violation."""
    return {(policy, u.rsplit("::", 1)[-1] if u else "") for policy, u in mandatory(pack.analyze_all(resources))}


def container(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "api",
        "image": "333333333333.dkr.ecr.ap-northeast-1.amazonaws.com/api:1.0.0",
        "essential": True,
        "readonlyRootFilesystem": True,
        "privileged": False,
        "user": "1000:1000",
        "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
        "environment": [{"name": "LOG_LEVEL", "value": "info"}],
        "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:ap-northeast-1:333333333333:parameter/x"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "api"}},
    }
    return {k: v for k, v in {**base, **overrides}.items() if v is not None}


def compliant_world(stack: str = "prod") -> World:
    w = World(stack)
    # KMS, SNS, Backup, logs
    w.add("aws:kms/key:Key", "data-key", {"enableKeyRotation": True, "deletionWindowInDays": 30}, protect=True)
    key = w.arn("data-key")
    w.add("aws:sns/topic:Topic", "alerts", {"kmsMasterKeyId": key})
    # Root console sign-ins reach EventBridge only in us-east-1: a forwarding rule lives there.
    w.add("aws:cloudwatch/eventRule:EventRule", "root-usage-global", {"region": "us-east-1", "eventPattern": "{}"})
    w.add(
        "aws:cloudwatch/eventTarget:EventTarget",
        "root-usage-global-forward",
        {
            "region": "us-east-1",
            "rule": "root-usage-global",
            "arn": f"arn:aws:events:{REGION}:{ENV_ACCOUNT}:event-bus/default",
        },
    )
    w.add("aws:backup/vault:Vault", "vault", {"kmsKeyArn": key})
    w.add("aws:cloudwatch/logGroup:LogGroup", "app-logs", {"retentionInDays": 90, "kmsKeyId": key})
    w.add("aws:cloudwatch/logGroup:LogGroup", "trail-logs", {"retentionInDays": 365, "kmsKeyId": key})

    # Network
    w.add("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.30.0.0/16"})
    w.add("aws:ec2/flowLog:FlowLog", "flow-log", {"vpcId": w.id("vpc"), "trafficType": "ALL"}, deps={"vpcId": ["vpc"]})
    w.add("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default-sg", {"vpcId": w.id("vpc")})
    w.add("aws:ec2/securityGroup:SecurityGroup", "alb-sg", {"vpcId": w.id("vpc"), "description": "alb"})
    w.add("aws:ec2/securityGroup:SecurityGroup", "svc-sg", {"vpcId": w.id("vpc"), "description": "services"})
    for port in (443, 80):
        w.add(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            f"alb-{port}-in",
            {
                "securityGroupId": w.id("alb-sg"),
                "cidrIpv4": "0.0.0.0/0",
                "ipProtocol": "tcp",
                "fromPort": port,
                "toPort": port,
            },
            deps={"securityGroupId": ["alb-sg"]},
        )
    w.add(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "svc-from-alb-in",
        {
            "securityGroupId": w.id("svc-sg"),
            "referencedSecurityGroupId": w.id("alb-sg"),
            "ipProtocol": "tcp",
            "fromPort": 8080,
            "toPort": 8080,
        },
        deps={"securityGroupId": ["svc-sg"], "referencedSecurityGroupId": ["alb-sg"]},
    )

    # Buckets (SecureBucket shape): site (KMS), ALB logs (SSE-S3, 90 days), CloudTrail (KMS, 365 days,
    # logging account, protected), notification trail (KMS, Object Lock, logging account, protected).
    def bucket(
        name: str,
        *,
        sse: str,
        expire: int | None = None,
        lock: bool = False,
        log_account: bool = False,
        protect: bool = False,
    ) -> None:
        account = "log" if log_account else "env"
        w.add(
            "aws:s3/bucket:Bucket", name, {"objectLockEnabled": True} if lock else {}, protect=protect, account=account
        )
        w.get(name).outputs["bucket"] = f"{name}-physical"
        ref = {"bucket": [name]}
        bucket_id = w.id(name)
        w.add(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            f"{name}-pab",
            {
                "bucket": bucket_id,
                "blockPublicAcls": True,
                "blockPublicPolicy": True,
                "ignorePublicAcls": True,
                "restrictPublicBuckets": True,
            },
            deps=ref,
            account=account,
        )
        by_default: dict[str, Any] = (
            {"sseAlgorithm": "AES256"} if sse == "s3" else {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key}
        )
        w.add(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            f"{name}-sse",
            {"bucket": bucket_id, "rules": [{"applyServerSideEncryptionByDefault": by_default}]},
            deps=ref,
            account=account,
        )
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Action": ["s3:*"],
                    "Resource": [w.arn(name), f"{w.arn(name)}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
        w.add(
            "aws:s3/bucketPolicy:BucketPolicy",
            f"{name}-policy",
            {"bucket": bucket_id, "policy": json.dumps(policy)},
            deps=ref,
            account=account,
        )
        if expire:
            w.add(
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                f"{name}-lifecycle",
                {"bucket": bucket_id, "rules": [{"id": "expire", "status": "Enabled", "expiration": {"days": expire}}]},
                deps=ref,
                account=account,
            )
        if lock:
            w.add(
                "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
                f"{name}-lock",
                {"bucket": bucket_id, "rule": {"defaultRetention": {"mode": "COMPLIANCE", "days": 365}}},
                deps=ref,
                account=account,
            )

    bucket("site", sse="kms")
    bucket("alb-logs", sse="s3", expire=90)
    bucket("cloudtrail", sse="kms", expire=365, log_account=True, protect=True)
    bucket("notification-trail", sse="kms", lock=True, log_account=True, protect=True)

    # Load balancer, listeners, regional WAF
    w.add(
        "aws:lb/loadBalancer:LoadBalancer",
        "alb",
        {
            "loadBalancerType": "application",
            "internal": False,
            "dropInvalidHeaderFields": True,
            "enableDeletionProtection": True,
            "securityGroups": [w.id("alb-sg")],
            "accessLogs": {"bucket": w.id("alb-logs"), "enabled": True},
        },
        deps={"securityGroups": ["alb-sg"], "accessLogs": ["alb-logs"]},
    )
    w.add(
        "aws:lb/listener:Listener",
        "https",
        {
            "loadBalancerArn": w.arn("alb"),
            "protocol": "HTTPS",
            "port": 443,
            "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "defaultActions": [{"type": "fixed-response"}],
        },
        deps={"loadBalancerArn": ["alb"]},
    )
    w.add(
        "aws:lb/listener:Listener",
        "http",
        {
            "loadBalancerArn": w.arn("alb"),
            "protocol": "HTTP",
            "port": 80,
            "defaultActions": [
                {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
            ],
        },
        deps={"loadBalancerArn": ["alb"]},
    )
    rules = [
        {
            "name": "common",
            "priority": 1,
            "statement": {"managedRuleGroupStatement": {"name": "AWSManagedRulesCommonRuleSet", "vendorName": "AWS"}},
        }
    ]
    w.add(
        "aws:wafv2/webAcl:WebAcl", "regional-acl", {"scope": "REGIONAL", "rules": rules, "defaultAction": {"allow": {}}}
    )
    w.add(
        "aws:wafv2/webAclAssociation:WebAclAssociation",
        "alb-waf",
        {"resourceArn": w.arn("alb"), "webAclArn": w.arn("regional-acl")},
        deps={"resourceArn": ["alb"], "webAclArn": ["regional-acl"]},
    )
    w.add(
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        "regional-acl-logging",
        {"resourceArn": w.arn("regional-acl"), "logDestinationConfigs": [w.arn("app-logs")]},
        deps={"resourceArn": ["regional-acl"], "logDestinationConfigs": ["app-logs"]},
    )

    # CloudFront and its us-east-1 pieces
    east = {"region": "us-east-1"}
    w.add(
        "aws:acm/certificate:Certificate",
        "cf-cert",
        {"domainName": "admin.example.jp", "validationMethod": "DNS", **east},
    )
    w.add(
        "aws:wafv2/webAcl:WebAcl",
        "cf-acl",
        {"scope": "CLOUDFRONT", "rules": rules, "defaultAction": {"allow": {}}, **east},
    )
    w.add(
        "aws:cloudwatch/logGroup:LogGroup",
        "cf-waf-logs",
        {"name": "aws-waf-logs-smartpost-prod", "retentionInDays": 90, "kmsKeyId": key, **east},
    )
    w.add(
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        "cf-acl-logging",
        {"resourceArn": w.arn("cf-acl"), "logDestinationConfigs": [w.arn("cf-waf-logs")], **east},
        deps={"resourceArn": ["cf-acl"]},
    )
    w.add(
        "aws:cloudfront/distribution:Distribution",
        "cdn",
        {
            "enabled": True,
            "webAclId": w.arn("cf-acl"),
            "viewerCertificate": {
                "acmCertificateArn": w.arn("cf-cert"),
                "sslSupportMethod": "sni-only",
                "minimumProtocolVersion": "TLSv1.2_2021",
            },
            "defaultCacheBehavior": {"targetOriginId": "site", "viewerProtocolPolicy": "redirect-to-https"},
            "loggingConfig": {"bucket": "cf-logs.s3.amazonaws.com", "prefix": "cloudfront/"},
            "orderedCacheBehaviors": [
                {"pathPattern": "/assets/*", "targetOriginId": "site", "viewerProtocolPolicy": "https-only"}
            ],
            "origins": [
                {
                    "originId": "site",
                    "domainName": "site-physical.s3.ap-northeast-1.amazonaws.com",
                    "originAccessControlId": "oac-1",
                }
            ],
        },
        deps={"webAclId": ["cf-acl"]},
    )

    # CloudTrail, Firehose
    w.add(
        "aws:cloudtrail/trail:Trail",
        "trail",
        {
            "s3BucketName": "cloudtrail-physical",
            "kmsKeyId": key,
            "isMultiRegionTrail": True,
            "enableLogFileValidation": True,
            "cloudWatchLogsGroupArn": f"{w.arn('trail-logs')}:*",
            "advancedEventSelectors": [
                {
                    "name": "s3-data",
                    "fieldSelectors": [
                        {"field": "eventCategory", "equals": ["Data"]},
                        {"field": "resources.type", "equals": ["AWS::S3::Object"]},
                    ],
                }
            ],
        },
        deps={"s3BucketName": ["cloudtrail"], "cloudWatchLogsGroupArn": ["trail-logs"]},
    )
    w.add(
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "notification-trail-stream",
        {
            "destination": "extended_s3",
            "serverSideEncryption": {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": key},
            "extendedS3Configuration": {"bucketArn": w.arn("notification-trail"), "roleArn": "arn:aws:iam::1:role/x"},
        },
        deps={"extendedS3Configuration": ["notification-trail"]},
    )

    # Aurora
    w.add(
        "aws:rds/clusterParameterGroup:ClusterParameterGroup",
        "pg",
        {
            "family": "aurora-postgresql16",
            "parameters": [
                {"name": "rds.force_ssl", "value": "1"},
                {"name": "shared_preload_libraries", "value": "pgaudit"},
            ],
        },
    )
    w.add(
        "aws:rds/cluster:Cluster",
        "aurora",
        {
            "engine": "aurora-postgresql",
            "storageEncrypted": True,
            "kmsKeyId": key,
            "iamDatabaseAuthenticationEnabled": True,
            "backupRetentionPeriod": 14,
            "deletionProtection": True,
            "enabledCloudwatchLogsExports": ["postgresql"],
            "dbClusterParameterGroupName": "pg-id",
            "manageMasterUserPassword": True,
        },
        deps={"dbClusterParameterGroupName": ["pg"]},
        protect=True,
    )
    for name, zone in (("aurora-writer", "ap-northeast-1a"), ("aurora-reader", "ap-northeast-1c")):
        w.add(
            "aws:rds/clusterInstance:ClusterInstance",
            name,
            {
                "clusterIdentifier": w.id("aurora"),
                "availabilityZone": zone,
                "publiclyAccessible": False,
                "performanceInsightsEnabled": True,
                "performanceInsightsKmsKeyId": key,
            },
            deps={"clusterIdentifier": ["aurora"]},
        )

    # Containers
    w.add(
        "aws:ecr/repository:Repository",
        "repo",
        {
            "imageTagMutability": "IMMUTABLE",
            "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": key}],
            "imageScanningConfiguration": {"scanOnPush": True},
        },
    )
    w.add(
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "repo-lifecycle",
        {"repository": w.id("repo"), "policy": json.dumps({"rules": []})},
        deps={"repository": ["repo"]},
    )
    w.add(
        "aws:ecs/taskDefinition:TaskDefinition",
        "task",
        {"family": "api", "containerDefinitions": json.dumps([container()]), "networkMode": "awsvpc"},
    )
    w.add(
        "aws:ecs/service:Service",
        "service",
        {
            "taskDefinition": w.arn("task"),
            "enableExecuteCommand": False,
            "networkConfiguration": {"assignPublicIp": False, "subnets": ["subnet-1"], "securityGroups": ["sg-1"]},
        },
    )

    # Lambda, Step Functions, IAM, Chatbot
    w.add(
        "aws:lambda/permission:Permission",
        "invoke",
        {
            "action": "lambda:InvokeFunction",
            "function": "send",
            "principal": "events.amazonaws.com",
            "sourceArn": "arn:aws:events:ap-northeast-1:333333333333:rule/x",
        },
    )
    w.add(
        "aws:sfn/stateMachine:StateMachine",
        "delivery",
        {
            "definition": "{}",
            "roleArn": "arn:aws:iam::333333333333:role/sfn",
            "loggingConfiguration": {
                "level": "ALL",
                "includeExecutionData": False,
                "logDestination": f"{w.arn('app-logs')}:*",
            },
        },
    )
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"{w.arn('site')}/*"}],
    }
    w.add(
        "aws:iam/role:Role",
        "task-role",
        {
            "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": []}),
            "inlinePolicies": [{"name": "read", "policy": json.dumps(document)}],
        },
    )
    w.add("aws:iam/rolePolicy:RolePolicy", "task-role-read", {"role": "task-role", "policy": json.dumps(document)})
    w.add(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "task-role-xray",
        {"role": "task-role", "policyArn": "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"},
    )
    w.add(
        "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
        "slack",
        {
            "configurationName": "smartpost-prod",
            "slackChannelId": "C1",
            "slackTeamId": "T1",
            "iamRoleArn": "arn:aws:iam::333333333333:role/chatbot",
            "snsTopicArns": [w.arn("alerts")],
            "guardrailPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            "region": "us-east-2",
        },
    )

    # ECS cluster, Parameter Store, Athena
    w.add("aws:ecs/cluster:Cluster", "cluster", {"settings": [{"name": "containerInsights", "value": "enhanced"}]})
    w.add(
        "aws:ssm/parameter:Parameter",
        "sendgrid-key",
        {"name": "/smartpost/prod/secrets/sendgrid", "type": "SecureString", "value": "x", "keyId": key},
    )
    w.add(
        "aws:athena/workgroup:Workgroup",
        "audit-queries",
        {
            "name": "audit",
            "configuration": {
                "enforceWorkgroupConfiguration": True,
                "resultConfiguration": {
                    "outputLocation": "s3://results/",
                    "encryptionConfiguration": {"encryptionOption": "SSE_KMS", "kmsKeyArn": key},
                },
            },
        },
    )

    # Account security services
    w.add("aws:guardduty/detector:Detector", "guardduty", {"enable": True})
    w.add("aws:securityhub/account:Account", "securityhub", {"enableDefaultStandards": False})
    w.add("aws:cfg/recorder:Recorder", "recorder", {"roleArn": "arn:aws:iam::333333333333:role/config"})
    w.add(
        "aws:cfg/recorderStatus:RecorderStatus",
        "recorder-status",
        {"name": "recorder", "isEnabled": True},
        deps={"name": ["recorder"]},
    )
    return w
