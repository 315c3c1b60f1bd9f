"""Security services of the environment account (seed 5.3, SPEC "Security services"): GuardDuty
with S3 protection and runtime monitoring of the Fargate services, Security Hub with the FSBP and CIS
standards, the AWS Config recorder delivering to the logging account, and IAM Access Analyzer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from components import grants

CONFIG_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"


def standards_arns(region: str) -> dict[str, str]:
    return {
        "fsbp": f"arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
        "cis": f"arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/3.0.0",
    }


@dataclass(frozen=True, kw_only=True)
class SecurityServicesArgs:
    name_prefix: str  # "smartpost-dev"
    region: str
    account_id: str
    config_bucket_name: pulumi.Input[str]  # in the logging account
    config_bucket_arn: pulumi.Input[str]
    config_kms_key_arn: pulumi.Input[str]  # the logging account's key for that bucket
    finding_frequency: Literal["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"] = "FIFTEEN_MINUTES"


class SecurityServices(pulumi.ComponentResource):
    detector: aws.guardduty.Detector
    detector_id: pulumi.Output[str]
    security_hub: aws.securityhub.Account
    recorder: aws.cfg.Recorder
    config_role: aws.iam.Role
    analyzer: aws.accessanalyzer.Analyzer

    def __init__(self, name: str, args: SecurityServicesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:security:SecurityServices", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # -- GuardDuty (GuardDuty.1) ------------------------------------------------------------
        self.detector = aws.guardduty.Detector(
            f"{name}-guardduty", enable=True, finding_publishing_frequency=args.finding_frequency, opts=child
        )
        self.detector_id = self.detector.id
        aws.guardduty.DetectorFeature(
            f"{name}-guardduty-s3",
            detector_id=self.detector.id,
            name="S3_DATA_EVENTS",
            status="ENABLED",
            opts=child,
        )
        aws.guardduty.DetectorFeature(
            f"{name}-guardduty-runtime",
            detector_id=self.detector.id,
            name="RUNTIME_MONITORING",
            status="ENABLED",
            additional_configurations=[
                aws.guardduty.DetectorFeatureAdditionalConfigurationArgs(
                    name="ECS_FARGATE_AGENT_MANAGEMENT", status="ENABLED"
                )
            ],
            opts=child,
        )

        # -- Security Hub: only the standards we chose, consolidated control findings ----------
        self.security_hub = aws.securityhub.Account(
            f"{name}-security-hub",
            enable_default_standards=False,
            control_finding_generator="SECURITY_CONTROL",
            auto_enable_controls=True,
            opts=child,
        )
        for key, arn in standards_arns(args.region).items():
            aws.securityhub.StandardsSubscription(
                f"{name}-standard-{key}",
                standards_arn=arn,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.security_hub]),
            )

        # -- AWS Config (Config.1): recorder -> delivery channel (logging account) -> status ----
        self.config_role = aws.iam.Role(
            f"{name}-config-role",
            description="AWS Config recorder",
            assume_role_policy=grants.assume_role_policy("config.amazonaws.com", source_account=args.account_id),
            opts=child,
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-config-role-managed", role=self.config_role.name, policy_arn=CONFIG_ROLE_POLICY, opts=child
        )
        delivery_grant = grants.grant(
            f"{name}-config-delivery",
            self.config_role,
            [
                grants.statement(("s3:GetBucketAcl", "s3:ListBucket"), args.config_bucket_arn),
                grants.statement(
                    ("s3:PutObject",),
                    pulumi.Output.concat(args.config_bucket_arn, f"/AWSLogs/{args.account_id}/Config/*"),
                ),
                grants.statement(("kms:Decrypt", "kms:GenerateDataKey"), args.config_kms_key_arn),
            ],
            parent=self,
        )
        self.recorder = aws.cfg.Recorder(
            f"{name}-config-recorder",
            role_arn=self.config_role.arn,
            recording_group=aws.cfg.RecorderRecordingGroupArgs(all_supported=True, include_global_resource_types=True),
            opts=child,
        )
        channel = aws.cfg.DeliveryChannel(
            f"{name}-config-delivery-channel",
            s3_bucket_name=args.config_bucket_name,
            s3_kms_key_arn=args.config_kms_key_arn,
            snapshot_delivery_properties=aws.cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs(
                delivery_frequency="TwentyFour_Hours"
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.recorder, delivery_grant]),
        )
        aws.cfg.RecorderStatus(
            f"{name}-config-recorder-status",
            name=self.recorder.name,
            is_enabled=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[channel]),
        )

        # -- IAM Access Analyzer: resources shared outside the account ----------------------------
        self.analyzer = aws.accessanalyzer.Analyzer(
            f"{name}-access-analyzer", analyzer_name=f"{args.name_prefix}-account", type="ACCOUNT", opts=child
        )
        self.register_outputs({"detector_id": self.detector_id})
