"""EventBridge rules that put security events in front of the operators (seed 5.3, 5.4): GuardDuty
findings of medium severity and above, Security Hub HIGH / CRITICAL findings, any use of the root
user. (Site tamper events, seed 5.4, are the front end's own rule.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import grants

RETRY = aws.cloudwatch.EventTargetRetryPolicyArgs(maximum_event_age_in_seconds=86_400, maximum_retry_attempts=185)
GUARDDUTY_MEDIUM = 4  # GuardDuty severities: low 1-3.9, medium 4-6.9, high 7-8.9, critical 9+


def guardduty_pattern() -> dict[str, Any]:
    return {
        "source": ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        "detail": {"severity": [{"numeric": [">=", GUARDDUTY_MEDIUM]}]},
    }


def security_hub_pattern() -> dict[str, Any]:
    return {
        "source": ["aws.securityhub"],
        "detail-type": ["Security Hub Findings - Imported"],
        "detail": {
            "findings": {
                "Severity": {"Label": ["HIGH", "CRITICAL"]},
                "Workflow": {"Status": ["NEW"]},
                "RecordState": ["ACTIVE"],
            }
        },
    }


def root_usage_pattern() -> dict[str, Any]:
    return {
        "detail-type": ["AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"],
        "detail": {"userIdentity": {"type": ["Root"]}},
    }


@dataclass(frozen=True, kw_only=True)
class SecurityEventRulesArgs:
    topic_arn: pulumi.Input[str]
    account_id: str
    region: str  # home region: where the topic and the rules are
    # Root console sign-ins (and other global-service calls) reach EventBridge in us-east-1 only; a rule
    # there forwards them to the home region's default bus, where the root-usage rule alerts.
    forward_from_region: str | None = None  # e.g. "us-east-1"


class SecurityEventRules(pulumi.ComponentResource):
    rules: dict[str, aws.cloudwatch.EventRule]

    def __init__(self, name: str, args: SecurityEventRulesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:operations:SecurityEventRules", name, None, opts)
        patterns: dict[str, tuple[str, pulumi.Input[str]]] = {
            "guardduty": (
                "GuardDuty findings, medium severity and above",
                pulumi.Output.json_dumps(guardduty_pattern()),
            ),
            "security-hub": (
                "Security Hub HIGH and CRITICAL findings",
                pulumi.Output.json_dumps(security_hub_pattern()),
            ),
            "root-usage": ("Any use of the root user", pulumi.Output.json_dumps(root_usage_pattern())),
        }
        child = pulumi.ResourceOptions(parent=self)
        self.rules = {}
        for role, (description, pattern) in patterns.items():
            rule = aws.cloudwatch.EventRule(
                f"{name}-{role}", description=description, event_pattern=pattern, opts=child
            )
            aws.cloudwatch.EventTarget(
                f"{name}-{role}-alerts", rule=rule.name, arn=args.topic_arn, retry_policy=RETRY, opts=child
            )
            self.rules[role] = rule

        if args.forward_from_region is not None and args.forward_from_region != args.region:
            home_bus = f"arn:aws:events:{args.region}:{args.account_id}:event-bus/default"
            forward_role = aws.iam.Role(
                f"{name}-root-usage-forward-role",
                description=f"EventBridge forwards root activity from {args.forward_from_region} to {args.region}",
                assume_role_policy=grants.assume_role_policy("events.amazonaws.com", source_account=args.account_id),
                opts=child,
            )
            forward = grants.grant(
                f"{name}-root-usage-forward", forward_role, [grants.statement(grants.EVENTS_PUT, home_bus)], parent=self
            )
            global_rule = aws.cloudwatch.EventRule(
                f"{name}-root-usage-global",
                description=f"Root user activity seen in {args.forward_from_region} (console sign-in)",
                event_pattern=pulumi.Output.json_dumps(root_usage_pattern()),
                region=args.forward_from_region,
                opts=child,
            )
            aws.cloudwatch.EventTarget(
                f"{name}-root-usage-global-forward",
                rule=global_rule.name,
                arn=home_bus,
                role_arn=forward_role.arn,
                retry_policy=RETRY,
                region=args.forward_from_region,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[forward]),
            )
            self.rules["root-usage-global"] = global_rule
        self.register_outputs({})
