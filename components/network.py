"""The VPC: three AZs, public / private / isolated tiers, NAT, NACLs, security groups, endpoints, flow logs.

Modelled with plain pulumi-aws resources (not awsx's remote ``ec2.Vpc``) so every subnet, route and
rule is visible to the unit tests and to the policy pack in an offline preview.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import grants
from components.logs import LogSettings
from stack_config.network import NetworkConfig

POSTGRES_PORT = 5432
HTTPS_PORT = 443
HTTP_PORT = 80
EPHEMERAL_PORTS = (1024, 65535)
ANYWHERE = "0.0.0.0/0"
ADMIN_PORTS = {"ssh": 22, "rdp": 3389}


@dataclass(frozen=True, kw_only=True)
class NetworkArgs:
    config: NetworkConfig
    region: str
    logs: LogSettings
    name_prefix: str  # e.g. "smartpost-dev", used in Name tags only


@dataclass(frozen=True)
class SecurityGroups:
    """The groups every tier uses. Rules between them live with the tier that needs them."""

    alb: aws.ec2.SecurityGroup
    services: aws.ec2.SecurityGroup
    lambdas: aws.ec2.SecurityGroup
    database: aws.ec2.SecurityGroup
    endpoints: aws.ec2.SecurityGroup


class Network(pulumi.ComponentResource):
    vpc: aws.ec2.Vpc
    vpc_id: pulumi.Output[str]
    vpc_cidr: str
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    isolated_subnet_ids: list[pulumi.Output[str]]
    security_groups: SecurityGroups
    nat_gateway_count: int

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:network:Network", name, None, opts)
        cfg = args.config
        self._name = name
        self._prefix = args.name_prefix
        self.vpc_cidr = cfg.cidr
        child = pulumi.ResourceOptions(parent=self)

        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=cfg.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": f"{self._prefix}-vpc"},
            opts=child,
        )
        self.vpc_id = self.vpc.id
        # Take over the default security group and NACL and leave them without rules (EC2.2).
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg", vpc_id=self.vpc.id, tags={"Name": f"{self._prefix}-default-unused"}, opts=child
        )
        aws.ec2.DefaultNetworkAcl(
            f"{name}-default-nacl",
            default_network_acl_id=self.vpc.default_network_acl_id,
            tags={"Name": f"{self._prefix}-default-unused"},
            opts=child,
        )

        subnets = self._subnets(cfg)
        self.public_subnet_ids = [s.id for s in subnets["public"]]
        self.private_subnet_ids = [s.id for s in subnets["private"]]
        self.isolated_subnet_ids = [s.id for s in subnets["isolated"]]
        self._routing(cfg, subnets)
        self._network_acls(cfg, subnets)
        self.security_groups = self._security_groups(cfg)
        self._endpoints(cfg, args.region, subnets)
        self._flow_logs(args.logs)

        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
                "isolated_subnet_ids": self.isolated_subnet_ids,
            }
        )

    # -- subnets and routing ----------------------------------------------------------------
    def _subnets(self, cfg: NetworkConfig) -> dict[str, list[aws.ec2.Subnet]]:
        tiers = {"public": cfg.public_subnets, "private": cfg.private_subnets, "isolated": cfg.isolated_subnets}
        result: dict[str, list[aws.ec2.Subnet]] = {}
        for tier, cidrs in tiers.items():
            result[tier] = [
                aws.ec2.Subnet(
                    f"{self._name}-{tier}-{az[-1]}",
                    vpc_id=self.vpc.id,
                    cidr_block=cidr,
                    availability_zone=az,
                    # Nothing gets a public IP implicitly, not even in the public tier (EC2.15).
                    map_public_ip_on_launch=False,
                    tags={"Name": f"{self._prefix}-{tier}-{az}", "smartpost:tier": tier},
                    opts=pulumi.ResourceOptions(parent=self),
                )
                for az, cidr in zip(cfg.availability_zones, cidrs, strict=True)
            ]
        return result

    def _routing(self, cfg: NetworkConfig, subnets: dict[str, list[aws.ec2.Subnet]]) -> None:
        child = pulumi.ResourceOptions(parent=self)
        igw = aws.ec2.InternetGateway(
            f"{self._name}-igw", vpc_id=self.vpc.id, tags={"Name": f"{self._prefix}-igw"}, opts=child
        )
        public_rt = aws.ec2.RouteTable(
            f"{self._name}-public-rt", vpc_id=self.vpc.id, tags={"Name": f"{self._prefix}-public"}, opts=child
        )
        aws.ec2.Route(
            f"{self._name}-public-default",
            route_table_id=public_rt.id,
            destination_cidr_block=ANYWHERE,
            gateway_id=igw.id,
            opts=child,
        )
        for subnet, az in zip(subnets["public"], cfg.availability_zones, strict=True):
            aws.ec2.RouteTableAssociation(
                f"{self._name}-public-{az[-1]}-rta", subnet_id=subnet.id, route_table_id=public_rt.id, opts=child
            )

        nat_azs = cfg.availability_zones if cfg.nat_gateways == "perAz" else cfg.availability_zones[:1]
        self.nat_gateway_count = len(nat_azs)
        nats: dict[str, aws.ec2.NatGateway] = {}
        for az in nat_azs:
            public_subnet = subnets["public"][cfg.availability_zones.index(az)]
            eip = aws.ec2.Eip(
                f"{self._name}-nat-{az[-1]}-eip", domain="vpc", tags={"Name": f"{self._prefix}-nat-{az}"}, opts=child
            )
            nats[az] = aws.ec2.NatGateway(
                f"{self._name}-nat-{az[-1]}",
                allocation_id=eip.id,
                subnet_id=public_subnet.id,
                tags={"Name": f"{self._prefix}-nat-{az}"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
            )

        self._private_route_tables: list[aws.ec2.RouteTable] = []
        for subnet, az in zip(subnets["private"], cfg.availability_zones, strict=True):
            nat = nats.get(az) or nats[nat_azs[0]]
            rt = aws.ec2.RouteTable(
                f"{self._name}-private-{az[-1]}-rt",
                vpc_id=self.vpc.id,
                tags={"Name": f"{self._prefix}-private-{az}"},
                opts=child,
            )
            self._private_route_tables.append(rt)
            aws.ec2.Route(
                f"{self._name}-private-{az[-1]}-default",
                route_table_id=rt.id,
                destination_cidr_block=ANYWHERE,
                nat_gateway_id=nat.id,
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{self._name}-private-{az[-1]}-rta", subnet_id=subnet.id, route_table_id=rt.id, opts=child
            )

        # The isolated tier has no route out of the VPC at all.
        isolated_rt = aws.ec2.RouteTable(
            f"{self._name}-isolated-rt", vpc_id=self.vpc.id, tags={"Name": f"{self._prefix}-isolated"}, opts=child
        )
        self._isolated_route_table = isolated_rt
        for subnet, az in zip(subnets["isolated"], cfg.availability_zones, strict=True):
            aws.ec2.RouteTableAssociation(
                f"{self._name}-isolated-{az[-1]}-rta", subnet_id=subnet.id, route_table_id=isolated_rt.id, opts=child
            )

    # -- network ACLs: explicit deny, explicit allow, implicit deny (seed 3.1) -----------------
    def _network_acls(self, cfg: NetworkConfig, subnets: dict[str, list[aws.ec2.Subnet]]) -> None:
        vpc = cfg.cidr
        # (rule number, egress, action, protocol, cidr, from port, to port, label)
        Rule = tuple[int, bool, str, str, str, int, int, str]
        admin_denies: list[Rule] = [
            (10 + i, False, "deny", "tcp", ANYWHERE, port, port, f"deny-{label}")
            for i, (label, port) in enumerate(ADMIN_PORTS.items())
        ]
        rules: dict[str, list[Rule]] = {
            "public": [
                *admin_denies,
                (20, False, "deny", "tcp", ANYWHERE, POSTGRES_PORT, POSTGRES_PORT, "deny-postgres"),
                (100, False, "allow", "tcp", ANYWHERE, HTTPS_PORT, HTTPS_PORT, "allow-https"),
                (110, False, "allow", "tcp", ANYWHERE, HTTP_PORT, HTTP_PORT, "allow-http-redirect"),
                (120, False, "allow", "tcp", ANYWHERE, *EPHEMERAL_PORTS, "allow-return-traffic"),
                (130, False, "allow", "-1", vpc, 0, 0, "allow-vpc"),
                (100, True, "allow", "-1", ANYWHERE, 0, 0, "allow-all-out"),
            ],
            "private": [
                *admin_denies,
                (100, False, "allow", "-1", vpc, 0, 0, "allow-vpc"),
                (110, False, "allow", "tcp", ANYWHERE, *EPHEMERAL_PORTS, "allow-return-traffic"),
                (100, True, "allow", "-1", ANYWHERE, 0, 0, "allow-all-out"),
            ],
            "isolated": [
                *[
                    (100 + i, False, "allow", "tcp", cidr, POSTGRES_PORT, POSTGRES_PORT, f"allow-postgres-private-{i}")
                    for i, cidr in enumerate(cfg.private_subnets)
                ],
                # Anything else that reaches the database tier is refused explicitly.
                (200, False, "deny", "-1", ANYWHERE, 0, 0, "deny-all-else"),
                *[
                    (100 + i, True, "allow", "tcp", cidr, *EPHEMERAL_PORTS, f"allow-replies-private-{i}")
                    for i, cidr in enumerate(cfg.private_subnets)
                ],
                (200, True, "deny", "-1", ANYWHERE, 0, 0, "deny-all-else-out"),
            ],
        }
        for tier, tier_rules in rules.items():
            acl = aws.ec2.NetworkAcl(
                f"{self._name}-{tier}-nacl",
                vpc_id=self.vpc.id,
                subnet_ids=[s.id for s in subnets[tier]],
                tags={"Name": f"{self._prefix}-{tier}"},
                opts=pulumi.ResourceOptions(parent=self),
            )
            for number, egress, action, protocol, cidr, from_port, to_port, label in tier_rules:
                direction = "out" if egress else "in"
                aws.ec2.NetworkAclRule(
                    f"{self._name}-{tier}-{direction}-{label}",
                    network_acl_id=acl.id,
                    rule_number=number,
                    egress=egress,
                    rule_action=action,
                    protocol=protocol,
                    cidr_block=cidr,
                    from_port=from_port if protocol != "-1" else None,
                    to_port=to_port if protocol != "-1" else None,
                    opts=pulumi.ResourceOptions(parent=acl),
                )

    # -- security groups: inbound least privilege --------------------------------------------
    def _security_groups(self, cfg: NetworkConfig) -> SecurityGroups:
        def group(role: str, description: str) -> aws.ec2.SecurityGroup:
            # No inline rules: the provider then removes AWS's default allow-all egress too.
            return aws.ec2.SecurityGroup(
                f"{self._name}-{role}-sg",
                vpc_id=self.vpc.id,
                description=description,
                tags={"Name": f"{self._prefix}-{role}"},
                opts=pulumi.ResourceOptions(parent=self),
            )

        groups = SecurityGroups(
            alb=group("alb", "Internet-facing ALB: HTTPS in (HTTP only to redirect)"),
            services=group("services", "ECS services: from the ALB and each other on their ports"),
            lambdas=group("lambdas", "Lambda functions that reach VPC resources"),
            database=group("database", "Aurora PostgreSQL: 5432 from services and Lambda only"),
            endpoints=group("endpoints", "Interface VPC endpoints: HTTPS from services and Lambda"),
        )
        self.allow_ingress(groups.alb, HTTPS_PORT, cidr=ANYWHERE, label="alb-https-internet")
        self.allow_ingress(groups.alb, HTTP_PORT, cidr=ANYWHERE, label="alb-http-redirect")
        for source_role, source in (("services", groups.services), ("lambdas", groups.lambdas)):
            self.allow_between(source, groups.database, POSTGRES_PORT, label=f"{source_role}-to-database")
            self.allow_between(source, groups.endpoints, HTTPS_PORT, label=f"{source_role}-to-endpoints")
            # AWS APIs without an endpoint and third parties (SendGrid, FCM, APNs) through NAT.
            self.allow_egress(source, HTTPS_PORT, cidr=ANYWHERE, label=f"{source_role}-https-out")
        return groups

    def allow_ingress(self, group: aws.ec2.SecurityGroup, port: int, *, cidr: str, label: str) -> None:
        aws.vpc.SecurityGroupIngressRule(
            f"{self._name}-{label}-in",
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            cidr_ipv4=cidr,
            description=label,
            opts=pulumi.ResourceOptions(parent=group),
        )

    def allow_egress(self, group: aws.ec2.SecurityGroup, port: int, *, cidr: str, label: str) -> None:
        aws.vpc.SecurityGroupEgressRule(
            f"{self._name}-{label}-out",
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            cidr_ipv4=cidr,
            description=label,
            opts=pulumi.ResourceOptions(parent=group),
        )

    def allow_between(
        self, source: aws.ec2.SecurityGroup, target: aws.ec2.SecurityGroup, port: int, *, label: str
    ) -> None:
        """Let ``source`` reach ``target`` on ``port``: ingress on the target, egress on the source."""
        aws.vpc.SecurityGroupIngressRule(
            f"{self._name}-{label}-in",
            security_group_id=target.id,
            referenced_security_group_id=source.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description=label,
            opts=pulumi.ResourceOptions(parent=target),
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{self._name}-{label}-out",
            security_group_id=source.id,
            referenced_security_group_id=target.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description=label,
            opts=pulumi.ResourceOptions(parent=source),
        )

    # -- endpoints and flow logs -------------------------------------------------------------
    def _endpoints(self, cfg: NetworkConfig, region: str, subnets: dict[str, list[aws.ec2.Subnet]]) -> None:
        # ECR image layers come from S3: the gateway keeps that traffic off the NAT.
        route_tables = [rt.id for rt in self._private_route_tables] + [self._isolated_route_table.id]
        aws.ec2.VpcEndpoint(
            f"{self._name}-s3-endpoint",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=route_tables,
            tags={"Name": f"{self._prefix}-s3"},
            opts=pulumi.ResourceOptions(parent=self),
        )
        for service in cfg.interface_endpoints:
            aws.ec2.VpcEndpoint(
                f"{self._name}-{service.replace('.', '-')}-endpoint",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[s.id for s in subnets["private"]],
                security_group_ids=[self.security_groups.endpoints.id],
                tags={"Name": f"{self._prefix}-{service}"},
                opts=pulumi.ResourceOptions(parent=self),
            )

    def _flow_logs(self, logs: LogSettings) -> None:
        log_group = logs.log_group(f"{self._name}-flow-logs", parent=self)
        role = aws.iam.Role(
            f"{self._name}-flow-logs-role",
            assume_role_policy=grants.assume_role_policy("vpc-flow-logs.amazonaws.com"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        grants.grant(
            f"{self._name}-flow-logs-write",
            role,
            [
                grants.statement(
                    (*grants.LOGS_WRITE, "logs:DescribeLogStreams"), pulumi.Output.concat(log_group.arn, ":*")
                ),
            ],
            parent=self,
        )
        aws.ec2.FlowLog(
            f"{self._name}-flow-log",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags={"Name": f"{self._prefix}-flow-log"},
            opts=pulumi.ResourceOptions(parent=self),
        )
