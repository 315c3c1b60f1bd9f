"""Application load balancers: TLS 1.2+ policies on HTTPS listeners, HTTP listeners only redirect to HTTPS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from audit.model import AuditContext, Result, evaluate, paginate

RULES = ("elb-listener-tls-policy", "elb-listener-http-redirects-https")

# Predefined ALB policies that accept only TLS 1.2 and 1.3 (TLS13-1-0 / TLS13-1-1 / 2016-08 accept older).
TLS12_POLICY = re.compile(r"^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)")


def run(ctx: AuditContext) -> Iterator[Result]:
    elbv2 = ctx.client("elbv2")
    for balancer in paginate(elbv2, "describe_load_balancers", "LoadBalancers"):
        if balancer.get("Type") != "application":
            continue
        listeners = paginate(elbv2, "describe_listeners", "Listeners", LoadBalancerArn=balancer["LoadBalancerArn"])
        for listener in listeners:
            arn = listener["ListenerArn"]
            if listener.get("Protocol") == "HTTPS":
                yield evaluate(RULES[0], arn, _tls_policy, listener)
            elif listener.get("Protocol") == "HTTP":
                yield evaluate(RULES[1], arn, _redirects, listener)


def _tls_policy(listener: dict[str, Any]) -> tuple[bool, str]:
    policy = listener.get("SslPolicy") or "(none)"
    if TLS12_POLICY.match(policy):
        return True, f"ssl policy {policy}"
    return False, f"ssl policy {policy} accepts protocols older than TLS 1.2"


def _redirects(listener: dict[str, Any]) -> tuple[bool, str]:
    actions = listener.get("DefaultActions") or []
    redirect = [a for a in actions if a.get("Type") == "redirect"]
    if redirect and all(a.get("RedirectConfig", {}).get("Protocol") == "HTTPS" for a in redirect):
        return True, "default action redirects to HTTPS"
    kinds = ", ".join(a.get("Type", "?") for a in actions) or "none"
    return False, f"port {listener.get('Port')} serves plain HTTP (default action: {kinds})"
