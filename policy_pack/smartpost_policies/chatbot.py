"""Chatbot / Amazon Q Developer in chat applications (seed 6.2): guardrails set, never administrator."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, as_list, config_value, get, resource_policy

CONFIGURATIONS = (
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
    "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration",
)
FORBIDDEN = ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/PowerUserAccess"]


def _guardrails(args: ResourceValidationArgs, report) -> None:
    if args.resource_type not in CONFIGURATIONS:
        return
    forbidden = set(config_value(args, "forbiddenPolicyArns", FORBIDDEN))
    arns = [str(a) for a in as_list(get(args.props, "guardrailPolicyArns"))]
    if not arns:
        report("No guardrail_policy_arns: Chatbot then defaults to AdministratorAccess.")
    for arn in arns:
        if arn in forbidden:
            report(f"Guardrail policy {arn} is not allowed: use ReadOnlyAccess or a narrow policy.")


chatbot_guardrails = resource_policy(
    name="chatbot-channel-configuration-guardrails",
    description="Chatbot channel configurations set guardrail policies, none of them administrator access.",
    severity=Severity.HIGH,
    remediation="Set guardrail_policy_arns=['arn:aws:iam::aws:policy/ReadOnlyAccess'] (or narrower).",
    control=Control(seed="6.2"),
    validate=_guardrails,
    config={"forbiddenPolicyArns": ({"type": "array", "items": {"type": "string"}}, FORBIDDEN)},
)

POLICIES = [chatbot_guardrails]
