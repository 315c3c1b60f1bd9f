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
        region: str | None = None,
        kms_key_arn: pulumi.Input[str] | None = None,
    ) -> aws.cloudwatch.LogGroup:
        """An encrypted log group kept ``log_days`` (``cloudtrail_days`` for CloudTrail's own group).

        ``region`` places it elsewhere than the provider's region (CloudFront's WAF logs: us-east-1); a
        log group's key must be in its own region, so such a group passes that region's ``kms_key_arn``.
        """
        if region is not None and kms_key_arn is None:
            raise pulumi.RunError(f"log group {name}: region={region!r} needs a kms_key_arn in that region")
        days = self.retention.cloudtrail_days if cloudtrail else self.retention.log_days
        return aws.cloudwatch.LogGroup(
            name,
            name=log_group_name,
            retention_in_days=days,
            kms_key_id=kms_key_arn if kms_key_arn is not None else self.kms_key_arn,
            region=region,
            opts=pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=parent), opts),
        )
