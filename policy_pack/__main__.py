"""The SmartPOST policy pack: assembled from an explicit list of policies, one module per AWS service.

Run by `pulumi preview --policy-pack policy_pack`, or by `python -m offline preview` over the same
gRPC analyzer protocol. Prints its port on stdout and serves until stopped.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pulumi_policy import EnforcementLevel, PolicyPack
from smartpost_policies import cloudwatch, providers

POLICIES = [
    *providers.POLICIES,
    *cloudwatch.POLICIES,
]

if __name__ == "__main__":
    PolicyPack(
        name="smartpost-security",
        policies=POLICIES,
        enforcement_level=EnforcementLevel.MANDATORY,
        description="SmartPOST platform security rules",
    )
