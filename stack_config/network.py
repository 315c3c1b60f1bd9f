"""`smartpost:network`: the VPC, its three tiers of subnets and how traffic leaves it."""

from __future__ import annotations

import ipaddress
import itertools
from typing import Literal

from pydantic import Field, model_validator

from stack_config.base import ConfigModel, Ipv4Cidr

# The smallest subnet AWS allows is /28; ECS tasks and Lambda ENIs need room in the private tier.
SMALLEST_PREFIX = {"public": 28, "private": 24, "isolated": 28}
DEFAULT_INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs", "ssm", "sts", "secretsmanager", "kms", "xray")


class NetworkConfig(ConfigModel):
    cidr: Ipv4Cidr
    availability_zones: list[str] = Field(min_length=3, max_length=3)
    public_subnets: list[Ipv4Cidr]
    private_subnets: list[Ipv4Cidr]
    isolated_subnets: list[Ipv4Cidr]
    # "single" (cost, dev/uat) or "perAz" (one per AZ, prod: an AZ outage keeps egress).
    nat_gateways: Literal["single", "perAz"] = "single"
    interface_endpoints: list[str] = Field(default_factory=lambda: list(DEFAULT_INTERFACE_ENDPOINTS))

    @model_validator(mode="after")
    def _subnet_plan(self) -> NetworkConfig:
        problems: list[str] = []
        vpc = ipaddress.IPv4Network(self.cidr)
        if not 16 <= vpc.prefixlen <= 24:
            problems.append(f"cidr {self.cidr} must be between /16 and /24")
        if len(set(self.availability_zones)) != len(self.availability_zones):
            problems.append("availabilityZones must be distinct")
        tiers = {"public": self.public_subnets, "private": self.private_subnets, "isolated": self.isolated_subnets}
        for tier, subnets in tiers.items():
            key = f"{tier}Subnets"
            if len(subnets) != len(self.availability_zones):
                problems.append(
                    f"{key} needs one CIDR per availability zone ({len(self.availability_zones)}), got {len(subnets)}"
                )
            for cidr in subnets:
                net = ipaddress.IPv4Network(cidr)
                if not net.subnet_of(vpc):
                    problems.append(f"{key} {cidr} is not inside the VPC cidr {self.cidr}")
                if net.prefixlen > SMALLEST_PREFIX[tier]:
                    problems.append(
                        f"{key} {cidr} is too small: a {tier} subnet must be /{SMALLEST_PREFIX[tier]} or larger"
                    )
        all_subnets = [(f"{tier}Subnets", c) for tier, subnets in tiers.items() for c in subnets]
        for (key_a, a), (key_b, b) in itertools.combinations(all_subnets, 2):
            if ipaddress.IPv4Network(a).overlaps(ipaddress.IPv4Network(b)):
                problems.append(f"{key_a} {a} overlaps {key_b} {b}")
        if problems:
            raise ValueError("; ".join(problems))
        return self
