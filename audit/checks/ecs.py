"""ECS: services without ECS Exec or public IPs; task definitions read-only and not privileged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from audit.model import AuditContext, Result, evaluate, paginate

RULES = (
    "ecs-service-no-execute-command",
    "ecs-service-no-public-ip",
    "ecs-task-definition-read-only-root",
    "ecs-task-definition-not-privileged",
)
DESCRIBE_BATCH = 10  # DescribeServices accepts at most 10 services per call


def run(ctx: AuditContext) -> Iterator[Result]:
    ecs = ctx.client("ecs")
    task_definitions: dict[str, None] = {}  # ordered set: what services run, then each family's latest
    for cluster in paginate(ecs, "list_clusters", "clusterArns"):
        service_arns = paginate(ecs, "list_services", "serviceArns", cluster=cluster)
        for start in range(0, len(service_arns), DESCRIBE_BATCH):
            batch = service_arns[start : start + DESCRIBE_BATCH]
            for service in ecs.describe_services(cluster=cluster, services=batch)["services"]:
                arn = service["serviceArn"]
                yield evaluate(RULES[0], arn, _no_exec, service)
                yield evaluate(RULES[1], arn, _no_public_ip, service)
                if service.get("taskDefinition"):
                    task_definitions[service["taskDefinition"]] = None
    for family in paginate(ecs, "list_task_definition_families", "families", status="ACTIVE"):
        task_definitions.setdefault(family, None)
    seen: set[str] = set()
    for reference in task_definitions:
        described = _describe(ecs, reference)
        if isinstance(described, Result):
            yield described
            continue
        arn = described["taskDefinitionArn"]
        if arn in seen:
            continue
        seen.add(arn)
        yield evaluate(RULES[2], arn, _read_only, described)
        yield evaluate(RULES[3], arn, _not_privileged, described)


def _describe(ecs: Any, reference: str) -> dict[str, Any] | Result:
    holder: dict[str, Any] = {}

    def probe() -> tuple[bool, str]:
        holder.update(ecs.describe_task_definition(taskDefinition=reference)["taskDefinition"])
        return True, ""

    result = evaluate(RULES[2], reference, probe)
    return holder if holder else result


def _no_exec(service: dict[str, Any]) -> tuple[bool, str]:
    if service.get("enableExecuteCommand"):
        return False, "ECS Exec is enabled: anyone with ecs:ExecuteCommand gets a shell in the containers"
    return True, "ECS Exec disabled"


def _no_public_ip(service: dict[str, Any]) -> tuple[bool, str]:
    vpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    if vpc.get("assignPublicIp") == "ENABLED":
        return False, "tasks get public IP addresses (assignPublicIp ENABLED)"
    return True, "no public IP"


def _containers(task_definition: dict[str, Any]) -> list[dict[str, Any]]:
    return task_definition.get("containerDefinitions") or []


def _read_only(task_definition: dict[str, Any]) -> tuple[bool, str]:
    writable = [c.get("name", "?") for c in _containers(task_definition) if not c.get("readonlyRootFilesystem")]
    if writable:
        return False, f"containers with a writable root filesystem: {', '.join(writable)}"
    return True, "every container read-only"


def _not_privileged(task_definition: dict[str, Any]) -> tuple[bool, str]:
    privileged = [c.get("name", "?") for c in _containers(task_definition) if c.get("privileged")]
    if privileged:
        return False, f"privileged containers: {', '.join(privileged)}"
    return True, "no privileged container"
