"""The live audit against moto in server mode: a compliant account, a drifted one, denied and missing access.

moto keeps one set of resources per account; an assumed role's credentials act in the role's account,
so the compliant account is prod's environment account (reached through prod's deploy role, the
audit's default) and the drifted one is reached with an explicit --role-arn.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from audit import cli, model
from audit.config import load_audit_config
from audit.rules import RULES

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parent.parent
REGION = "ap-northeast-1"
COMPLIANT = "333333333333"  # Pulumi.prod.yaml accounts.environment.accountId
DRIFTED = "222222222222"
DRIFTED_ROLE = f"arn:aws:iam::{DRIFTED}:role/smartpost-audit"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    with pytest.MonkeyPatch.context() as patch:
        for key, value in FAKE_CREDENTIALS.items():
            patch.setenv(key, value)
        patch.setenv("AWS_CONFIG_FILE", os.devnull)
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        patch.delenv("AWS_PROFILE", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


class Account:
    """boto3 clients acting in one moto account (through an assumed role, as moto scopes accounts)."""

    def __init__(self, url: str, account_id: str) -> None:
        self.url, self.account_id = url, account_id
        sts = boto3.client("sts", region_name=REGION, endpoint_url=url)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/setup", RoleSessionName="setup")["Credentials"]
        self.session = boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=REGION,
        )

    def __getattr__(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.url)

    def bucket(self, name: str) -> str:
        self.s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        return f"arn:aws:s3:::{name}"

    def network(self) -> tuple[list[str], str]:
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            self.ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
                "SubnetId"
            ]
            for i, az in enumerate("ac")
        ]
        group = self.ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
        return subnets, group

    def load_balancer(self, subnets: list[str], group: str, *, ssl_policy: str, http_redirects: bool) -> list[str]:
        """An ALB with an HTTPS listener and an HTTP one; returns [https_listener_arn, http_listener_arn]."""
        lb = self.elbv2.create_load_balancer(Name="smartpost", Subnets=subnets, SecurityGroups=[group])
        lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
        vpc = self.ec2.describe_subnets(SubnetIds=subnets[:1])["Subnets"][0]["VpcId"]
        target = self.elbv2.create_target_group(Name="app", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip")
        forward = [{"Type": "forward", "TargetGroupArn": target["TargetGroups"][0]["TargetGroupArn"]}]
        cert = self.acm.request_certificate(DomainName="smartpost.example.jp")["CertificateArn"]
        https = self.elbv2.create_listener(
            LoadBalancerArn=lb_arn,
            Protocol="HTTPS",
            Port=443,
            SslPolicy=ssl_policy,
            Certificates=[{"CertificateArn": cert}],
            DefaultActions=forward,
        )["Listeners"][0]["ListenerArn"]
        redirect = [
            {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
        ]
        http = self.elbv2.create_listener(
            LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80, DefaultActions=redirect if http_redirects else forward
        )["Listeners"][0]["ListenerArn"]
        return [https, http]

    def distribution(self, *, secure: bool) -> str:
        behavior = {
            "TargetOriginId": "site",
            "ViewerProtocolPolicy": "redirect-to-https" if secure else "allow-all",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        }
        config: dict[str, Any] = {
            "CallerReference": f"site-{self.account_id}",
            "Comment": "site",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "site",
                        "DomainName": "site.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": behavior,
        }
        if secure:
            cert = self.acm.request_certificate(DomainName="www.smartpost.example.jp")["CertificateArn"]
            config["ViewerCertificate"] = {
                "CloudFrontDefaultCertificate": False,
                "ACMCertificateArn": cert,
                "SSLSupportMethod": "sni-only",
                "MinimumProtocolVersion": "TLSv1.2_2021",
            }
            config["WebACLId"] = f"arn:aws:wafv2:us-east-1:{self.account_id}:global/webacl/site/0000"
        else:
            config["ViewerCertificate"] = {"CloudFrontDefaultCertificate": True}
        return self.cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["ARN"]

    def task_definition(self, *, secure: bool) -> str:
        container = {
            "name": "api",
            "image": f"{self.account_id}.dkr.ecr.{REGION}.amazonaws.com/api:1.0.0",
            "memory": 512,
            "readonlyRootFilesystem": secure,
            "privileged": not secure,
        }
        return self.ecs.register_task_definition(
            family="api", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            containerDefinitions=[container],
        )["taskDefinition"]["taskDefinitionArn"]  # fmt: skip

    def service(self, task_definition: str, subnets: list[str], group: str, *, public_ip: bool) -> str:
        cluster = self.ecs.create_cluster(clusterName="smartpost")["cluster"]["clusterArn"]
        return self.ecs.create_service(
            cluster=cluster,
            serviceName="api",
            taskDefinition=task_definition,
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": subnets,
                    "securityGroups": [group],
                    "assignPublicIp": "ENABLED" if public_ip else "DISABLED",
                }
            },
        )["service"]["serviceArn"]

    def cluster(self, *, secure: bool) -> str:
        encryption = {"StorageEncrypted": True, "KmsKeyId": self.key(rotation=True)} if secure else {}
        return self.rds.create_db_cluster(
            **encryption,
            DBClusterIdentifier="smartpost",
            Engine="aurora-postgresql",
            EngineVersion="16.6",
            MasterUsername="smartpost",
            MasterUserPassword="not-a-real-password",
            EnableIAMDatabaseAuthentication=secure,
            DeletionProtection=secure,
            # What the audit requires of prod: smartpost:database.backupRetentionDays in Pulumi.prod.yaml.
            BackupRetentionPeriod=load_audit_config("prod").thresholds().backup_retention_days if secure else 1,
        )["DBCluster"]["DBClusterArn"]

    def log_group(self, name: str, days: int | None) -> str:
        self.logs.create_log_group(logGroupName=name)
        if days:
            self.logs.put_retention_policy(logGroupName=name, retentionInDays=days)
        return f"arn:aws:logs:{REGION}:{self.account_id}:log-group:{name}"

    def key(self, *, rotation: bool) -> str:
        key = self.kms.create_key(Description="smartpost")["KeyMetadata"]
        if rotation:
            self.kms.enable_key_rotation(KeyId=key["KeyId"])
        return key["Arn"]


def tls_only_policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


@pytest.fixture(scope="module")
def compliant(moto_url: str) -> dict[str, Any]:
    """Everything as the Pulumi program builds it."""
    account = Account(moto_url, COMPLIANT)
    key = account.key(rotation=True)
    buckets = {}
    for name in ("smartpost-prod-site", "smartpost-prod-trail"):
        buckets[name] = account.bucket(name)
        account.s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=ALL_BLOCKED)
        account.s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]
            },
        )
        account.s3.put_bucket_policy(Bucket=name, Policy=tls_only_policy(name))
    subnets, group = account.network()
    listeners = account.load_balancer(
        subnets, group, ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06", http_redirects=True
    )
    task_definition = account.task_definition(secure=True)
    trail_group = account.log_group("/aws/cloudtrail/smartpost", 365)
    account.cloudtrail.create_trail(
        Name="smartpost",
        S3BucketName="smartpost-prod-trail",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=key,
        CloudWatchLogsLogGroupArn=f"{trail_group}:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{COMPLIANT}:role/trail",
    )
    account.cloudtrail.start_logging(Name="smartpost")
    account.ecr.create_repository(
        repositoryName="smartpost/api", imageTagMutability="IMMUTABLE", imageScanningConfiguration={"scanOnPush": False}
    )
    # Enhanced scanning (Inspector) through a registry rule, as the program sets it up.
    account.ecr.put_registry_scanning_configuration(
        scanType="ENHANCED",
        rules=[{"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}],
    )
    account.guardduty.create_detector(Enable=True)
    account.securityhub.enable_security_hub()
    return {
        "buckets": buckets,
        "listeners": listeners,
        "distribution": account.distribution(secure=True),
        "cluster": account.cluster(secure=True),
        "service": account.service(task_definition, subnets, group, public_ip=False),
        "log_groups": [trail_group, account.log_group("/smartpost/prod/api", 90)],
    }


@pytest.fixture(scope="module")
def drifted(moto_url: str) -> dict[str, Any]:
    """One or more violations of every rule moto can represent."""
    account = Account(moto_url, DRIFTED)
    open_bucket = account.bucket("drifted-open")  # no public access block, no encryption, no policy
    partial = account.bucket("drifted-partial")
    account.s3.put_public_access_block(
        Bucket="drifted-partial", PublicAccessBlockConfiguration={**ALL_BLOCKED, "RestrictPublicBuckets": False}
    )
    account.s3.put_bucket_encryption(
        Bucket="drifted-partial",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    # A Deny keyed on the TLS version does not stop plain HTTP (the key is absent there).
    account.s3.put_bucket_policy(
        Bucket="drifted-partial",
        Policy=tls_only_policy("drifted-partial").replace(
            '"Bool": {"aws:SecureTransport": "false"}', '"NumericLessThan": {"s3:TlsVersion": "1.2"}'
        ),
    )
    subnets, group = account.network()
    listeners = account.load_balancer(subnets, group, ssl_policy="ELBSecurityPolicy-2016-08", http_redirects=False)
    task_definition = account.task_definition(secure=False)
    account.cloudtrail.create_trail(Name="drifted", S3BucketName="drifted-open")  # never started, no validation/KMS
    account.ecr.create_repository(repositoryName="drifted/api", imageTagMutability="MUTABLE")
    detector = account.guardduty.create_detector(Enable=False)["DetectorId"]
    return {
        "buckets": [open_bucket, partial],
        "listeners": listeners,
        "distribution": account.distribution(secure=False),
        "cluster": account.cluster(secure=False),
        "service": account.service(task_definition, subnets, group, public_ip=True),
        "task_definition": task_definition,
        "repository": f"arn:aws:ecr:{REGION}:{DRIFTED}:repository/drifted/api",
        "trail": f"arn:aws:cloudtrail:{REGION}:{DRIFTED}:trail/drifted",
        "detector": f"arn:aws:guardduty:{REGION}:{DRIFTED}:detector/{detector}",
        "key": account.key(rotation=False),
        "log_groups": [
            account.log_group("/aws/cloudtrail/drifted", 90),  # CloudTrail log groups need 365
            account.log_group("/smartpost/uat/api", None),  # kept forever
        ],
    }


@pytest.fixture(scope="module")
def drifted_run(moto_url: str, drifted: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One audit of the drifted account, with JSON on stdout and SARIF to a file (shared by several tests)."""
    sarif_file = tmp_path_factory.mktemp("audit") / "audit.sarif"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(
            [
                "--stack",
                "prod",
                "--json",
                "--endpoint-url",
                moto_url,
                "--role-arn",
                DRIFTED_ROLE,
                "--sarif",
                str(sarif_file),
            ]
        )
    return {"code": code, "report": json.loads(out.getvalue()), "sarif": json.loads(sarif_file.read_text())}


