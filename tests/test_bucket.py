"""SecureBucket's defaults and grants, through a small program that uses only the component."""

from __future__ import annotations

from pathlib import Path

import pytest

from offline.mocks import StackRecording
from offline.runner import ProgramError, run_program
from tests.conftest import policy_statements, role_statements

PROGRAM = """
import pulumi
import pulumi_aws as aws

from components import grants
from components.bucket import ObjectLock, SecureBucket, SecureBucketArgs

provider = aws.Provider("environment", region="ap-northeast-1", allowed_account_ids=["111111111111"])
opts = pulumi.ResourceOptions(provider=provider)
key_arn = "arn:aws:kms:ap-northeast-1:111111111111:key/data"
data = SecureBucket("data", SecureBucketArgs(kms_key_arn=key_arn, object_lock=ObjectLock(days=30)), opts=opts)
logs = SecureBucket("logs", SecureBucketArgs(encryption="s3", expire_after_days=90), opts=opts)
reader = aws.iam.Role("reader", assume_role_policy=grants.assume_role_policy("lambda.amazonaws.com"), opts=opts)
writer = aws.iam.Role("writer", assume_role_policy=grants.assume_role_policy("lambda.amazonaws.com"), opts=opts)
data.grant_read("reader-data", reader, parent=reader, prefix="reports/*")
data.grant_read_write("writer-data", writer, parent=writer, delete=True)
"""
KEY = "arn:aws:kms:ap-northeast-1:111111111111:key/data"


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> StackRecording:
    program = tmp_path_factory.mktemp("bucket") / "program.py"
    program.write_text(PROGRAM)
    return run_program("dev", program=program)


def bucket_setting(recording: StackRecording, type_token: str, name: str) -> dict:
    return recording.named(type_token, name).inputs


def test_every_bucket_is_private_encrypted_and_tls_only(recording: StackRecording) -> None:
    for name in ("data", "logs"):
        block = bucket_setting(
            recording, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"{name}-public-access-block"
        )
        assert all(
            block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        )
        deny = policy_statements(recording.named("aws:s3/bucketPolicy:BucketPolicy", f"{name}-policy"))[0]
        assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    sse = bucket_setting(
        recording,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "data-encryption",
    )
    assert sse["rules"][0]["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY}
    lock = bucket_setting(
        recording, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "data-object-lock"
    )
    assert lock["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 30}
    expiry = bucket_setting(
        recording, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "logs-lifecycle"
    )
    assert expiry["rules"][0]["expiration"]["days"] == 90


def test_grant_read_gives_object_reads_under_the_prefix_and_decrypt_on_the_bucket_key(
    recording: StackRecording,
) -> None:
    bucket_arn = recording.named("aws:s3/bucket:Bucket", "data-bucket").outputs["arn"]
    statements = role_statements(recording, recording.named("aws:iam/role:Role", "reader"))
    assert statements == [
        {
            "Effect": "Allow",
            "Action": sorted({"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation"}),
            "Resource": [bucket_arn, f"{bucket_arn}/reports/*"],
        },
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": KEY},
    ]


def test_grant_read_write_adds_writes_deletes_and_encrypt(recording: StackRecording) -> None:
    statements = role_statements(recording, recording.named("aws:iam/role:Role", "writer"))
    assert {"s3:PutObject", "s3:DeleteObject", "s3:GetObject"} <= set(statements[0]["Action"])
    assert set(statements[1]["Action"]) >= {"kms:Encrypt", "kms:GenerateDataKey*", "kms:Decrypt"}
    assert statements[1]["Resource"] == KEY


def test_kms_encryption_without_a_key_is_refused(tmp_path: Path) -> None:
    program = tmp_path / "program.py"
    program.write_text(
        PROGRAM.replace("SecureBucketArgs(kms_key_arn=key_arn, object_lock=ObjectLock(days=30))", "SecureBucketArgs()")
    )
    with pytest.raises(ProgramError) as caught:
        run_program("dev", program=program)
    assert "SecureBucket data: encryption='kms' needs kms_key_arn" in caught.value.message
