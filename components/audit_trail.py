"""The environment account's CloudTrail (seed 4.4, 6.3): every region, log file validation, the
logging account's key and bucket, management events plus S3 object-level data events on the data
buckets, and a copy in CloudWatch Logs (kept as long as the trail: 1 year) for alarms and queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import grants
from components.logs import LogSettings

CLOUDTRAIL = "cloudtrail.amazonaws.com"


@dataclass(frozen=True, kw_only=True)
class AuditTrailArgs:
    trail_name: str  # explicit: the logging account's bucket and key policies name this trail's ARN
    trail_arn: str
    account_id: str
    s3_bucket_name: pulumi.Input[str]  # in the logging account
    kms_key_arn: pulumi.Input[str]  # the logging account's trail key
    logs: LogSettings
    # Buckets whose object-level reads and writes are recorded (site bucket, data buckets).
    data_bucket_arns: Sequence[pulumi.Input[str]] = ()
    depends_on: Sequence[pulumi.Resource] = field(default_factory=tuple)  # bucket policy, key


class AuditTrail(pulumi.ComponentResource):
    trail: aws.cloudtrail.Trail
    trail_arn: pulumi.Output[str]
    log_group: aws.cloudwatch.LogGroup
    log_group_name: pulumi.Output[str]
    role: aws.iam.Role

    def __init__(self, name: str, args: AuditTrailArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:audit:AuditTrail", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.log_group = args.logs.log_group(f"{name}-logs", parent=self, cloudtrail=True)
        self.log_group_name = self.log_group.name
        self.role = aws.iam.Role(
            f"{name}-logs-role",
            description="CloudTrail delivers the trail to CloudWatch Logs",
            # The documented trust policy: CloudTrail sets no source context when it assumes this role.
            assume_role_policy=grants.assume_role_policy(CLOUDTRAIL),
            opts=child,
        )
        delivery = grants.grant(
            f"{name}-logs-write",
            self.role,
            [grants.statement(grants.LOGS_WRITE, pulumi.Output.concat(self.log_group.arn, ":log-stream:*"))],
            parent=self,
        )

        selectors = [
            aws.cloudtrail.TrailAdvancedEventSelectorArgs(
                name="Management events",
                field_selectors=[
                    aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(
                        field="eventCategory", equals=["Management"]
                    )
                ],
            )
        ]
        if args.data_bucket_arns:
            selectors.append(
                aws.cloudtrail.TrailAdvancedEventSelectorArgs(
                    name="S3 object-level events on the site and data buckets",
                    field_selectors=[
                        aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(
                            field="eventCategory", equals=["Data"]
                        ),
                        aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(
                            field="resources.type", equals=["AWS::S3::Object"]
                        ),
                        aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(
                            field="resources.ARN",
                            starts_withs=[pulumi.Output.concat(arn, "/") for arn in args.data_bucket_arns],
                        ),
                    ],
                )
            )

        self.trail = aws.cloudtrail.Trail(
            f"{name}-trail",
            name=args.trail_name,
            s3_bucket_name=args.s3_bucket_name,
            kms_key_id=args.kms_key_arn,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            cloud_watch_logs_group_arn=pulumi.Output.concat(self.log_group.arn, ":*"),  # CloudTrail wants the wildcard
            cloud_watch_logs_role_arn=self.role.arn,
            advanced_event_selectors=selectors,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[delivery, *args.depends_on]),
        )
        self.trail_arn = self.trail.arn
        self.register_outputs({"trail_arn": self.trail_arn, "log_group_name": self.log_group_name})
