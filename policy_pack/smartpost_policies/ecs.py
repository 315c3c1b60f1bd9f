"""ECS on Fargate (seed 1.2, 4.1): containers read-only, unprivileged, non-root, logging, secrets
never in plain environment values; services without public IPs or ECS Exec."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, as_list, config_value, get, resource_policy, truthy

CLUSTER = "aws:ecs/cluster:Cluster"
SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SECRET_NAME_PATTERNS = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL"]


def _containers(args: ResourceValidationArgs) -> list[Mapping]:
    if args.resource_type != TASK_DEFINITION:
        return []
    return [c for c in as_list(get(args.props, "containerDefinitions")) if isinstance(c, Mapping)]


def _read_only(args: ResourceValidationArgs, report) -> None:
    for c in _containers(args):
        if not truthy(get(c, "readonlyRootFilesystem")):
            report(f"Container {get(c, 'name')} has a writable root filesystem: readonlyRootFilesystem=true.")


def _not_privileged(args: ResourceValidationArgs, report) -> None:
    for c in _containers(args):
        if truthy(get(c, "privileged")):
            report(f"Container {get(c, 'name')} is privileged.")


def _non_root(args: ResourceValidationArgs, report) -> None:
    for c in _containers(args):
        user = str(get(c, "user", default="")).strip()
        if not user or user.split(":")[0] in ("root", "0"):
            report(f"Container {get(c, 'name')} runs as root: set user to a non-root UID (e.g. '1000:1000').")


def _logging(args: ResourceValidationArgs, report) -> None:
    for c in _containers(args):
        if not get(c, "logConfiguration", "logDriver"):
            report(f"Container {get(c, 'name')} has no logConfiguration (awslogs to CloudWatch Logs).")


def _no_secrets_in_environment(args: ResourceValidationArgs, report) -> None:
    patterns = [str(p).upper() for p in config_value(args, "secretNamePatterns", SECRET_NAME_PATTERNS)]
    for c in _containers(args):
        for variable in as_list(get(c, "environment")):
            name = str(get(variable, "name", default=""))
            normalized = re.sub(r"[^A-Z0-9]", "_", name.upper())
            if any(p in normalized or p in normalized.replace("_", "") for p in patterns):
                report(
                    f"Container {get(c, 'name')} passes {name} as a plain environment value; use 'secrets' "
                    "(valueFrom Parameter Store / Secrets Manager)."
                )


def _no_public_ip(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == SERVICE and truthy(get(args.props, "networkConfiguration", "assignPublicIp")):
        report("The service gives its tasks public IPs: assign_public_ip=False in the private subnets.")


def _no_exec(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == SERVICE and truthy(get(args.props, "enableExecuteCommand")):
        report("ECS Exec is on: containers must allow no login (enable_execute_command=False).")


def _container_insights(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != CLUSTER:
        return
    values = [get(s, "value") for s in as_list(get(args.props, "settings")) if get(s, "name") == "containerInsights"]
    if not any(v in ("enabled", "enhanced") for v in values):
        report("Container Insights is off: settings=[{name: 'containerInsights', value: 'enhanced'}].")


ecs_task_read_only_root = resource_policy(
    name="ecs-task-definition-read-only-root",
    description="Every container has a read-only root filesystem.",
    severity=Severity.HIGH,
    remediation="Set readonlyRootFilesystem=true; give writable scratch space through explicit volumes.",
    control=Control(security_hub="ECS.5", checkov="CKV_AWS_336"),
    validate=_read_only,
)
ecs_task_not_privileged = resource_policy(
    name="ecs-task-definition-not-privileged",
    description="No container runs privileged.",
    severity=Severity.CRITICAL,
    remediation="Remove privileged=true from the container definition.",
    control=Control(security_hub="ECS.4", checkov="CKV_AWS_334"),
    validate=_not_privileged,
)
ecs_task_non_root = resource_policy(
    name="ecs-task-definition-non-root-user",
    description="Every container runs as a non-root user.",
    severity=Severity.HIGH,
    remediation="Set user to a non-root UID:GID (e.g. '1000:1000') in the container definition.",
    control=Control(seed="4.1"),
    validate=_non_root,
)
ecs_task_logging = resource_policy(
    name="ecs-task-definition-logging",
    description="Every container has a log configuration.",
    severity=Severity.MEDIUM,
    remediation="Set logConfiguration with logDriver 'awslogs' and a log group from LogSettings.log_group.",
    control=Control(security_hub="ECS.9", cdk_nag="AwsSolutions-ECS7"),
    validate=_logging,
)
ecs_task_no_secrets_in_environment = resource_policy(
    name="ecs-task-definition-no-secrets-in-environment",
    description="No container passes a secret-looking variable as a plain environment value.",
    severity=Severity.HIGH,
    remediation="Move the value to SSM Parameter Store SecureString / Secrets Manager and reference it in 'secrets'.",
    control=Control(security_hub="ECS.8", cdk_nag="AwsSolutions-ECS2"),
    validate=_no_secrets_in_environment,
    config={"secretNamePatterns": ({"type": "array", "items": {"type": "string"}}, SECRET_NAME_PATTERNS)},
)
ecs_service_no_public_ip = resource_policy(
    name="ecs-service-no-public-ip",
    description="ECS services do not assign public IPs to their tasks.",
    severity=Severity.HIGH,
    remediation="Set network_configuration.assign_public_ip=False and use the private subnets.",
    control=Control(security_hub="ECS.2", checkov="CKV_AWS_333"),
    validate=_no_public_ip,
)
ecs_service_no_exec = resource_policy(
    name="ecs-service-no-execute-command",
    description="ECS Exec is off on every service (no login into containers).",
    severity=Severity.HIGH,
    remediation="Set enable_execute_command=False (the default).",
    control=Control(seed="4.1"),
    validate=_no_exec,
)

ecs_cluster_container_insights = resource_policy(
    name="ecs-cluster-container-insights",
    description="ECS clusters have Container Insights on.",
    severity=Severity.LOW,
    remediation="Set settings=[ClusterSettingArgs(name='containerInsights', value='enhanced')].",
    control=Control(security_hub="ECS.12", checkov="CKV_AWS_65", cdk_nag="AwsSolutions-ECS4"),
    validate=_container_insights,
)

POLICIES = [
    ecs_cluster_container_insights,
    ecs_task_read_only_root,
    ecs_task_not_privileged,
    ecs_task_non_root,
    ecs_task_logging,
    ecs_task_no_secrets_in_environment,
    ecs_service_no_public_ip,
    ecs_service_no_exec,
]
