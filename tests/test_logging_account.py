"""The environment's pieces in the logging account: trail and Config buckets, their keys and policies,
lifecycles (CloudTrail 1 year, other logs 3 months), and the Athena / Glue pieces next to them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from offline.mocks import RecordedResource, StackRecording
from offline.runner import read_stack_config, run_program
from tests.conftest import descendants, stack_config_with

LOGGING_ACCOUNT = "444444444444"
ENV_ACCOUNTS = {"dev": "111111111111", "uat": "222222222222", "prod": "333333333333"}
KEY = "aws:kms/key:Key"
BUCKET = "aws:s3/bucket:Bucket"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
TRAIL = "aws:cloudtrail/trail:Trail"


def trail_arn(stack: StackRecording) -> str:
    return f"arn:aws:cloudtrail:ap-northeast-1:{ENV_ACCOUNTS[stack.stack]}:trail/smartpost-{stack.stack}-audit-trail"


def policy_of(resource: RecordedResource) -> dict[str, Any]:
    raw = resource.inputs["policy"]
    return json.loads(raw) if isinstance(raw, str) else raw


def statement(policy: dict[str, Any], sid: str) -> dict[str, Any]:
    matches = [s for s in policy["Statement"] if s.get("Sid") == sid]
    assert len(matches) == 1, f"expected one statement {sid}, got {[s.get('Sid') for s in policy['Statement']]}"
    return matches[0]


def expiry_days(recording: StackRecording, bucket_component: str) -> int:
    lifecycle = recording.named(LIFECYCLE, f"{bucket_component}-lifecycle")
    (rule,) = lifecycle.inputs["rules"]
    assert rule["status"] == "Enabled"
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == rule["expiration"]["days"]
    return int(rule["expiration"]["days"])


def test_everything_in_the_logging_account_components_lands_in_the_logging_account(stack: StackRecording) -> None:
    pieces = [
        r
        for r in descendants(stack, "smartpost:audit:LoggingAccount") + descendants(stack, "smartpost:audit:Analytics")
        if r.custom
    ]
    assert len(pieces) >= 20
    assert {r.account for r in pieces} == {LOGGING_ACCOUNT}
    assert {r.region for r in pieces} == {"ap-northeast-1"}


def test_trail_bucket_keeps_logs_one_year_and_the_other_log_buckets_three_months(stack: StackRecording) -> None:
    assert expiry_days(stack, "audit-logs-trail") == 365
    assert expiry_days(stack, "audit-logs-config") == 90
    assert expiry_days(stack, "audit-analytics-results") == 90


def test_bucket_lifecycles_follow_the_retention_config() -> None:
    recording = run_program("uat", stack_config_with("uat", retention={"cloudtrailDays": 400, "logDays": 30}))
    assert expiry_days(recording, "audit-logs-trail") == 400
    assert expiry_days(recording, "audit-logs-config") == 30
    assert expiry_days(recording, "audit-analytics-results") == 30
    trail_group = recording.named("aws:cloudwatch/logGroup:LogGroup", "audit-trail-logs")
    assert trail_group.inputs["retentionInDays"] == 400


@pytest.mark.parametrize("component", ["audit-logs-trail", "audit-logs-config", "audit-analytics-results"])
def test_log_buckets_are_private_versioned_kms_encrypted_with_a_logging_account_key(
    stack: StackRecording, component: str
) -> None:
    block = stack.named("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{component}-public-access-block")
    assert all(
        block.inputs[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    versioning = stack.named("aws:s3/bucketVersioning:BucketVersioning", f"{component}-versioning")
    assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"
    sse = stack.named(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        f"{component}-encryption",
    )
    default = sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    assert default["sseAlgorithm"] == "aws:kms"
    assert default["kmsMasterKeyId"].startswith(f"arn:aws:kms:ap-northeast-1:{LOGGING_ACCOUNT}:key/")
    deny = statement(policy_of(stack.named(POLICY, f"{component}-policy")), "DenyInsecureTransport")
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_trail_bucket_is_encrypted_with_the_trail_key(stack: StackRecording) -> None:
    sse = stack.named(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "audit-logs-trail-encryption",
    )
    key = stack.named(KEY, "audit-logs-trail-key-key")
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True


def test_trail_key_lets_only_this_environments_trail_encrypt_and_describe(stack: StackRecording) -> None:
    policy = policy_of(stack.named(KEY, "audit-logs-trail-key-key"))
    env_account = ENV_ACCOUNTS[stack.stack]
    encrypt = statement(policy, "ServiceCloudtrail")
    assert encrypt["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert encrypt["Action"] == ["kms:GenerateDataKey*"]
    assert encrypt["Condition"] == {
        "StringEquals": {"aws:SourceArn": trail_arn(stack)},
        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{env_account}:trail/*"},
    }
    describe = statement(policy, "CloudTrailDescribesKey")
    assert describe["Action"] == ["kms:DescribeKey"]
    assert describe["Condition"] == {"StringEquals": {"aws:SourceArn": trail_arn(stack)}}
    decrypt = statement(policy, "LoggingAccountDecryptsTrailLogs")
    assert decrypt["Condition"]["StringEquals"] == {"kms:CallerAccount": LOGGING_ACCOUNT}
    assert "kms:Encrypt" not in decrypt["Action"]
    admin = statement(policy, "AccountRootAdministers")
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{LOGGING_ACCOUNT}:root"}


def test_trail_arn_in_the_policies_is_the_trail_that_exists(stack: StackRecording) -> None:
    trail = stack.named(TRAIL, "audit-trail-trail")
    assert trail.outputs["arn"] == trail_arn(stack)


def test_trail_bucket_policy_admits_only_this_trail_writing_under_its_account_prefix(stack: StackRecording) -> None:
    bucket = stack.named(BUCKET, "audit-logs-trail-bucket").outputs["arn"]
    policy = policy_of(stack.named(POLICY, "audit-logs-trail-policy"))
    acl = statement(policy, "CloudTrailCheck")
    assert acl["Resource"] == bucket and acl["Action"] == ["s3:GetBucketAcl"]
    assert acl["Condition"] == {"StringEquals": {"aws:SourceArn": trail_arn(stack)}}
    write = statement(policy, "CloudTrailWrite")
    assert write["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert write["Resource"] == f"{bucket}/AWSLogs/{ENV_ACCOUNTS[stack.stack]}/*"
    assert write["Condition"]["StringEquals"] == {
        "aws:SourceArn": trail_arn(stack),
        "s3:x-amz-acl": "bucket-owner-full-control",
    }
    allows = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert {s["Sid"] for s in allows} == {"CloudTrailCheck", "CloudTrailWrite"}


def test_config_bucket_admits_aws_config_only_for_the_environment_account(stack: StackRecording) -> None:
    bucket = stack.named(BUCKET, "audit-logs-config-bucket").outputs["arn"]
    env_account = ENV_ACCOUNTS[stack.stack]
    policy = policy_of(stack.named(POLICY, "audit-logs-config-policy"))
    delivery = statement(policy, "ConfigWrite")
    assert delivery["Principal"] == {"Service": "config.amazonaws.com"}
    assert delivery["Resource"] == f"{bucket}/AWSLogs/{env_account}/Config/*"
    assert delivery["Condition"]["StringEquals"]["aws:SourceAccount"] == env_account
    check = statement(policy, "ConfigCheck")
    assert check["Condition"] == {"StringEquals": {"aws:SourceAccount": env_account}}
    key_policy = policy_of(stack.named(KEY, "audit-logs-logs-key-key"))
    config_use = statement(key_policy, "ServiceConfig")
    assert config_use["Condition"] == {"StringEquals": {"aws:SourceAccount": env_account}}


def test_stateful_logging_pieces_are_protected_in_prod_only(dev: StackRecording, prod: StackRecording) -> None:
    for name in ("audit-logs-trail-bucket", "audit-logs-config-bucket"):
        assert prod.named(BUCKET, name).protect is True
        assert dev.named(BUCKET, name).protect is False
    assert prod.named(KEY, "audit-logs-trail-key-key").protect is True


def test_athena_workgroup_enforces_kms_encrypted_results_in_the_90_day_bucket(stack: StackRecording) -> None:
    workgroup = stack.named("aws:athena/workgroup:Workgroup", "audit-analytics-workgroup")
    cfg = workgroup.inputs["configuration"]
    assert cfg["enforceWorkgroupConfiguration"] is True
    assert cfg["bytesScannedCutoffPerQuery"] >= 10_000_000
    results = cfg["resultConfiguration"]
    bucket = stack.named(BUCKET, "audit-analytics-results-bucket").outputs["bucket"]
    assert results["outputLocation"] == f"s3://{bucket}/results/"
    assert results["encryptionConfiguration"]["encryptionOption"] == "SSE_KMS"
    assert results["encryptionConfiguration"]["kmsKeyArn"] == stack.named(KEY, "audit-logs-logs-key-key").outputs["arn"]


def test_glue_cloudtrail_table_reads_this_environments_trail_prefix(stack: StackRecording) -> None:
    database = stack.named("aws:glue/catalogDatabase:CatalogDatabase", "audit-analytics-database")
    assert database.inputs["name"] == f"smartpost_{stack.stack}_audit"
    table = stack.named("aws:glue/catalogTable:CatalogTable", "audit-analytics-cloudtrail")
    bucket = stack.named(BUCKET, "audit-logs-trail-bucket").outputs["bucket"]
    location = f"s3://{bucket}/AWSLogs/{ENV_ACCOUNTS[stack.stack]}/CloudTrail/"
    descriptor = table.inputs["storageDescriptor"]
    assert descriptor["location"] == location
    assert descriptor["inputFormat"] == "com.amazon.emr.cloudtrail.CloudTrailInputFormat"
    assert table.inputs["parameters"]["storage.location.template"] == location + "${region}/${day}"
    assert "ap-northeast-1" in table.inputs["parameters"]["projection.region.values"].split(",")


def test_retention_config_rejects_days_cloudwatch_does_not_offer() -> None:
    from offline.runner import ProgramError

    with pytest.raises(ProgramError) as err:
        run_program("dev", stack_config_with("dev", retention={"cloudtrailDays": 366}))
    assert "smartpost:retention.cloudtrailDays" in err.value.message


def test_the_committed_stacks_keep_the_seed_defaults() -> None:
    for name in ("dev", "uat", "prod"):
        raw = read_stack_config(name).values.get("smartpost:retention")
        assert raw is None or json.loads(raw) in ({}, {"cloudtrailDays": 365, "logDays": 90})


def test_glue_notification_trail_table_matches_the_trail_record_schema(stack: StackRecording) -> None:
    from handlers.notification.trail import FIELDS

    table = stack.named("aws:glue/catalogTable:CatalogTable", "audit-analytics-notification-trail")
    assert table.account == LOGGING_ACCOUNT
    columns = [c["name"] for c in table.inputs["storageDescriptor"]["columns"]]
    assert columns == [f.lower() for f in FIELDS]
    bucket = stack.named(BUCKET, "notifications-trail-bucket-bucket").outputs["bucket"]
    assert table.inputs["storageDescriptor"]["location"] == f"s3://{bucket}/notification-trail/"
    assert table.inputs["parameters"]["storage.location.template"] == f"s3://{bucket}/notification-trail/${{day}}"
