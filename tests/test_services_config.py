"""`smartpost:services` validation: every mistake is reported with the key it concerns, before any
resource is registered."""

from __future__ import annotations

import copy
from typing import Any

import pulumi
import pytest

from offline.runner import ProgramError, run_program
from stack_config import parse_stack_config
from stack_config.services import FARGATE_SIZES
from tests.conftest import section, stack_config_with


def services_with(stack: str = "dev", **changes: Any) -> dict[str, Any]:
    services: dict[str, Any] = copy.deepcopy(section(stack, "services"))
    services.update(changes)
    return services


def with_service(index: int, stack: str = "dev", **changes: Any) -> dict[str, Any]:
    services = services_with(stack)
    services["services"][index].update(changes)
    return services


def config_error(services: dict[str, Any], stack: str = "dev") -> str:
    with pytest.raises(pulumi.RunError) as caught:
        parse_stack_config(stack_config_with(stack, services=services).values)
    return str(caught.value)


@pytest.mark.parametrize("stack", ["dev", "uat", "prod"])
def test_committed_services_config_is_valid(stack: str) -> None:
    config = parse_stack_config(stack_config_with(stack).values)
    assert config.services.services, "every stack runs services"
    names = [s.name for s in config.services.services]
    assert {"admin-api", "notification-api", "municipality-service", "scheduler"} <= set(names)


def test_duplicate_service_names_are_refused() -> None:
    services = services_with()
    services["services"].append(copy.deepcopy(services["services"][0]) | {"port": 9999, "route": None})
    message = config_error(services)
    assert "smartpost:services" in message and "'admin-api' is used 2 times" in message


@pytest.mark.parametrize("port", [80, 0, 70000])
def test_port_out_of_range_names_the_service_key(port: int) -> None:
    message = config_error(with_service(0, port=port))
    assert "smartpost:services.services[0].port" in message and f"got {port}" in message


def test_port_of_the_tracing_sidecar_is_refused() -> None:
    message = config_error(with_service(1, port=2000))
    assert "smartpost:services.services[1].port" in message and "sidecar" in message


@pytest.mark.parametrize(("cpu", "memory"), [(256, 4096), (1024, 1024), (4096, 31744), (8192, 17408)])
def test_cpu_memory_combination_fargate_does_not_offer_is_refused(cpu: int, memory: int) -> None:
    message = config_error(with_service(2, cpu=cpu, memory=memory))
    assert "smartpost:services.services[2]" in message
    assert f"cpu {cpu} with memory {memory} is not a Fargate combination" in message


def test_cpu_that_is_not_a_fargate_size_is_refused() -> None:
    message = config_error(with_service(0, cpu=300, memory=512))
    assert "smartpost:services.services[0]" in message and "cpu 300 is not a Fargate size" in message


def test_every_fargate_combination_in_the_table_is_accepted() -> None:
    for cpu, memories in FARGATE_SIZES.items():
        for memory in (memories[0], memories[-1]):
            services = with_service(0, cpu=cpu, memory=memory)
            parse_stack_config(stack_config_with("dev", services=services).values)


def test_route_clash_on_the_same_path_is_refused() -> None:
    message = config_error(with_service(1, route={"pathPatterns": ["/api/*"]}))
    assert "smartpost:services" in message
    assert "services[1].route.pathPatterns: '/api/*' is already routed to 'admin-api' (route clash)" in message


def test_route_clash_on_the_same_rule_priority_is_refused() -> None:
    services = with_service(1, route={"pathPatterns": ["/notifications/*"], "priority": 100})
    message = config_error(services)
    assert "services[1].route.priority 100 is already used by 'admin-api' (route clash)" in message


def test_route_needs_exactly_one_of_paths_or_hosts() -> None:
    message = config_error(with_service(0, route={"pathPatterns": ["/a/*"], "hosts": ["api.example.jp"]}))
    assert "smartpost:services.services[0].route" in message and "exactly one" in message


def test_desired_count_outside_the_autoscaling_bounds_is_refused() -> None:
    message = config_error(with_service(0, desiredCount=5, autoscaling={"minCount": 1, "maxCount": 2}))
    assert "smartpost:services.services[0]" in message and "minCount <= desiredCount <= maxCount" in message


def test_parameters_must_name_a_known_parameter() -> None:
    message = config_error(with_service(0, parameters={"API_KEY": "nope"}))
    assert "services[0].parameters refers to unknown parameters ['nope']" in message


def test_moving_image_tags_are_refused() -> None:
    message = config_error(with_service(0, imageTag="latest"))
    assert "smartpost:services.services[0].imageTag" in message and "immutable" in message


def test_db_user_without_database_access_is_refused() -> None:
    message = config_error(with_service(3, dbUser="scheduler"))
    assert "smartpost:services.services[3]" in message and "dbUser is set but databaseAccess is false" in message


def test_certificate_must_be_an_acm_arn() -> None:
    message = config_error(services_with(certificateArn="arn:aws:iam::111111111111:server-certificate/x"))
    assert "smartpost:services.certificateArn" in message


def test_certificate_in_another_account_or_region_is_refused() -> None:
    arn = "arn:aws:acm:us-east-1:999999999999:certificate/0b1d3c5e-7f90-4a12-9b34-c56d78e9f012"
    message = config_error(services_with(certificateArn=arn))
    assert "smartpost:services.certificateArn is in region us-east-1" in message
    assert "smartpost:services.certificateArn is in account 999999999999" in message


def test_unpinned_adot_image_is_refused() -> None:
    message = config_error(services_with(adotImage="public.ecr.aws/aws-observability/aws-otel-collector:latest"))
    assert "smartpost:services.adotImage" in message


def test_every_problem_is_reported_at_once() -> None:
    services = services_with()
    services["services"][0].update(port=80)
    services["services"][1].update(cpu=256, memory=4096)
    message = config_error(services)
    assert "services[0].port" in message and "services[1]" in message


def test_config_error_stops_the_program_before_any_resource() -> None:
    with pytest.raises(ProgramError) as caught:
        run_program("dev", stack_config_with("dev", services=with_service(0, port=80)))
    assert "smartpost:services.services[0].port" in caught.value.message
