"""AWS WAF: web ACLs carry rules and write logs (seed 5.1)."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity, StackValidationArgs

from smartpost_policies.common import Control, as_list, each, get, known, references, resource_policy, stack_policy

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"


def _has_rules(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == WEB_ACL and not as_list(get(args.props, "rules")) and not get(args.props, "ruleJson"):
        report("The web ACL has no rules: it only applies its default action.")


def _logging(args: StackValidationArgs, report) -> None:
    configs = list(each(args, LOGGING))
    for acl in each(args, WEB_ACL):
        with known():
            if not any(
                references(c, "resourceArn", [acl]) and as_list(get(c.props, "logDestinationConfigs")) for c in configs
            ):
                report("The web ACL has no logging configuration (aws.wafv2.WebAclLoggingConfiguration).", acl.urn)


wafv2_web_acl_rules = resource_policy(
    name="wafv2-web-acl-has-rules",
    description="Every WAF web ACL has at least one rule or rule group.",
    severity=Severity.MEDIUM,
    remediation="Add the AWS managed rule groups (common, known bad inputs, IP reputation) and a rate-based rule.",
    control=Control(security_hub="WAF.10", checkov="CKV2_AWS_31"),
    validate=_has_rules,
)
wafv2_web_acl_logging = stack_policy(
    name="wafv2-web-acl-logging",
    description="Every WAF web ACL has a logging configuration.",
    severity=Severity.MEDIUM,
    remediation="Create aws.wafv2.WebAclLoggingConfiguration(resource_arn=acl.arn, log_destination_configs=[<log "
    "group named aws-waf-logs-*>]) in the web ACL's region.",
    control=Control(security_hub="WAF.11", checkov="CKV_AWS_192"),
    validate=_logging,
)

POLICIES = [wafv2_web_acl_rules, wafv2_web_acl_logging]
