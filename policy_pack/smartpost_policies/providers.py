"""Explicit AWS providers, pinned to the right account."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, as_list, config_value, get, region_of, resource_policy

AWS_PROVIDER = "pulumi:providers:aws"


def _explicit_pinned_provider(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == AWS_PROVIDER:  # the provider itself, even one no resource uses yet
        if not as_list(get(args.props, "allowedAccountIds")):
            report(f"Provider '{args.name}' does not pin allowedAccountIds.")
        return
    if not args.resource_type.startswith("aws:"):
        return
    provider = args.provider
    if provider is None or provider.name.startswith("default"):
        report("The resource uses the default AWS provider; pass an explicit provider (opts=provider=...).")
        return
    if not as_list(provider.props.get("allowedAccountIds")):
        report(f"Provider '{provider.name}' does not pin allowedAccountIds.")


provider_explicit_pinned_account = resource_policy(
    name="pulumi-provider-explicit-pinned-account",
    description="Every AWS provider pins allowed_account_ids, and every AWS resource uses an explicit provider.",
    severity=Severity.CRITICAL,
    remediation="Create resources with opts=pulumi.ResourceOptions(provider=...) using a provider built by "
    "components/providers.py, which sets allowed_account_ids from the stack's accounts config.",
    control=Control(seed="2"),
    validate=_explicit_pinned_provider,
)


HOME_REGIONS = ["ap-northeast-1"]
EDGE_REGION = "us-east-1"
# Types that must (or may) live beside CloudFront in us-east-1: its certificate, its WAF pieces and their
# logs, and the keys encrypting those logs.
EDGE_TYPES = [
    "aws:acm/certificate:Certificate",
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:wafv2/webAcl:WebAcl",
    "aws:wafv2/ipSet:IpSet",
    "aws:wafv2/ruleGroup:RuleGroup",
    "aws:wafv2/regexPatternSet:RegexPatternSet",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:kms/key:Key",
    "aws:kms/alias:Alias",
]
# Global-service events (root console sign-in, IAM, STS) reach EventBridge only in us-east-1: a rule there
# may forward them to the home region's bus, and do nothing else.
GLOBAL_EVENT_REGION = "us-east-1"
GLOBAL_EVENT_TYPES = ["aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget"]
# The Chatbot API is not in Tokyo (SPEC "Accounts, stacks, regions").
CHATBOT_REGIONS = ["us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1"]
# Global services: no region of their own.
GLOBAL_PREFIXES = [
    "aws:iam/",
    "aws:route53/",
    "aws:cloudfront/",
    "aws:organizations/",
    "aws:ssoadmin/",
    "aws:identitystore/",
    "aws:budgets/",
    "aws:shield/",
]
WAF_LOG_PREFIX = "aws-waf-logs-"


def _edge_allowed(args: ResourceValidationArgs) -> bool:
    """A resource of an edge type is allowed in us-east-1 only when it serves CloudFront."""
    kind = args.resource_type
    if kind.startswith("aws:wafv2/") and kind != "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration":
        return get(args.props, "scope") == "CLOUDFRONT"
    if kind == "aws:cloudwatch/logGroup:LogGroup":
        name = str(get(args.props, "name", default="") or get(args.props, "namePrefix", default=""))
        return name.startswith(WAF_LOG_PREFIX)
    return True


def _forwards_home(args: ResourceValidationArgs) -> bool:
    """A target outside the home region may only forward events to a home-region event bus."""
    if args.resource_type != "aws:cloudwatch/eventTarget:EventTarget":
        return True  # a rule does nothing without targets; its targets are judged here
    homes = config_value(args, "homeRegions", HOME_REGIONS)
    arn = str(get(args.props, "arn", default=""))
    return any(arn.startswith(f"arn:aws:events:{home}:") and ":event-bus/" in arn for home in homes)


def _region_allowed(args: ResourceValidationArgs, report) -> None:
    kind = args.resource_type
    if not kind.startswith("aws:") or any(
        kind.startswith(p) for p in config_value(args, "globalPrefixes", GLOBAL_PREFIXES)
    ):
        return
    region = region_of(args)
    if not region:
        return  # no region known yet
    if kind.startswith("aws:chatbot/"):
        allowed = list(config_value(args, "chatbotRegions", CHATBOT_REGIONS))
    else:
        allowed = list(config_value(args, "homeRegions", HOME_REGIONS))
        if kind in config_value(args, "edgeTypes", EDGE_TYPES) and _edge_allowed(args):
            allowed.append(config_value(args, "edgeRegion", EDGE_REGION))
        if kind in config_value(args, "globalEventTypes", GLOBAL_EVENT_TYPES) and _forwards_home(args):
            allowed.append(config_value(args, "globalEventRegion", GLOBAL_EVENT_REGION))
    if region not in allowed:
        report(f"The resource lands in {region}; allowed for {kind}: {', '.join(allowed)}.")


aws_resource_region_allowed = resource_policy(
    name="aws-resource-region-allowed",
    description="Resources are in ap-northeast-1, except CloudFront's certificate/WAF (us-east-1), EventBridge "
    "rules forwarding global-service events home (us-east-1), the Chatbot API region, and global services.",
    severity=Severity.HIGH,
    remediation="Use the stack's providers (ap-northeast-1); for CloudFront's WAF and certificate pass "
    "region='us-east-1' (pulumi-aws v7), for Chatbot one of its API regions.",
    control=Control(seed="1.1"),
    validate=_region_allowed,
    config={
        "homeRegions": ({"type": "array", "items": {"type": "string"}}, HOME_REGIONS),
        "edgeRegion": ({"type": "string"}, EDGE_REGION),
        "edgeTypes": ({"type": "array", "items": {"type": "string"}}, EDGE_TYPES),
        "globalEventRegion": ({"type": "string"}, GLOBAL_EVENT_REGION),
        "globalEventTypes": ({"type": "array", "items": {"type": "string"}}, GLOBAL_EVENT_TYPES),
        "chatbotRegions": ({"type": "array", "items": {"type": "string"}}, CHATBOT_REGIONS),
        "globalPrefixes": ({"type": "array", "items": {"type": "string"}}, GLOBAL_PREFIXES),
    },
)

POLICIES = [provider_explicit_pinned_account, aws_resource_region_allowed]
