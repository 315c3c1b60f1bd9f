"""One ECS Fargate microservice: task definition (app + ADOT tracing sidecar), execution and task
roles, its log group, the ECS service on Service Connect, target-tracking autoscaling and, when it
is routed, a target group and a listener rule on the ALB's HTTPS listener.

Every container: read-only root filesystem (``/tmp`` is a task volume), a non-root user, not
privileged, all Linux capabilities dropped, ``awslogs`` to the service's own log group, secrets only
through ``secrets`` (SSM SecureString ARNs). No ECS Exec, no public IP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pulumi
import pulumi_aws as aws

from components import grants
from components.logs import LogSettings
from components.services.cluster import ServiceCluster
from components.services.ecr import ImageRegistry
from components.services.parameters import ParameterStore
from stack_config.services import ServiceConfig

APP_CONTAINER = "app"
SIDECAR_CONTAINER = "otel-collector"
APP_USER = "1000:1000"
SIDECAR_USER = "10001:10001"
PORT_NAME = "http"
SCRATCH_VOLUME = "scratch"
SCRATCH_PATH = "/tmp"
SIDECAR_MEMORY_RESERVATION = 64  # MiB, out of the task's memory

# The collector's configuration (not a secret): OTLP and X-Ray SDK traffic in, X-Ray out.
COLLECTOR_CONFIG = """\
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:4317
      http:
        endpoint: 127.0.0.1:4318
  awsxray:
    endpoint: 127.0.0.1:2000
    transport: udp
processors:
  batch/traces:
    timeout: 1s
    send_batch_size: 50
  resourcedetection:
    detectors: [env, ecs]
exporters:
  awsxray:
extensions:
  health_check:
    endpoint: 127.0.0.1:13133
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp, awsxray]
      processors: [resourcedetection, batch/traces]
      exporters: [awsxray]
