"""VPC and security groups (seed 1.3, 3.1): nothing open to the internet except 80/443 on the load
balancer's group, the default security group empty, flow logs on every VPC."""

from __future__ import annotations

from pulumi_policy import PolicyResource, ResourceValidationArgs, Severity, StackValidationArgs

from smartpost_policies.common import (
    Control,
    as_list,
    config_value,
    each,
    get,
    known,
    references,
    resource_policy,
    stack_policy,
)

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
WORLD = ("0.0.0.0/0", "::/0")
LOAD_BALANCER_PORTS = [80, 443]


def _world_open(cidrs: list) -> bool:
    return any(str(c) in WORLD for c in cidrs)


def _web_port(protocol, from_port, to_port, allowed: list[int]) -> bool:
    if str(protocol).lower() not in ("tcp", "6") or from_port is None or to_port is None:
        return False
    return int(from_port) == int(to_port) and int(from_port) in allowed


def _world_ingress(args: StackValidationArgs, report) -> None:
    allowed = [int(p) for p in config_value(args, "loadBalancerPorts", LOAD_BALANCER_PORTS)]
    groups = list(each(args, SECURITY_GROUP))
    balancer_groups: set[str] = set()
    for lb in each(args, LOAD_BALANCER):
        with known():
            balancer_groups |= {g.urn for g in references(lb, "securityGroups", groups)}

    def judge(where: PolicyResource, group_urns: set[str], protocol, from_port, to_port) -> None:
        if group_urns and group_urns <= balancer_groups and _web_port(protocol, from_port, to_port, allowed):
            return
        report(
            f"Ingress from the whole internet ({protocol} {from_port}-{to_port}); only ports "
            f"{allowed} on the load balancer's security group may be open to 0.0.0.0/0 or ::/0.",
            where.urn,
        )

    for group in groups:
        with known():
            for rule in as_list(get(group.props, "ingress")):
                if _world_open(as_list(get(rule, "cidrBlocks")) + as_list(get(rule, "ipv6CidrBlocks"))):
                    judge(group, {group.urn}, get(rule, "protocol"), get(rule, "fromPort"), get(rule, "toPort"))
    for rule in each(args, INGRESS_RULE):
        with known():
            if _world_open([get(rule.props, "cidrIpv4"), get(rule.props, "cidrIpv6")]):
                owner = {g.urn for g in references(rule, "securityGroupId", groups)}
                judge(
                    rule, owner, get(rule.props, "ipProtocol"), get(rule.props, "fromPort"), get(rule.props, "toPort")
                )
    for rule in each(args, LEGACY_RULE):
        with known():
            cidrs = as_list(get(rule.props, "cidrBlocks")) + as_list(get(rule.props, "ipv6CidrBlocks"))
            if get(rule.props, "type") == "ingress" and _world_open(cidrs):
                owner = {g.urn for g in references(rule, "securityGroupId", groups)}
                judge(rule, owner, get(rule.props, "protocol"), get(rule.props, "fromPort"), get(rule.props, "toPort"))


def _default_group_closed(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != DEFAULT_SECURITY_GROUP:
        return
    if as_list(get(args.props, "ingress")) or as_list(get(args.props, "egress")):
        report("The default security group has rules: manage it with no ingress and no egress.")


def _flow_logs(args: StackValidationArgs, report) -> None:
    flow_logs = list(each(args, FLOW_LOG))
    for vpc in each(args, VPC):
        with known():
            if not any(
                references(f, "vpcId", [vpc]) and get(f.props, "trafficType") in ("ALL", "REJECT") for f in flow_logs
            ):
                report("The VPC has no flow log (aws.ec2.FlowLog with vpc_id and traffic_type ALL).", vpc.urn)


ec2_security_group_no_world_ingress = stack_policy(
    name="ec2-security-group-no-world-ingress",
    description="No security group admits 0.0.0.0/0 or ::/0, except TCP 80/443 on a load balancer's group.",
    severity=Severity.CRITICAL,
    remediation="Admit traffic from other security groups (network.allow_between); open 443 (and 80 to redirect) "
    "to the internet only on the ALB's group.",
    control=Control(security_hub="EC2.18", checkov="CKV_AWS_24", cdk_nag="AwsSolutions-EC23"),
    validate=_world_ingress,
    config={"loadBalancerPorts": ({"type": "array", "items": {"type": "integer"}}, LOAD_BALANCER_PORTS)},
)
ec2_default_security_group_closed = resource_policy(
    name="ec2-default-security-group-no-rules",
    description="The VPC's default security group has no rules.",
    severity=Severity.MEDIUM,
    remediation="Adopt it with aws.ec2.DefaultSecurityGroup(vpc_id=...) and no ingress/egress arguments.",
    control=Control(security_hub="EC2.2", checkov="CKV2_AWS_12"),
    validate=_default_group_closed,
)
ec2_vpc_flow_logs = stack_policy(
    name="ec2-vpc-flow-logs",
    description="Every VPC has flow logs.",
    severity=Severity.MEDIUM,
    remediation="Create aws.ec2.FlowLog(vpc_id=vpc.id, traffic_type='ALL', ...) into an encrypted log group.",
    control=Control(security_hub="EC2.6", checkov="CKV2_AWS_11", cdk_nag="AwsSolutions-VPC7"),
    validate=_flow_logs,
)

POLICIES = [ec2_security_group_no_world_ingress, ec2_default_security_group_closed, ec2_vpc_flow_logs]
