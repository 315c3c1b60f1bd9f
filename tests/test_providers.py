"""Every resource lands in the right account through an explicit provider that pins its account."""

from __future__ import annotations

import json

import yaml

from offline.mocks import StackRecording
from tests.conftest import PROJECT_DIR, section


def test_default_aws_providers_are_disabled_in_the_project() -> None:
    project = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())
    assert project["config"]["pulumi:disable-default-providers"]["value"] == ["aws"]


def test_every_provider_pins_its_account_and_assumes_the_configured_role(stack: StackRecording) -> None:
    accounts = section(stack.stack, "accounts")
    expected = {name: accounts[name] for name in ("environment", "logging", "management") if name in accounts}
    providers = {p.name: p for p in stack.providers()}
    assert set(providers) == set(expected)
    for name, access in expected.items():
        inputs = providers[name].inputs
        assert json.loads(inputs["allowedAccountIds"]) == [access["accountId"]]
        assert json.loads(inputs["assumeRoles"])[0]["roleArn"] == access["deployRoleArn"]
        assert inputs["region"] == "ap-northeast-1"


def test_no_resource_falls_back_to_a_default_provider(stack: StackRecording) -> None:
    explicit = {p.urn for p in stack.providers()}
    for resource in stack.custom_resources():
        assert resource.provider_urn in explicit, f"{resource.urn} has no explicit provider"


def test_resources_land_in_the_environment_account_unless_they_belong_to_the_logging_account(
    stack: StackRecording,
) -> None:
    accounts = section(stack.stack, "accounts")
    by_provider = {p.urn: p.name for p in stack.providers()}
    for resource in stack.custom_resources():
        provider = by_provider[resource.provider_urn]
        assert resource.account == accounts[provider]["accountId"], resource.urn


def test_default_tags_name_project_and_environment(stack: StackRecording) -> None:
    for provider in stack.providers():
        tags = json.loads(provider.inputs["defaultTags"])["tags"]
        assert tags["Project"] == "smartpost" and tags["Environment"] == stack.stack


def test_components_carry_their_provider_to_children(prod: StackRecording) -> None:
    network_children = [r for r in prod.custom_resources() if "smartpost:network:Network" in r.urn]
    assert network_children and {r.provider_urn.rsplit("::", 1)[-1] for r in network_children} == {"environment"}
