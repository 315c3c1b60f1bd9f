"""CloudFront (Admin Panel front end, seed 1.2, 5.1): TLS 1.2_2021+ viewers, HTTPS only, WAF, and
S3 origins reached only through Origin Access Control."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, as_list, config_value, get, resource_policy, truthy

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
ALLOWED_VIEWER_PROTOCOLS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]
HTTPS_ONLY = ("redirect-to-https", "https-only")


def _viewer_tls(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    allowed = config_value(args, "allowedMinimumProtocolVersions", ALLOWED_VIEWER_PROTOCOLS)
    certificate = get(args.props, "viewerCertificate", default={})
    if truthy(get(certificate, "cloudfrontDefaultCertificate")):
        report("The distribution uses the *.cloudfront.net certificate, which allows TLSv1; use an ACM certificate.")
        return
    version = get(certificate, "minimumProtocolVersion")
    if version not in allowed:
        report(f"viewerCertificate.minimumProtocolVersion is {version!r}; allowed: {', '.join(allowed)}.")


def _https_only(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    behaviors = [("defaultCacheBehavior", get(args.props, "defaultCacheBehavior", default={}))]
    behaviors += [
        (f"orderedCacheBehaviors[{get(b, 'pathPattern')}]", b)
        for b in as_list(get(args.props, "orderedCacheBehaviors"))
    ]
    for where, behavior in behaviors:
        policy = get(behavior, "viewerProtocolPolicy")
        if policy not in HTTPS_ONLY:
            report(f"{where}.viewerProtocolPolicy is {policy!r}: plain HTTP is served; use 'redirect-to-https'.")


def _waf(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == DISTRIBUTION and not get(args.props, "webAclId"):
        report("The distribution has no WAF web ACL: set web_acl_id to the CLOUDFRONT-scope web ACL's ARN.")


def _origin_access_control(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != DISTRIBUTION:
        return
    for origin in as_list(get(args.props, "origins")):
        domain = str(get(origin, "domainName", default=""))
        is_s3 = ".s3." in domain or domain.endswith(".s3.amazonaws.com") or get(origin, "s3OriginConfig") is not None
        if not is_s3:
            continue
        if get(origin, "s3OriginConfig", "originAccessIdentity"):
            report(f"Origin {get(origin, 'originId')} uses a legacy Origin Access Identity; use Origin Access Control.")
        elif not get(origin, "originAccessControlId"):
            report(f"S3 origin {get(origin, 'originId')} has no origin_access_control_id.")


def _logging(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == DISTRIBUTION and not get(args.props, "loggingConfig", "bucket"):
        report("The distribution writes no access logs: set logging_config (bucket, prefix).")


cloudfront_distribution_tls = resource_policy(
    name="cloudfront-distribution-viewer-tls",
    description="Distributions use an ACM certificate with a minimum viewer protocol of TLSv1.2_2021 or newer.",
    severity=Severity.HIGH,
    remediation="Set viewer_certificate=DistributionViewerCertificateArgs(acm_certificate_arn=<us-east-1 cert>, "
    "ssl_support_method='sni-only', minimum_protocol_version='TLSv1.2_2021').",
    control=Control(checkov="CKV_AWS_174", cdk_nag="AwsSolutions-CFR4"),
    validate=_viewer_tls,
    config={
        "allowedMinimumProtocolVersions": ({"type": "array", "items": {"type": "string"}}, ALLOWED_VIEWER_PROTOCOLS)
    },
)
cloudfront_distribution_https_only = resource_policy(
    name="cloudfront-distribution-https-only",
    description="No cache behavior serves plain HTTP (redirect-to-https or https-only).",
    severity=Severity.HIGH,
    remediation="Set viewer_protocol_policy='redirect-to-https' on the default and every ordered cache behavior.",
    control=Control(security_hub="CloudFront.3", checkov="CKV_AWS_34"),
    validate=_https_only,
)
cloudfront_distribution_waf = resource_policy(
    name="cloudfront-distribution-waf",
    description="Every distribution is protected by a WAF web ACL.",
    severity=Severity.HIGH,
    remediation="Create an aws.wafv2.WebAcl with scope='CLOUDFRONT' and region='us-east-1', and pass its ARN "
    "as web_acl_id.",
    control=Control(security_hub="CloudFront.6", checkov="CKV_AWS_68", cdk_nag="AwsSolutions-CFR2"),
    validate=_waf,
)
cloudfront_distribution_origin_access_control = resource_policy(
    name="cloudfront-distribution-origin-access-control",
    description="S3 origins are reached only through Origin Access Control (no OAI, no public bucket).",
    severity=Severity.HIGH,
    remediation="Create an aws.cloudfront.OriginAccessControl (signing_behavior='always', signing_protocol='sigv4') "
    "and set origin_access_control_id on the S3 origin.",
    control=Control(security_hub="CloudFront.13", cdk_nag="AwsSolutions-CFR7"),
    validate=_origin_access_control,
)

cloudfront_distribution_logging = resource_policy(
    name="cloudfront-distribution-access-logs",
    description="Distributions write standard access logs to the front end's log bucket.",
    severity=Severity.MEDIUM,
    remediation="Set logging_config=DistributionLoggingConfigArgs(bucket=<log bucket domain name>, prefix=...).",
    control=Control(security_hub="CloudFront.5", checkov="CKV_AWS_86", cdk_nag="AwsSolutions-CFR3"),
    validate=_logging,
)

POLICIES = [
    cloudfront_distribution_tls,
    cloudfront_distribution_logging,
    cloudfront_distribution_https_only,
    cloudfront_distribution_waf,
    cloudfront_distribution_origin_access_control,
]
