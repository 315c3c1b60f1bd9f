"""The Admin Panel front end (issue 7): private site bucket behind CloudFront OAC, viewer TLS, security
headers, WAF in us-east-1 with the optional LGWAN allow list, ACM/Route 53, and the tamper watch."""

from __future__ import annotations

import json
from typing import Any

import pytest

from offline.mocks import RecordedResource, StackRecording
from offline.runner import ProgramError, run_program
from stack_config.frontend import FrontendConfig
from tests.conftest import policy_statements, section, stack_config_with

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
KMS_KEY = "aws:kms/key:Key"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
IP_SET = "aws:wafv2/ipSet:IpSet"
RECORD = "aws:route53/record:Record"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
CLOUDFRONT_REGION = "us-east-1"


# -- helpers -----------------------------------------------------------------------------------
def config_of(stack: StackRecording) -> FrontendConfig:
    return FrontendConfig.model_validate(section(stack.stack, "frontend"))


def distribution(stack: StackRecording) -> RecordedResource:
    return stack.named(DISTRIBUTION, "admin-panel-distribution")


def site_bucket(stack: StackRecording) -> RecordedResource:
    return stack.named(BUCKET, "admin-panel-site-bucket")


def log_bucket(stack: StackRecording) -> RecordedResource:
    return stack.named(BUCKET, "admin-panel-access-logs-bucket")


def of_bucket(stack: StackRecording, type_token: str, bucket: RecordedResource) -> list[RecordedResource]:
    return [r for r in stack.of_type(type_token) if r.inputs.get("bucket") == bucket.outputs["bucket"]]


def web_acl(stack: StackRecording) -> RecordedResource:
    return stack.named(WEB_ACL, "admin-panel-waf-web-acl")


def rules_by_name(acl: RecordedResource) -> dict[str, dict[str, Any]]:
    return {rule["name"]: rule for rule in acl.inputs["rules"]}


def tamper_pattern(stack: StackRecording) -> dict[str, Any]:
    return dict(json.loads(stack.named(EVENT_RULE, "admin-panel-tamper").inputs["eventPattern"]))


def frontend_with(stack: str, **changes: Any) -> dict[str, Any]:
    return {**section(stack, "frontend"), **changes}


