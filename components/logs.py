"""Log groups, all from one place: retention (seed 6.3: CloudTrail 1 year, everything else 3 months)
and the customer-managed key come from the stack's retention config.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from stack_config.retention import RetentionConfig


@dataclass(frozen=True)
class LogSettings:
    retention: RetentionConfig
    kms_key_arn: pulumi.Input[str]

    def log_group(
        self,
        name: str,
        *,
        parent: pulumi.Resource,
        log_group_name: pulumi.Input[str] | None = None,
        cloudtrail: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> aws.cloudwatch.LogGroup:
        """An encrypted log group kept ``log_days`` (``cloudtrail_days`` for CloudTrail's own group)."""
        days = self.retention.cloudtrail_days if cloudtrail else self.retention.log_days
        return aws.cloudwatch.LogGroup(
            name,
            name=log_group_name,
            retention_in_days=days,
            kms_key_id=self.kms_key_arn,
            opts=pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=parent), opts),
        )
