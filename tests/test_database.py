"""The data tier per stack: Aurora PostgreSQL with its own key, IAM auth, TLS, pgaudit, log export,
backups and windows from config, HA in prod, protection in prod only, AWS Backup, the connect grant."""

from __future__ import annotations

import copy
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pulumi
import pytest

from offline.mocks import RecordedResource, StackRecording
from offline.runner import ProgramError, run_program
from stack_config.database import daily_window_minutes, weekly_window_minutes
from tests.conftest import PROJECT_DIR, section, stack_config_with

CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
PARAMS = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SUBNET = "aws:ec2/subnet:Subnet"
VAULT = "aws:backup/vault:Vault"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ACCOUNTS = {"dev": "111111111111", "uat": "222222222222", "prod": "333333333333"}


def cluster(recording: StackRecording) -> RecordedResource:
    return recording.named(CLUSTER, "database-cluster")


def instances(recording: StackRecording) -> list[RecordedResource]:
    return [r for r in recording.of_type(INSTANCE) if r.name.startswith("database-")]


def database_key(recording: StackRecording) -> RecordedResource:
    return recording.named(KEY, "database-key-key")


def parameters(recording: StackRecording) -> dict[str, dict[str, Any]]:
    group = recording.named(PARAMS, "database-params")
    return {p["name"]: p for p in group.inputs["parameters"]}


