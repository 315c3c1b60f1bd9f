"""``Services``: everything the services tier builds, from one validated ``smartpost:services``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi

from components.logs import LogSettings
from components.network import Network
from components.services.cluster import ServiceCluster, ServiceClusterArgs
from components.services.ecr import ImageRegistry, ImageRegistryArgs
from components.services.load_balancer import PublicLoadBalancer, PublicLoadBalancerArgs
from components.services.microservice import DatabaseGrants, Microservice, MicroserviceArgs
from components.services.parameters import ParameterStore, ParameterStoreArgs
from components.services.waf import WebAcl, WebAclArgs, standard_rules
from stack_config.services import ServicesConfig


@dataclass(frozen=True, kw_only=True)
class ServicesArgs:
    config: ServicesConfig
    environment: str  # dev / uat / prod
    name_prefix: str  # "smartpost-dev"
    account_id: str
    region: str
    network: Network
    logs: LogSettings
    secrets: Mapping[str, pulumi.Input[str]]  # third-party credentials (load_stack_secrets())
    database: DatabaseGrants | None = None
    production: bool = False


class Services(pulumi.ComponentResource):
    alb_arn: pulumi.Output[str]
    alb_arn_suffix: pulumi.Output[str]
    alb_dns_name: pulumi.Output[str]
    alb_zone_id: pulumi.Output[str]
    cluster_name: pulumi.Output[str]
    cluster_arn: pulumi.Output[str]
    namespace_arn: pulumi.Output[str]
    parameter_kms_key_arn: pulumi.Output[str]
    web_acl_arn: pulumi.Output[str]
    service_names: dict[str, pulumi.Output[str]]
    target_group_arn_suffixes: dict[str, pulumi.Output[str]]
    repository_urls: dict[str, pulumi.Output[str]]
    microservices: dict[str, Microservice]

    def __init__(self, name: str, args: ServicesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:services:Services", name, None, opts)
        cfg = args.config
        child = pulumi.ResourceOptions(parent=self)
        network = args.network
        groups = network.security_groups

        self.parameters = ParameterStore(
            f"{name}-parameters",
            ParameterStoreArgs(
                account_id=args.account_id,
                region=args.region,
                path=f"/smartpost/{args.environment}",
                alias=f"alias/{args.name_prefix}/parameters",
                runtime=cfg.runtime_parameters,
                secrets=args.secrets,
                protect=args.production,
            ),
            opts=child,
        )
        self.registry = ImageRegistry(
            f"{name}-ecr",
            ImageRegistryArgs(
                account_id=args.account_id,
                alias=f"alias/{args.name_prefix}/ecr",
                repositories=[s.name for s in cfg.services],
                protect=args.production,
            ),
            opts=child,
        )
        self.cluster = ServiceCluster(
            f"{name}-cluster",
            ServiceClusterArgs(
                account_id=args.account_id,
                region=args.region,
                namespace=cfg.namespace,
                container_insights=cfg.container_insights,
                private_ca_arn=cfg.private_ca_arn,
            ),
            opts=child,
        )
        self.load_balancer = PublicLoadBalancer(
            f"{name}-lb",
            PublicLoadBalancerArgs(
                account_id=args.account_id,
                region=args.region,
                subnet_ids=network.public_subnet_ids,
                security_group_id=groups.alb.id,
                certificate_arn=cfg.certificate_arn,
                desync_mitigation_mode=cfg.desync_mitigation_mode,
                log_expiry_days=args.logs.retention.log_days,
                deletion_protection=args.production,
            ),
            opts=child,
        )
        self.web_acl = WebAcl(
            f"{name}-waf",
            WebAclArgs(
                rules=standard_rules(cfg.rate_limit),
                logs=args.logs,
                log_group_name=f"aws-waf-logs-{args.name_prefix}-alb",
                description=f"{args.name_prefix} ALB",
            ),
            opts=child,
        )
        self.web_acl.associate(f"{name}-waf-alb", self.load_balancer.arn)

        # Security groups: the ALB reaches routed ports, services reach each other (Service Connect).
        # One rule per port: two services on one port share it (AWS rejects duplicate rules).
        for port in sorted({s.port for s in cfg.services if s.route is not None}):
            network.allow_between(groups.alb, groups.services, port, label=f"alb-to-services-{port}")
        for port in sorted({s.port for s in cfg.services}):
            network.allow_between(groups.services, groups.services, port, label=f"services-to-services-{port}")

        self.microservices = {}
        for svc in cfg.services:
            self.microservices[svc.name] = Microservice(
                f"{name}-{svc.name}",
                MicroserviceArgs(
                    config=svc,
                    family=f"{args.name_prefix}-{svc.name}",
                    account_id=args.account_id,
                    region=args.region,
                    cluster=self.cluster,
                    registry=self.registry,
                    parameters=self.parameters,
                    logs=args.logs,
                    vpc_id=network.vpc_id,
                    subnet_ids=network.private_subnet_ids,
                    security_group_id=groups.services.id,
                    adot_image=cfg.adot_image,
                    listener_arn=self.load_balancer.https_listener.arn if svc.route else None,
                    rule_priority=cfg.rule_priority(svc.name) if svc.route else None,
                    database=args.database,
                ),
                opts=child,
            )

        self.alb_arn = self.load_balancer.arn
        self.alb_arn_suffix = self.load_balancer.arn_suffix
        self.alb_dns_name = self.load_balancer.dns_name
        self.alb_zone_id = self.load_balancer.zone_id
        self.cluster_name = self.cluster.cluster_name
        self.cluster_arn = self.cluster.cluster_arn
        self.namespace_arn = self.cluster.namespace_arn
        self.parameter_kms_key_arn = self.parameters.kms_key_arn
        self.web_acl_arn = self.web_acl.arn
        self.service_names = {k: m.service_name for k, m in self.microservices.items()}
        self.repository_urls = {k: r.repository_url for k, r in self.registry.repositories.items()}
        self.target_group_arn_suffixes = {
            k: m.target_group_arn_suffix for k, m in self.microservices.items() if m.target_group_arn_suffix is not None
        }
        self.register_outputs(
            {
                "alb_arn": self.alb_arn,
                "alb_dns_name": self.alb_dns_name,
                "cluster_name": self.cluster_name,
                "namespace_arn": self.namespace_arn,
                "web_acl_arn": self.web_acl_arn,
                "service_names": self.service_names,
                "repository_urls": self.repository_urls,
            }
        )
