"""bootstrap/: the delivery roles per account. Runs each bootstrap stack once under the same mocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from offline.mocks import RecordedResource, StackRecording
from offline.runner import ProgramError, StackConfigFile, read_stack_config, run_program
from stack_config import bootstrap as names
from tests.conftest import role_statements

PROJECT_DIR = Path(__file__).resolve().parent.parent
BOOTSTRAP = PROJECT_DIR / "bootstrap"
BOOTSTRAP_STACKS = ("dev", "uat", "prod", "logging", "management")
REPO = "smartpost-jp/smartpost-platform"
_RUNS: dict[str, StackRecording] = {}


def bootstrap(stack: str, config: StackConfigFile | None = None) -> StackRecording:
    if config is not None:
        return run_program(stack, config, project_dir=BOOTSTRAP, program=BOOTSTRAP / "__main__.py")
    if stack not in _RUNS:
        _RUNS[stack] = bootstrap(stack, read_stack_config(stack, BOOTSTRAP))
    return _RUNS[stack]


def roles(recording: StackRecording) -> dict[str, RecordedResource]:
    return {r.inputs["name"]: r for r in recording.of_type("aws:iam/role:Role")}


def trust(role: RecordedResource) -> list[dict[str, Any]]:
    return json.loads(role.inputs["assumeRolePolicy"])["Statement"]


def managed(recording: StackRecording, role: RecordedResource) -> set[str]:
    return {
        a.inputs["policyArn"]
        for a in recording.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a.inputs["role"] == role.outputs["name"]
    }


def stack_accounts(stack: str) -> dict[str, dict[str, str]]:
    return yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]["smartpost:accounts"]


@pytest.mark.parametrize("stack", ["dev", "uat", "prod"])
def test_every_role_a_stack_assumes_is_created_by_the_bootstrap_of_its_account(stack: str) -> None:
    created: dict[str, set[str]] = {}
    for b in BOOTSTRAP_STACKS:
        for role in bootstrap(b).of_type("aws:iam/role:Role"):
            created.setdefault(role.account, set()).add(role.outputs["arn"])
    for access in stack_accounts(stack).values():
        if isinstance(access, dict):
            assert access["deployRoleArn"] in created[access["accountId"]]
            assert names.preview_role_arn(access["deployRoleArn"]) in created[access["accountId"]]


@pytest.mark.parametrize("env", ["dev", "uat", "prod"])
def test_github_deploy_role_trusts_only_its_environment_on_main_through_oidc(env: str) -> None:
    recording = bootstrap(env)
    (statement,) = trust(roles(recording)[names.GITHUB_DEPLOY_ROLE])
    (oidc,) = recording.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert oidc.inputs["url"] == "https://token.actions.githubusercontent.com"
    assert oidc.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    assert statement["Action"] == ["sts:AssumeRoleWithWebIdentity"]
    assert statement["Principal"] == {"Federated": oidc.outputs["arn"]}
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": [f"repo:{REPO}:environment:{env}:ref:refs/heads/main"],
        }
    }


def test_github_preview_role_trusts_pull_requests_and_reaches_only_read_only_roles() -> None:
    recording = bootstrap("prod")
    preview = roles(recording)[names.GITHUB_PREVIEW_ROLE]
    (statement,) = trust(preview)
    assert statement["Condition"]["StringLike"] == {
        "token.actions.githubusercontent.com:sub": [f"repo:{REPO}:pull_request:ref:refs/pull/*/merge"]
    }
    policy = role_statements(recording, preview)
    assumable = next(s["Resource"] for s in policy if s["Action"] == ["sts:AssumeRole"])
    assert assumable == [
        "arn:aws:iam::333333333333:role/smartpost-pulumi-preview",
        "arn:aws:iam::444444444444:role/smartpost-pulumi-preview-prod",
        "arn:aws:iam::555555555555:role/smartpost-pulumi-identity-center-preview",
    ]
    actions = {a for s in policy for a in s["Action"]}
    assert not {a for a in actions if a.startswith("s3:Put") or a == "s3:DeleteObject" or a == "kms:Encrypt"}


def test_stack_roles_trust_named_ci_roles_and_operators_never_a_whole_account() -> None:
    for b in BOOTSTRAP_STACKS:
        for name, role in roles(bootstrap(b)).items():
            if name.startswith("smartpost-github-"):
                continue
            for statement in trust(role):
                assert statement["Condition"]["ArnEquals"]["aws:PrincipalArn"], name
                principals = statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]
                expected = names.GITHUB_PREVIEW_ROLE if "preview" in name else names.GITHUB_DEPLOY_ROLE
                assert any(p.endswith(f":role/{expected}") for p in principals), name
                assert all(":role/" in p for p in principals)


def test_logging_account_trusts_each_environment_only_for_its_own_role() -> None:
    logging = roles(bootstrap("logging"))
    for env, account in (("dev", "111111111111"), ("uat", "222222222222"), ("prod", "333333333333")):
        (statement,) = trust(logging[names.logging_deploy_role(env)])
        ci_roles = [p for p in statement["Condition"]["ArnEquals"]["aws:PrincipalArn"] if "smartpost-github" in p]
        assert ci_roles == [f"arn:aws:iam::{account}:role/{names.GITHUB_DEPLOY_ROLE}"]


def test_deploy_roles_can_neither_mint_keys_nor_rewrite_the_delivery_roles() -> None:
    for b in ("dev", "logging"):
        recording = bootstrap(b)
        role = roles(recording)[names.ENVIRONMENT_DEPLOY_ROLE if b == "dev" else names.logging_deploy_role("dev")]
        assert managed(recording, role) == {"arn:aws:iam::aws:policy/PowerUserAccess"}
        denies = {s["Sid"]: s for s in role_statements(recording, role) if s["Effect"] == "Deny"}
        assert "iam:CreateAccessKey" in denies["NoLongLivedCredentials"]["Action"]
        tampering = denies["NoDeliveryRoleTampering"]
        assert {"iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:PassRole"} <= set(tampering["Action"])
        assert any(r.endswith(":role/smartpost-pulumi-*") for r in tampering["Resource"])


def test_preview_roles_read_configuration_but_no_data() -> None:
    recording = bootstrap("uat")
    role = roles(recording)[names.ENVIRONMENT_PREVIEW_ROLE]
    assert managed(recording, role) == {"arn:aws:iam::aws:policy/ReadOnlyAccess"}
    (deny,) = role_statements(recording, role)
    assert deny["Effect"] == "Deny" and deny["Resource"] == "*"
    assert {"s3:GetObject", "secretsmanager:GetSecretValue", "ssm:GetParameter", "kms:Decrypt"} <= set(deny["Action"])


def test_state_bucket_has_a_fixed_name_a_customer_key_versioning_and_protection() -> None:
    recording = bootstrap("prod")
    (bucket,) = recording.of_type("aws:s3/bucket:Bucket")
    assert bucket.inputs["bucket"] == "smartpost-pulumi-state-333333333333" and bucket.protect
    (sse,) = recording.of_type("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert "aws:kms" in json.dumps(sse.inputs)
    (key,) = recording.of_type("aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True and key.protect
    (alias,) = recording.of_type("aws:kms/alias:Alias")
    assert alias.inputs["name"] == "alias/smartpost-pulumi-prod"


def test_bootstrap_providers_are_explicit_and_pinned_to_the_account() -> None:
    for b in BOOTSTRAP_STACKS:
        recording = bootstrap(b)
        (provider,) = [r for r in recording.resources if r.is_provider]
        assert all(r.provider for r in recording.resources if r.custom and not r.is_provider)
        assert {r.account for r in recording.resources if r.custom and not r.is_provider} == {
            json.loads(provider.inputs["allowedAccountIds"])[0]
        }


def test_environment_account_without_logging_account_is_rejected_naming_the_key() -> None:
    base = read_stack_config("dev", BOOTSTRAP)
    account = json.loads(base.values["smartpost-bootstrap:account"])
    del account["loggingAccountId"]
    values = {**base.values, "smartpost-bootstrap:account": json.dumps(account)}
    with pytest.raises(ProgramError) as err:
        bootstrap("dev", StackConfigFile(values, base.secret_keys))
    assert "smartpost-bootstrap:account" in err.value.message and "logging_account_id" in err.value.message


def test_logging_account_without_trusted_environments_is_rejected_naming_the_key() -> None:
    base = read_stack_config("logging", BOOTSTRAP)
    values = {k: v for k, v in base.values.items() if k != "smartpost-bootstrap:trustedEnvironments"}
    with pytest.raises(ProgramError) as err:
        bootstrap("logging", StackConfigFile(values, base.secret_keys))
    assert "trustedEnvironments" in err.value.message
