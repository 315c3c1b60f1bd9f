"""The SmartPOST Admin Panel front end (seed 1.2, 5.1, 5.4): a static single-page app in a private S3
bucket, served only by CloudFront through Origin Access Control, behind AWS WAF, on the panel's own
domain with an ACM certificate, plus the tamper watch on the bucket.

Ordering without a cycle: the bucket policy and the site key's policy both name *this* distribution's
ARN, and the distribution needs the bucket's domain. The distribution depends only on the bare
``aws.s3.Bucket``; the key and the bucket policy take the distribution ARN through a deferred Output
(``pulumi.deferred_output``), resolved once the distribution is declared. The engine then creates
bucket -> distribution -> key -> bucket encryption / bucket policy.

Access logs: CloudFront standard logging (legacy, ``logging_config``) into a log bucket of its own
that expires objects after the stack's log retention (90 days). Chosen over standard logging v2
because AWS Config's ``cloudfront-accesslogs-enabled`` (Security Hub CloudFront.5) recognises only the
legacy setting; its price is ACLs on that one bucket (``BucketOwnerPreferred``: CloudFront grants its
log-delivery account through the bucket ACL) and SSE-S3 there (the one exception the policy pack admits for
CloudFront log buckets; a customer key would need grants to AWS's log-delivery service).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import grants
from components.bucket import SecureBucket, SecureBucketArgs
from components.frontend_waf import CloudFrontWebAcl, CloudFrontWebAclArgs
from components.kms import KmsKey, KmsKeyArgs, ServiceUse
from components.logs import LogSettings
from components.providers import CLOUDFRONT_REGION
from stack_config.frontend import FrontendConfig

CLOUDFRONT_SERVICE = "cloudfront.amazonaws.com"
# AWS managed cache policy "Managed-CachingOptimized" (a documented constant ID).
CACHING_OPTIMIZED_POLICY_ID = "658327ea-f89d-4fab-a63d-7e88639e58f6"
HSTS_MAX_AGE_SECONDS = 63_072_000  # 2 years, as the HSTS preload list requires (>= 1 year)
MAX_CSP_LENGTH = 1783  # CloudFront's limit for the Content-Security-Policy header value
INDEX_DOCUMENT = "index.html"
SPA_ERROR_CODES = (403, 404)  # client-side routes: S3 (no ListBucket for CloudFront) answers 403 for unknown keys

# Site bucket changes that raise a tamper alert (seed 5.4): object writes and deletes (CloudTrail data
# events) and bucket settings that could expose or replace the site (management events).
TAMPER_EVENT_NAMES = (
    "PutObject",
    "CopyObject",
    "CompleteMultipartUpload",
    "DeleteObject",
    "DeleteObjects",
    "PutObjectAcl",
    "PutObjectRetention",
    "PutObjectLegalHold",
    "RestoreObject",
    "PutBucketPolicy",
    "DeleteBucketPolicy",
    "PutBucketAcl",
    "PutBucketPublicAccessBlock",
    "DeleteBucketPublicAccessBlock",
    "PutBucketOwnershipControls",
    "DeleteBucketOwnershipControls",
    "PutBucketEncryption",
    "DeleteBucketEncryption",
    "PutBucketVersioning",
    "PutBucketWebsite",
    "DeleteBucketWebsite",
    "PutBucketCors",
    "PutBucketLifecycle",
    "DeleteBucketLifecycle",
    "PutBucketReplication",
    "DeleteBucket",
)


@dataclass(frozen=True, kw_only=True)
class AdminFrontendArgs:
    config: FrontendConfig
    name_prefix: str
    account_id: str  # the environment account (owns the keys)
    logs: LogSettings
    alert_topic_arn: pulumi.Input[str]  # tamper events publish here
    protect: bool = False


def content_security_policy(config: FrontendConfig) -> str:
    """The panel's CSP: its own origin, the backend API and the in-app guide service, nothing else."""
    guide = [f"https://{domain}" for domain in config.guide_service_domains]
    api = [f"https://{domain}" for domain in config.api_domains]

    def directive(name: str, *sources: str) -> str:
        return " ".join((name, *sources))

    directives = [
        directive("default-src", "'self'"),
        directive("script-src", "'self'", *guide),
        # Guide overlays set inline styles on the elements they highlight.
        directive("style-src", "'self'", "'unsafe-inline'", *guide),
        directive("img-src", "'self'", "data:", *guide),
        directive("font-src", "'self'", "data:", *guide),
        directive("connect-src", "'self'", *api, *guide),
        directive("frame-src", *(guide or ["'none'"])),
        directive("frame-ancestors", "'none'"),
        directive("object-src", "'none'"),
        directive("base-uri", "'self'"),
        directive("form-action", "'self'"),
        "upgrade-insecure-requests",
    ]
    return "; ".join(directives)


