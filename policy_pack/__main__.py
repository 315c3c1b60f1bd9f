"""The SmartPOST policy pack: assembled from an explicit list of policies, one module per AWS service.

Run by `pulumi preview --policy-pack policy_pack`, or by `python -m offline preview` over the same
gRPC analyzer protocol. Prints its port on stdout and serves until stopped.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pulumi_policy import EnforcementLevel, PolicyPack
from smartpost_policies import (
    athena,
    awslambda,
    backup,
    chatbot,
    cloudfront,
    cloudtrail,
    cloudwatch,
    ec2,
    ecr,
    ecs,
    elb,
    firehose,
    iam,
    kms,
    providers,
    rds,
    s3,
    security_services,
    sfn,
    sns,
    ssm,
    wafv2,
)

# Explicit, ordered by rule family (SPEC "The policy pack"); no import-time registry.
POLICIES = [
    # Providers, accounts, regions
    *providers.POLICIES,
    # TLS in transit and edge
    *elb.POLICIES,
    *cloudfront.POLICIES,
    *wafv2.POLICIES,
    # Storage, databases, encryption at rest
    *s3.POLICIES,
    *rds.POLICIES,
    *kms.POLICIES,
    *sns.POLICIES,
    *firehose.POLICIES,
    *backup.POLICIES,
    *ssm.POLICIES,
    *athena.POLICIES,
    # Network
    *ec2.POLICIES,
    # Compute and containers
    *ecr.POLICIES,
    *ecs.POLICIES,
    *awslambda.POLICIES,
    *sfn.POLICIES,
    # Identity
    *iam.POLICIES,
    *chatbot.POLICIES,
    # Logging, audit, security services
    *cloudwatch.POLICIES,
    *cloudtrail.POLICIES,
    *security_services.POLICIES,
]

if __name__ == "__main__":
    PolicyPack(
        name="smartpost-security",
        policies=POLICIES,
        enforcement_level=EnforcementLevel.MANDATORY,
        description="SmartPOST platform security rules",
    )