"""


class DatabaseGrants(Protocol):
    """What a service needs from the data tier (components/database.py ``AuroraPostgres``)."""

    def grant_connect(
        self, name: str, role: aws.iam.Role, db_user: str, *, parent: pulumi.Resource
    ) -> aws.iam.RolePolicy: ...


@dataclass(frozen=True, kw_only=True)
class MicroserviceArgs:
    config: ServiceConfig
    family: str  # task definition family, e.g. "smartpost-dev-admin-api"
    account_id: str
    region: str
    cluster: ServiceCluster
    registry: ImageRegistry
    parameters: ParameterStore
    logs: LogSettings
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    adot_image: str
    listener_arn: pulumi.Input[str] | None = None  # the ALB's HTTPS listener; needed when the service is routed
    rule_priority: int | None = None
    database: DatabaseGrants | None = None  # needed when the service declares database access


class Microservice(pulumi.ComponentResource):
    service: aws.ecs.Service
    service_name: pulumi.Output[str]
    task_definition: aws.ecs.TaskDefinition
    execution_role: aws.iam.Role
    task_role: aws.iam.Role
    log_group: aws.cloudwatch.LogGroup
    target_group: aws.lb.TargetGroup | None
    target_group_arn_suffix: pulumi.Output[str] | None

    def __init__(self, name: str, args: MicroserviceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:services:Microservice", name, None, opts)
        cfg = args.config
        child = pulumi.ResourceOptions(parent=self)
        if cfg.route is not None and (args.listener_arn is None or args.rule_priority is None):
            raise pulumi.RunError(f"Microservice {name}: a routed service needs listener_arn and rule_priority")
        if cfg.database_access and args.database is None:
            raise pulumi.RunError(f"Microservice {name}: databaseAccess is true but no database was passed in")

        self.log_group = args.logs.log_group(f"{name}-logs", parent=self)

        # -- roles: who may start the task (execution) and what the code may do (task) ---------
        trust = grants.assume_role_policy(
            "ecs-tasks.amazonaws.com",
            source_account=args.account_id,
            source_arn=f"arn:aws:ecs:{args.region}:{args.account_id}:*",
        )
        self.execution_role = aws.iam.Role(
            f"{name}-execution",
            description=f"ECS task execution role of {cfg.name}: image pull, logs, its parameters",
            assume_role_policy=trust,
            opts=child,
        )
        self.task_role = aws.iam.Role(
            f"{name}-task", description=f"ECS task role of {cfg.name}", assume_role_policy=trust, opts=child
        )
        args.registry.grant_pull(f"{name}-ecr-pull", self.execution_role, cfg.name, parent=self)
        grants.grant(
            f"{name}-logs-write",
            self.execution_role,
            [grants.statement(grants.LOGS_WRITE, pulumi.Output.concat(self.log_group.arn, ":*"))],
            parent=self,
        )
        args.parameters.grant_read(
            f"{name}-parameters-read", self.execution_role, sorted(set(cfg.parameters.values())), parent=self
        )
        # X-Ray actions have no resource-level scoping.
        grants.grant(f"{name}-xray-write", self.task_role, [grants.statement(grants.XRAY_WRITE, "*")], parent=self)
        if cfg.database_access:
            assert args.database is not None
            args.database.grant_connect(f"{name}-db-connect", self.task_role, cfg.database_user, parent=self)

        # -- task definition -------------------------------------------------------------------
        repository = args.registry.repositories[cfg.name]
        self.task_definition = aws.ecs.TaskDefinition(
            f"{name}-task-definition",
            family=args.family,
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(cfg.cpu),
            memory=str(cfg.memory),
            execution_role_arn=self.execution_role.arn,
            task_role_arn=self.task_role.arn,
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture=cfg.cpu_architecture
            ),
            # Fargate has no tmpfs: a task volume (on the task's ephemeral storage) is the scratch space.
            volumes=[aws.ecs.TaskDefinitionVolumeArgs(name=SCRATCH_VOLUME)],
            container_definitions=pulumi.Output.json_dumps(
                [
                    self._app_container(args, repository.repository_url),
                    self._sidecar_container(args),
                ]
            ),
            opts=child,
        )

        # -- ALB target group and rule -----------------------------------------------------------
        self.target_group = None
        self.target_group_arn_suffix = None
        load_balancers: list[aws.ecs.ServiceLoadBalancerArgs] = []
        depends_on: list[pulumi.Resource] = []
        if cfg.route is not None:
            self.target_group = aws.lb.TargetGroup(
                f"{name}-tg",
                target_type="ip",
                protocol="HTTP",
                port=cfg.port,
                vpc_id=args.vpc_id,
                deregistration_delay=30,
                health_check=aws.lb.TargetGroupHealthCheckArgs(
                    enabled=True,
                    path=cfg.health_check_path,
                    protocol="HTTP",
                    matcher="200-399",
                    interval=15,
                    timeout=5,
                    healthy_threshold=2,
                    unhealthy_threshold=3,
                ),
                opts=child,
            )
            self.target_group_arn_suffix = self.target_group.arn_suffix
            condition = (
                aws.lb.ListenerRuleConditionArgs(
                    path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(values=cfg.route.path_patterns)
                )
                if cfg.route.path_patterns
                else aws.lb.ListenerRuleConditionArgs(
                    host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=cfg.route.hosts)
                )
            )
            assert args.listener_arn is not None
            rule = aws.lb.ListenerRule(
                f"{name}-rule",
                listener_arn=args.listener_arn,
                priority=args.rule_priority,
                conditions=[condition],
                actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=self.target_group.arn)],
                opts=child,
            )
            depends_on.append(rule)  # ECS rejects a target group that no listener uses yet
            load_balancers.append(
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=self.target_group.arn, container_name=APP_CONTAINER, container_port=cfg.port
                )
            )

        # -- the service --------------------------------------------------------------------------
        cluster = args.cluster
        tls = (
            aws.ecs.ServiceServiceConnectConfigurationServiceTlsArgs(
                issuer_cert_authority=aws.ecs.ServiceServiceConnectConfigurationServiceTlsIssuerCertAuthorityArgs(
                    aws_pca_authority_arn=cluster.private_ca_arn
                ),
                role_arn=cluster.tls_role_arn,
            )
            if cluster.private_ca_arn
            else None
        )
        self.service = aws.ecs.Service(
            f"{name}-service",
            cluster=cluster.cluster_arn,
            task_definition=self.task_definition.arn,
            launch_type="FARGATE",
            platform_version="LATEST",
            desired_count=cfg.desired_count,
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=list(args.subnet_ids), security_groups=[args.security_group_id], assign_public_ip=False
            ),
            enable_execute_command=False,  # no login into containers (seed: no ECS Exec)
            # Rolling update: new tasks from the new image first, old ones stopped after; a release that
            # never becomes healthy is rolled back.
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            deployment_controller=aws.ecs.ServiceDeploymentControllerArgs(type="ECS"),
            health_check_grace_period_seconds=cfg.health_check_grace_period_seconds,
            load_balancers=load_balancers,
            service_connect_configuration=aws.ecs.ServiceServiceConnectConfigurationArgs(
                enabled=True,
                namespace=cluster.namespace_arn,
                services=[
                    aws.ecs.ServiceServiceConnectConfigurationServiceArgs(
                        port_name=PORT_NAME,
                        discovery_name=cfg.name,
                        client_alias=[
                            aws.ecs.ServiceServiceConnectConfigurationServiceClientAliasArgs(
                                port=cfg.port, dns_name=cfg.name
                            )
                        ],
                        tls=tls,
                    )
                ],
                log_configuration=aws.ecs.ServiceServiceConnectConfigurationLogConfigurationArgs(
                    log_driver="awslogs",
                    options={
                        "awslogs-group": self.log_group.name,
                        "awslogs-region": args.region,
                        "awslogs-stream-prefix": "service-connect",
                    },
                ),
            ),
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            wait_for_steady_state=False,
            # Autoscaling owns the running count once the service exists.
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on, ignore_changes=["desiredCount"]),
        )
        self.service_name = self.service.name

        scaling = cfg.autoscaling
        target = aws.appautoscaling.Target(
            f"{name}-scaling-target",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", cluster.cluster_name, "/", self.service.name),
            min_capacity=scaling.min_count,
            max_capacity=scaling.max_count,
            opts=child,
        )
        aws.appautoscaling.Policy(
            f"{name}-cpu-tracking",
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                target_value=float(scaling.target_cpu),
                predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type="ECSServiceAverageCPUUtilization"
                ),
                scale_in_cooldown=300,
                scale_out_cooldown=60,
            ),
            opts=child,
        )
        self.register_outputs(
            {"service_name": self.service_name, "target_group_arn_suffix": self.target_group_arn_suffix}
        )

    # -- container definitions ----------------------------------------------------------------
    def _awslogs(self, args: MicroserviceArgs, prefix: str) -> dict[str, Any]:
        return {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": self.log_group.name,
                "awslogs-region": args.region,
                "awslogs-stream-prefix": prefix,
            },
        }

    @staticmethod
    def _hardening(user: str) -> dict[str, Any]:
        return {
            "readonlyRootFilesystem": True,
            "user": user,
            "privileged": False,
            "linuxParameters": {"initProcessEnabled": True, "capabilities": {"drop": ["ALL"]}},
            "mountPoints": [{"sourceVolume": SCRATCH_VOLUME, "containerPath": SCRATCH_PATH, "readOnly": False}],
        }

    def _app_container(self, args: MicroserviceArgs, repository_url: pulumi.Output[str]) -> dict[str, Any]:
        cfg = args.config
        return {
            "name": APP_CONTAINER,
            "image": pulumi.Output.concat(repository_url, ":", cfg.image_tag),
            "essential": True,
            "portMappings": [{"name": PORT_NAME, "containerPort": cfg.port, "protocol": "tcp", "appProtocol": "http"}],
            **self._hardening(APP_USER),
            "logConfiguration": self._awslogs(args, APP_CONTAINER),
            # Secrets are resolved by ECS at start from SSM; the values never appear in the task definition.
            "secrets": [
                {"name": env, "valueFrom": args.parameters.arns[parameter]}
                for env, parameter in sorted(cfg.parameters.items())
            ],
            # Plain, non-secret settings only.
            "environment": [
                {"name": "PORT", "value": str(cfg.port)},
                {"name": "SERVICE_NAME", "value": cfg.name},
                {"name": "OTEL_SERVICE_NAME", "value": cfg.name},
                {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://127.0.0.1:4317"},
                {"name": "AWS_XRAY_DAEMON_ADDRESS", "value": "127.0.0.1:2000"},
            ],
            "dependsOn": [{"containerName": SIDECAR_CONTAINER, "condition": "START"}],
            "stopTimeout": 30,
        }

    def _sidecar_container(self, args: MicroserviceArgs) -> dict[str, Any]:
        return {
            "name": SIDECAR_CONTAINER,
            "image": args.adot_image,
            "essential": False,  # the service keeps serving if tracing fails
            "memoryReservation": SIDECAR_MEMORY_RESERVATION,
            **self._hardening(SIDECAR_USER),
            "logConfiguration": self._awslogs(args, SIDECAR_CONTAINER),
            "secrets": [],
            "environment": [{"name": "AOT_CONFIG_CONTENT", "value": COLLECTOR_CONFIG}],
        }
