"""The network per stack: 3 AZs, three tiers, NAT per config, NACLs, security groups, endpoints, flow logs."""

from __future__ import annotations

import json

import pytest

from offline.mocks import RecordedResource, StackRecording

SUBNET = "aws:ec2/subnet:Subnet"
NACL = "aws:ec2/networkAcl:NetworkAcl"
NACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
ROUTE = "aws:ec2/route:Route"


def subnets(recording: StackRecording, tier: str) -> list[RecordedResource]:
    return [s for s in recording.of_type(SUBNET) if s.inputs["tags"]["smartpost:tier"] == tier]


def group_id(recording: StackRecording, role: str) -> str:
    return recording.named(SG, f"network-{role}-sg").id


def ingress_rules(recording: StackRecording, role: str) -> list[RecordedResource]:
    target = group_id(recording, role)
    return [r for r in recording.of_type(INGRESS) if r.inputs["securityGroupId"] == target]


def nacl_rules(recording: StackRecording, tier: str, *, egress: bool) -> list[dict]:
    acl_id = recording.named(NACL, f"network-{tier}-nacl").id
    rules = [r.inputs for r in recording.of_type(NACL_RULE) if r.inputs["networkAclId"] == acl_id]
    return sorted((r for r in rules if bool(r.get("egress")) == egress), key=lambda r: r["ruleNumber"])


@pytest.mark.parametrize("tier", ["public", "private", "isolated"])
def test_every_tier_has_one_subnet_in_each_of_three_azs(stack: StackRecording, tier: str) -> None:
    azs = sorted(s.inputs["availabilityZone"] for s in subnets(stack, tier))
    assert azs == ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets(stack, tier))


def test_dev_has_a_single_nat_gateway_and_prod_one_per_az(dev: StackRecording, prod: StackRecording) -> None:
    assert len(dev.of_type("aws:ec2/natGateway:NatGateway")) == 1
    prod_nats = prod.of_type("aws:ec2/natGateway:NatGateway")
    public_subnet_ids = {s.id for s in subnets(prod, "public")}
    assert len(prod_nats) == 3
    assert {n.inputs["subnetId"] for n in prod_nats} == public_subnet_ids


def test_private_subnets_route_out_through_nat_in_their_own_az_in_prod(prod: StackRecording) -> None:
    nat_by_id = {n.id: n for n in prod.of_type("aws:ec2/natGateway:NatGateway")}
    private_routes = [r for r in prod.of_type(ROUTE) if "private" in r.name]
    assert len(private_routes) == 3
    for route in private_routes:
        az_letter = route.name.split("-")[2]
        assert nat_by_id[route.inputs["natGatewayId"]].name == f"network-nat-{az_letter}"


def test_isolated_tier_has_no_route_out_of_the_vpc(stack: StackRecording) -> None:
    isolated_rt = stack.named("aws:ec2/routeTable:RouteTable", "network-isolated-rt").id
    assert [r for r in stack.of_type(ROUTE) if r.inputs["routeTableId"] == isolated_rt] == []


def test_database_tier_nacl_allows_5432_only_from_private_subnets_and_denies_the_rest(stack: StackRecording) -> None:
    private_cidrs = {s.inputs["cidrBlock"] for s in subnets(stack, "private")}
    inbound = nacl_rules(stack, "isolated", egress=False)
    allows = [r for r in inbound if r["ruleAction"] == "allow"]
    assert {r["cidrBlock"] for r in allows} == private_cidrs
    assert all((r["protocol"], r["fromPort"], r["toPort"]) == ("tcp", 5432, 5432) for r in allows)
    deny = inbound[-1]
    assert (deny["ruleAction"], deny["protocol"], deny["cidrBlock"]) == ("deny", "-1", "0.0.0.0/0")
    assert deny["ruleNumber"] > max(r["ruleNumber"] for r in allows)


