"""Observability (seed 1.2, SPEC "Security services and operations"): an Amazon Managed Service for
Prometheus workspace on a customer key, an Amazon Managed Grafana workspace signed into through IAM
Identity Center with Prometheus, CloudWatch and X-Ray data sources, and X-Ray sampling and a group.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import grants
from components.kms import KmsKey, KmsKeyArgs
from components.logs import LogSettings
from stack_config.operations import ObservabilityConfig

GRAFANA = "grafana.amazonaws.com"
# AWS managed policies for a service-managed Grafana workspace's data sources (read-only).
GRAFANA_DATA_SOURCE_POLICIES = {
    "prometheus": "arn:aws:iam::aws:policy/AmazonPrometheusQueryAccess",
    "cloudwatch": "arn:aws:iam::aws:policy/service-role/AmazonGrafanaCloudWatchAccess",
    "xray": "arn:aws:iam::aws:policy/AWSXrayReadOnlyAccess",
}


@dataclass(frozen=True, kw_only=True)
class ObservabilityArgs:
    name_prefix: str
    account_id: str
    config: ObservabilityConfig
    logs: LogSettings
    protect: bool = False


class Observability(pulumi.ComponentResource):
    key: KmsKey
    prometheus: aws.amp.Workspace
    prometheus_endpoint: pulumi.Output[str]
    grafana: aws.grafana.Workspace | None
    grafana_endpoint: pulumi.Output[str] | None
    sampling_rule: aws.xray.SamplingRule
    xray_group: aws.xray.Group

    def __init__(self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:operations:Observability", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.key = KmsKey(
            f"{name}-key",
            KmsKeyArgs(
                description=f"{args.name_prefix} Managed Prometheus",
                account_id=args.account_id,
                alias=f"alias/{args.name_prefix}/prometheus",
                protect=args.protect,
            ),
            opts=child,
        )
        prometheus_logs = args.logs.log_group(f"{name}-prometheus-logs", parent=self)
        self.prometheus = aws.amp.Workspace(
            f"{name}-prometheus",
            alias=f"{args.name_prefix}-metrics",
            kms_key_arn=self.key.arn,
            logging_configuration=aws.amp.WorkspaceLoggingConfigurationArgs(
                log_group_arn=pulumi.Output.concat(prometheus_logs.arn, ":*")
            ),
            opts=child,
        )
        self.prometheus_endpoint = self.prometheus.prometheus_endpoint

        self.grafana = None
        self.grafana_endpoint = None
        if args.config.grafana:
            role = aws.iam.Role(
                f"{name}-grafana-role",
                description="Managed Grafana reads Prometheus, CloudWatch and X-Ray",
                assume_role_policy=grants.assume_role_policy(GRAFANA, source_account=args.account_id),
                opts=child,
            )
            attachments = [
                aws.iam.RolePolicyAttachment(f"{name}-grafana-{source}", role=role.name, policy_arn=arn, opts=child)
                for source, arn in GRAFANA_DATA_SOURCE_POLICIES.items()
            ]
            self.grafana = aws.grafana.Workspace(
                f"{name}-grafana",
                name=f"{args.name_prefix}-grafana",
                description=f"{args.name_prefix} dashboards",
                account_access_type="CURRENT_ACCOUNT",
                authentication_providers=["AWS_SSO"],
                permission_type="SERVICE_MANAGED",
                data_sources=["PROMETHEUS", "CLOUDWATCH", "XRAY"],
                role_arn=role.arn,
                opts=pulumi.ResourceOptions(parent=self, depends_on=attachments),
            )
            self.grafana_endpoint = self.grafana.endpoint

        self.sampling_rule = aws.xray.SamplingRule(
            f"{name}-sampling",
            rule_name=f"{args.name_prefix}-default"[:32],
            priority=1000,
            version=1,
            reservoir_size=args.config.xray_reservoir_per_second,
            fixed_rate=args.config.xray_sampling_rate,
            host="*",
            http_method="*",
            url_path="*",
            service_name="*",
            service_type="*",
            resource_arn="*",
            opts=child,
        )
        self.xray_group = aws.xray.Group(
            f"{name}-xray-errors",
            group_name=f"{args.name_prefix}-errors",
            filter_expression="fault = true OR error = true OR responsetime > 3",
            insights_configuration=aws.xray.GroupInsightsConfigurationArgs(insights_enabled=True),
            opts=child,
        )
        self.register_outputs({"prometheus_endpoint": self.prometheus_endpoint})
