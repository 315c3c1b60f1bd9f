"""One module per AWS service; each has ``RULES`` (the rule names it reports) and ``run(ctx)``."""

from __future__ import annotations

from types import ModuleType

from audit.checks import cloudfront, cloudtrail, ecr, ecs, elbv2, guardduty, kms, logs, rds, s3, securityhub

CHECKS: tuple[ModuleType, ...] = (s3, elbv2, cloudfront, rds, ecs, ecr, logs, cloudtrail, guardduty, securityhub, kms)