@pytest.mark.parametrize("tier", ["public", "private"])
def test_admin_ports_are_explicitly_denied_before_any_allow(stack: StackRecording, tier: str) -> None:
    inbound = nacl_rules(stack, tier, egress=False)
    denied_ports = {r["fromPort"] for r in inbound if r["ruleAction"] == "deny"}
    assert {22, 3389} <= denied_ports
    first_allow = min(r["ruleNumber"] for r in inbound if r["ruleAction"] == "allow")
    assert all(r["ruleNumber"] < first_allow for r in inbound if r["ruleAction"] == "deny")


def test_each_tier_nacl_covers_exactly_its_subnets(stack: StackRecording) -> None:
    for tier in ("public", "private", "isolated"):
        acl = stack.named(NACL, f"network-{tier}-nacl")
        assert sorted(acl.inputs["subnetIds"]) == sorted(s.id for s in subnets(stack, tier))


def test_database_port_reachable_only_from_service_and_lambda_groups(stack: StackRecording) -> None:
    rules = ingress_rules(stack, "database")
    sources = {r.inputs.get("referencedSecurityGroupId") for r in rules}
    assert sources == {group_id(stack, "services"), group_id(stack, "lambdas")}
    assert all((r.inputs["fromPort"], r.inputs["toPort"]) == (5432, 5432) for r in rules)
    assert not any("cidrIpv4" in r.inputs or "cidrIpv6" in r.inputs for r in rules)


def test_only_the_load_balancer_accepts_internet_traffic_and_only_on_80_and_443(stack: StackRecording) -> None:
    world = [r for r in stack.of_type(INGRESS) if r.inputs.get("cidrIpv4") == "0.0.0.0/0"]
    assert {r.inputs["securityGroupId"] for r in world} == {group_id(stack, "alb")}
    assert sorted(r.inputs["fromPort"] for r in world) == [80, 443]


def test_groups_have_no_inline_rules_and_the_default_group_is_emptied(stack: StackRecording) -> None:
    for group in stack.of_type(SG):
        assert not group.inputs.get("ingress") and not group.inputs.get("egress"), group.name
    default = stack.named("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "network-default-sg")
    assert not default.inputs.get("ingress") and not default.inputs.get("egress")


def test_interface_endpoints_only_accept_https_from_services_and_lambdas(stack: StackRecording) -> None:
    endpoints = [
        e for e in stack.of_type("aws:ec2/vpcEndpoint:VpcEndpoint") if e.inputs["vpcEndpointType"] == "Interface"
    ]
    services = {e.inputs["serviceName"].rsplit(".", 1)[-1] for e in endpoints}
    assert {"api", "dkr", "logs", "ssm", "sts", "secretsmanager"} <= services
    assert all(e.inputs["privateDnsEnabled"] for e in endpoints)
    rules = ingress_rules(stack, "endpoints")
    assert {r.inputs["referencedSecurityGroupId"] for r in rules} == {
        group_id(stack, "services"),
        group_id(stack, "lambdas"),
    }
    assert {r.inputs["fromPort"] for r in rules} == {443}


def test_s3_gateway_endpoint_serves_private_and_isolated_route_tables(stack: StackRecording) -> None:
    gateway = stack.named("aws:ec2/vpcEndpoint:VpcEndpoint", "network-s3-endpoint")
    tables = {t.id: t.name for t in stack.of_type("aws:ec2/routeTable:RouteTable")}
    served = sorted(tables[i] for i in gateway.inputs["routeTableIds"])
    assert served == sorted(n for n in tables.values() if "private" in n or "isolated" in n)


def test_flow_logs_capture_all_traffic_into_an_encrypted_log_group_kept_90_days(stack: StackRecording) -> None:
    flow_log = stack.named("aws:ec2/flowLog:FlowLog", "network-flow-log")
    log_group = stack.named("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs")
    assert flow_log.inputs["trafficType"] == "ALL"
    assert flow_log.inputs["logDestination"] == log_group.outputs["arn"]
    assert log_group.inputs["retentionInDays"] == 90
    assert log_group.inputs["kmsKeyId"] == stack.named("aws:kms/key:Key", "logs-key").outputs["arn"]
    policy = json.loads(stack.named("aws:iam/rolePolicy:RolePolicy", "network-flow-logs-write").inputs["policy"])
    assert policy["Statement"][0]["Resource"] == log_group.outputs["arn"] + ":*"
