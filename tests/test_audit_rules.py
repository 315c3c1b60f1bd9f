"""The audit's rules against the policy pack's: same names, same control IDs; and the offline check logic."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from audit import checks
from audit.checks import ecs, s3
from audit.model import AuditContext, Result, Status
from audit.rules import RULES
from audit.runner import run_check

POLICY_PACK = Path(__file__).resolve().parent.parent / "policy_pack"


def pack_policies() -> dict[str, Any]:
    """Every policy the pack's modules declare, by name (the pack runs with its own folder on sys.path)."""
    sys.path.insert(0, str(POLICY_PACK))
    try:
        package = importlib.import_module("smartpost_policies")
        policies: dict[str, Any] = {}
        for module in pkgutil.iter_modules(package.__path__):
            for policy in getattr(importlib.import_module(f"smartpost_policies.{module.name}"), "POLICIES", []):
                policies[policy.name] = policy
        return policies
    finally:
        sys.path.remove(str(POLICY_PACK))


@pytest.fixture(scope="module")
def pack() -> dict[str, Any]:
    return pack_policies()


def pack_controls(policy: Any) -> tuple[str | None, str | None]:
    framework = policy.framework
    return (framework.reference or None, framework.specification or None) if framework else (None, None)


# Audit rules with no policy-pack counterpart: only the live state can show them (a trail that was
# stopped). Any other audit rule must be a pack policy of the same name.
AUDIT_ONLY = {"cloudtrail-trail-logging"}


@pytest.mark.parametrize("name", sorted(set(RULES) - AUDIT_ONLY))
def test_audit_rule_is_the_pack_policy_of_that_name_with_the_same_control_ids(name: str, pack: dict[str, Any]) -> None:
    rule = RULES[name]
    assert name in pack, f"{name} is no policy-pack name: use the pack's name or add it to AUDIT_ONLY"
    assert pack_controls(pack[name]) == (rule.control.security_hub, rule.control.checkov)


def test_audit_only_rules_are_audit_rules_the_pack_does_not_define(pack: dict[str, Any]) -> None:
    assert AUDIT_ONLY.issubset(RULES)
    assert AUDIT_ONLY.isdisjoint(pack), "the pack now defines it: drop it from AUDIT_ONLY"


def test_every_check_reports_only_known_rules_and_every_rule_has_a_check() -> None:
    reported = [rule for check in checks.CHECKS for rule in check.RULES]
    assert sorted(reported) == sorted(RULES)


def test_help_uri_points_at_the_security_hub_control() -> None:
    assert RULES["s3-bucket-public-access-block"].help_uri.endswith("s3-controls.html#s3-8")
    assert RULES["ecs-service-no-execute-command"].help_uri.endswith("fsbp-standard.html")


def policy(statement: dict[str, Any]) -> dict[str, Any]:
    base = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::site", "arn:aws:s3:::site/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    return {"Statement": [{**base, **statement}]}


@pytest.mark.parametrize(
    ("change", "denies"),
    [
        ({}, True),
        ({"Principal": {"AWS": ["*"]}, "Condition": {"Bool": {"aws:SecureTransport": False}}}, True),
        ({"Resource": "*"}, True),
        ({"Effect": "Allow"}, False),
        ({"Principal": {"AWS": "arn:aws:iam::111111111111:root"}}, False),
        ({"Action": "s3:GetObject"}, False),
        ({"Resource": "arn:aws:s3:::site"}, False),
        ({"Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}, False),
        ({"Condition": {"Bool": {"aws:SecureTransport": "true"}}}, False),
    ],
)
def test_tls_only_policy_must_deny_every_principal_every_action_on_objects_without_tls(
    change: dict[str, Any], denies: bool
) -> None:
    assert s3.denies_insecure_transport(policy(change), "site") is denies


# --- botocore Stubber: what moto cannot represent (ECS Exec) and multi-page listings ---------------


def stubbed_context(service: str) -> tuple[AuditContext, Stubber]:
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="ap-northeast-1")
    ctx = AuditContext(session=session, region="ap-northeast-1", account_id="333333333333")
    stubber = Stubber(ctx.client(service))
    stubber.activate()
    return ctx, stubber


CLUSTER = "arn:aws:ecs:ap-northeast-1:333333333333:cluster/smartpost"
TASK = "arn:aws:ecs:ap-northeast-1:333333333333:task-definition/api:3"


def service(name: str, *, exec_enabled: bool) -> dict[str, Any]:
    return {
        "serviceArn": f"arn:aws:ecs:ap-northeast-1:333333333333:service/smartpost/{name}",
        "serviceName": name,
        "taskDefinition": TASK,
        "enableExecuteCommand": exec_enabled,
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": "DISABLED"}},
    }


def test_ecs_exec_enabled_fails_and_every_page_of_services_is_read() -> None:
    ctx, stub = stubbed_context("ecs")
    stub.add_response("list_clusters", {"clusterArns": [CLUSTER]})
    stub.add_response(
        "list_services", {"serviceArns": [service("api", exec_enabled=False)["serviceArn"]], "nextToken": "p2"}
    )
    stub.add_response(
        "list_services",
        {"serviceArns": [service("worker", exec_enabled=True)["serviceArn"]]},
        {"cluster": CLUSTER, "nextToken": "p2"},
    )
    stub.add_response(
        "describe_services", {"services": [service("api", exec_enabled=False), service("worker", exec_enabled=True)]}
    )
    stub.add_response("list_task_definition_families", {"families": ["api"]})
    container = {"name": "api", "image": "api:1", "readonlyRootFilesystem": True, "privileged": False}
    stub.add_response(
        "describe_task_definition",
        {"taskDefinition": {"taskDefinitionArn": TASK, "containerDefinitions": [container]}},
        {"taskDefinition": TASK},
    )
    stub.add_response(
        "describe_task_definition",
        {"taskDefinition": {"taskDefinitionArn": TASK, "containerDefinitions": [container]}},
        {"taskDefinition": "api"},
    )

    results = run_check(ctx, ecs)

    stub.assert_no_pending_responses()
    assert {(r.rule, r.resource.rsplit("/", 1)[-1], r.status) for r in results} == {
        ("ecs-service-no-execute-command", "api", Status.PASS),
        ("ecs-service-no-execute-command", "worker", Status.FAIL),
        ("ecs-service-no-public-ip", "api", Status.PASS),
        ("ecs-service-no-public-ip", "worker", Status.PASS),
        ("ecs-task-definition-read-only-root", "api:3", Status.PASS),
        ("ecs-task-definition-not-privileged", "api:3", Status.PASS),
    }


def test_a_failed_listing_marks_every_rule_of_that_check_not_evaluated() -> None:
    ctx, stub = stubbed_context("ecs")
    stub.add_client_error("list_clusters", "AccessDeniedException", "not authorized to perform ecs:ListClusters")

    results = run_check(ctx, ecs)

    scope = "arn:aws:ecs:ap-northeast-1:333333333333"
    assert results == [
        Result(
            rule,
            scope,
            Status.NOT_EVALUATED,
            "AccessDeniedException on ListClusters: not authorized to perform ecs:ListClusters",
        )
        for rule in ecs.RULES
    ]
