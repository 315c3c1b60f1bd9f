"""`smartpost:frontend`: the Admin Panel (S3 + CloudFront + WAF + ACM/Route 53 + tamper watch)."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from stack_config.base import ConfigModel, DomainName, RoleArn, _domain

# CloudFront price classes: 100 = North America + Europe, 200 adds Asia (Japan), All = every edge.
PriceClass = Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"]
_HOSTED_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}$")
# An allow-list entry wider than this would admit a large share of the internet: refuse it.
WIDEST_ALLOWED_PREFIX = 8


def _source_domain(value: str) -> str:
    """A CSP host source: a DNS name, optionally with one leading ``*.`` wildcard label."""
    host = value.removeprefix("*.")
    try:
        _domain(host)
    except ValueError:
        raise ValueError(f"expected a DNS name such as guide.example.jp or *.techtouch.jp, got {value!r}") from None
    return value


def _allowed_cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as err:
        raise ValueError(f"expected an IPv4 CIDR block such as 203.0.113.0/24, got {value!r} ({err})") from None
    if network.prefixlen < WIDEST_ALLOWED_PREFIX:
        raise ValueError(
            f"{value} is wider than /{WIDEST_ALLOWED_PREFIX}: the allow list is for proxy egress ranges, "
            "leave it empty to admit everyone"
        )
    return str(network)


SourceDomain = Annotated[str, AfterValidator(_source_domain)]
AllowedCidr = Annotated[str, AfterValidator(_allowed_cidr)]


class FrontendConfig(ConfigModel):
    # The Route 53 public hosted zone that holds the panel's records (and its certificate validation).
    hosted_zone_name: DomainName
    # Skip the zone lookup (and pin the zone) when set.
    hosted_zone_id: str | None = None
    # The panel's host name, inside hostedZoneName.
    domain_name: DomainName
    price_class: PriceClass = "PriceClass_200"
    # Hosts of the in-app guide service (テックタッチ / Techtouch) the content security policy admits.
    guide_service_domains: list[SourceDomain] = Field(default_factory=list)
    # Hosts of the backend API the panel calls (CSP connect-src).
    api_domains: list[DomainName] = Field(default_factory=list)
    # LGWAN R-Cloud Proxy egress ranges. Non-empty: the web ACL blocks every other source.
    allowed_ip_ranges: list[AllowedCidr] = Field(default_factory=list)
    # Requests per source IP per 5 minutes before the WAF rate rule blocks (WAF accepts 10..2e9).
    waf_rate_limit: int = Field(default=1000, ge=10, le=2_000_000_000)
    # Roles whose writes to the site bucket are releases, not tampering (the CI deploy role).
    release_role_arns: list[RoleArn] = Field(default_factory=list)

    @field_validator("hosted_zone_id")
    @classmethod
    def _zone_id(cls, value: str | None) -> str | None:
        if value is not None and not _HOSTED_ZONE_ID.match(value):
            raise ValueError(f"expected a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ, got {value!r}")
        return value

    @field_validator("domain_name")
    @classmethod
    def _inside_zone(cls, value: str, info: ValidationInfo) -> str:
        zone = info.data.get("hosted_zone_name")
        if zone and value != zone and not value.endswith(f".{zone}"):
            raise ValueError(f"{value!r} is not inside the hosted zone {zone!r} (hostedZoneName)")
        return value

    @property
    def allow_list_enabled(self) -> bool:
        return bool(self.allowed_ip_ranges)