# -- encryption, authentication, TLS -------------------------------------------------------------
def test_storage_secret_and_performance_insights_use_the_clusters_own_key(stack: StackRecording) -> None:
    key = database_key(stack)
    logs_key = stack.named(KEY, "logs-key")
    db = cluster(stack)
    assert db.inputs["storageEncrypted"] is True
    assert db.inputs["kmsKeyId"] == key.outputs["arn"] != logs_key.outputs["arn"]
    assert db.inputs["masterUserSecretKmsKeyId"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True
    for instance in instances(stack):
        assert instance.inputs["performanceInsightsEnabled"] is True
        assert instance.inputs["performanceInsightsKmsKeyId"] == key.outputs["arn"]


def test_iam_authentication_on_and_master_password_managed_by_secrets_manager(stack: StackRecording) -> None:
    db = cluster(stack)
    assert db.inputs["iamDatabaseAuthenticationEnabled"] is True
    assert db.inputs["manageMasterUserPassword"] is True
    assert "masterPassword" not in db.inputs and "masterPasswordWo" not in db.inputs
    assert db.inputs["engine"] == "aurora-postgresql"
    assert db.inputs["engineVersion"] == section(stack.stack, "database")["engineVersion"]


def test_parameter_group_forces_tls_and_configures_pgaudit(stack: StackRecording) -> None:
    params = parameters(stack)
    group = stack.named(PARAMS, "database-params")
    major = section(stack.stack, "database")["engineVersion"].split(".")[0]
    assert group.inputs["family"] == f"aurora-postgresql{major}"
    assert cluster(stack).inputs["dbClusterParameterGroupName"] == group.outputs["name"]
    assert params["rds.force_ssl"]["value"] == "1"
    assert params["ssl_min_protocol_version"]["value"] == "TLSv1.2"
    preload = params["shared_preload_libraries"]
    assert set(preload["value"].split(",")) == {"pg_stat_statements", "pgaudit"}
    assert preload["applyMethod"] == "pending-reboot"  # static: RDS rejects "immediate"
    assert params["pgaudit.role"]["value"] == "rds_pgaudit"
    assert params["pgaudit.log"]["value"] == "ddl,role"
    assert params["pgaudit.log_parameter"]["value"] == "0"  # bound values may be personal data
    assert params["log_connections"]["value"] == params["log_disconnections"]["value"] == "1"


# -- logs ----------------------------------------------------------------------------------------
def test_postgresql_log_exported_to_an_encrypted_group_created_before_the_cluster(stack: StackRecording) -> None:
    db = cluster(stack)
    group = stack.named(LOG_GROUP, "database-postgresql-logs")
    assert db.inputs["clusterIdentifier"] == f"smartpost-{stack.stack}-aurora"
    assert group.inputs["name"] == f"/aws/rds/cluster/smartpost-{stack.stack}-aurora/postgresql"
    assert db.inputs["enabledCloudwatchLogsExports"] == ["postgresql"]
    assert group.inputs["retentionInDays"] == 90
    assert group.inputs["kmsKeyId"] == stack.named(KEY, "logs-key").outputs["arn"]
    assert group.urn in db.dependencies


# -- network placement ---------------------------------------------------------------------------
def test_cluster_sits_in_the_isolated_subnets_behind_the_database_group(stack: StackRecording) -> None:
    db = cluster(stack)
    subnet_group = stack.named(SUBNET_GROUP, "database-subnets")
    isolated = {s.id for s in stack.of_type(SUBNET) if s.inputs["tags"]["smartpost:tier"] == "isolated"}
    assert set(subnet_group.inputs["subnetIds"]) == isolated and len(isolated) == 3
    assert db.inputs["dbSubnetGroupName"] == subnet_group.outputs["name"]
    assert db.inputs["vpcSecurityGroupIds"] == [stack.named(SG, "network-database-sg").id]
    for instance in instances(stack):
        assert instance.inputs["publiclyAccessible"] is False
        assert instance.inputs["dbSubnetGroupName"] == subnet_group.outputs["name"]


def test_database_port_reachable_only_from_service_and_lambda_groups(stack: StackRecording) -> None:
    database_sg = stack.named(SG, "network-database-sg").id
    rules = [r.inputs for r in stack.of_type(INGRESS) if r.inputs["securityGroupId"] == database_sg]
    sources = {stack.named(SG, f"network-{role}-sg").id for role in ("services", "lambdas")}
    assert {r["referencedSecurityGroupId"] for r in rules} == sources and len(rules) == 2
    for rule in rules:
        assert (rule["ipProtocol"], rule["fromPort"], rule["toPort"]) == ("tcp", 5432, 5432)
        assert "cidrIpv4" not in rule and "cidrIpv6" not in rule


# -- backups, windows, sizing --------------------------------------------------------------------
def test_backup_retention_and_windows_follow_config(stack: StackRecording) -> None:
    cfg = section(stack.stack, "database")
    db = cluster(stack)
    assert db.inputs["backupRetentionPeriod"] == cfg["backupRetentionDays"]
    assert db.inputs["preferredBackupWindow"] == cfg["backupWindow"]
    assert db.inputs["preferredMaintenanceWindow"] == cfg["maintenanceWindow"]
    assert db.inputs["copyTagsToSnapshot"] is True
    assert all(i.inputs["copyTagsToSnapshot"] is True for i in instances(stack))
    assert db.inputs["deleteAutomatedBackups"] is False


def test_prod_keeps_backups_at_least_a_week(prod: StackRecording) -> None:
    assert cluster(prod).inputs["backupRetentionPeriod"] >= 7


def test_every_stack_takes_a_final_snapshot_on_delete(stack: StackRecording) -> None:
    db = cluster(stack)
    assert db.inputs["skipFinalSnapshot"] is False
    assert db.inputs["finalSnapshotIdentifier"] == f"smartpost-{stack.stack}-aurora-final"


def test_dev_runs_one_serverless_v2_writer_with_a_small_minimum(dev: StackRecording) -> None:
    (writer,) = instances(dev)
    assert writer.inputs["instanceClass"] == "db.serverless"
    scaling = cluster(dev).inputs["serverlessv2ScalingConfiguration"]
    assert scaling["minCapacity"] == 0.5 and scaling["maxCapacity"] <= 8
    assert cluster(dev).inputs["engineMode"] == "provisioned"


def test_prod_runs_a_writer_and_a_reader_in_different_azs(prod: StackRecording) -> None:
    members = sorted(instances(prod), key=lambda i: i.inputs["promotionTier"])
    assert [m.name for m in members] == ["database-writer", "database-reader-1"]
    azs = [m.inputs["availabilityZone"] for m in members]
    assert len(set(azs)) == 2 and set(azs) <= set(section("prod", "network")["availabilityZones"])
    assert all(m.inputs["clusterIdentifier"] == cluster(prod).id for m in members)
    assert members[0].urn in members[1].dependencies  # the writer is created first
    assert "serverlessv2ScalingConfiguration" not in cluster(prod).inputs


def test_deletion_protection_and_protect_in_prod_only(stack: StackRecording) -> None:
    production = stack.stack == "prod"
    db = cluster(stack)
    assert db.inputs["deletionProtection"] is production
    assert db.protect is production
    assert database_key(stack).protect is production


def test_data_tier_lives_in_the_environment_account(stack: StackRecording) -> None:
    (component,) = stack.of_type("smartpost:data:AuroraPostgres")
    family = {component.urn}
    for resource in stack.resources:  # registration order: parents come before their children
        if resource.parent in family:
            family.add(resource.urn)
    resources = [r for r in stack.resources if r.urn in family and r.custom]
    # key + alias, subnet group, parameter group, log group, cluster, instances, vault (+ its policy
    # in prod), plan, backup role + 2 managed-policy attachments, selection
    assert len(resources) == 12 + len(instances(stack)) + (stack.stack == "prod")
    assert {r.account for r in resources} == {ACCOUNTS[stack.stack]}


# -- AWS Backup ----------------------------------------------------------------------------------
def test_aws_backup_daily_plan_into_a_kms_vault_selects_the_cluster(stack: StackRecording) -> None:
    cfg = section(stack.stack, "database")["backupPlan"]
    vault = stack.named(VAULT, "database-backup-vault")
    plan = stack.named(PLAN, "database-backup-plan")
    selection = stack.named(SELECTION, "database-backup-selection")
    role = stack.named(ROLE, "database-backup-role")
    assert vault.inputs["kmsKeyArn"] == database_key(stack).outputs["arn"]
    (rule,) = plan.inputs["rules"]
    hour, minute = (int(p) for p in cfg["startTime"].split(":"))
    assert rule["schedule"] == f"cron({minute} {hour} * * ? *)"
    assert rule["scheduleExpressionTimezone"] == "Etc/UTC"
    assert rule["lifecycle"]["deleteAfter"] == cfg["retentionDays"]
    assert rule["targetVaultName"] == vault.outputs["name"]
    assert selection.inputs["planId"] == plan.id
    assert selection.inputs["resources"] == [cluster(stack).outputs["arn"]]
    assert selection.inputs["iamRoleArn"] == role.outputs["arn"]
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "backup.amazonaws.com"}
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNTS[stack.stack]
    attached = {
        a.inputs["policyArn"].rsplit("/", 1)[-1]
        for a in stack.of_type(ATTACHMENT)
        if a.inputs["role"] == role.outputs["name"]
    }
    assert attached == {"AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"}


