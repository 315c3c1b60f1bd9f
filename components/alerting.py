"""The operators' alert topic (seed 5.3, 6.2): everything that must reach a human publishes here;
the Chatbot Slack channel subscribes to it. Encrypted with its own customer-managed key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import grants
from components.kms import KmsKey, KmsKeyArgs, ServiceUse
from stack_config.operations import FORBIDDEN_GUARDRAILS

# Services that publish alerts: EventBridge rules and CloudWatch alarms.
PUBLISHERS = ("events.amazonaws.com", "cloudwatch.amazonaws.com")


@dataclass(frozen=True, kw_only=True)
class AlertTopicArgs:
    account_id: str
    name_prefix: str
    protect: bool = False


class AlertTopic(pulumi.ComponentResource):
    topic: aws.sns.Topic
    topic_arn: pulumi.Output[str]
    key: KmsKey

    def __init__(self, name: str, args: AlertTopicArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:operations:AlertTopic", name, None, opts)
        self.key = KmsKey(
            f"{name}-key",
            KmsKeyArgs(
                description=f"{args.name_prefix} alert topic",
                account_id=args.account_id,
                alias=f"alias/{args.name_prefix}/alerts",
                services=[
                    ServiceUse(
                        principal=p,
                        actions=("kms:GenerateDataKey*", "kms:Decrypt"),
                        conditions={"StringEquals": {"aws:SourceAccount": args.account_id}},
                    )
                    for p in PUBLISHERS
                ],
                protect=args.protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.topic = aws.sns.Topic(
            f"{name}-topic", kms_master_key_id=self.key.arn, opts=pulumi.ResourceOptions(parent=self)
        )
        self.topic_arn = self.topic.arn
        aws.sns.TopicPolicy(
            f"{name}-topic-policy",
            arn=self.topic.arn,
            policy=grants.policy_document(
                grants.statement(
                    grants.SNS_PUBLISH,
                    self.topic.arn,
                    sid="AlarmsAndRulesPublish",
                    principals={"Service": list(PUBLISHERS)},
                    conditions={"StringEquals": {"aws:SourceAccount": args.account_id}},
                )
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"topic_arn": self.topic_arn})


# -- Slack, through Amazon Q Developer in chat applications (AWS Chatbot) ----------------------------
CHATBOT = "chatbot.amazonaws.com"
# What the channel role itself may do: read alarms and metrics to render them, nothing else.
CHATBOT_ROLE_POLICIES = ("arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess",)
READ_ONLY_GUARDRAIL = "arn:aws:iam::aws:policy/ReadOnlyAccess"


@dataclass(frozen=True, kw_only=True)
class SlackChannelArgs:
    name_prefix: str
    region: str  # a Chatbot API region (Chatbot has none in Tokyo); per-resource region
    slack_team_id: str
    slack_channel_id: str
    sns_topic_arns: Sequence[pulumi.Input[str]]
    # Cap on what anyone in the channel can do, whatever roles they bring. Never admin.
    guardrail_policy_arns: Sequence[str] = (READ_ONLY_GUARDRAIL,)


class SlackChannel(pulumi.ComponentResource):
    """The alert topics' Slack channel configuration with its own read-only role."""

    role: aws.iam.Role
    configuration: aws.chatbot.SlackChannelConfiguration
    configuration_arn: pulumi.Output[str]

    def __init__(self, name: str, args: SlackChannelArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:operations:SlackChannel", name, None, opts)
        forbidden = [a for a in args.guardrail_policy_arns if a.rsplit("/", 1)[-1] in FORBIDDEN_GUARDRAILS]
        if forbidden or not args.guardrail_policy_arns:
            raise pulumi.RunError(
                f"SlackChannel {name}: guardrail_policy_arns must be read-only policies, "
                f"got {list(args.guardrail_policy_arns)}"
            )
        child = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role(
            f"{name}-role",
            description="Chatbot Slack channel: reads alarms and metrics",
            assume_role_policy=grants.assume_role_policy(CHATBOT),  # as documented: no source context
            opts=child,
        )
        for index, policy_arn in enumerate(CHATBOT_ROLE_POLICIES):
            aws.iam.RolePolicyAttachment(
                f"{name}-role-policy-{index}", role=self.role.name, policy_arn=policy_arn, opts=child
            )
        self.configuration = aws.chatbot.SlackChannelConfiguration(
            f"{name}-slack",
            configuration_name=f"{args.name_prefix}-alerts",
            iam_role_arn=self.role.arn,
            slack_team_id=args.slack_team_id,
            slack_channel_id=args.slack_channel_id,
            sns_topic_arns=list(args.sns_topic_arns),
            guardrail_policy_arns=list(args.guardrail_policy_arns),
            logging_level="ERROR",
            region=args.region,
            opts=child,
        )
        self.configuration_arn = self.configuration.chat_configuration_arn
        self.register_outputs({"configuration_arn": self.configuration_arn})
