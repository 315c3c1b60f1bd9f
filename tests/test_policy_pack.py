"""The pack as a whole, through its real analyzer gRPC server: metadata of every policy, policy config,
unknown values during preview, the three real stacks, breaks of the real prod stack per rule family,
and the generated README."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pulumi.runtime.proto import analyzer_pb2

from offline.analyzer import UNKNOWN, PolicyPackServer
from offline.mocks import RecordedResource, StackRecording
from tests.policy_support import compliant_world, edited, findings, mandatory, unprotected, without

PACK_DIR = Path(__file__).resolve().parent.parent / "policy_pack"
Resources = list[RecordedResource]


@pytest.fixture(scope="module")
def configurable_pack() -> Iterator[PolicyPackServer]:
    """A server of its own: configuring it must not leak into the shared session server."""
    with PolicyPackServer() as server:
        yield server


# -- metadata ---------------------------------------------------------------------------------------
def test_the_pack_has_every_rule_family_and_at_least_fifty_policies(policy_pack: PolicyPackServer) -> None:
    names = [p.name for p in policy_pack.info().policies]
    assert len(names) == len(set(names)) >= 50
    prefixes = {n.split("-")[0] for n in names}
    assert {
        "elb",
        "cloudfront",
        "wafv2",
        "s3",
        "rds",
        "kms",
        "sns",
        "firehose",
        "backup",
        "ec2",
        "ecr",
        "ecs",
        "lambda",
        "sfn",
        "iam",
        "chatbot",
        "cloudwatch",
        "cloudtrail",
        "guardduty",
        "securityhub",
        "config",
        "pulumi",
        "aws",
    } <= prefixes
    # Names the offline preview and its tests rely on.
    assert {"pulumi-provider-explicit-pinned-account", "cloudwatch-log-group-retention"} <= set(names)


def test_every_policy_carries_complete_metadata(policy_pack: PolicyPackServer) -> None:
    for policy in policy_pack.info().policies:
        where = policy.name
        assert policy.description.endswith("."), where
        assert policy.enforcementLevel == analyzer_pb2.MANDATORY, where
        assert policy.severity != analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED, where
        assert len(policy.remediation_steps) > 20, where
        assert policy.url.startswith("https://"), where
        assert policy.framework.name == "AWS Foundational Security Best Practices", where
        assert policy.tags and all(
            t.split(":")[0] in ("securityhub", "checkov", "cdk-nag", "seed") for t in policy.tags
        ), where
        hub = [t.split(":", 1)[1] for t in policy.tags if t.startswith("securityhub:")]
        assert policy.framework.reference == (hub[0] if hub else ""), where
        if hub:
            service = hub[0].split(".")[0].lower()
            assert f"{service}-controls.html#{service}-" in policy.url, where


def test_policy_names_follow_the_service_resource_what_pattern(policy_pack: PolicyPackServer) -> None:
    for policy in policy_pack.info().policies:
        parts = policy.name.split("-")
        assert len(parts) >= 3 and policy.name == policy.name.lower(), policy.name


def test_thresholds_are_config_with_schema_defaults(policy_pack: PolicyPackServer) -> None:
    schemas = {
        p.name: json.loads(_json(p.configSchema.properties))
        for p in policy_pack.info().policies
        if p.HasField("configSchema")
    }
    assert schemas["cloudwatch-log-group-retention"]["minimumDays"]["default"] == 90
    assert schemas["cloudwatch-log-group-cloudtrail-retention"]["minimumDays"]["default"] == 365
    assert schemas["rds-cluster-backup-retention"]["minimumDays"]["default"] == 7
    assert schemas["s3-bucket-log-retention"]["cloudtrailDays"]["default"] == 365
    assert schemas["elb-listener-tls-policy"]["allowedPolicies"]["default"][0] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert schemas["rds-cluster-multi-az"]["productionStacks"]["default"] == ["prod"]


def _json(message: object) -> str:
    from google.protobuf import json_format

    return json.dumps(json_format.MessageToDict(message))  # type: ignore[arg-type]


# -- config --------------------------------------------------------------------------------------------
def test_configured_thresholds_change_the_verdict(configurable_pack: PolicyPackServer) -> None:
    world = compliant_world("prod")
    assert findings(configurable_pack, world.resources) == set()
    configurable_pack.configure(
        {
            "rds-cluster-backup-retention": {"minimumDays": 21},
            "cloudwatch-log-group-retention": {"minimumDays": 120},
        }
    )
    try:
        assert findings(configurable_pack, world.resources) == {
            ("rds-cluster-backup-retention", "aurora"),  # 14 days
            ("cloudwatch-log-group-retention", "app-logs"),  # 90 days
            ("cloudwatch-log-group-retention", "cf-waf-logs"),
        }
    finally:
        configurable_pack.configure({})


def test_production_stacks_come_from_config(configurable_pack: PolicyPackServer) -> None:
    dev = compliant_world("dev")
    broken = unprotected(edited(dev.resources, "aurora", deletionProtection=False), "aurora")
    assert findings(configurable_pack, broken) == set()
    production = {"productionStacks": ["prod", "dev"]}
    configurable_pack.configure({"rds-cluster-deletion-protection": production, "rds-cluster-protected": production})
    try:
        assert findings(configurable_pack, broken) == {
            ("rds-cluster-deletion-protection", "aurora"),
            ("rds-cluster-protected", "aurora"),
        }
    finally:
        configurable_pack.configure({})


def test_an_advisory_enforcement_level_from_config_is_not_mandatory(configurable_pack: PolicyPackServer) -> None:
    world = compliant_world("prod")
    broken = edited(world.resources, "data-key", enableKeyRotation=False)
    configurable_pack.configure({"kms-key-rotation": {"enforcementLevel": "advisory"}})
    try:
        violations = configurable_pack.analyze_all(broken)
        assert mandatory(violations) == set()
        assert {(v.policy, v.enforcement) for v in violations} == {("kms-key-rotation", "advisory")}
    finally:
        configurable_pack.configure({})


# -- unknown values ------------------------------------------------------------------------------------
def test_values_unknown_during_preview_are_no_violation(policy_pack: PolicyPackServer) -> None:
    world = compliant_world("prod")
    resources = world.resources
    resources = edited(resources, "https", sslPolicy=UNKNOWN)
    resources = edited(resources, "data-key", enableKeyRotation=UNKNOWN)
    resources = edited(resources, "task", containerDefinitions=UNKNOWN)
    resources = edited(resources, "site-pab", blockPublicAcls=UNKNOWN)  # a stack policy's input
    resources = edited(resources, "aurora-reader", availabilityZone=UNKNOWN)
    resources = edited(resources, "trail", advancedEventSelectors=[{"fieldSelectors": UNKNOWN}])
    assert policy_pack.analyze_all(resources) == []  # not even an advisory "can't run during preview"


def test_an_unknown_value_on_one_resource_does_not_hide_another_resources_violation(
    policy_pack: PolicyPackServer,
) -> None:
    world = compliant_world("prod")
    resources = edited(world.resources, "site-pab", blockPublicAcls=UNKNOWN)
    resources = edited(resources, "alb-logs-pab", ignorePublicAcls=False)
    assert findings(policy_pack, resources) == {("s3-bucket-public-access-block", "alb-logs")}


def _first_preview(resource: RecordedResource) -> RecordedResource:
    """The resource as a first `pulumi preview` shows it: every input that comes from another resource and
    every computed output is unknown."""
    if resource.is_provider:
        return resource
    inputs = {k: (UNKNOWN if resource.property_dependencies.get(k) else v) for k, v in resource.inputs.items()}
    outputs = {**{k: UNKNOWN for k in resource.outputs if k not in resource.inputs}, **inputs}
    return dataclasses.replace(resource, inputs=inputs, outputs=outputs)


def test_a_first_preview_of_the_real_prod_stack_is_clean_yet_still_catches_literal_breaks(
    policy_pack: PolicyPackServer, prod: StackRecording
) -> None:
    resources = [_first_preview(r) for r in prod.resources]
    assert policy_pack.analyze_all(resources) == []  # no violation, not even an advisory "can't run"
    trail = _first(prod, "aws:cloudtrail/trail:Trail")
    block = _first(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    broken = without(edited(resources, trail.name, isMultiRegionTrail=False), block.name)
    assert findings(policy_pack, broken) == {
        ("cloudtrail-trail-multi-region", trail.name),
        # joined through the engine's property dependencies although the bucket's name is unknown
        ("s3-bucket-public-access-block", _bucket_of(prod, block).name),
    }


# -- the real stacks -----------------------------------------------------------------------------------
def test_each_real_stack_passes_the_pack(policy_pack: PolicyPackServer, stack: StackRecording) -> None:
    violations = policy_pack.analyze_all(stack.resources)
    assert [v.as_dict() for v in violations if v.mandatory] == []


def _first(
    prod: StackRecording, type_token: str, where: Callable[[RecordedResource], bool] = lambda r: True
) -> RecordedResource:
    matches = [r for r in prod.of_type(type_token) if where(r)]
    assert matches, f"the prod stack has no {type_token}"
    return matches[0]


def _bucket_of(prod: StackRecording, setting: RecordedResource) -> RecordedResource:
    (urn,) = setting.property_dependencies["bucket"]
    return next(r for r in prod.resources if r.urn == urn)


def _break_container(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    task = _first(prod, "aws:ecs/taskDefinition:TaskDefinition")
    containers = json.loads(task.inputs["containerDefinitions"])
    containers[0] = {**containers[0], "readonlyRootFilesystem": False}
    return edited(list(prod.resources), task.name, containerDefinitions=json.dumps(containers)), {
        ("ecs-task-definition-read-only-root", task.name)
    }


def _break_listener(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    listener = _first(prod, "aws:lb/listener:Listener", lambda r: r.inputs.get("protocol") == "HTTPS")
    return edited(list(prod.resources), listener.name, sslPolicy="ELBSecurityPolicy-2016-08"), {
        ("elb-listener-tls-policy", listener.name)
    }


def _break_bucket_encryption(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    sse = _first(
        prod,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        lambda r: "aws:kms" in json.dumps(r.inputs),
    )
    rules = [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
    return edited(list(prod.resources), sse.name, rules=rules), {
        ("s3-bucket-kms-encryption", _bucket_of(prod, sse).name)
    }


def _break_public_access(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    block = _first(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    return without(list(prod.resources), block.name), {("s3-bucket-public-access-block", _bucket_of(prod, block).name)}


def _break_world_ingress(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    rule = _first(
        prod,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        lambda r: r.inputs.get("cidrIpv4") == "0.0.0.0/0",
    )
    return edited(list(prod.resources), rule.name, fromPort=5432, toPort=5432), {
        ("ec2-security-group-no-world-ingress", rule.name)
    }


def _break_trail_bucket_retention(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    trail = _first(prod, "aws:cloudtrail/trail:Trail")
    (bucket_urn,) = trail.property_dependencies["s3BucketName"]
    lifecycle = next(
        r
        for r in prod.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
        if r.property_dependencies.get("bucket") == [bucket_urn]
    )
    rules = [{**lifecycle.inputs["rules"][0], "expiration": {"days": 90}}]
    return edited(list(prod.resources), lifecycle.name, rules=rules), {
        ("s3-bucket-log-retention", bucket_urn.rsplit("::", 1)[-1])
    }


def _break_log_group(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    group = _first(prod, "aws:cloudwatch/logGroup:LogGroup")
    return edited(list(prod.resources), group.name, retentionInDays=30), {
        ("cloudwatch-log-group-retention", group.name)
    }


def _break_iam(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    policy = _first(prod, "aws:iam/rolePolicy:RolePolicy")
    star = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    return edited(list(prod.resources), policy.name, policy=star), {("iam-policy-no-star-on-star", policy.name)}


def _break_aurora(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    cluster = _first(prod, "aws:rds/cluster:Cluster")
    return edited(list(prod.resources), cluster.name, iamDatabaseAuthenticationEnabled=False), {
        ("rds-cluster-iam-authentication", cluster.name)
    }


def _break_alb_waf(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    association = _first(prod, "aws:wafv2/webAclAssociation:WebAclAssociation")
    (lb_urn,) = association.property_dependencies["resourceArn"]
    return without(list(prod.resources), association.name), {("elb-load-balancer-waf", lb_urn.rsplit("::", 1)[-1])}


def _break_trail(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    trail = _first(prod, "aws:cloudtrail/trail:Trail")
    return edited(list(prod.resources), trail.name, isMultiRegionTrail=False), {
        ("cloudtrail-trail-multi-region", trail.name)
    }


def _break_flow_logs(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    flow_log = _first(prod, "aws:ec2/flowLog:FlowLog")
    (vpc_urn,) = flow_log.property_dependencies["vpcId"]
    return without(list(prod.resources), flow_log.name), {("ec2-vpc-flow-logs", vpc_urn.rsplit("::", 1)[-1])}


def _break_protect(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    cluster = _first(prod, "aws:rds/cluster:Cluster")
    return [dataclasses.replace(r, protect=False) if r.urn == cluster.urn else r for r in prod.resources], {
        ("rds-cluster-protected", cluster.name)
    }


def _break_provider(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    topic = _first(prod, "aws:sns/topic:Topic")
    return [dataclasses.replace(r, provider="") if r.urn == topic.urn else r for r in prod.resources], {
        ("pulumi-provider-explicit-pinned-account", topic.name)
    }


def _break_region(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    cert = _first(prod, "aws:acm/certificate:Certificate")
    return edited(list(prod.resources), cert.name, region="eu-west-1"), {("aws-resource-region-allowed", cert.name)}


def _break_chatbot(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    slack = _first(prod, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration")
    return edited(list(prod.resources), slack.name, guardrailPolicyArns=None), {
        ("chatbot-channel-configuration-guardrails", slack.name)
    }


def _break_security_hub(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    account = _first(prod, "aws:securityhub/account:Account")
    return [r for r in prod.resources if r.urn != account.urn], {("securityhub-account-enabled", "")}


def _break_trail_account(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    trail = _first(prod, "aws:cloudtrail/trail:Trail")
    (bucket_urn,) = trail.property_dependencies["s3BucketName"]
    moved = [dataclasses.replace(r, provider=trail.provider) if r.urn == bucket_urn else r for r in prod.resources]
    return moved, {("s3-bucket-trail-separate-account", bucket_urn.rsplit("::", 1)[-1])}


def _break_object_lock(prod: StackRecording) -> tuple[Resources, set[tuple[str, str]]]:
    stream = _first(prod, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
    (bucket_urn,) = [
        u for u in stream.property_dependencies["extendedS3Configuration"] if "aws:s3/bucket:Bucket::" in u
    ]
    lock = next(
        r
        for r in prod.of_type("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
        if r.property_dependencies.get("bucket") == [bucket_urn]
    )
    return without(list(prod.resources), lock.name), {
        ("s3-bucket-object-lock-notification-trail", bucket_urn.rsplit("::", 1)[-1])
    }


FAMILY_BREAKS: dict[str, Callable[[StackRecording], tuple[Resources, set[tuple[str, str]]]]] = {
    "TLS in transit: ALB listener policy": _break_listener,
    "encryption at rest: data bucket on SSE-S3": _break_bucket_encryption,
    "public exposure: bucket without public access block": _break_public_access,
    "public exposure: database port open to the world": _break_world_ingress,
    "retention: CloudTrail bucket kept 90 days": _break_trail_bucket_retention,
    "retention: log group 30 days": _break_log_group,
    "retention: notification trail without Object Lock": _break_object_lock,
    "identity: IAM star on star": _break_iam,
    "identity: Aurora without IAM auth": _break_aurora,
    "identity: Chatbot without guardrails": _break_chatbot,
    "identity: default provider": _break_provider,
    "containers: writable root filesystem": _break_container,
    "edge: ALB without WAF": _break_alb_waf,
    "audit: single-region trail": _break_trail,
    "audit: VPC without flow logs": _break_flow_logs,
    "audit: Security Hub missing": _break_security_hub,
    "prod resilience: Aurora unprotected": _break_protect,
    "regions: certificate outside us-east-1": _break_region,
    "accounts: CloudTrail bucket in the recorded account": _break_trail_account,
}


@pytest.mark.parametrize("family", list(FAMILY_BREAKS))
def test_breaking_one_property_of_the_real_prod_stack_is_caught(
    policy_pack: PolicyPackServer, prod: StackRecording, family: str
) -> None:
    resources, expected = FAMILY_BREAKS[family](prod)
    assert _findings_after_change(policy_pack, prod.resources, resources) == expected


def _findings_after_change(pack: PolicyPackServer, before: Resources, after: Resources) -> set[tuple[str, str]]:
    """What analyze_all(after) reports, given that analyze_all(before) reports nothing (the real-stack test):
    resource policies are pure per resource, so only the changed resources need a fresh Analyze."""
    unchanged = {id(r) for r in before}
    providers = {r.urn: r for r in after if r.is_provider}
    violations = [v for r in after if id(r) not in unchanged for v in pack.analyze(r, providers)]
    violations += pack.analyze_stack(after)
    return {(policy, urn.rsplit("::", 1)[-1] if urn else "") for policy, urn in mandatory(violations)}


# -- README ----------------------------------------------------------------------------------------------
def test_the_committed_readme_is_generated_from_the_current_pack() -> None:
    spec = importlib.util.spec_from_file_location("gen_readme", PACK_DIR / "gen_readme.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rendered = module.render()
    assert (PACK_DIR / "README.md").read_text() == rendered, "run .venv/bin/python policy_pack/gen_readme.py"
    policies = module.load_policies()
    assert all(f"| `{p.name}` |" in rendered for p in policies)