def tamper_event_pattern(bucket_name: str, release_role_arns: list[str]) -> str:
    """EventBridge pattern for changes to the site bucket by anyone but the release roles."""
    detail: dict[str, Any] = {
        "eventSource": ["s3.amazonaws.com"],
        "eventName": list(TAMPER_EVENT_NAMES),
        "requestParameters": {"bucketName": [bucket_name]},
    }
    if release_role_arns:
        # "anything-but" never matches an absent field: callers without a role session (IAM users,
        # the root user) have no sessionIssuer and must still alert.
        detail["$or"] = [
            {"userIdentity": {"sessionContext": {"sessionIssuer": {"arn": [{"anything-but": release_role_arns}]}}}},
            {"userIdentity": {"sessionContext": {"sessionIssuer": {"arn": [{"exists": False}]}}}},
        ]
    return json.dumps({"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"], "detail": detail})


class AdminFrontend(pulumi.ComponentResource):
    site_bucket: SecureBucket
    log_bucket: SecureBucket
    site_key: KmsKey
    waf: CloudFrontWebAcl
    certificate: aws.acm.Certificate
    distribution: aws.cloudfront.Distribution
    tamper_rule: aws.cloudwatch.EventRule
    site_bucket_arn: pulumi.Output[str]
    site_bucket_name: pulumi.Output[str]
    distribution_id: pulumi.Output[str]
    distribution_arn: pulumi.Output[str]
    distribution_domain_name: pulumi.Output[str]
    web_acl_arn: pulumi.Output[str]
    log_bucket_arn: pulumi.Output[str]
    url: str

    def __init__(self, name: str, args: AdminFrontendArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:frontend:AdminFrontend", name, None, opts)
        cfg = args.config
        child = pulumi.ResourceOptions(parent=self)
        csp = content_security_policy(cfg)
        if len(csp) > MAX_CSP_LENGTH:
            raise pulumi.RunError(
                f"AdminFrontend {name}: the content security policy is {len(csp)} characters, CloudFront allows "
                f"{MAX_CSP_LENGTH} (smartpost:frontend.guideServiceDomains / apiDomains are too many)"
            )

        # Known once the distribution below is declared; the key and bucket policies wait for it.
        deferred: tuple[pulumi.Output[str], Callable[[pulumi.Output[str]], None]] = pulumi.deferred_output()
        distribution_arn, resolve_distribution_arn = deferred
        this_distribution: dict[str, dict[str, Any]] = {"StringEquals": {"AWS:SourceArn": distribution_arn}}

        # -- site bucket: private, SSE-KMS, readable only by this distribution --------------------
        self.site_key = KmsKey(
            f"{name}-site-key",
            KmsKeyArgs(
                description=f"{args.name_prefix} Admin Panel site bucket",
                account_id=args.account_id,
                alias=f"alias/{args.name_prefix}/admin-panel-site",
                services=[
                    ServiceUse(principal=CLOUDFRONT_SERVICE, actions=("kms:Decrypt",), conditions=this_distribution)
                ],
                protect=args.protect,
            ),
            opts=child,
        )

        def oac_reads_objects(bucket_arn: pulumi.Output[str]) -> list[dict[str, Any]]:
            return [
                grants.statement(
                    ("s3:GetObject",),
                    pulumi.Output.concat(bucket_arn, "/*"),
                    sid="CloudFrontOriginAccessControlReadsObjects",
                    principals={"Service": CLOUDFRONT_SERVICE},
                    conditions=this_distribution,
                )
            ]

        self.site_bucket = SecureBucket(
            f"{name}-site",
            SecureBucketArgs(
                kms_key_arn=self.site_key.arn,
                policy_statements_for=oac_reads_objects,
                protect=args.protect,
            ),
            opts=child,
        )
        self.log_bucket = SecureBucket(
            f"{name}-access-logs",
            SecureBucketArgs(
                encryption="s3",
                expire_after_days=args.logs.retention.log_days,
                object_ownership="BucketOwnerPreferred",
            ),
            opts=child,
        )

        # -- edge: OAC, headers, WAF, certificate ----------------------------------------------
        oac = aws.cloudfront.OriginAccessControl(
            f"{name}-oac",
            description=f"{args.name_prefix} Admin Panel site bucket (SigV4, every request)",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=child,
        )
        headers = aws.cloudfront.ResponseHeadersPolicy(
            f"{name}-security-headers",
            comment=f"{args.name_prefix} Admin Panel security headers",
            security_headers_config=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs(
                strict_transport_security=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs(
                    access_control_max_age_sec=HSTS_MAX_AGE_SECONDS,
                    include_subdomains=True,
                    preload=True,
                    override=True,
                ),
                content_security_policy=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicyArgs(
                    content_security_policy=csp, override=True
                ),
                frame_options=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigFrameOptionsArgs(
                    frame_option="DENY", override=True
                ),
                content_type_options=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs(
                    override=True
                ),
                referrer_policy=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs(
                    referrer_policy="strict-origin-when-cross-origin", override=True
                ),
            ),
            opts=child,
        )
        self.waf = CloudFrontWebAcl(
            f"{name}-waf",
            CloudFrontWebAclArgs(
                name_prefix=args.name_prefix,
                account_id=args.account_id,
                logs=args.logs,
                rate_limit=cfg.waf_rate_limit,
                allowed_ip_ranges=tuple(cfg.allowed_ip_ranges),
                protect=args.protect,
            ),
            opts=child,
        )

        zone_id: pulumi.Input[str] = (
            cfg.hosted_zone_id
            if cfg.hosted_zone_id
            else aws.route53.get_zone_output(
                name=cfg.hosted_zone_name, private_zone=False, opts=pulumi.InvokeOutputOptions(parent=self)
            ).zone_id
        )
        self.certificate = aws.acm.Certificate(
            f"{name}-certificate",
            domain_name=cfg.domain_name,
            validation_method="DNS",
            key_algorithm="RSA_2048",
            region=CLOUDFRONT_REGION,
            opts=pulumi.ResourceOptions(parent=self),
        )
        validation_option = self.certificate.domain_validation_options.apply(lambda options: options[0])
        validation_record = aws.route53.Record(
            f"{name}-certificate-validation-record",
            zone_id=zone_id,
            name=validation_option.resource_record_name,
            type=validation_option.resource_record_type,
            records=[validation_option.resource_record_value],
            ttl=300,
            allow_overwrite=True,
            opts=child,
        )
        validation = aws.acm.CertificateValidation(
            f"{name}-certificate-validation",
            certificate_arn=self.certificate.arn,
            validation_record_fqdns=[validation_record.fqdn],
            region=CLOUDFRONT_REGION,
            opts=child,
        )

        # -- the distribution --------------------------------------------------------------------
        origin_id = "admin-panel-site"
        self.distribution = aws.cloudfront.Distribution(
            f"{name}-distribution",
            comment=f"{args.name_prefix} Admin Panel",
            enabled=True,
            aliases=[cfg.domain_name],
            origins=[
                aws.cloudfront.DistributionOriginArgs(
                    origin_id=origin_id,
                    domain_name=self.site_bucket.bucket.bucket_regional_domain_name,
                    origin_access_control_id=oac.id,
                )
            ],
            default_root_object=INDEX_DOCUMENT,
            default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
                target_origin_id=origin_id,
                viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD", "OPTIONS"],
                cached_methods=["GET", "HEAD"],
                compress=True,
                cache_policy_id=CACHING_OPTIMIZED_POLICY_ID,
                response_headers_policy_id=headers.id,
            ),
            custom_error_responses=[
                aws.cloudfront.DistributionCustomErrorResponseArgs(
                    error_code=code,
                    response_code=200,
                    response_page_path=f"/{INDEX_DOCUMENT}",
                    error_caching_min_ttl=10,
                )
                for code in SPA_ERROR_CODES
            ],
            viewer_certificate=aws.cloudfront.DistributionViewerCertificateArgs(
                acm_certificate_arn=validation.certificate_arn,
                ssl_support_method="sni-only",
                minimum_protocol_version="TLSv1.2_2021",
            ),
            restrictions=aws.cloudfront.DistributionRestrictionsArgs(
                geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none")
            ),
            logging_config=aws.cloudfront.DistributionLoggingConfigArgs(
                bucket=self.log_bucket.bucket.bucket_domain_name, prefix="cloudfront/", include_cookies=False
            ),
            price_class=cfg.price_class,
            http_version="http2and3",
            is_ipv6_enabled=True,
            web_acl_id=self.waf.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.log_bucket]),
        )
        resolve_distribution_arn(self.distribution.arn)

        for record_type in ("A", "AAAA"):
            aws.route53.Record(
                f"{name}-alias-{record_type.lower()}",
                zone_id=zone_id,
                name=cfg.domain_name,
                type=record_type,
                aliases=[
                    aws.route53.RecordAliasArgs(
                        name=self.distribution.domain_name,
                        zone_id=self.distribution.hosted_zone_id,
                        evaluate_target_health=False,
                    )
                ],
                opts=child,
            )

        # -- tamper watch (seed 5.4): the trail's data-event selector for this bucket is the audit tier's
        self.tamper_rule = aws.cloudwatch.EventRule(
            f"{name}-tamper",
            description=f"{args.name_prefix} Admin Panel site bucket changed outside a release",
            event_pattern=self.site_bucket.name.apply(
                lambda bucket: tamper_event_pattern(bucket, list(cfg.release_role_arns))
            ),
            state="ENABLED",
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-tamper-alert",
            rule=self.tamper_rule.name,
            arn=args.alert_topic_arn,
            retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(
                maximum_event_age_in_seconds=86_400, maximum_retry_attempts=185
            ),
            opts=child,
        )

        self.site_bucket_arn = self.site_bucket.arn
        self.site_bucket_name = self.site_bucket.name
        self.distribution_id = self.distribution.id
        self.distribution_arn = self.distribution.arn
        self.distribution_domain_name = self.distribution.domain_name
        self.web_acl_arn = self.waf.arn
        self.log_bucket_arn = self.log_bucket.arn
        self.url = f"https://{cfg.domain_name}"
        self.register_outputs(
            {
                "site_bucket_arn": self.site_bucket_arn,
                "site_bucket_name": self.site_bucket_name,
                "distribution_id": self.distribution_id,
                "distribution_arn": self.distribution_arn,
                "distribution_domain_name": self.distribution_domain_name,
                "web_acl_arn": self.web_acl_arn,
                "log_bucket_arn": self.log_bucket_arn,
                "url": self.url,
            }
        )
