"""CloudFront: HTTPS-only viewers with a TLS 1.2+ minimum, and a WAF web ACL on every distribution."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from audit.model import AuditContext, Result, evaluate

RULES = ("cloudfront-distribution-viewer-tls", "cloudfront-distribution-https-only", "cloudfront-distribution-waf")


def distributions(cloudfront: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in cloudfront.get_paginator("list_distributions").paginate():
        items.extend((page.get("DistributionList") or {}).get("Items") or [])
    return items


def run(ctx: AuditContext) -> Iterator[Result]:
    for distribution in distributions(ctx.client("cloudfront")):
        arn = distribution["ARN"]
        yield evaluate(RULES[0], arn, _minimum_tls, distribution)
        yield evaluate(RULES[1], arn, _https_only, distribution)
        yield evaluate(RULES[2], arn, _waf, distribution)


def _minimum_tls(distribution: dict[str, Any]) -> tuple[bool, str]:
    certificate = distribution.get("ViewerCertificate") or {}
    own_certificate = certificate.get("ACMCertificateArn") or certificate.get("IAMCertificateId")
    if certificate.get("CloudFrontDefaultCertificate") and not own_certificate:
        return False, "uses the *.cloudfront.net default certificate, which accepts TLSv1"
    version = certificate.get("MinimumProtocolVersion") or "(none)"
    if version.startswith(("TLSv1.2_", "TLSv1.3")):
        return True, f"minimum protocol version {version}"
    return False, f"minimum protocol version {version} is below TLSv1.2"


def _https_only(distribution: dict[str, Any]) -> tuple[bool, str]:
    behaviors = [distribution.get("DefaultCacheBehavior") or {}]
    behaviors += (distribution.get("CacheBehaviors") or {}).get("Items") or []
    plain = [b.get("PathPattern", "default") for b in behaviors if b.get("ViewerProtocolPolicy") == "allow-all"]
    if plain:
        return False, f"cache behaviors allow plain HTTP: {', '.join(plain)}"
    return True, "viewers use HTTPS only"


def _waf(distribution: dict[str, Any]) -> tuple[bool, str]:
    web_acl = distribution.get("WebACLId") or ""
    return (True, f"web ACL {web_acl}") if web_acl else (False, "no WAF web ACL associated")
