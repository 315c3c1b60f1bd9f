"""Audit trail, security services, alerting to Slack, alarms, observability and people's access."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from offline.mocks import RecordedResource, StackRecording
from offline.runner import ProgramError, run_program
from tests.conftest import descendants, section, stack_config_with

LOGGING_ACCOUNT = "444444444444"
MANAGEMENT_ACCOUNT = "555555555555"
ENV_ACCOUNTS = {"dev": "111111111111", "uat": "222222222222", "prod": "333333333333"}
TRAIL = "aws:cloudtrail/trail:Trail"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
CHATBOT = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"
ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment"
SSO_POLICY = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"
ENV_COMPONENTS = (
    "smartpost:audit:AuditTrail",
    "smartpost:security:SecurityServices",
    "smartpost:operations:SecurityEventRules",
    "smartpost:operations:Alarms",
    "smartpost:operations:Observability",
)


def as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def topic_arn(recording: StackRecording) -> str:
    return recording.named("aws:sns/topic:Topic", "alerts-topic").outputs["arn"]


def logs_key_arn(recording: StackRecording) -> str:
    return recording.named("aws:kms/key:Key", "logs-key").outputs["arn"]


# -- accounts ------------------------------------------------------------------------------------
def test_trail_security_services_alarms_and_observability_land_in_the_environment_account(
    stack: StackRecording,
) -> None:
    pieces = [r for component in ENV_COMPONENTS for r in descendants(stack, component) if r.custom]
    assert len(pieces) >= 30
    assert {r.account for r in pieces} == {ENV_ACCOUNTS[stack.stack]}


def test_chatbot_configuration_is_in_the_chatbot_api_region(stack: StackRecording) -> None:
    (slack,) = stack.of_type(CHATBOT)
    assert slack.account == ENV_ACCOUNTS[stack.stack]
    assert slack.region == "us-east-2"
    assert slack.inputs["region"] == "us-east-2"


# -- CloudTrail ----------------------------------------------------------------------------------
def test_trail_is_multi_region_validated_and_encrypted_with_the_logging_account_key(stack: StackRecording) -> None:
    trail = stack.named(TRAIL, "audit-trail-trail").inputs
    assert trail["name"] == f"smartpost-{stack.stack}-audit-trail"
    assert trail["isMultiRegionTrail"] is True
    assert trail["includeGlobalServiceEvents"] is True
    assert trail["enableLogFileValidation"] is True
    assert trail["enableLogging"] is True
    assert trail["kmsKeyId"] == stack.named("aws:kms/key:Key", "audit-logs-trail-key-key").outputs["arn"]
    assert trail["kmsKeyId"].split(":")[4] == LOGGING_ACCOUNT
    assert trail["s3BucketName"] == stack.named("aws:s3/bucket:Bucket", "audit-logs-trail-bucket").outputs["bucket"]


def test_trail_waits_for_the_logging_account_bucket_policy(stack: StackRecording) -> None:
    trail = stack.named(TRAIL, "audit-trail-trail")
    policy = stack.named("aws:s3/bucketPolicy:BucketPolicy", "audit-logs-trail-policy")
    assert policy.urn in trail.dependencies


def test_trail_records_management_events_and_object_level_events_on_the_site_bucket(stack: StackRecording) -> None:
    selectors = {
        s["name"]: s["fieldSelectors"] for s in stack.named(TRAIL, "audit-trail-trail").inputs["advancedEventSelectors"]
    }
    assert selectors["Management events"] == [{"field": "eventCategory", "equals": ["Management"]}]
    data = {f["field"]: f for f in selectors["S3 object-level events on the site and data buckets"]}
    assert data["eventCategory"]["equals"] == ["Data"]
    assert data["resources.type"]["equals"] == ["AWS::S3::Object"]
    site = stack.named("aws:s3/bucket:Bucket", "admin-panel-site-bucket").outputs["arn"]
    trail = stack.named("aws:s3/bucket:Bucket", "notifications-trail-bucket-bucket").outputs["arn"]
    assert sorted(data["resources.ARN"]["startsWiths"]) == sorted([f"{site}/", f"{trail}/"])


def test_trail_delivers_to_its_one_year_log_group_through_a_role_only_cloudtrail_assumes(
    stack: StackRecording,
) -> None:
    trail = stack.named(TRAIL, "audit-trail-trail").inputs
    group = stack.named(LOG_GROUP, "audit-trail-logs")
    assert trail["cloudWatchLogsGroupArn"] == group.outputs["arn"] + ":*"
    assert group.inputs["retentionInDays"] == 365
    role = stack.named("aws:iam/role:Role", "audit-trail-logs-role")
    assert trail["cloudWatchLogsRoleArn"] == role.outputs["arn"]
    trust = as_json(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"
    grant = as_json(stack.named("aws:iam/rolePolicy:RolePolicy", "audit-trail-logs-write").inputs["policy"])
    (statement,) = grant["Statement"]
    assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"] == group.outputs["arn"] + ":log-stream:*"


def test_every_log_group_in_the_program_has_its_retention_and_a_customer_key(stack: StackRecording) -> None:
    """Home-region groups use the logs key; a group in another region (CloudFront's WAF) that region's key."""
    groups = stack.of_type(LOG_GROUP)
    assert len(groups) >= 3
    keys = {k.outputs["arn"]: k for k in stack.of_type("aws:kms/key:Key")}
    for group in groups:
        expected = 365 if group.name == "audit-trail-logs" else 90
        assert group.inputs.get("retentionInDays") == expected, group.name
        if group.region == "ap-northeast-1":
            assert group.inputs.get("kmsKeyId") == logs_key_arn(stack), group.name
        else:
            key = keys[group.inputs["kmsKeyId"]]
            assert (key.region, key.account) == (group.region, group.account), group.name
            assert key.inputs["enableKeyRotation"] is True


# -- security services ---------------------------------------------------------------------------
def test_guardduty_has_s3_protection_and_fargate_runtime_monitoring(stack: StackRecording) -> None:
    detector = stack.named("aws:guardduty/detector:Detector", "security-guardduty")
    assert detector.inputs["enable"] is True
    features = {f.inputs["name"]: f.inputs for f in stack.of_type("aws:guardduty/detectorFeature:DetectorFeature")}
    assert set(features) == {"S3_DATA_EVENTS", "RUNTIME_MONITORING"}
    assert all(f["status"] == "ENABLED" and f["detectorId"] == detector.id for f in features.values())
    assert features["RUNTIME_MONITORING"]["additionalConfigurations"] == [
        {"name": "ECS_FARGATE_AGENT_MANAGEMENT", "status": "ENABLED"}
    ]


def test_security_hub_subscribes_to_fsbp_and_cis_only(stack: StackRecording) -> None:
    hub = stack.named("aws:securityhub/account:Account", "security-security-hub")
    assert hub.inputs["enableDefaultStandards"] is False
    arns = sorted(
        s.inputs["standardsArn"] for s in stack.of_type("aws:securityhub/standardsSubscription:StandardsSubscription")
    )
    assert arns == [
        "arn:aws:securityhub:ap-northeast-1::standards/aws-foundational-security-best-practices/v/1.0.0",
        "arn:aws:securityhub:ap-northeast-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
    ]


def test_config_recorder_records_everything_and_delivers_to_the_logging_account(stack: StackRecording) -> None:
    recorder = stack.named("aws:cfg/recorder:Recorder", "security-config-recorder")
    assert recorder.inputs["recordingGroup"]["allSupported"] is True
    role = stack.named("aws:iam/role:Role", "security-config-role")
    assert recorder.inputs["roleArn"] == role.outputs["arn"]
    managed = [a.inputs["policyArn"] for a in stack.of_type(ATTACHMENT) if a.inputs["role"] == role.outputs["name"]]
    assert managed == ["arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"]
    channel = stack.named("aws:cfg/deliveryChannel:DeliveryChannel", "security-config-delivery-channel")
    config_bucket = stack.named("aws:s3/bucket:Bucket", "audit-logs-config-bucket")
    assert config_bucket.account == LOGGING_ACCOUNT
    assert channel.inputs["s3BucketName"] == config_bucket.outputs["bucket"]
    assert channel.inputs["s3KmsKeyArn"].split(":")[4] == LOGGING_ACCOUNT
    status = stack.named("aws:cfg/recorderStatus:RecorderStatus", "security-config-recorder-status")
    assert status.inputs["isEnabled"] is True
    assert status.inputs["name"] == recorder.outputs["name"]
    assert channel.urn in status.dependencies


def test_access_analyzer_watches_the_account(stack: StackRecording) -> None:
    (analyzer,) = stack.of_type("aws:accessanalyzer/analyzer:Analyzer")
    assert analyzer.inputs["type"] == "ACCOUNT"


# -- alerting ------------------------------------------------------------------------------------
def test_chatbot_posts_the_alert_topic_with_read_only_guardrails(stack: StackRecording) -> None:
    (slack,) = stack.of_type(CHATBOT)
    assert slack.inputs["snsTopicArns"] == [topic_arn(stack)]
    assert slack.inputs["guardrailPolicyArns"] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    ops = section(stack.stack, "operations")["slack"]
    assert (slack.inputs["slackTeamId"], slack.inputs["slackChannelId"]) == (ops["teamId"], ops["channelId"])
    role = stack.named("aws:iam/role:Role", "alerts-slack-role")
    assert slack.inputs["iamRoleArn"] == role.outputs["arn"]
    attached = [a.inputs["policyArn"] for a in stack.of_type(ATTACHMENT) if a.inputs["role"] == role.outputs["name"]]
    assert attached == ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]
    assert as_json(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {"Service": "chatbot.amazonaws.com"}


@pytest.mark.parametrize(
    "guardrail", ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/PowerUserAccess"]
)
def test_admin_guardrails_on_the_slack_channel_are_rejected(guardrail: str) -> None:
    ops = section("uat", "operations")
    ops["slack"]["guardrailPolicyArns"] = [guardrail]
    with pytest.raises(ProgramError) as err:
        run_program("uat", stack_config_with("uat", operations=ops))
    assert "smartpost:operations.slack.guardrailPolicyArns" in err.value.message
    assert "read-only" in err.value.message


def test_slack_ids_are_validated() -> None:
    ops = section("dev", "operations")
    ops["slack"]["channelId"] = "#alerts"
    with pytest.raises(ProgramError) as err:
        run_program("dev", stack_config_with("dev", operations=ops))
    assert "smartpost:operations.slack.channelId" in err.value.message


def rule_pattern(recording: StackRecording, role: str) -> dict[str, Any]:
    return as_json(recording.named(RULE, f"security-events-{role}").inputs["eventPattern"])


def test_guardduty_findings_of_medium_severity_and_above_are_alerted(stack: StackRecording) -> None:
    assert rule_pattern(stack, "guardduty") == {
        "source": ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        "detail": {"severity": [{"numeric": [">=", 4]}]},
    }


def test_security_hub_high_and_critical_findings_are_alerted(stack: StackRecording) -> None:
    pattern = rule_pattern(stack, "security-hub")
    assert pattern["source"] == ["aws.securityhub"]
    assert pattern["detail-type"] == ["Security Hub Findings - Imported"]
    assert pattern["detail"]["findings"]["Severity"]["Label"] == ["HIGH", "CRITICAL"]


def test_root_user_activity_is_alerted(stack: StackRecording) -> None:
    pattern = rule_pattern(stack, "root-usage")
    assert pattern["detail"]["userIdentity"]["type"] == ["Root"]
    assert "AWS Console Sign In via CloudTrail" in pattern["detail-type"]


def test_every_security_event_rule_alerts_the_topic_and_global_events_are_forwarded_home(
    stack: StackRecording,
) -> None:
    rules = {r.name: r for r in descendants(stack, "smartpost:operations:SecurityEventRules") if r.type == RULE}
    targets = [t for t in descendants(stack, "smartpost:operations:SecurityEventRules") if t.type == TARGET]
    home_rules = {r.outputs["name"] for n, r in rules.items() if n != "security-events-root-usage-global"}
    assert len(home_rules) == 3
    alerting = [t for t in targets if t.inputs["arn"] == topic_arn(stack)]
    assert {t.inputs["rule"] for t in alerting} == home_rules

    # Root console sign-ins reach EventBridge only in us-east-1: that rule forwards them to the home bus.
    global_rule = rules["security-events-root-usage-global"]
    assert global_rule.inputs["region"] == "us-east-1"
    assert as_json(global_rule.inputs["eventPattern"]) == rule_pattern(stack, "root-usage")
    account = stack.named("aws:sns/topic:Topic", "alerts-topic").account
    forward = stack.named(TARGET, "security-events-root-usage-global-forward").inputs
    assert forward["arn"] == f"arn:aws:events:ap-northeast-1:{account}:event-bus/default"
    assert forward["region"] == "us-east-1" and forward["rule"] == global_rule.outputs["name"]
    grant = as_json(stack.named("aws:iam/rolePolicy:RolePolicy", "security-events-root-usage-forward").inputs["policy"])
    assert grant["Statement"] == [{"Effect": "Allow", "Action": ["events:PutEvents"], "Resource": forward["arn"]}]


# -- alarms --------------------------------------------------------------------------------------
def alarms(recording: StackRecording) -> dict[str, RecordedResource]:
    return {
        r.name.removeprefix("alarms-"): r
        for r in descendants(recording, "smartpost:operations:Alarms")
        if r.type == ALARM
    }


def test_every_alarm_notifies_the_alert_topic_on_alarm_and_recovery(stack: StackRecording) -> None:
    found = alarms(stack)
    assert found
    for name, alarm in found.items():
        assert alarm.inputs["alarmActions"] == [topic_arn(stack)], name
        assert alarm.inputs["okActions"] == [topic_arn(stack)], name


def test_aurora_alarms_watch_the_cluster_cpu_memory_and_connections(stack: StackRecording) -> None:
    found = alarms(stack)
    cluster = stack.named("aws:rds/cluster:Cluster", "database-cluster").outputs["clusterIdentifier"]
    for role, metric in (
        ("aurora-cpu", "CPUUtilization"),
        ("aurora-freeable-memory", "FreeableMemory"),
        ("aurora-connections", "DatabaseConnections"),
    ):
        assert found[role].inputs["metricName"] == metric
        assert found[role].inputs["namespace"] == "AWS/RDS"
        assert found[role].inputs["dimensions"] == {"DBClusterIdentifier": cluster}
    assert found["aurora-freeable-memory"].inputs["comparisonOperator"] == "LessThanThreshold"


def test_alarm_thresholds_come_from_the_stack_config(dev: StackRecording, prod: StackRecording) -> None:
    assert alarms(prod)["aurora-connections"].inputs["threshold"] == 400
    assert alarms(dev)["aurora-connections"].inputs["threshold"] == 80
    assert alarms(prod)["aurora-freeable-memory"].inputs["threshold"] == 1024 * 1024 * 1024
    assert alarms(prod)["aurora-cpu"].inputs["evaluationPeriods"] == 3


def test_each_tier_in_the_stack_is_watched(stack: StackRecording) -> None:
    found = alarms(stack)
    alb = stack.of_type("aws:lb/loadBalancer:LoadBalancer")[0].outputs["arnSuffix"]
    for role in ("alb-5xx", "alb-target-5xx", "alb-latency"):
        assert found[role].inputs["dimensions"] == {"LoadBalancer": alb}
    services = [r for r in stack.of_type("aws:ecs/service:Service")]
    assert services
    for service in services:
        watched = [
            a
            for a in found.values()
            if a.inputs["namespace"] == "AWS/ECS" and a.inputs["dimensions"]["ServiceName"] == service.outputs["name"]
        ]
        assert sorted(a.inputs["metricName"] for a in watched) == ["CPUUtilization", "MemoryUtilization"]
    functions = {f.outputs["name"] for f in stack.of_type("aws:lambda/function:Function")}
    errors = {a.inputs["dimensions"]["FunctionName"] for a in found.values() if a.inputs["metricName"] == "Errors"}
    assert functions and errors == functions
    machine = stack.of_type("aws:sfn/stateMachine:StateMachine")[0].outputs["arn"]
    assert found["states-failed"].inputs["dimensions"] == {"StateMachineArn": machine}
    stream = stack.of_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")[0].outputs["name"]
    assert found["firehose-delivery"].inputs["dimensions"] == {"DeliveryStreamName": stream}
    assert found["firehose-freshness"].inputs["dimensions"] == {"DeliveryStreamName": stream}


ALL_TARGETS_PROGRAM = """
from components.alarms import Alarms, AlarmsArgs, AlarmTargets
from stack_config.operations import AlarmThresholds

Alarms(
    "a",
    AlarmsArgs(
        topic_arn="arn:aws:sns:ap-northeast-1:111111111111:alerts",
        thresholds=AlarmThresholds(),
        targets=AlarmTargets(
            alb_arn_suffix="app/alb/123",
            ecs_cluster_name="cluster",
            ecs_service_names={"api": "api-svc"},
            lambda_function_names={"sender": "sender-fn"},
            state_machine_arn="arn:aws:states:ap-northeast-1:111111111111:stateMachine:x",
            firehose_stream_name="trail",
        ),
    ),
)
"""


def test_alarms_cover_each_tier_passed_in(tmp_path: Path) -> None:
    """The component on its own: every optional target yields its alarms (ALB, ECS, Lambda, SFN, Firehose)."""
    program = tmp_path / "alarms_program.py"
    program.write_text(ALL_TARGETS_PROGRAM)
    recording = run_program("dev", program=program)
    found = {r.name: r.inputs for r in recording.of_type(ALARM)}
    assert set(found) == {
        "a-alb-5xx",
        "a-alb-target-5xx",
        "a-alb-latency",
        "a-ecs-api-cpu",
        "a-ecs-api-memory",
        "a-lambda-sender-errors",
        "a-states-failed",
        "a-firehose-delivery",
        "a-firehose-freshness",
    }
    assert found["a-alb-latency"]["extendedStatistic"] == "p95"
    assert found["a-ecs-api-cpu"]["dimensions"] == {"ClusterName": "cluster", "ServiceName": "api-svc"}
    assert found["a-lambda-sender-errors"]["dimensions"] == {"FunctionName": "sender-fn"}
    assert found["a-states-failed"]["metricName"] == "ExecutionsFailed"
    assert found["a-firehose-delivery"]["metricName"] == "DeliveryToS3.Success"
    assert found["a-firehose-delivery"]["comparisonOperator"] == "LessThanThreshold"
    assert found["a-firehose-freshness"]["metricName"] == "DeliveryToS3.DataFreshness"


# -- observability -------------------------------------------------------------------------------
def test_prometheus_workspace_uses_its_customer_key(stack: StackRecording) -> None:
    workspace = stack.named("aws:amp/workspace:Workspace", "observability-prometheus")
    key = stack.named("aws:kms/key:Key", "observability-key-key")
    assert workspace.inputs["kmsKeyArn"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True


def test_grafana_signs_in_through_identity_center_with_three_data_sources(uat: StackRecording) -> None:
    grafana = uat.named("aws:grafana/workspace:Workspace", "observability-grafana").inputs
    assert grafana["authenticationProviders"] == ["AWS_SSO"]
    assert grafana["permissionType"] == "SERVICE_MANAGED"
    assert grafana["accountAccessType"] == "CURRENT_ACCOUNT"
    assert sorted(grafana["dataSources"]) == ["CLOUDWATCH", "PROMETHEUS", "XRAY"]
    assert grafana["roleArn"] == uat.named("aws:iam/role:Role", "observability-grafana-role").outputs["arn"]


def test_grafana_is_off_where_the_config_says_so(dev: StackRecording) -> None:
    assert dev.of_type("aws:grafana/workspace:Workspace") == []


def test_xray_sampling_rule_and_error_group(stack: StackRecording) -> None:
    rule = stack.named("aws:xray/samplingRule:SamplingRule", "observability-sampling").inputs
    assert 0 < rule["fixedRate"] <= 0.1
    group = stack.named("aws:xray/group:Group", "observability-xray-errors").inputs
    assert "fault = true" in group["filterExpression"]


# -- people's access (Identity Center) -----------------------------------------------------------
def test_prod_access_is_created_in_the_management_account_and_targets_prod(prod: StackRecording) -> None:
    pieces = [r for r in descendants(prod, "smartpost:access:IdentityCenterAccess") if r.custom]
    assert pieces
    assert {r.account for r in pieces} == {MANAGEMENT_ACCOUNT}
    assignments = {a.name: a.inputs for a in prod.of_type(ASSIGNMENT)}
    assert set(assignments) == {"access-administrators", "access-operators"}
    assert {a["targetId"] for a in assignments.values()} == {ENV_ACCOUNTS["prod"]}
    groups = section("prod", "operations")["identityCenter"]
    assert assignments["access-operators"]["principalId"] == groups["operatorsGroupId"]
    assert assignments["access-administrators"]["principalId"] == groups["administratorsGroupId"]
    assert groups["developersGroupId"] not in {a["principalId"] for a in assignments.values()}


def test_prod_operators_get_read_only_and_administrators_short_sessions(prod: StackRecording) -> None:
    sets = {p.name: p for p in prod.of_type(PERMISSION_SET)}
    assert set(sets) == {"access-administrator", "access-read-only"}
    policies = {a.name: a.inputs["managedPolicyArn"] for a in prod.of_type(SSO_POLICY)}
    assert policies == {
        "access-administrator-policy": "arn:aws:iam::aws:policy/AdministratorAccess",
        "access-read-only-policy": "arn:aws:iam::aws:policy/ReadOnlyAccess",
    }
    operators = prod.named(ASSIGNMENT, "access-operators").inputs
    assert operators["permissionSetArn"] == sets["access-read-only"].outputs["arn"]
    assert sets["access-administrator"].inputs["sessionDuration"] == "PT1H"


def test_without_a_management_account_there_are_no_access_pieces() -> None:
    accounts = section("prod", "accounts")
    del accounts["management"]
    recording = run_program("prod", stack_config_with("prod", accounts=accounts))
    assert [r for r in recording.resources if r.type.startswith("aws:ssoadmin")] == []
    assert descendants(recording, "smartpost:access:IdentityCenterAccess") == []
    assert not any(p.name == "management" for p in recording.providers())
    assert recording.of_type(TRAIL)  # the rest of the tier is still there


def test_developers_are_assigned_only_in_the_dev_account(stack: StackRecording) -> None:
    groups = section(stack.stack, "operations")["identityCenter"]
    assignments = {a.name: a.inputs for a in stack.of_type(ASSIGNMENT)}
    assert {a["targetId"] for a in assignments.values()} == {ENV_ACCOUNTS[stack.stack]}
    developer_assignments = [a for a in assignments.values() if a["principalId"] == groups["developersGroupId"]]
    if stack.stack == "dev":
        assert set(assignments) == {"access-administrators", "access-developers"}
        developer = stack.named(PERMISSION_SET, "access-developer")
        assert [a["permissionSetArn"] for a in developer_assignments] == [developer.outputs["arn"]]
    else:
        assert developer_assignments == []
        assert not [p for p in stack.of_type(PERMISSION_SET) if p.name == "access-developer"]


def test_management_account_without_identity_center_groups_is_an_error_before_any_resource() -> None:
    ops = section("prod", "operations")
    del ops["identityCenter"]
    with pytest.raises(ProgramError) as err:
        run_program("prod", stack_config_with("prod", operations=ops))
    assert "smartpost:operations.identityCenter" in err.value.message
    assert err.value.registered == 0


def test_identity_center_group_ids_are_validated() -> None:
    ops = section("prod", "operations")
    ops["identityCenter"]["operatorsGroupId"] = "operators"
    with pytest.raises(ProgramError) as err:
        run_program("prod", stack_config_with("prod", operations=ops))
    assert "smartpost:operations.identityCenter.operatorsGroupId" in err.value.message


def test_alarm_thresholds_are_validated_and_named() -> None:
    ops = section("uat", "operations")
    ops["alarms"]["ecsCpuPercent"] = 150
    with pytest.raises(ProgramError) as err:
        run_program("uat", stack_config_with("uat", operations=ops))
    assert "smartpost:operations.alarms.ecsCpuPercent" in err.value.message
