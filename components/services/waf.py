"""AWS WAF web ACLs and the rule-building helpers behind them.

The helpers (``managed_rule_group``, ``rate_limit_rule``, ``visibility``) are scope-agnostic: the
front end builds its CLOUDFRONT ACL (``region="us-east-1"``) from the same pieces. ``WebAcl`` adds
logging to a CloudWatch log group (``aws-waf-logs-`` prefix, retention and key from ``LogSettings``)
and ``associate`` attaches the ACL to a regional resource such as an ALB.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.logs import LogSettings

WAF_LOG_GROUP_PREFIX = "aws-waf-logs-"  # AWS WAF only delivers to log groups named like this

# AWS managed rule groups every web ACL of the platform starts from (seed 5.1).
COMMON = "AWSManagedRulesCommonRuleSet"
KNOWN_BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet"
IP_REPUTATION = "AWSManagedRulesAmazonIpReputationList"
SQL_INJECTION = "AWSManagedRulesSQLiRuleSet"
BASELINE_RULE_GROUPS: tuple[str, ...] = (IP_REPUTATION, COMMON, KNOWN_BAD_INPUTS)
API_RULE_GROUPS: tuple[str, ...] = (*BASELINE_RULE_GROUPS, SQL_INJECTION)

# Headers never written to WAF logs (bearer tokens, session cookies).
REDACTED_HEADERS: tuple[str, ...] = ("authorization", "cookie")


def _metric(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)[:128]


def visibility(metric_name: str) -> aws.wafv2.WebAclRuleVisibilityConfigArgs:
    return aws.wafv2.WebAclRuleVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, sampled_requests_enabled=True, metric_name=_metric(metric_name)
    )


def managed_rule_group(group: str, priority: int, *, vendor: str = "AWS") -> aws.wafv2.WebAclRuleArgs:
    """An AWS managed rule group, enforcing (override_action none: the group's own block actions apply)."""
    return aws.wafv2.WebAclRuleArgs(
        name=f"{vendor}-{group}",
        priority=priority,
        override_action=aws.wafv2.WebAclRuleOverrideActionArgs(none=aws.wafv2.WebAclRuleOverrideActionNoneArgs()),
        statement=aws.wafv2.WebAclRuleStatementArgs(
            managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                name=group, vendor_name=vendor
            )
        ),
        visibility_config=visibility(group),
    )


def rate_limit_rule(limit: int, priority: int, *, name: str = "rate-limit-per-ip") -> aws.wafv2.WebAclRuleArgs:
    """Block an IP that sends more than ``limit`` requests in 5 minutes."""
    if limit < 10:
        raise ValueError(f"WAF rate limits start at 10 requests per window, got {limit}")
    return aws.wafv2.WebAclRuleArgs(
        name=name,
        priority=priority,
        action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
        statement=aws.wafv2.WebAclRuleStatementArgs(
            rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                limit=limit, aggregate_key_type="IP", evaluation_window_sec=300
            )
        ),
        visibility_config=visibility(name),
    )


def standard_rules(
    limit: int, groups: Sequence[str] = API_RULE_GROUPS, *, first_priority: int = 0
) -> list[aws.wafv2.WebAclRuleArgs]:
    """Rate limit first (cheapest to evaluate), then the managed groups in order."""
    rules = [rate_limit_rule(limit, first_priority)]
    rules += [managed_rule_group(g, first_priority + 10 * (i + 1)) for i, g in enumerate(groups)]
    return rules


@dataclass(frozen=True, kw_only=True)
class WebAclArgs:
    rules: Sequence[aws.wafv2.WebAclRuleArgs]
    logs: LogSettings
    log_group_name: str  # must start with "aws-waf-logs-"
    scope: Literal["REGIONAL", "CLOUDFRONT"] = "REGIONAL"
    region: str | None = None  # "us-east-1" for CLOUDFRONT (pulumi-aws v7 per-resource region)
    description: str = ""
    log_group: aws.cloudwatch.LogGroup | None = None  # bring your own (named log_group_name), else created here


class WebAcl(pulumi.ComponentResource):
    acl: aws.wafv2.WebAcl
    arn: pulumi.Output[str]
    log_group: aws.cloudwatch.LogGroup

    def __init__(self, name: str, args: WebAclArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:security:WebAcl", name, None, opts)
        if not args.log_group_name.startswith(WAF_LOG_GROUP_PREFIX):
            raise pulumi.RunError(
                f"WebAcl {name}: log_group_name must start with {WAF_LOG_GROUP_PREFIX!r}, got {args.log_group_name!r}"
            )
        if args.scope == "CLOUDFRONT" and args.region != "us-east-1":
            raise pulumi.RunError(f"WebAcl {name}: a CLOUDFRONT web ACL must be created with region='us-east-1'")
        if not args.rules:
            raise pulumi.RunError(f"WebAcl {name}: a web ACL without rules protects nothing")
        self._region = args.region
        self.acl = aws.wafv2.WebAcl(
            f"{name}-acl",
            scope=args.scope,
            description=args.description or None,
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=list(args.rules),
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, sampled_requests_enabled=True, metric_name=_metric(name)
            ),
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.acl.arn
        # WAF logs must sit in the ACL's region: a CLOUDFRONT ACL brings its own us-east-1 log group.
        self.log_group = args.log_group or args.logs.log_group(
            f"{name}-logs", parent=self, log_group_name=args.log_group_name
        )
        aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-logging",
            resource_arn=self.acl.arn,
            log_destination_configs=[self.log_group.arn],
            redacted_fields=[
                aws.wafv2.WebAclLoggingConfigurationRedactedFieldArgs(
                    single_header=aws.wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs(name=header)
                )
                for header in REDACTED_HEADERS
            ],
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"arn": self.arn})

    def associate(self, name: str, resource_arn: pulumi.Input[str]) -> aws.wafv2.WebAclAssociation:
        """Attach this (REGIONAL) ACL to an ALB, API Gateway stage, ... ."""
        return aws.wafv2.WebAclAssociation(
            name,
            resource_arn=resource_arn,
            web_acl_arn=self.acl.arn,
            region=self._region,
            opts=pulumi.ResourceOptions(parent=self),
        )
