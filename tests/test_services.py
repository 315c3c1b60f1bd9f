"""The services tier per stack (issue 5): ECR, ALB + WAF, ECS Fargate services on Service Connect,
their roles, parameters and autoscaling, all following the stack's `smartpost:services` config."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from offline.mocks import RecordedResource, StackRecording
from offline.runner import run_program
from tests.conftest import policy_statements, section, stack_config_with

PREFIX = "services-"
REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
REGISTRY_SCANNING = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
CLUSTER = "aws:ecs/cluster:Cluster"
NAMESPACE = "aws:servicediscovery/httpNamespace:HttpNamespace"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
WEB_ACL_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
PARAMETER = "aws:ssm/parameter:Parameter"
SCALING_TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG = "aws:ec2/securityGroup:SecurityGroup"
SUBNET = "aws:ec2/subnet:Subnet"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
KEY = "aws:kms/key:Key"
ELB_TOKYO_ACCOUNT = "582318560864"


# -- helpers ---------------------------------------------------------------------------------------
def ours(recording: StackRecording, type_token: str) -> list[RecordedResource]:
    return [r for r in recording.of_type(type_token) if r.name.startswith(PREFIX)]


def configured(recording: StackRecording) -> list[dict[str, Any]]:
    services: list[dict[str, Any]] = section(recording.stack, "services")["services"]
    return services


def by_service(recording: StackRecording, type_token: str, role: str) -> dict[str, RecordedResource]:
    """{service name: resource} for resources named services-<service>-<role>."""
    found = {}
    for svc in configured(recording):
        found[svc["name"]] = recording.named(type_token, f"{PREFIX}{svc['name']}-{role}")
    return found


def containers(task_definition: RecordedResource) -> list[dict[str, Any]]:
    defs: list[dict[str, Any]] = json.loads(task_definition.inputs["containerDefinitions"])
    return defs


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def all_containers(recording: StackRecording) -> Iterator[tuple[str, dict[str, Any]]]:
    for td in ours(recording, TASK_DEFINITION):
        for container in containers(td):
            yield f"{td.name}/{container['name']}", container


# -- ECR -------------------------------------------------------------------------------------------
def test_every_repository_is_immutable_scanned_on_push_and_kms_encrypted(stack: StackRecording) -> None:
    repos = ours(stack, REPOSITORY)
    assert len(repos) == len(configured(stack))
    keys = {k.outputs["arn"] for k in stack.of_type(KEY)}
    for repo in repos:
        assert repo.inputs["imageTagMutability"] == "IMMUTABLE", repo.name
        assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}, repo.name
        [encryption] = repo.inputs["encryptionConfigurations"]
        assert encryption["encryptionType"] == "KMS" and encryption["kmsKey"] in keys, repo.name


def test_every_repository_has_a_lifecycle_policy_that_keeps_releases(stack: StackRecording) -> None:
    repo_names = {r.outputs["name"] for r in ours(stack, REPOSITORY)}
    policies = ours(stack, LIFECYCLE)
    assert {p.inputs["repository"] for p in policies} == repo_names
    for policy in policies:
        rules = json.loads(policy.inputs["policy"])["rules"]
        assert any(r["selection"]["tagStatus"] == "untagged" for r in rules)
        assert all(r["action"]["type"] == "expire" for r in rules)


def test_registry_scanning_is_enhanced_and_continuous_with_inspector_on_for_ecr(stack: StackRecording) -> None:
    [enabler] = ours(stack, "aws:inspector2/enabler:Enabler")
    assert enabler.inputs["resourceTypes"] == ["ECR"] and enabler.inputs["accountIds"] == [enabler.account]
    [scanning] = ours(stack, REGISTRY_SCANNING)
    assert enabler.urn in scanning.dependencies
    assert scanning.inputs["scanType"] == "ENHANCED"
    [rule] = scanning.inputs["rules"]
    assert rule["scanFrequency"] == "CONTINUOUS_SCAN"
    assert rule["repositoryFilters"] == [{"filter": "*", "filterType": "WILDCARD"}]


def test_each_task_runs_its_own_repository_at_the_configured_tag(stack: StackRecording) -> None:
    tds = by_service(stack, TASK_DEFINITION, "task-definition")
    for svc in configured(stack):
        repo = stack.named(REPOSITORY, f"{PREFIX}ecr-{svc['name']}")
        [app] = [c for c in containers(tds[svc["name"]]) if c["name"] == "app"]
        assert app["image"] == f"{repo.outputs['repositoryUrl']}:{svc['imageTag']}"


# -- ALB ---------------------------------------------------------------------------------------------
def test_https_listener_uses_the_tls13_policy_and_the_configured_certificate(stack: StackRecording) -> None:
    [https] = [r for r in ours(stack, LISTENER) if r.inputs["port"] == 443]
    assert https.inputs["protocol"] == "HTTPS"
    assert https.inputs["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert https.inputs["certificateArn"] == section(stack.stack, "services")["certificateArn"]
    [default] = https.inputs["defaultActions"]
    assert default["type"] == "fixed-response" and default["fixedResponse"]["statusCode"] == "404"


def test_http_listener_only_redirects_to_https_permanently(stack: StackRecording) -> None:
    [http] = [r for r in ours(stack, LISTENER) if r.inputs["port"] == 80]
    assert http.inputs["protocol"] == "HTTP"
    assert http.inputs["defaultActions"] == [
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
    ]
    rules_on_http = [r for r in ours(stack, LISTENER_RULE) if r.inputs["listenerArn"] == http.outputs["arn"]]
    assert rules_on_http == []


def test_alb_is_internet_facing_in_public_subnets_and_hardened(stack: StackRecording) -> None:
    [alb] = ours(stack, LOAD_BALANCER)
    public = {s.id for s in stack.of_type(SUBNET) if "-public-" in s.name}
    alb_sg = stack.named(SG, "network-alb-sg")
    assert alb.inputs["internal"] is False
    assert set(alb.inputs["subnets"]) == public
    assert alb.inputs["securityGroups"] == [alb_sg.id]
    assert alb.inputs["dropInvalidHeaderFields"] is True
    expected_mode = section(stack.stack, "services").get("desyncMitigationMode", "defensive")
    assert alb.inputs["desyncMitigationMode"] == expected_mode in ("defensive", "strictest")
    assert alb.inputs["accessLogs"]["enabled"] is True


def test_alb_deletion_protection_only_in_prod(stack: StackRecording) -> None:
    [alb] = ours(stack, LOAD_BALANCER)
    production = stack.stack == "prod"
    assert alb.inputs["enableDeletionProtection"] is production
    assert alb.protect is production


def test_access_log_bucket_is_sse_s3_expires_in_90_days_and_admits_the_tokyo_elb_account(
    stack: StackRecording,
) -> None:
    [alb] = ours(stack, LOAD_BALANCER)
    bucket_name = alb.inputs["accessLogs"]["bucket"]
    [bucket] = [b for b in stack.of_type(BUCKET) if b.outputs["bucket"] == bucket_name]
    prefix = bucket.name.removesuffix("-bucket")
    sse = stack.named(SSE, f"{prefix}-encryption")
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    lifecycle = stack.named(BUCKET_LIFECYCLE, f"{prefix}-lifecycle")
    assert lifecycle.inputs["rules"][0]["expiration"]["days"] == 90
    statements = policy_statements(stack.named(BUCKET_POLICY, f"{prefix}-policy"))
    [delivery] = [s for s in statements if s.get("Sid") == "ElbAccessLogDelivery"]
    assert delivery["Principal"] == {"AWS": f"arn:aws:iam::{ELB_TOKYO_ACCOUNT}:root"}
    assert delivery["Action"] == ["s3:PutObject"]
    account = alb.account
    assert delivery["Resource"] == f"arn:aws:s3:::{bucket_name}/alb/AWSLogs/{account}/*"
    assert any(s.get("Sid") == "DenyInsecureTransport" for s in statements)
    assert str(alb.dependencies).count(f"{prefix}-policy") == 1  # the ALB waits for the policy


# -- WAF ---------------------------------------------------------------------------------------------
def test_regional_web_acl_runs_managed_groups_and_a_rate_rule_and_guards_the_alb(stack: StackRecording) -> None:
    [acl] = ours(stack, WEB_ACL)
    assert acl.inputs["scope"] == "REGIONAL"
    assert acl.inputs["defaultAction"] == {"allow": {}}
    assert acl.inputs["visibilityConfig"]["cloudwatchMetricsEnabled"] is True
    rules = acl.inputs["rules"]
    groups = {
        r["statement"]["managedRuleGroupStatement"]["name"]
        for r in rules
        if "managedRuleGroupStatement" in r["statement"]
    }
    assert groups == {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesSQLiRuleSet",
    }
    [rate] = [r for r in rules if "rateBasedStatement" in r["statement"]]
    assert rate["action"] == {"block": {}}
    assert rate["statement"]["rateBasedStatement"]["limit"] == section(stack.stack, "services").get("rateLimit", 2000)
    assert rate["statement"]["rateBasedStatement"]["aggregateKeyType"] == "IP"
    assert len({r["priority"] for r in rules}) == len(rules)
    [alb] = ours(stack, LOAD_BALANCER)
    [association] = ours(stack, WEB_ACL_ASSOCIATION)
    assert association.inputs["resourceArn"] == alb.outputs["arn"]
    assert association.inputs["webAclArn"] == acl.outputs["arn"]


def test_waf_logs_go_to_an_aws_waf_logs_group_kept_90_days_with_credentials_redacted(stack: StackRecording) -> None:
    [acl] = ours(stack, WEB_ACL)
    [logging] = ours(stack, WEB_ACL_LOGGING)
    assert logging.inputs["resourceArn"] == acl.outputs["arn"]
    [destination] = logging.inputs["logDestinationConfigs"]
    [group] = [g for g in stack.of_type(LOG_GROUP) if g.outputs["arn"] == destination]
    assert group.inputs["name"].startswith("aws-waf-logs-")
    assert group.inputs["retentionInDays"] == 90 and group.inputs["kmsKeyId"]
    redacted = {f["singleHeader"]["name"] for f in logging.inputs["redactedFields"]}
    assert redacted == {"authorization", "cookie"}


# -- containers ----------------------------------------------------------------------------------------
def test_every_container_is_read_only_non_root_unprivileged_without_capabilities(stack: StackRecording) -> None:
    seen = 0
    for where, container in all_containers(stack):
        seen += 1
        assert container["readonlyRootFilesystem"] is True, where
        assert container["privileged"] is False, where
        user = container["user"]
        assert user.split(":")[0] not in ("0", "root", ""), where
        assert container["linuxParameters"]["capabilities"]["drop"] == ["ALL"], where
        mount = {m["containerPath"]: m for m in container["mountPoints"]}
        assert mount["/tmp"]["sourceVolume"] == "scratch", where
    assert seen == 2 * len(configured(stack))


def test_every_container_logs_to_its_own_service_log_group(stack: StackRecording) -> None:
    tds = by_service(stack, TASK_DEFINITION, "task-definition")
    groups = by_service(stack, LOG_GROUP, "logs")
    for name, td in tds.items():
        group = groups[name]
        assert group.inputs["retentionInDays"] == 90 and group.inputs["kmsKeyId"]
        for container in containers(td):
            log = container["logConfiguration"]
            assert log["logDriver"] == "awslogs"
            assert log["options"]["awslogs-group"] == group.outputs["name"]
            assert log["options"]["awslogs-stream-prefix"] == container["name"]


def test_task_definitions_are_fargate_awsvpc_with_a_scratch_volume_and_configured_size(stack: StackRecording) -> None:
    tds = by_service(stack, TASK_DEFINITION, "task-definition")
    for svc in configured(stack):
        td = tds[svc["name"]]
        assert td.inputs["requiresCompatibilities"] == ["FARGATE"]
        assert td.inputs["networkMode"] == "awsvpc"
        assert (td.inputs["cpu"], td.inputs["memory"]) == (str(svc["cpu"]), str(svc["memory"]))
        assert td.inputs["volumes"] == [{"name": "scratch"}]
        assert td.inputs["family"] == f"smartpost-{stack.stack}-{svc['name']}"


def test_secrets_reach_containers_only_through_secrets_from_ssm_parameters(stack: StackRecording) -> None:
    parameters = {p.outputs["arn"]: p for p in ours(stack, PARAMETER)}
    tds = by_service(stack, TASK_DEFINITION, "task-definition")
    for svc in configured(stack):
        [app] = [c for c in containers(tds[svc["name"]]) if c["name"] == "app"]
        secrets = {s["name"]: s["valueFrom"] for s in app["secrets"]}
        assert set(secrets) == set(svc.get("parameters", {}))
        for env_name, arn in secrets.items():
            assert arn in parameters, (svc["name"], env_name)
            assert parameters[arn].inputs["name"].endswith("/" + svc["parameters"][env_name])
        environment_names = {e["name"] for e in app["environment"]}
        assert not environment_names & set(secrets)
    for where, container in all_containers(stack):
        for variable in container.get("environment", []):
            assert "offline-placeholder" not in variable["value"], where  # no secret value in plain text


def test_every_task_carries_a_pinned_adot_collector_sidecar(stack: StackRecording) -> None:
    for td in ours(stack, TASK_DEFINITION):
        [sidecar] = [c for c in containers(td) if c["name"] == "otel-collector"]
        image = sidecar["image"]
        assert image.startswith("public.ecr.aws/aws-observability/aws-otel-collector:v"), td.name
        assert sidecar["essential"] is False
        [app] = [c for c in containers(td) if c["name"] == "app"]
        assert {"containerName": "otel-collector", "condition": "START"} in app["dependsOn"]


def test_parameters_are_securestring_under_their_own_key_for_every_secret_and_runtime_value(
    stack: StackRecording,
) -> None:
    from stack_config.secrets import SECRET_KEYS

    params = ours(stack, PARAMETER)
    runtime = section(stack.stack, "services").get("runtimeParameters", {})
    names = {p.inputs["name"] for p in params}
    assert names == {f"/smartpost/{stack.stack}/secrets/{k}" for k in SECRET_KEYS} | {
        f"/smartpost/{stack.stack}/config/{k}" for k in runtime
    }
    key_ids = {p.inputs["keyId"] for p in params}
    assert len(key_ids) == 1
    [key] = [k for k in stack.of_type(KEY) if k.outputs["arn"] in key_ids]
    assert key.name == f"{PREFIX}parameters-kms-key"
    assert all(p.inputs["type"] == "SecureString" for p in params)


# -- services --------------------------------------------------------------------------------------------
def test_no_service_allows_exec_or_gets_a_public_ip_and_all_run_in_private_subnets(stack: StackRecording) -> None:
    private = {s.id for s in stack.of_type(SUBNET) if "-private-" in s.name}
    services_sg = stack.named(SG, "network-services-sg").id
    for name, service in by_service(stack, SERVICE, "service").items():
        assert service.inputs["enableExecuteCommand"] is False, name
        network = service.inputs["networkConfiguration"]
        assert network["assignPublicIp"] is False, name
        assert set(network["subnets"]) == private, name
        assert network["securityGroups"] == [services_sg], name
        assert service.inputs["launchType"] == "FARGATE"


def test_rolling_deployments_roll_back_on_failure_after_a_grace_period(stack: StackRecording) -> None:
    for name, service in by_service(stack, SERVICE, "service").items():
        assert service.inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}, name
        assert service.inputs["deploymentController"] == {"type": "ECS"}
        assert service.inputs["deploymentMinimumHealthyPercent"] == 100
        assert service.inputs["healthCheckGracePeriodSeconds"] > 0


def test_every_service_is_on_service_connect_discoverable_by_its_name(stack: StackRecording) -> None:
    [namespace] = ours(stack, NAMESPACE)
    for svc in configured(stack):
        service = stack.named(SERVICE, f"{PREFIX}{svc['name']}-service")
        connect = service.inputs["serviceConnectConfiguration"]
        assert connect["enabled"] is True
        assert connect["namespace"] == namespace.outputs["arn"]
        [entry] = connect["services"]
        assert entry["portName"] == "http" and entry["discoveryName"] == svc["name"]
        assert entry["clientAlias"] == [{"port": svc["port"], "dnsName": svc["name"]}]
        assert connect["logConfiguration"]["logDriver"] == "awslogs"


def test_service_connect_tls_uses_the_private_ca_only_where_configured(stack: StackRecording) -> None:
    ca = section(stack.stack, "services").get("privateCaArn")
    for service in ours(stack, SERVICE):
        [entry] = service.inputs["serviceConnectConfiguration"]["services"]
        if ca:
            assert entry["tls"]["issuerCertAuthority"] == {"awsPcaAuthorityArn": ca}
            assert entry["tls"]["roleArn"].startswith("arn:aws:iam::")
        else:
            assert "tls" not in entry


def test_cluster_has_container_insights_and_service_connect_defaults(stack: StackRecording) -> None:
    [cluster] = ours(stack, CLUSTER)
    [namespace] = ours(stack, NAMESPACE)
    insights = section(stack.stack, "services").get("containerInsights", "enhanced")
    assert cluster.inputs["settings"] == [{"name": "containerInsights", "value": insights}]
    assert cluster.inputs["serviceConnectDefaults"] == {"namespace": namespace.outputs["arn"]}


def test_autoscaling_bounds_and_cpu_target_come_from_config(stack: StackRecording) -> None:
    targets = by_service(stack, SCALING_TARGET, "scaling-target")
    policies = by_service(stack, SCALING_POLICY, "cpu-tracking")
    services = by_service(stack, SERVICE, "service")
    for svc in configured(stack):
        scaling = svc["autoscaling"]
        target = targets[svc["name"]]
        assert (target.inputs["minCapacity"], target.inputs["maxCapacity"]) == (
            scaling["minCount"],
            scaling["maxCount"],
        )
        assert target.inputs["resourceId"].endswith("/" + services[svc["name"]].outputs["name"])
        tracking = policies[svc["name"]].inputs["targetTrackingScalingPolicyConfiguration"]
        assert tracking["targetValue"] == scaling.get("targetCpu", 60)
        assert tracking["predefinedMetricSpecification"]["predefinedMetricType"] == "ECSServiceAverageCPUUtilization"
        assert services[svc["name"]].inputs["desiredCount"] == svc["desiredCount"]


def test_routed_services_get_a_target_group_and_rule_and_internal_ones_none(stack: StackRecording) -> None:
    [https] = [r for r in ours(stack, LISTENER) if r.inputs["port"] == 443]
    for svc in configured(stack):
        service = stack.named(SERVICE, f"{PREFIX}{svc['name']}-service")
        tgs = [t for t in ours(stack, TARGET_GROUP) if t.name == f"{PREFIX}{svc['name']}-tg"]
        if "route" not in svc:
            assert tgs == [] and service.inputs["loadBalancers"] == []
            continue
        [tg] = tgs
        assert tg.inputs["targetType"] == "ip" and tg.inputs["port"] == svc["port"]
        assert tg.inputs["healthCheck"]["path"] == svc.get("healthCheckPath", "/health")
        rule = stack.named(LISTENER_RULE, f"{PREFIX}{svc['name']}-rule")
        assert rule.inputs["listenerArn"] == https.outputs["arn"]
        assert rule.inputs["conditions"] == [{"pathPattern": {"values": svc["route"]["pathPatterns"]}}]
        assert rule.inputs["actions"] == [{"type": "forward", "targetGroupArn": tg.outputs["arn"]}]
        assert service.inputs["loadBalancers"] == [
            {"targetGroupArn": tg.outputs["arn"], "containerName": "app", "containerPort": svc["port"]}
        ]


def test_alb_reaches_services_only_on_routed_ports_and_services_reach_each_other(stack: StackRecording) -> None:
    alb_sg = stack.named(SG, "network-alb-sg").id
    services_sg = stack.named(SG, "network-services-sg").id
    into_services = [r for r in stack.of_type(INGRESS) if r.inputs["securityGroupId"] == services_sg]
    from_alb = {r.inputs["fromPort"] for r in into_services if r.inputs.get("referencedSecurityGroupId") == alb_sg}
    from_peers = {
        r.inputs["fromPort"] for r in into_services if r.inputs.get("referencedSecurityGroupId") == services_sg
    }
    assert from_alb == {s["port"] for s in configured(stack) if "route" in s}
    assert from_peers == {s["port"] for s in configured(stack)}
    assert not [r for r in into_services if r.inputs.get("cidrIpv4")]


# -- IAM ---------------------------------------------------------------------------------------------------
def test_database_grant_exists_exactly_for_services_that_declare_database_access(stack: StackRecording) -> None:
    grants = {r.name for r in ours(stack, ROLE_POLICY) if r.name.endswith("-db-connect")}
    expected = {f"{PREFIX}{s['name']}-db-connect" for s in configured(stack) if s.get("databaseAccess")}
    assert grants == expected and expected
    for svc in configured(stack):
        if not svc.get("databaseAccess"):
            continue
        policy = stack.named(ROLE_POLICY, f"{PREFIX}{svc['name']}-db-connect")
        task_role = stack.named(ROLE, f"{PREFIX}{svc['name']}-task")
        assert policy.inputs["role"] == task_role.id
        [statement] = policy_statements(policy)
        assert statement["Action"] == ["rds-db:connect"]
        db_user = svc.get("dbUser", svc["name"].replace("-", "_"))
        assert as_list(statement["Resource"])[0].endswith(f"/{db_user}")


def test_execution_role_reads_only_the_parameters_its_service_declares(stack: StackRecording) -> None:
    arn_by_name = {p.inputs["name"].rsplit("/", 1)[1]: p.outputs["arn"] for p in ours(stack, PARAMETER)}
    for svc in configured(stack):
        policy = stack.named(ROLE_POLICY, f"{PREFIX}{svc['name']}-parameters-read")
        execution = stack.named(ROLE, f"{PREFIX}{svc['name']}-execution")
        assert policy.inputs["role"] == execution.id
        ssm = [s for s in policy_statements(policy) if "ssm:GetParameters" in s["Action"]]
        [statement] = ssm
        assert set(as_list(statement["Resource"])) == {arn_by_name[p] for p in svc["parameters"].values()}


def test_roles_trust_only_ecs_tasks_of_this_account_and_task_role_gets_xray(stack: StackRecording) -> None:
    for svc in configured(stack):
        for role_kind in ("execution", "task"):
            role = stack.named(ROLE, f"{PREFIX}{svc['name']}-{role_kind}")
            [trust] = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
            assert trust["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
            assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == role.account
        xray = stack.named(ROLE_POLICY, f"{PREFIX}{svc['name']}-xray-write")
        assert xray.inputs["role"] == stack.named(ROLE, f"{PREFIX}{svc['name']}-task").id
        pull = stack.named(ROLE_POLICY, f"{PREFIX}{svc['name']}-ecr-pull")
        repo = stack.named(REPOSITORY, f"{PREFIX}ecr-{svc['name']}")
        [scoped] = [s for s in policy_statements(pull) if "ecr:BatchGetImage" in s["Action"]]
        assert scoped["Resource"] == repo.outputs["arn"]


def test_no_service_grant_uses_wildcard_actions(stack: StackRecording) -> None:
    for policy in ours(stack, ROLE_POLICY):
        for statement in policy_statements(policy):
            assert not any(a == "*" or a.endswith(":*") for a in statement["Action"]), policy.name


# -- adding a service is one config entry ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def dev_with_one_more_service(dev: StackRecording) -> StackRecording:
    services = copy.deepcopy(section("dev", "services"))
    services["services"].append(
        {
            "name": "report-api",
            "imageTag": "0.1.0",
            "port": 8090,
            "cpu": 256,
            "memory": 512,
            "desiredCount": 1,
            "autoscaling": {"minCount": 1, "maxCount": 2},
            "route": {"pathPatterns": ["/reports/*"]},
            "parameters": {"LOG_LEVEL": "log-level"},
        }
    )
    return run_program("dev", stack_config_with("dev", services=services))


@pytest.mark.parametrize(
    "type_token", [SERVICE, REPOSITORY, TASK_DEFINITION, TARGET_GROUP, LISTENER_RULE, SCALING_TARGET]
)
def test_adding_a_service_entry_adds_exactly_one_of_each_piece(
    dev: StackRecording, dev_with_one_more_service: StackRecording, type_token: str
) -> None:
    before = {r.name for r in ours(dev, type_token)}
    after = {r.name for r in ours(dev_with_one_more_service, type_token)}
    assert before < after and len(after - before) == 1
    [added] = after - before
    assert "report-api" in added


def test_added_service_without_database_access_gets_no_database_grant(
    dev_with_one_more_service: StackRecording,
) -> None:
    names = {r.name for r in ours(dev_with_one_more_service, ROLE_POLICY)}
    assert f"{PREFIX}report-api-xray-write" in names
    assert f"{PREFIX}report-api-db-connect" not in names


def test_stateful_pieces_are_protected_in_prod_only(stack: StackRecording) -> None:
    production = stack.stack == "prod"
    stateful = [*ours(stack, REPOSITORY), *ours(stack, LOAD_BALANCER)]
    stateful += [k for k in stack.of_type(KEY) if k.name in (f"{PREFIX}ecr-kms-key", f"{PREFIX}parameters-kms-key")]
    assert len(stateful) == len(configured(stack)) + 3
    assert {r.protect for r in stateful} == {production}


def test_waf_helpers_build_reusable_rules_with_unique_priorities() -> None:
    from components.services.waf import API_RULE_GROUPS, rate_limit_rule, standard_rules

    rules = standard_rules(500)
    assert len({r.priority for r in rules}) == len(rules) == len(API_RULE_GROUPS) + 1
    with pytest.raises(ValueError, match="start at 10"):
        rate_limit_rule(5, 0)
