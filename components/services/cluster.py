"""The ECS cluster (Fargate, Container Insights) and the Cloud Map namespace its services meet in
through ECS Service Connect, the successor of the seed's App Mesh (docs/service-mesh.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from components import grants

# AWS managed policy that lets ECS issue Service Connect certificates from AWS Private CA.
SERVICE_CONNECT_TLS_POLICY = (
    "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity"
)


@dataclass(frozen=True, kw_only=True)
class ServiceClusterArgs:
    account_id: str
    region: str
    namespace: str  # Cloud Map namespace name, e.g. "smartpost.internal"
    container_insights: Literal["enhanced", "enabled"] = "enhanced"
    private_ca_arn: str | None = None  # Service Connect TLS when set


class ServiceCluster(pulumi.ComponentResource):
    cluster: aws.ecs.Cluster
    namespace: aws.servicediscovery.HttpNamespace
    cluster_name: pulumi.Output[str]
    cluster_arn: pulumi.Output[str]
    namespace_arn: pulumi.Output[str]
    private_ca_arn: str | None
    tls_role_arn: pulumi.Output[str] | None

    def __init__(self, name: str, args: ServiceClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:services:ServiceCluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Service Connect needs only API-based discovery: an HTTP namespace, no private hosted zone.
        self.namespace = aws.servicediscovery.HttpNamespace(
            f"{name}-namespace",
            name=args.namespace,  # the DNS-style suffix clients use; not auto-named
            description="SmartPOST services (ECS Service Connect)",
            opts=child,
        )
        self.cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value=args.container_insights)],
            service_connect_defaults=aws.ecs.ClusterServiceConnectDefaultsArgs(namespace=self.namespace.arn),
            opts=child,
        )
        aws.ecs.ClusterCapacityProviders(
            f"{name}-capacity",
            cluster_name=self.cluster.name,
            capacity_providers=["FARGATE"],
            default_capacity_provider_strategies=[
                aws.ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs(
                    capacity_provider="FARGATE", weight=1
                )
            ],
            opts=child,
        )
        self.cluster_name = self.cluster.name
        self.cluster_arn = self.cluster.arn
        self.namespace_arn = self.namespace.arn
        self.private_ca_arn = args.private_ca_arn
        self.tls_role_arn = None
        if args.private_ca_arn:
            role = aws.iam.Role(
                f"{name}-service-connect-tls",
                description="ECS infrastructure role: Service Connect certificates from AWS Private CA",
                assume_role_policy=grants.assume_role_policy(
                    "ecs.amazonaws.com",
                    source_account=args.account_id,
                ),
                opts=child,
            )
            aws.iam.RolePolicyAttachment(
                f"{name}-service-connect-tls-policy", role=role.name, policy_arn=SERVICE_CONNECT_TLS_POLICY, opts=child
            )
            self.tls_role_arn = role.arn
        self.register_outputs(
            {"cluster_name": self.cluster_name, "cluster_arn": self.cluster_arn, "namespace_arn": self.namespace_arn}
        )