def test_prod_vault_denies_deleting_or_shortening_recovery_points(stack: StackRecording) -> None:
    policies = stack.of_type("aws:backup/vaultPolicy:VaultPolicy")
    if stack.stack != "prod":
        assert policies == []
        return
    (policy,) = policies
    assert policy.inputs["backupVaultName"] == stack.named(VAULT, "database-backup-vault").outputs["name"]
    (statement,) = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Effect"] == "Deny" and statement["Principal"] == {"AWS": "*"}
    assert set(statement["Action"]) == {"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"}


# -- the connect grant ---------------------------------------------------------------------------
GRANT_PROGRAM = textwrap.dedent(
    """
    import runpy

    import pulumi_aws as aws

    from components import grants

    main = runpy.run_path({main!r})
    role = aws.iam.Role(
        "grant-test-task-role",
        assume_role_policy=grants.assume_role_policy("ecs-tasks.amazonaws.com"),
        opts=main["env"](),
    )
    main["database"].grant_connect("grant-test-connect", role, {user!r}, parent=role)
    """
)


def run_grant_program(tmp_path: Path, stack: str, user: str) -> StackRecording:
    program = tmp_path / "grant_program.py"
    program.write_text(GRANT_PROGRAM.format(main=str(PROJECT_DIR / "__main__.py"), user=user))
    return run_program(stack, program=program)


@pytest.mark.parametrize("stack_name", ["dev", "prod"])
def test_grant_connect_allows_exactly_one_db_user_on_this_cluster(tmp_path: Path, stack_name: str) -> None:
    recording = run_grant_program(tmp_path, stack_name, "notifications_app")
    policy = recording.named(ROLE_POLICY, "grant-test-connect")
    role = recording.named(ROLE, "grant-test-task-role")
    resource_id = cluster(recording).outputs["clusterResourceId"]
    assert resource_id.startswith("cluster-")
    assert policy.inputs["role"] == role.id
    assert json.loads(policy.inputs["policy"])["Statement"] == [
        {
            "Effect": "Allow",
            "Action": ["rds-db:connect"],
            "Resource": f"arn:aws:rds-db:ap-northeast-1:{ACCOUNTS[stack_name]}:dbuser:{resource_id}/notifications_app",
        }
    ]
    assert policy.parent == role.urn


def test_every_connect_grant_in_the_stack_names_one_user_of_this_cluster(stack: StackRecording) -> None:
    prefix = (
        f"arn:aws:rds-db:ap-northeast-1:{ACCOUNTS[stack.stack]}:dbuser:{cluster(stack).outputs['clusterResourceId']}/"
    )
    statements = [
        statement
        for policy in stack.of_type(ROLE_POLICY)
        for statement in json.loads(policy.inputs["policy"])["Statement"]
        if any(action.startswith("rds-db:") for action in statement["Action"])
    ]
    for statement in statements:
        assert statement["Action"] == ["rds-db:connect"]
        assert isinstance(statement["Resource"], str) and statement["Resource"].startswith(prefix)
        user = statement["Resource"].removeprefix(prefix)
        assert re.fullmatch(r"[a-z_][a-z0-9_]*", user) and user != "smartpost_admin", user


@pytest.mark.parametrize(
    ("user", "expected"),
    [("smartpost_admin", "is the master user"), ("App-User", "lower-case PostgreSQL identifier")],
)
def test_grant_connect_refuses_the_master_user_and_bad_names(tmp_path: Path, user: str, expected: str) -> None:
    with pytest.raises(ProgramError) as caught:
        run_grant_program(tmp_path, "dev", user)
    assert isinstance(caught.value.cause, pulumi.RunError)
    assert "grant-test-connect" in caught.value.message and expected in caught.value.message


