"""The operators' alert topic (seed 5.3, 6.2): everything that must reach a human publishes here;
the Chatbot Slack channel subscribes to it. Encrypted with its own customer-managed key.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import grants
from components.kms import KmsKey, KmsKeyArgs, ServiceUse

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
