"""The Admin Panel's AWS WAF web ACL (seed 5.1): CLOUDFRONT scope, so everything here lives in
us-east-1 (pulumi-aws v7 per-resource ``region``) on the environment account's provider.

Rules, in evaluation order: Amazon IP reputation list, a per-IP rate limit, the common rule set,
known bad inputs; then, when the stack configures LGWAN R-Cloud Proxy egress ranges, an allow rule for
those ranges with the default action BLOCK (the panel is reachable only from them); otherwise the
default action is ALLOW. Full request logs go to an ``aws-waf-logs-`` log group in us-east-1, encrypted
with a us-east-1 key of its own (a log group's key must be in the group's region) and kept as long as
every other log (seed 6.3: 3 months).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.kms import KmsKey, KmsKeyArgs, logs_service
from components.logs import LogSettings
from components.providers import CLOUDFRONT_REGION

# AWS managed rule groups (vendor "AWS"), by the priority they run at.
MANAGED_RULE_GROUPS = (
    (0, "AWSManagedRulesAmazonIpReputationList"),
    (20, "AWSManagedRulesCommonRuleSet"),
    (30, "AWSManagedRulesKnownBadInputsRuleSet"),
)
RATE_LIMIT_PRIORITY = 10
ALLOW_LIST_PRIORITY = 40
RATE_WINDOW_SECONDS = 300
# Headers that can carry credentials are masked in the WAF logs.
REDACTED_HEADERS = ("authorization", "cookie")


@dataclass(frozen=True, kw_only=True)
class CloudFrontWebAclArgs:
    name_prefix: str  # metric names and the log group name
    account_id: str
    logs: LogSettings
    rate_limit: int
    allowed_ip_ranges: Sequence[str] = ()  # empty: no allow list, default action ALLOW
    protect: bool = False


def _visibility(metric: str) -> aws.wafv2.WebAclRuleVisibilityConfigArgs:
    return aws.wafv2.WebAclRuleVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


class CloudFrontWebAcl(pulumi.ComponentResource):
    web_acl: aws.wafv2.WebAcl
    arn: pulumi.Output[str]
    ip_set: aws.wafv2.IpSet | None
    log_group: aws.cloudwatch.LogGroup
    logs_key: KmsKey

    def __init__(self, name: str, args: CloudFrontWebAclArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:frontend:CloudFrontWebAcl", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        metric_prefix = args.name_prefix.replace("-", "")

        rules: list[tuple[int, aws.wafv2.WebAclRuleArgs]] = [
            (
                priority,
                aws.wafv2.WebAclRuleArgs(
                    name=group,
                    priority=priority,
                    override_action=aws.wafv2.WebAclRuleOverrideActionArgs(
                        none=aws.wafv2.WebAclRuleOverrideActionNoneArgs()
                    ),
                    statement=aws.wafv2.WebAclRuleStatementArgs(
                        managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                            name=group, vendor_name="AWS"
                        )
                    ),
                    visibility_config=_visibility(f"{metric_prefix}{group}"),
                ),
            )
            for priority, group in MANAGED_RULE_GROUPS
        ]
        rules.append(
            (
                RATE_LIMIT_PRIORITY,
                aws.wafv2.WebAclRuleArgs(
                    name="RateLimitPerIp",
                    priority=RATE_LIMIT_PRIORITY,
                    action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
                    statement=aws.wafv2.WebAclRuleStatementArgs(
                        rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                            limit=args.rate_limit, aggregate_key_type="IP", evaluation_window_sec=RATE_WINDOW_SECONDS
                        )
                    ),
                    visibility_config=_visibility(f"{metric_prefix}RateLimitPerIp"),
                ),
            )
        )

        self.ip_set = None
        if args.allowed_ip_ranges:
            self.ip_set = aws.wafv2.IpSet(
                f"{name}-allowed-ranges",
                description=f"{args.name_prefix} Admin Panel: LGWAN R-Cloud Proxy egress ranges",
                scope="CLOUDFRONT",
                ip_address_version="IPV4",
                addresses=sorted(args.allowed_ip_ranges),
                region=CLOUDFRONT_REGION,
                opts=child,
            )
            rules.append(
                (
                    ALLOW_LIST_PRIORITY,
                    aws.wafv2.WebAclRuleArgs(
                        name="AllowListedRanges",
                        priority=ALLOW_LIST_PRIORITY,
                        action=aws.wafv2.WebAclRuleActionArgs(allow=aws.wafv2.WebAclRuleActionAllowArgs()),
                        statement=aws.wafv2.WebAclRuleStatementArgs(
                            ip_set_reference_statement=aws.wafv2.WebAclRuleStatementIpSetReferenceStatementArgs(
                                arn=self.ip_set.arn
                            )
                        ),
                        visibility_config=_visibility(f"{metric_prefix}AllowListedRanges"),
                    ),
                )
            )
        default_action = (
            aws.wafv2.WebAclDefaultActionArgs(block=aws.wafv2.WebAclDefaultActionBlockArgs())
            if self.ip_set is not None
            else aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs())
        )

        self.web_acl = aws.wafv2.WebAcl(
            f"{name}-web-acl",
            description=f"{args.name_prefix} Admin Panel (CloudFront)",
            scope="CLOUDFRONT",
            default_action=default_action,
            rules=[rule for _, rule in sorted(rules, key=lambda pair: pair[0])],
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=f"{metric_prefix}AdminPanel", sampled_requests_enabled=True
            ),
            region=CLOUDFRONT_REGION,
            opts=child,
        )
        self.arn = self.web_acl.arn

        # WAF logs: the log group's name must start with aws-waf-logs-, and it must sit in the web ACL's region.
        self.logs_key = KmsKey(
            f"{name}-logs-key",
            KmsKeyArgs(
                description=f"{args.name_prefix} Admin Panel WAF logs ({CLOUDFRONT_REGION})",
                account_id=args.account_id,
                alias=f"alias/{args.name_prefix}/waf-logs",
                services=[logs_service(CLOUDFRONT_REGION, args.account_id)],
                protect=args.protect,
                region=CLOUDFRONT_REGION,
            ),
            opts=child,
        )
        self.log_group = args.logs.log_group(
            f"{name}-logs",
            parent=self,
            log_group_name=f"aws-waf-logs-{args.name_prefix}-admin-panel",
            region=CLOUDFRONT_REGION,
            kms_key_arn=self.logs_key.arn,
        )
        aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-logging",
            resource_arn=self.web_acl.arn,
            log_destination_configs=[self.log_group.arn],
            redacted_fields=[
                aws.wafv2.WebAclLoggingConfigurationRedactedFieldArgs(
                    single_header=aws.wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs(name=header)
                )
                for header in REDACTED_HEADERS
            ],
            region=CLOUDFRONT_REGION,
            opts=child,
        )
        self.register_outputs({"arn": self.arn})