# -- config validation ---------------------------------------------------------------------------
def database_with(stack: str = "dev", **changes: Any) -> dict[str, Any]:
    database = copy.deepcopy(section(stack, "database"))
    database.update(changes)
    return database


def config_error(stack: str, database: dict[str, Any] | None) -> str:
    with pytest.raises(ProgramError) as caught:
        run_program(stack, stack_config_with(stack, database=database))
    assert isinstance(caught.value.cause, pulumi.RunError), caught.value.cause
    assert caught.value.registered == 0, "config must be rejected before any resource is registered"
    return caught.value.message


@pytest.mark.parametrize(
    ("stack_name", "changes", "key", "expected"),
    [
        ("dev", {"engineVersion": "16"}, "smartpost:database.engineVersion", "major.minor version"),
        ("dev", {"engineVersion": "11.9"}, "smartpost:database.engineVersion", "major version 11"),
        ("dev", {"backupRetentionDays": 0}, "smartpost:database.backupRetentionDays", "greater than or equal to 1"),
        ("dev", {"backupRetentionDays": 36}, "smartpost:database.backupRetentionDays", "less than or equal to 35"),
        ("prod", {"backupRetentionDays": 3}, "smartpost:database.backupRetentionDays", "at least 7 days in prod"),
        ("dev", {"backupWindow": "2:00-03:00"}, "smartpost:database.backupWindow", "hh:mm-hh:mm"),
        ("dev", {"backupWindow": "17:00-17:15"}, "smartpost:database.backupWindow", "at least 30 minutes"),
        ("dev", {"maintenanceWindow": "sunday:18:00-sun:19:00"}, "smartpost:database.maintenanceWindow", "ddd:hh:mm"),
        (
            "dev",
            {"maintenanceWindow": "wed:17:15-wed:17:45"},
            "smartpost:database.maintenanceWindow",
            "overlaps the backupWindow '17:00-17:30'",
        ),
        ("prod", {"instanceCount": 1}, "smartpost:database.instanceCount", "at least 2 in prod"),
        ("dev", {"instanceCount": 0}, "smartpost:database.instanceCount", "greater than or equal to 1"),
        ("dev", {"instanceClass": "r7g.large"}, "smartpost:database.instanceClass", "db.serverless or"),
        (
            "dev",
            {"serverless": {"minCapacity": 4, "maxCapacity": 2}},
            "smartpost:database.serverless.maxCapacity",
            "at least minCapacity",
        ),
        (
            "dev",
            {"serverless": {"minCapacity": 0.3, "maxCapacity": 2}},
            "smartpost:database.serverless.minCapacity",
            "multiple of 0.5",
        ),
        (
            "dev",
            {"serverless": {"minCapacity": 1, "maxCapacity": 512}},
            "smartpost:database.serverless.maxCapacity",
            "less than or equal to 256",
        ),
        (
            "dev",
            {"backupPlan": {"retentionDays": 7, "startTime": "16:30"}},
            "smartpost:database.backupPlan",
            "overlaps the backupWindow",
        ),
        ("dev", {"performanceInsightsRetentionDays": 30}, "smartpost:database.performanceInsightsRetentionDays", "7"),
        ("dev", {"masterUsername": "Admin"}, "smartpost:database.masterUsername", "lower-case"),
        ("dev", {"storageGb": 100}, "smartpost:database.storageGb", "is not a known setting"),
    ],
)
def test_bad_database_config_names_the_key(stack_name: str, changes: dict[str, Any], key: str, expected: str) -> None:
    message = config_error(stack_name, database_with(stack_name, **changes))
    line = next((line for line in message.splitlines() if key in line), message)
    assert key in message and expected in line, message


def test_database_section_is_required() -> None:
    assert "smartpost:database is required but not set" in config_error("prod", None)


@pytest.mark.parametrize(
    ("window", "expected"),
    [("17:00-17:30", (1020, 1050)), ("23:45-00:15", (1425, 1455))],
)
def test_daily_window_wraps_past_midnight(window: str, expected: tuple[int, int]) -> None:
    assert daily_window_minutes(window) == expected


def test_maintenance_window_overlapping_the_backup_window_across_midnight_is_rejected() -> None:
    assert weekly_window_minutes("sun:23:30-mon:00:30") == (6 * 1440 + 1410, 7 * 1440 + 30)
    message = config_error("dev", database_with(backupWindow="00:00-00:30", maintenanceWindow="sun:23:45-mon:00:15"))
    assert "smartpost:database.maintenanceWindow" in message and "overlaps" in message