# -- site bucket and origin access -----------------------------------------------------------
def test_site_bucket_is_private_versioned_and_encrypted_with_the_site_key(stack: StackRecording) -> None:
    bucket = site_bucket(stack)
    (block,) = of_bucket(stack, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket)
    assert all(
        block.inputs[f] is True
        for f in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    (versioning,) = of_bucket(stack, "aws:s3/bucketVersioning:BucketVersioning", bucket)
    assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"
    (sse,) = of_bucket(
        stack, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket
    )
    default = sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    assert default["sseAlgorithm"] == "aws:kms"
    assert default["kmsMasterKeyId"] == stack.named(KMS_KEY, "admin-panel-site-key-key").outputs["arn"]


def test_site_bucket_policy_admits_cloudfront_only_for_this_distribution(stack: StackRecording) -> None:
    (policy,) = of_bucket(stack, BUCKET_POLICY, site_bucket(stack))
    allows = [s for s in policy_statements(policy) if s["Effect"] == "Allow"]
    assert len(allows) == 1
    (allow,) = allows
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == ["s3:GetObject"]
    assert allow["Resource"] == f"{site_bucket(stack).outputs['arn']}/*"
    assert allow["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution(stack).outputs["arn"]}}
    denies = [s for s in policy_statements(policy) if s["Effect"] == "Deny"]
    assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)


def test_site_key_lets_only_this_distribution_decrypt(stack: StackRecording) -> None:
    key = stack.named(KMS_KEY, "admin-panel-site-key-key")
    assert key.inputs["enableKeyRotation"] is True
    (cloudfront,) = [s for s in policy_statements(key) if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}]
    assert cloudfront["Action"] == ["kms:Decrypt"]
    assert cloudfront["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution(stack).outputs["arn"]}}


def test_distribution_reaches_the_bucket_only_through_origin_access_control(stack: StackRecording) -> None:
    oac = stack.named("aws:cloudfront/originAccessControl:OriginAccessControl", "admin-panel-oac")
    assert oac.inputs["originAccessControlOriginType"] == "s3"
    assert oac.inputs["signingBehavior"] == "always"
    assert oac.inputs["signingProtocol"] == "sigv4"
    (origin,) = distribution(stack).inputs["origins"]
    assert origin["originAccessControlId"] == oac.id
    assert origin["domainName"] == site_bucket(stack).outputs["bucketRegionalDomainName"]
    assert not (origin.get("s3OriginConfig") or {}).get("originAccessIdentity")


# -- viewer side -----------------------------------------------------------------------------
def test_viewers_get_tls_1_2_or_newer_over_sni_with_the_us_east_1_certificate(stack: StackRecording) -> None:
    certificate = stack.named("aws:acm/certificate:Certificate", "admin-panel-certificate")
    viewer = distribution(stack).inputs["viewerCertificate"]
    assert viewer["minimumProtocolVersion"] == "TLSv1.2_2021"
    assert viewer["sslSupportMethod"] == "sni-only"
    assert viewer["acmCertificateArn"] == certificate.outputs["arn"]
    assert not viewer.get("cloudfrontDefaultCertificate")
    assert certificate.region == CLOUDFRONT_REGION
    assert certificate.outputs["arn"].startswith(f"arn:aws:acm:{CLOUDFRONT_REGION}:")


def test_every_behavior_redirects_http_to_https(stack: StackRecording) -> None:
    inputs = distribution(stack).inputs
    behaviors = [inputs["defaultCacheBehavior"], *(inputs.get("orderedCacheBehaviors") or [])]
    assert [b["viewerProtocolPolicy"] for b in behaviors] == ["redirect-to-https"] * len(behaviors)


def test_distribution_serves_the_spa_with_managed_caching_http3_and_ipv6(stack: StackRecording) -> None:
    inputs = distribution(stack).inputs
    assert inputs["defaultRootObject"] == "index.html"
    assert {(e["errorCode"], e["responseCode"], e["responsePagePath"]) for e in inputs["customErrorResponses"]} == {
        (403, 200, "/index.html"),
        (404, 200, "/index.html"),
    }
    assert inputs["defaultCacheBehavior"]["cachePolicyId"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"
    assert inputs["httpVersion"] == "http2and3"
    assert inputs["isIpv6Enabled"] is True
    assert inputs["aliases"] == [config_of(stack).domain_name]


def test_price_class_comes_from_the_stack_config(stack: StackRecording) -> None:
    assert distribution(stack).inputs["priceClass"] == config_of(stack).price_class


def test_dev_uses_the_cheapest_price_class_and_prod_serves_from_japan(
    dev: StackRecording, prod: StackRecording
) -> None:
    assert distribution(dev).inputs["priceClass"] == "PriceClass_100"
    assert distribution(prod).inputs["priceClass"] == "PriceClass_200"


def test_response_headers_policy_sets_hsts_preload_csp_and_the_other_security_headers(stack: StackRecording) -> None:
    policy = stack.named("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "admin-panel-security-headers")
    assert distribution(stack).inputs["defaultCacheBehavior"]["responseHeadersPolicyId"] == policy.id
    headers = policy.inputs["securityHeadersConfig"]
    assert headers["strictTransportSecurity"] == {
        "accessControlMaxAgeSec": 63_072_000,
        "includeSubdomains": True,
        "preload": True,
        "override": True,
    }
    assert headers["frameOptions"] == {"frameOption": "DENY", "override": True}
    assert headers["contentTypeOptions"] == {"override": True}
    assert headers["referrerPolicy"] == {"referrerPolicy": "strict-origin-when-cross-origin", "override": True}
    csp = dict(
        d.split(" ", 1) for d in headers["contentSecurityPolicy"]["contentSecurityPolicy"].split("; ") if " " in d
    )
    config = config_of(stack)
    for domain in config.guide_service_domains:
        assert f"https://{domain}" in csp["script-src"].split()
        assert f"https://{domain}" in csp["connect-src"].split()
    for domain in config.api_domains:
        assert f"https://{domain}" in csp["connect-src"].split()
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "'unsafe-inline'" not in csp["script-src"]


def test_access_logs_go_to_an_acl_enabled_log_bucket_that_expires_them_after_90_days(stack: StackRecording) -> None:
    bucket = log_bucket(stack)
    assert distribution(stack).inputs["loggingConfig"]["bucket"] == bucket.outputs["bucketDomainName"]
    (ownership,) = of_bucket(stack, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket)
    assert ownership.inputs["rule"]["objectOwnership"] == "BucketOwnerPreferred"
    (lifecycle,) = of_bucket(stack, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket)
    assert [r["expiration"]["days"] for r in lifecycle.inputs["rules"]] == [90]
    (block,) = of_bucket(stack, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket)
    assert block.inputs["blockPublicAcls"] is True and block.inputs["restrictPublicBuckets"] is True


# -- WAF ----------------------------------------------------------------------------------------
def test_web_acl_is_cloudfront_scoped_in_us_east_1_and_attached_to_the_distribution(stack: StackRecording) -> None:
    acl = web_acl(stack)
    assert acl.inputs["scope"] == "CLOUDFRONT"
    assert acl.region == CLOUDFRONT_REGION
    assert distribution(stack).inputs["webAclId"] == acl.outputs["arn"]


def test_web_acl_runs_the_aws_managed_groups_and_a_rate_limit_from_config(stack: StackRecording) -> None:
    rules = rules_by_name(web_acl(stack))
    for group in (
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    ):
        statement = rules[group]["statement"]["managedRuleGroupStatement"]
        assert statement == {"name": group, "vendorName": "AWS"}
        assert "none" in rules[group]["overrideAction"]
    rate = rules["RateLimitPerIp"]
    assert rate["statement"]["rateBasedStatement"]["limit"] == config_of(stack).waf_rate_limit
    assert rate["statement"]["rateBasedStatement"]["aggregateKeyType"] == "IP"
    assert "block" in rate["action"]
    priorities = [r["priority"] for r in web_acl(stack).inputs["rules"]]
    assert len(set(priorities)) == len(priorities)


def test_prod_admits_only_the_lgwan_proxy_ranges(prod: StackRecording) -> None:
    acl = web_acl(prod)
    assert "block" in acl.inputs["defaultAction"] and "allow" not in acl.inputs["defaultAction"]
    ip_set = prod.named(IP_SET, "admin-panel-waf-allowed-ranges")
    assert ip_set.inputs["scope"] == "CLOUDFRONT" and ip_set.region == CLOUDFRONT_REGION
    assert sorted(ip_set.inputs["addresses"]) == sorted(config_of(prod).allowed_ip_ranges)
    allow = rules_by_name(acl)["AllowListedRanges"]
    assert allow["statement"]["ipSetReferenceStatement"]["arn"] == ip_set.outputs["arn"]
    assert "allow" in allow["action"]
    # The managed groups and the rate limit still run first for allow-listed sources.
    assert all(r["priority"] < allow["priority"] for r in acl.inputs["rules"] if r["name"] != "AllowListedRanges")


def test_dev_has_no_allow_list_and_admits_by_default(dev: StackRecording) -> None:
    acl = web_acl(dev)
    assert "allow" in acl.inputs["defaultAction"] and "block" not in acl.inputs["defaultAction"]
    assert dev.of_type(IP_SET) == []
    assert "AllowListedRanges" not in rules_by_name(acl)


def test_configuring_allowed_ip_ranges_turns_the_allow_list_on() -> None:
    ranges = ["192.0.2.0/27"]
    recording = run_program("dev", stack_config_with("dev", frontend=frontend_with("dev", allowedIpRanges=ranges)))
    acl = web_acl(recording)
    assert "block" in acl.inputs["defaultAction"]
    assert recording.named(IP_SET, "admin-panel-waf-allowed-ranges").inputs["addresses"] == ranges
    assert "AllowListedRanges" in rules_by_name(acl)


def test_waf_logs_go_to_an_encrypted_aws_waf_logs_group_in_us_east_1_kept_90_days(stack: StackRecording) -> None:
    group = stack.named(LOG_GROUP, "admin-panel-waf-logs")
    assert group.inputs["name"].startswith("aws-waf-logs-")
    assert group.region == CLOUDFRONT_REGION
    assert group.inputs["retentionInDays"] == 90
    key = stack.named(KMS_KEY, "admin-panel-waf-logs-key-key")
    assert key.region == CLOUDFRONT_REGION
    assert group.inputs["kmsKeyId"] == key.outputs["arn"]
    logging = stack.named("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "admin-panel-waf-logging")
    assert logging.region == CLOUDFRONT_REGION
    assert logging.inputs["resourceArn"] == web_acl(stack).outputs["arn"]
    assert logging.inputs["logDestinationConfigs"] == [group.outputs["arn"]]


# -- certificate and DNS ---------------------------------------------------------------------
def test_certificate_is_dns_validated_in_the_configured_hosted_zone(stack: StackRecording) -> None:
    certificate = stack.named("aws:acm/certificate:Certificate", "admin-panel-certificate")
    assert certificate.inputs["domainName"] == config_of(stack).domain_name
    assert certificate.inputs["validationMethod"] == "DNS"
    (option,) = certificate.outputs["domainValidationOptions"]
    record = stack.named(RECORD, "admin-panel-certificate-validation-record")
    assert (record.inputs["name"], record.inputs["type"], record.inputs["records"]) == (
        option["resourceRecordName"],
        option["resourceRecordType"],
        [option["resourceRecordValue"]],
    )
    validation = stack.named(
        "aws:acm/certificateValidation:CertificateValidation", "admin-panel-certificate-validation"
    )
    assert validation.region == CLOUDFRONT_REGION
    assert validation.inputs["certificateArn"] == certificate.outputs["arn"]
    assert validation.inputs["validationRecordFqdns"] == [record.outputs["fqdn"]]


def test_alias_a_and_aaaa_records_point_the_domain_at_the_distribution(stack: StackRecording) -> None:
    validation_record = stack.named(RECORD, "admin-panel-certificate-validation-record")
    for record_type in ("A", "AAAA"):
        record = stack.named(RECORD, f"admin-panel-alias-{record_type.lower()}")
        assert record.inputs["type"] == record_type
        assert record.inputs["name"] == config_of(stack).domain_name
        assert record.inputs["zoneId"] == validation_record.inputs["zoneId"]
        (alias,) = record.inputs["aliases"]
        assert alias["name"] == distribution(stack).outputs["domainName"]
        assert alias["zoneId"] == "Z2FDTNDATAQYW2"


def test_a_configured_hosted_zone_id_is_used_without_a_lookup() -> None:
    zone = "Z0123456789ABCDEFGHIJ"
    recording = run_program("dev", stack_config_with("dev", frontend=frontend_with("dev", hostedZoneId=zone)))
    names = ("admin-panel-certificate-validation-record", "admin-panel-alias-a", "admin-panel-alias-aaaa")
    assert {recording.named(RECORD, n).inputs["zoneId"] for n in names} == {zone}


# -- tamper watch ----------------------------------------------------------------------------
def test_tamper_rule_watches_writes_deletes_and_policy_changes_on_the_site_bucket(stack: StackRecording) -> None:
    rule = stack.named(EVENT_RULE, "admin-panel-tamper")
    assert rule.region == "ap-northeast-1" and rule.account == distribution(stack).account
    assert rule.inputs["state"] == "ENABLED"
    pattern = tamper_pattern(stack)
    assert pattern["source"] == ["aws.s3"]
    assert pattern["detail-type"] == ["AWS API Call via CloudTrail"]
    detail = pattern["detail"]
    assert detail["eventSource"] == ["s3.amazonaws.com"]
    assert {"PutObject", "DeleteObject", "DeleteObjects", "CopyObject", "CompleteMultipartUpload"} <= set(
        detail["eventName"]
    )
    assert {"PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl", "DeleteBucketPublicAccessBlock"} <= set(
        detail["eventName"]
    )
    assert detail["requestParameters"] == {"bucketName": [site_bucket(stack).outputs["bucket"]]}


def test_tamper_rule_excludes_only_the_release_roles_and_still_alerts_without_a_role_session(
    stack: StackRecording,
) -> None:
    release_roles = config_of(stack).release_role_arns
    assert release_roles, "every stack names its release role"
    issuer = [
        alt["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] for alt in tamper_pattern(stack)["detail"]["$or"]
    ]
    assert issuer == [[{"anything-but": release_roles}], [{"exists": False}]]


def test_without_release_roles_every_change_alerts() -> None:
    recording = run_program("dev", stack_config_with("dev", frontend=frontend_with("dev", releaseRoleArns=[])))
    assert "$or" not in tamper_pattern(recording)["detail"]
    assert "userIdentity" not in tamper_pattern(recording)["detail"]


def test_tamper_rule_publishes_to_the_operators_alert_topic(stack: StackRecording) -> None:
    rule = stack.named(EVENT_RULE, "admin-panel-tamper")
    (target,) = [t for t in stack.of_type(EVENT_TARGET) if t.inputs["rule"] == rule.outputs["name"]]
    assert target.inputs["arn"] == stack.named("aws:sns/topic:Topic", "alerts-topic").outputs["arn"]


# -- invalid config fails cleanly, naming the key -------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "key", "fragment"),
    [
        ({"domainName": "Admin_Panel.example"}, "smartpost:frontend.domainName", "lower-case DNS name"),
        ({"domainName": "admin.other.example.jp"}, "smartpost:frontend.domainName", "not inside the hosted zone"),
        ({"hostedZoneName": "no-dot"}, "smartpost:frontend.hostedZoneName", "lower-case DNS name"),
        ({"allowedIpRanges": ["203.0.113.7/24"]}, "smartpost:frontend.allowedIpRanges[0]", "IPv4 CIDR"),
        ({"allowedIpRanges": ["300.1.2.0/24"]}, "smartpost:frontend.allowedIpRanges[0]", "IPv4 CIDR"),
        ({"allowedIpRanges": ["0.0.0.0/0"]}, "smartpost:frontend.allowedIpRanges[0]", "wider than /8"),
        ({"priceClass": "PriceClass_300"}, "smartpost:frontend.priceClass", "PriceClass_100"),
        ({"guideServiceDomains": ["https://x.techtouch.jp"]}, "smartpost:frontend.guideServiceDomains[0]", "DNS name"),
        ({"wafRateLimit": 5}, "smartpost:frontend.wafRateLimit", "greater than or equal to 10"),
        ({"releaseRoleArns": ["ci-deploy"]}, "smartpost:frontend.releaseRoleArns[0]", "IAM role ARN"),
        ({"hostedZoneId": "zone-1"}, "smartpost:frontend.hostedZoneId", "hosted zone ID"),
        ({"cdnDomain": "x.example.jp"}, "smartpost:frontend.cdnDomain", "not a known setting"),
    ],
)
def test_invalid_frontend_config_fails_naming_the_key(changes: dict[str, Any], key: str, fragment: str) -> None:
    with pytest.raises(ProgramError) as error:
        run_program("dev", stack_config_with("dev", frontend=frontend_with("dev", **changes)))
    (line,) = [line for line in error.value.message.splitlines() if key in line]
    assert fragment in line


def test_a_stack_without_a_frontend_section_fails_naming_it() -> None:
    with pytest.raises(ProgramError) as error:
        run_program("dev", stack_config_with("dev", frontend=None))
    assert "smartpost:frontend is required but not set" in error.value.message


def test_a_content_security_policy_longer_than_cloudfront_allows_fails_naming_the_keys() -> None:
    domains = [f"guide{i:03d}.techtouch.jp" for i in range(40)]
    with pytest.raises(ProgramError) as error:
        run_program("dev", stack_config_with("dev", frontend=frontend_with("dev", guideServiceDomains=domains)))
    assert "1783" in error.value.message
    assert "smartpost:frontend.guideServiceDomains" in error.value.message