def run_audit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = cli.main(["--stack", "prod", "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def by_status(report: dict[str, Any], status: str) -> set[tuple[str, str]]:
    return {(r["rule"], r["resource"]) for r in report["results"] if r["status"] == status}


def test_compliant_account_passes_every_rule_and_exits_zero(
    moto_url: str, compliant: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run_audit(capsys, "--endpoint-url", moto_url)

    assert report["account"] == COMPLIANT
    assert by_status(report, "fail") == set()
    assert by_status(report, "not-evaluated") == set()
    # Every rule was exercised on something (ecs exec and deletion protection included).
    assert {rule for rule, _ in by_status(report, "pass")} == set(RULES)
    assert ("rds-cluster-deletion-protection", compliant["cluster"]) in by_status(report, "pass")
    assert code == 0


def test_drifted_account_reports_exactly_the_violations_and_exits_one(
    drifted: dict[str, Any], drifted_run: dict[str, Any]
) -> None:
    code, report = drifted_run["code"], drifted_run["report"]

    open_bucket, partial = drifted["buckets"]
    https, http = drifted["listeners"]
    trail_group, app_group = drifted["log_groups"]
    assert report["account"] == DRIFTED
    assert by_status(report, "fail") == {
        ("s3-bucket-public-access-block", open_bucket),
        ("s3-bucket-encryption", open_bucket),
        ("s3-bucket-tls-only-policy", open_bucket),
        ("s3-bucket-public-access-block", partial),
        ("s3-bucket-tls-only-policy", partial),
        ("elb-listener-tls-policy", https),
        ("elb-listener-http-redirects-https", http),
        ("cloudfront-distribution-viewer-tls", drifted["distribution"]),
        ("cloudfront-distribution-https-only", drifted["distribution"]),
        ("cloudfront-distribution-waf", drifted["distribution"]),
        ("rds-cluster-storage-encrypted", drifted["cluster"]),
        ("rds-cluster-iam-authentication", drifted["cluster"]),
        ("rds-cluster-deletion-protection", drifted["cluster"]),
        ("rds-cluster-backup-retention", drifted["cluster"]),
        ("ecs-service-no-public-ip", drifted["service"]),
        ("ecs-task-definition-read-only-root", drifted["task_definition"]),
        ("ecs-task-definition-not-privileged", drifted["task_definition"]),
        ("ecr-repository-immutable-tags", drifted["repository"]),
        ("ecr-repository-scan-on-push", drifted["repository"]),
        ("cloudwatch-log-group-cloudtrail-retention", trail_group),
        ("cloudwatch-log-group-retention", app_group),
        ("cloudtrail-trail-logging", drifted["trail"]),
        ("cloudtrail-trail-multi-region", drifted["trail"]),
        ("cloudtrail-trail-log-file-validation", drifted["trail"]),
        ("cloudtrail-trail-kms", drifted["trail"]),
        ("guardduty-detector-enabled", drifted["detector"]),
        ("securityhub-account-enabled", f"arn:aws:securityhub:{REGION}:{DRIFTED}"),
        ("kms-key-rotation", drifted["key"]),
    }
    assert by_status(report, "not-evaluated") == set()
    assert report["summary"]["fail"] == 28
    assert code == 1


def test_findings_explain_the_drift_and_carry_the_control_ids(
    drifted: dict[str, Any], drifted_run: dict[str, Any]
) -> None:
    report = drifted_run["report"]
    fails = {(r["rule"], r["resource"]): r for r in report["results"] if r["status"] == "fail"}

    https, _ = drifted["listeners"]
    assert "ELBSecurityPolicy-2016-08" in fails[("elb-listener-tls-policy", https)]["detail"]
    assert fails[("s3-bucket-public-access-block", drifted["buckets"][1])]["detail"].endswith("RestrictPublicBuckets")
    assert "minimum is 365" in fails[("cloudwatch-log-group-cloudtrail-retention", drifted["log_groups"][0])]["detail"]
    assert fails[("rds-cluster-storage-encrypted", drifted["cluster"])]["securityHubControl"] == "RDS.27"
    assert fails[("rds-cluster-backup-retention", drifted["cluster"])]["checkov"] == "CKV_AWS_133"


def test_sarif_lists_every_rule_with_help_and_control_and_one_result_per_failure(drifted_run: dict[str, Any]) -> None:
    code, report, sarif = drifted_run["code"], drifted_run["report"], drifted_run["sarif"]

    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    assert all(r["helpUri"].startswith("https://docs.aws.amazon.com/") for r in rules)
    assert {r["id"]: r["properties"]["securityHubControl"] for r in rules}["s3-bucket-public-access-block"] == "S3.8"
    assert {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]) for r in run["results"]} == (
        by_status(report, "fail")
    )
    assert all(r["kind"] == "fail" and r["level"] in ("error", "warning") for r in run["results"])
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    assert code == 1


def test_table_output_names_failures_and_summary(
    moto_url: str, drifted: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["--stack", "prod", "--endpoint-url", moto_url, "--role-arn", DRIFTED_ROLE])
    out = capsys.readouterr().out

    assert "kms-key-rotation" in out
    assert "28 failed, 0 not evaluated" in out
    assert code == 1


def deny(service_id: str, operation: str) -> Any:
    """A before-call hook answering one API with AccessDenied, through botocore's normal error path."""

    def handler(**_: Any) -> tuple[Any, dict[str, Any]]:
        error = {"Code": "AccessDeniedException", "Message": f"not authorized to perform {operation}"}
        return SimpleNamespace(status_code=403, headers={}), {"Error": error, "ResponseMetadata": {}}

    return f"before-call.{service_id}.{operation}", handler


def test_access_denied_on_one_api_marks_only_those_checks_not_evaluated(
    moto_url: str, compliant: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = model.AuditContext.client
    denials = [deny("s3", "GetBucketPolicy"), deny("ecr", "DescribeRepositories")]

    def client_with_denials(self: model.AuditContext, service: str) -> Any:
        client = original(self, service)
        for event, handler in denials:
            client.meta.events.register(event, handler, unique_id=event)
        return client

    monkeypatch.setattr(model.AuditContext, "client", client_with_denials)
    code, report = run_audit(capsys, "--endpoint-url", moto_url)

    not_evaluated = {
        (r["rule"], r["resource"]): r["detail"] for r in report["results"] if r["status"] == "not-evaluated"
    }
    ecr_scope = f"arn:aws:ecr:{REGION}:{COMPLIANT}"
    assert set(not_evaluated) == {
        *(("s3-bucket-tls-only-policy", arn) for arn in compliant["buckets"].values()),
        ("ecr-repository-immutable-tags", ecr_scope),
        ("ecr-repository-scan-on-push", ecr_scope),
    }
    assert not_evaluated[("ecr-repository-immutable-tags", ecr_scope)].startswith(
        "AccessDeniedException on DescribeRepositories"
    )
    assert by_status(report, "fail") == set()
    assert len(by_status(report, "pass")) > 20  # the other checks went on
    assert code == 1  # an incomplete audit is not a clean one


def test_default_credentials_in_another_account_are_refused(moto_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["--stack", "prod", "--endpoint-url", moto_url, "--no-assume-role"])
    err = capsys.readouterr().err

    assert code == 2
    assert "reach account 123456789012" in err and "stack prod lives in 333333333333" in err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_endpoint_is_one_clear_line_and_exit_two(moto_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    code = cli.main(["--stack", "prod", "--endpoint-url", url])
    err = capsys.readouterr().err

    assert code == 2
    assert err.startswith(f"audit: error: cannot reach {url}: Could not connect")
    assert err.count("\n") == 1


def test_missing_credentials_are_one_clear_line_and_exit_two(moto_url: str, tmp_path: Path) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "missing-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "missing-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    done = subprocess.run(
        [sys.executable, "-m", "audit", "--stack", "prod", "--endpoint-url", moto_url],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    assert done.stderr.startswith("audit: error: no AWS credentials found")
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_account_without_trail_detector_or_security_hub_fails_at_account_level(
    moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = "555555555555"
    code, report = run_audit(capsys, "--endpoint-url", moto_url, "--role-arn", f"arn:aws:iam::{empty}:role/audit")

    assert by_status(report, "fail") == {
        ("cloudtrail-trail-logging", f"arn:aws:cloudtrail:{REGION}:{empty}"),
        ("guardduty-detector-enabled", f"arn:aws:guardduty:{REGION}:{empty}"),
        ("securityhub-account-enabled", f"arn:aws:securityhub:{REGION}:{empty}"),
    }
    assert by_status(report, "pass") == set()
    assert code == 1
