"""Invalid stack config fails with one pulumi.RunError naming the key, before any resource exists."""

from __future__ import annotations

import copy
import json
from typing import Any

import pulumi
import pytest

from offline.runner import ProgramError, read_stack_config, run_program
from stack_config import parse_stack_config
from tests.conftest import section, stack_config_with


def config_error(stack: str = "dev", **sections: Any) -> ProgramError:
    with pytest.raises(ProgramError) as caught:
        run_program(stack, stack_config_with(stack, **sections))
    assert isinstance(caught.value.cause, pulumi.RunError), caught.value.cause
    assert caught.value.registered == 0, "config must be rejected before any resource is registered"
    return caught.value


def network_with(**changes: Any) -> dict[str, Any]:
    network = copy.deepcopy(section("dev", "network"))
    network.update(changes)
    return network


def accounts_with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    accounts = copy.deepcopy(section("dev", "accounts"))
    target = accounts
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return accounts


def test_committed_stack_files_are_valid() -> None:
    for stack in ("dev", "uat", "prod"):
        run_program(stack)  # raises on any config problem


@pytest.mark.parametrize(
    ("network", "key", "expected"),
    [
        (network_with(cidr="10.10.0.0/33"), "smartpost:network.cidr", "expected an IPv4 CIDR block"),
        (network_with(cidr="10.10.0.1/16"), "smartpost:network.cidr", "host bits set"),
        (
            network_with(publicSubnets=["10.10.0.0/24", "10.10.0.128/25", "10.10.2.0/24"]),
            "smartpost:network",
            "publicSubnets 10.10.0.0/24 overlaps publicSubnets 10.10.0.128/25",
        ),
        (
            network_with(privateSubnets=["10.10.16.0/26", "10.10.32.0/20", "10.10.48.0/20"]),
            "smartpost:network",
            "privateSubnets 10.10.16.0/26 is too small",
        ),
        (
            network_with(isolatedSubnets=["10.99.64.0/24", "10.10.65.0/24", "10.10.66.0/24"]),
            "smartpost:network",
            "isolatedSubnets 10.99.64.0/24 is not inside the VPC cidr 10.10.0.0/16",
        ),
        (
            network_with(publicSubnets=["10.10.0.0/24", "10.10.1.0/24"]),
            "smartpost:network",
            "publicSubnets needs one CIDR per availability zone (3), got 2",
        ),
        (network_with(natGateways="two"), "smartpost:network.natGateways", "must be 'single' or 'perAz'"),
        (network_with(availabilityZones=["ap-northeast-1a"]), "smartpost:network.availabilityZones", "at least 3"),
        (network_with(flowLogs=True), "smartpost:network.flowLogs", "is not a known setting"),
    ],
)
def test_bad_network_config_names_the_key(network: dict[str, Any], key: str, expected: str) -> None:
    message = config_error(network=network).message
    assert key in message and expected in message, message


@pytest.mark.parametrize(
    ("path", "value", "key", "expected"),
    [
        (("environment", "accountId"), "12345", "smartpost:accounts.environment.accountId", "12-digit AWS account ID"),
        (("environment", "accountId"), 111111111111, "smartpost:accounts.environment.accountId", "valid string"),
        (("logging", "deployRoleArn"), "admin", "smartpost:accounts.logging.deployRoleArn", "IAM role ARN"),
        (
            ("logging", "deployRoleArn"),
            "arn:aws:iam::999999999999:role/deploy",
            "smartpost:accounts.logging",
            "expected a role in account 444444444444",
        ),
        (
            ("logging",),
            {"accountId": "111111111111", "deployRoleArn": "arn:aws:iam::111111111111:role/logs"},
            "smartpost:accounts",
            "logging.accountId must differ from environment.accountId",
        ),
        (("region",), "us-east-1", "smartpost:accounts.region", "must be 'ap-northeast-1'"),
    ],
)
def test_bad_accounts_config_names_the_key(path: tuple[str, ...], value: Any, key: str, expected: str) -> None:
    message = config_error(accounts=accounts_with(path, value)).message
    assert key in message and expected in message, message


def test_missing_required_key_is_named() -> None:
    message = config_error(network=None).message
    assert "smartpost:network is required but not set" in message


def test_unknown_top_level_key_is_named() -> None:
    message = config_error(**{"smartpost:networking": {"cidr": "10.0.0.0/16"}}).message
    assert "smartpost:networking is not a known setting" in message


def test_wrong_type_for_a_section_is_named() -> None:
    message = config_error(network="10.0.0.0/16").message
    assert "smartpost:network" in message and "dictionary" in message


def test_retention_must_be_a_cloudwatch_period() -> None:
    message = config_error(retention={"logDays": 100}).message
    assert "smartpost:retention.logDays" in message and "got 100" in message


def test_every_problem_is_reported_at_once() -> None:
    message = config_error(network=network_with(cidr="nope", natGateways="many"), environment="qa").message
    for key in ("smartpost:network.cidr", "smartpost:network.natGateways", "smartpost:environment"):
        assert key in message, message


def test_missing_secret_is_named_before_any_resource() -> None:
    message = config_error(sendgridApiKey=None, zendeskApiToken=None).message
    assert "smartpost:sendgridApiKey" in message and "smartpost:zendeskApiToken" in message
    assert "smartpost:fcmServiceAccountJson" not in message
    assert "pulumi config set --secret" in message


def test_parse_applies_defaults_for_optional_settings() -> None:
    raw = dict(read_stack_config("dev").values)
    raw.pop("smartpost:retention", None)
    network = section("dev", "network")
    network.pop("natGateways", None)
    raw["smartpost:network"] = json.dumps(network)
    config = parse_stack_config(raw)
    assert config.network.nat_gateways == "single"
    assert config.accounts.chatbot_region == "us-east-2"
    assert config.retention.cloudtrail_days == 365 and config.retention.log_days == 90
    assert config.accounts.region == "ap-northeast-1"
