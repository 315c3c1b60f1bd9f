"""The internet-facing Application Load Balancer: HTTPS only (HTTP just redirects), invalid headers
dropped, desync mitigation, access logs to their own bucket, deletion protection in production.
Services attach their target groups with listener rules on ``https_listener``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pulumi
import pulumi_aws as aws

from components import grants
from components.bucket import SecureBucket, SecureBucketArgs

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"  # TLS 1.3 and 1.2 only
ACCESS_LOG_PREFIX = "alb"

# Regions opened before August 2022 deliver ALB access logs from a regional ELB account; newer
# Regions use the log-delivery service principal (ELB user guide, "Enable access logs", step 2).
ELB_LOG_ACCOUNTS = {
    "ap-northeast-1": "582318560864",
    "ap-northeast-3": "383597477331",
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-2": "797873946194",
}
ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"


def elb_log_delivery_statement(bucket_arn: pulumi.Input[str], account_id: str, region: str) -> dict[str, Any]:
    """The bucket-policy statement that lets Elastic Load Balancing write this account's access logs."""
    objects = pulumi.Output.concat(bucket_arn, f"/{ACCESS_LOG_PREFIX}/AWSLogs/{account_id}/*")
    if region in ELB_LOG_ACCOUNTS:
        principal = {"AWS": f"arn:aws:iam::{ELB_LOG_ACCOUNTS[region]}:root"}
    else:
        principal = {"Service": ELB_LOG_DELIVERY_SERVICE}
    return grants.statement(("s3:PutObject",), objects, sid="ElbAccessLogDelivery", principals=principal)


@dataclass(frozen=True, kw_only=True)
class PublicLoadBalancerArgs:
    account_id: str
    region: str
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    certificate_arn: pulumi.Input[str]
    desync_mitigation_mode: Literal["defensive", "strictest"] = "defensive"
    log_expiry_days: int = 90
    deletion_protection: bool = True
    idle_timeout: int = 60


class PublicLoadBalancer(pulumi.ComponentResource):
    alb: aws.lb.LoadBalancer
    arn: pulumi.Output[str]
    arn_suffix: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    zone_id: pulumi.Output[str]
    https_listener: aws.lb.Listener
    log_bucket: SecureBucket

    def __init__(self, name: str, args: PublicLoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:services:PublicLoadBalancer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if len(args.subnet_ids) < 2:
            raise pulumi.RunError(f"PublicLoadBalancer {name}: an ALB needs subnets in at least two AZs")

        # ALB access logs support SSE-S3 only: a customer key is not an option for this bucket.
        self.log_bucket = SecureBucket(
            f"{name}-access-logs",
            SecureBucketArgs(
                encryption="s3",
                expire_after_days=args.log_expiry_days,
                versioning=True,
                protect=args.deletion_protection,
                policy_statements_for=lambda arn: [elb_log_delivery_statement(arn, args.account_id, args.region)],
            ),
            opts=child,
        )

        self.alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            subnets=list(args.subnet_ids),
            security_groups=[args.security_group_id],
            drop_invalid_header_fields=True,
            desync_mitigation_mode=args.desync_mitigation_mode,
            enable_deletion_protection=args.deletion_protection,
            enable_http2=True,
            idle_timeout=args.idle_timeout,
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(
                bucket=self.log_bucket.name, enabled=True, prefix=ACCESS_LOG_PREFIX
            ),
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.deletion_protection, depends_on=[self.log_bucket.policy]
            ),
        )
        self.arn = self.alb.arn
        self.arn_suffix = self.alb.arn_suffix
        self.dns_name = self.alb.dns_name
        self.zone_id = self.alb.zone_id

        aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=self.alb.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="redirect",
                    redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                        protocol="HTTPS", port="443", status_code="HTTP_301"
                    ),
                )
            ],
            opts=child,
        )
        self.https_listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.alb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=args.certificate_arn,
            # Nothing is served unless a service's rule matches.
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="fixed-response",
                    fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                        content_type="text/plain", message_body="Not Found", status_code="404"
                    ),
                )
            ],
            opts=child,
        )
        self.register_outputs(
            {"arn": self.arn, "arn_suffix": self.arn_suffix, "dns_name": self.dns_name, "zone_id": self.zone_id}
        )
