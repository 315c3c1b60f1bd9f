"""Shared pieces of the stack config models: strict camelCase models and common value types."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ConfigModel(BaseModel):
    """A config section: camelCase keys in YAML, unknown keys rejected, immutable once read."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )


_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ROLE_ARN = re.compile(r"^arn:aws:iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")


def _account_id(value: str) -> str:
    if not _ACCOUNT_ID.match(value):
        raise ValueError(f"expected a 12-digit AWS account ID, got {value!r}")
    return value


def _role_arn(value: str) -> str:
    if not _ROLE_ARN.match(value):
        raise ValueError(f"expected an IAM role ARN such as arn:aws:iam::123456789012:role/name, got {value!r}")
    return value


def _ipv4_cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as err:
        raise ValueError(f"expected an IPv4 CIDR block such as 10.0.0.0/16, got {value!r} ({err})") from None
    return str(network)


def _domain(value: str) -> str:
    if not _DOMAIN.match(value):
        raise ValueError(f"expected a lower-case DNS name such as admin.example.jp, got {value!r}")
    return value


AccountId = Annotated[str, AfterValidator(_account_id)]
RoleArn = Annotated[str, AfterValidator(_role_arn)]
Ipv4Cidr = Annotated[str, AfterValidator(_ipv4_cidr)]
DomainName = Annotated[str, AfterValidator(_domain)]

# CloudWatch Logs accepts only these retention periods (days).
CLOUDWATCH_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


def role_account(role_arn: str) -> str:
    match = _ROLE_ARN.match(role_arn)
    assert match, role_arn
    return match.group(1)
