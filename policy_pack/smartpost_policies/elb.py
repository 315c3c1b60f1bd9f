"""Application Load Balancer: TLS 1.2+ listeners, HTTP only to redirect, invalid headers dropped,
access logs, deletion protection in prod, and a WAF web ACL on every ALB (seed 1.2, 4.1, 5.1)."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity, StackValidationArgs

from smartpost_policies.common import (
    PRODUCTION_STACKS_CONFIG,
    Control,
    as_list,
    config_value,
    each,
    get,
    is_production,
    known,
    references,
    resource_policy,
    stack_policy,
    truthy,
)

LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
WAF_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
ALLOWED_TLS_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
]


def _is_alb(props) -> bool:
    return get(props, "loadBalancerType", default="application") == "application"


def _listener_tls_policy(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != LISTENER or get(args.props, "protocol") not in ("HTTPS", "TLS"):
        return
    allowed = config_value(args, "allowedPolicies", ALLOWED_TLS_POLICIES)
    policy = get(args.props, "sslPolicy")
    if not policy:
        report("The HTTPS listener has no sslPolicy (the ELB default admits TLS 1.0); set a TLS 1.2+ policy.")
    elif policy not in allowed:
        report(f"sslPolicy {policy} is not one of the allowed TLS 1.2+ policies: {', '.join(allowed)}.")


def _listener_http_redirects(args: ResourceValidationArgs, report) -> None:
    # An ALB listener without a protocol is a plain-HTTP listener (the AWS default).
    if args.resource_type != LISTENER or get(args.props, "protocol", default="HTTP") != "HTTP":
        return
    actions = as_list(get(args.props, "defaultActions"))
    redirects = [a for a in actions if get(a, "type") == "redirect" and get(a, "redirect", "protocol") == "HTTPS"]
    if not actions or len(redirects) != len(actions):
        report("The plain-HTTP listener must only redirect to HTTPS (defaultActions: one redirect, protocol HTTPS).")


def _drop_invalid_headers(args: ResourceValidationArgs, report) -> None:
    if (
        args.resource_type == LOAD_BALANCER
        and _is_alb(args.props)
        and not truthy(get(args.props, "dropInvalidHeaderFields"))
    ):
        report("The ALB forwards invalid HTTP headers: set drop_invalid_header_fields=True.")


def _access_logs(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != LOAD_BALANCER:
        return
    logs = get(args.props, "accessLogs")
    if not logs or not get(logs, "bucket") or not truthy(get(logs, "enabled", default=False)):
        report("The load balancer writes no access logs: set access_logs (bucket, enabled=True).")


def _deletion_protection(args: ResourceValidationArgs, report) -> None:
    if (
        args.resource_type == LOAD_BALANCER
        and is_production(args, args.urn)
        and not truthy(get(args.props, "enableDeletionProtection"))
    ):
        report("A production load balancer must set enable_deletion_protection=True.")


def _alb_waf(args: StackValidationArgs, report) -> None:
    associations = list(each(args, WAF_ASSOCIATION))
    for lb in each(args, LOAD_BALANCER):
        with known():
            if not _is_alb(lb.props):
                continue
            if not any(references(a, "resourceArn", [lb]) and get(a.props, "webAclArn") for a in associations):
                report("The ALB has no WAF web ACL association (aws.wafv2.WebAclAssociation).", lb.urn)


elb_listener_tls_policy = resource_policy(
    name="elb-listener-tls-policy",
    description="HTTPS listeners use an allowed TLS 1.2+ security policy.",
    severity=Severity.HIGH,
    remediation="Set ssl_policy='ELBSecurityPolicy-TLS13-1-2-2021-06' (or another allowed policy) on the listener.",
    control=Control(checkov="CKV_AWS_103"),
    validate=_listener_tls_policy,
    config={"allowedPolicies": ({"type": "array", "items": {"type": "string"}}, ALLOWED_TLS_POLICIES)},
)
elb_listener_http_redirects_https = resource_policy(
    name="elb-listener-http-redirects-https",
    description="Plain-HTTP listeners only redirect to HTTPS.",
    severity=Severity.HIGH,
    remediation="Give the port-80 listener a single default action of type 'redirect' with protocol 'HTTPS' "
    "(status HTTP_301).",
    control=Control(security_hub="ELB.1", checkov="CKV2_AWS_20"),
    validate=_listener_http_redirects,
)
elb_load_balancer_drop_invalid_headers = resource_policy(
    name="elb-load-balancer-drop-invalid-headers",
    description="Application load balancers drop invalid HTTP header fields.",
    severity=Severity.MEDIUM,
    remediation="Set drop_invalid_header_fields=True on the aws.lb.LoadBalancer.",
    control=Control(security_hub="ELB.4", checkov="CKV_AWS_131"),
    validate=_drop_invalid_headers,
)
elb_load_balancer_access_logs = resource_policy(
    name="elb-load-balancer-access-logs",
    description="Load balancers write access logs to S3.",
    severity=Severity.MEDIUM,
    remediation="Set access_logs=aws.lb.LoadBalancerAccessLogsArgs(bucket=<log bucket>, enabled=True).",
    control=Control(security_hub="ELB.5", checkov="CKV_AWS_91", cdk_nag="AwsSolutions-ELB2"),
    validate=_access_logs,
)
elb_load_balancer_deletion_protection = resource_policy(
    name="elb-load-balancer-deletion-protection",
    description="Production load balancers have deletion protection on.",
    severity=Severity.MEDIUM,
    remediation="Set enable_deletion_protection=True when the stack is production (stack config).",
    control=Control(security_hub="ELB.6", checkov="CKV_AWS_150"),
    validate=_deletion_protection,
    config=PRODUCTION_STACKS_CONFIG,
)
elb_load_balancer_waf = stack_policy(
    name="elb-load-balancer-waf",
    description="Every application load balancer is associated with a WAF web ACL.",
    severity=Severity.HIGH,
    remediation="Create an aws.wafv2.WebAclAssociation(resource_arn=alb.arn, web_acl_arn=<REGIONAL web ACL>).",
    control=Control(security_hub="ELB.16", checkov="CKV2_AWS_28"),
    validate=_alb_waf,
)

POLICIES = [
    elb_listener_tls_policy,
    elb_listener_http_redirects_https,
    elb_load_balancer_drop_invalid_headers,
    elb_load_balancer_access_logs,
    elb_load_balancer_deletion_protection,
    elb_load_balancer_waf,
]
