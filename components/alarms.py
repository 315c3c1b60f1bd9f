"""CloudWatch alarms to the operators' topic (seed 6.2): ALB 5xx and latency, ECS CPU / memory per
service, Aurora CPU / freeable memory / connections, Lambda errors per function, Step Functions
failures and Firehose delivery. Each tier's piece is optional so the alarms follow what exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from stack_config.operations import AlarmThresholds

PERIOD = 60
MIB = 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class AlarmTargets:
    """What to watch; every field is optional (a tier that does not exist yet is simply not watched)."""

    alb_arn_suffix: pulumi.Input[str] | None = None
    ecs_cluster_name: pulumi.Input[str] | None = None
    ecs_service_names: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)  # role -> service name
    aurora_cluster_identifier: pulumi.Input[str] | None = None
    lambda_function_names: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)  # role -> function name
    state_machine_arn: pulumi.Input[str] | None = None
    firehose_stream_name: pulumi.Input[str] | None = None


@dataclass(frozen=True, kw_only=True)
class AlarmsArgs:
    topic_arn: pulumi.Input[str]
    targets: AlarmTargets
    thresholds: AlarmThresholds


@dataclass(frozen=True, kw_only=True)
class _Spec:
    description: str
    namespace: str
    metric: str
    dimensions: Mapping[str, pulumi.Input[str]]
    comparison: str
    threshold: float
    statistic: str | None = "Average"
    extended_statistic: str | None = None
    treat_missing_data: str = "notBreaching"


class Alarms(pulumi.ComponentResource):
    alarms: dict[str, aws.cloudwatch.MetricAlarm]

    def __init__(self, name: str, args: AlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:operations:Alarms", name, None, opts)
        self._name = name
        self._args = args
        self.alarms = {}
        t, limits = args.targets, args.thresholds
        above, below = "GreaterThanOrEqualToThreshold", "LessThanThreshold"

        if t.alb_arn_suffix is not None:
            alb = {"LoadBalancer": t.alb_arn_suffix}
            self._alarm(
                "alb-5xx",
                _Spec(
                    description="ALB: 5xx responses (load balancer and targets)",
                    namespace="AWS/ApplicationELB",
                    metric="HTTPCode_ELB_5XX_Count",
                    dimensions=alb,
                    comparison=above,
                    threshold=limits.alb_errors_per_minute,
                    statistic="Sum",
                ),
            )
            self._alarm(
                "alb-target-5xx",
                _Spec(
                    description="ALB: 5xx responses from the services",
                    namespace="AWS/ApplicationELB",
                    metric="HTTPCode_Target_5XX_Count",
                    dimensions=alb,
                    comparison=above,
                    threshold=limits.alb_errors_per_minute,
                    statistic="Sum",
                ),
            )
            self._alarm(
                "alb-latency",
                _Spec(
                    description="ALB: p95 target response time",
                    namespace="AWS/ApplicationELB",
                    metric="TargetResponseTime",
                    dimensions=alb,
                    comparison=above,
                    threshold=limits.alb_target_response_seconds,
                    statistic=None,
                    extended_statistic="p95",
                ),
            )
        if t.ecs_cluster_name is not None:
            for role, service in t.ecs_service_names.items():
                dims = {"ClusterName": t.ecs_cluster_name, "ServiceName": service}
                self._alarm(
                    f"ecs-{role}-cpu",
                    _Spec(
                        description=f"ECS {role}: CPU utilisation",
                        namespace="AWS/ECS",
                        metric="CPUUtilization",
                        dimensions=dims,
                        comparison=above,
                        threshold=limits.ecs_cpu_percent,
                    ),
                )
                self._alarm(
                    f"ecs-{role}-memory",
                    _Spec(
                        description=f"ECS {role}: memory utilisation",
                        namespace="AWS/ECS",
                        metric="MemoryUtilization",
                        dimensions=dims,
                        comparison=above,
                        threshold=limits.ecs_memory_percent,
                    ),
                )
        if t.aurora_cluster_identifier is not None:
            db = {"DBClusterIdentifier": t.aurora_cluster_identifier}
            self._alarm(
                "aurora-cpu",
                _Spec(
                    description="Aurora: CPU utilisation",
                    namespace="AWS/RDS",
                    metric="CPUUtilization",
                    dimensions=db,
                    comparison=above,
                    threshold=limits.aurora_cpu_percent,
                ),
            )
            self._alarm(
                "aurora-freeable-memory",
                _Spec(
                    description="Aurora: freeable memory low",
                    namespace="AWS/RDS",
                    metric="FreeableMemory",
                    dimensions=db,
                    comparison=below,
                    threshold=limits.aurora_freeable_memory_mib * MIB,
                    statistic="Minimum",
                ),
            )
            self._alarm(
                "aurora-connections",
                _Spec(
                    description="Aurora: database connections",
                    namespace="AWS/RDS",
                    metric="DatabaseConnections",
                    dimensions=db,
                    comparison=above,
                    threshold=limits.aurora_connections,
                    statistic="Maximum",
                ),
            )
        for role, function in t.lambda_function_names.items():
            self._alarm(
                f"lambda-{role}-errors",
                _Spec(
                    description=f"Lambda {role}: errors",
                    namespace="AWS/Lambda",
                    metric="Errors",
                    dimensions={"FunctionName": function},
                    comparison=above,
                    threshold=limits.lambda_errors_per_minute,
                    statistic="Sum",
                ),
            )
        if t.state_machine_arn is not None:
            self._alarm(
                "states-failed",
                _Spec(
                    description="Step Functions: failed executions",
                    namespace="AWS/States",
                    metric="ExecutionsFailed",
                    dimensions={"StateMachineArn": t.state_machine_arn},
                    comparison=above,
                    threshold=1,
                    statistic="Sum",
                ),
            )
        if t.firehose_stream_name is not None:
            stream = {"DeliveryStreamName": t.firehose_stream_name}
            self._alarm(
                "firehose-delivery",
                _Spec(
                    description="Firehose: records not delivered to the notification trail bucket",
                    namespace="AWS/Firehose",
                    metric="DeliveryToS3.Success",
                    dimensions=stream,
                    comparison=below,
                    threshold=1,
                    statistic="Minimum",
                ),
            )
            self._alarm(
                "firehose-freshness",
                _Spec(
                    description="Firehose: oldest undelivered record age",
                    namespace="AWS/Firehose",
                    metric="DeliveryToS3.DataFreshness",
                    dimensions=stream,
                    comparison=above,
                    threshold=limits.firehose_freshness_seconds,
                    statistic="Maximum",
                ),
            )
        self.register_outputs({})

    def _alarm(self, role: str, spec: _Spec) -> aws.cloudwatch.MetricAlarm:
        actions = [self._args.topic_arn]
        alarm = aws.cloudwatch.MetricAlarm(
            f"{self._name}-{role}",
            alarm_description=spec.description,
            namespace=spec.namespace,
            metric_name=spec.metric,
            dimensions=dict(spec.dimensions),
            statistic=spec.statistic,
            extended_statistic=spec.extended_statistic,
            comparison_operator=spec.comparison,
            threshold=spec.threshold,
            period=PERIOD,
            evaluation_periods=self._args.thresholds.evaluation_periods,
            treat_missing_data=spec.treat_missing_data,
            alarm_actions=actions,
            ok_actions=actions,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.alarms[role] = alarm
        return alarm
