"""The rules the live audit checks, named and numbered exactly as in the policy pack.

A rule name is ``<service>-<resource>-<what>``, stable forever; ``control`` holds the public control IDs
(AWS Security Hub FSBP, Checkov) so a finding reads the same in the pack, the audit and Security Hub.
The policy pack's names are the source of truth: ``tests/test_audit_rules.py`` checks every audit rule is
a pack policy of the same name with the same control IDs, apart from the few listed there as audit-only.
"""

from __future__ import annotations

from dataclasses import dataclass

DOCS = "https://docs.aws.amazon.com/securityhub/latest/userguide/"


@dataclass(frozen=True)
class Control:
    security_hub: str | None = None  # e.g. "S3.8"
    checkov: str | None = None  # e.g. "CKV2_AWS_6"

    def url(self) -> str:
        """The Security Hub control's documentation (the same link the pack's policies carry)."""
        if not self.security_hub:
            return f"{DOCS}fsbp-standard.html"
        service, number = self.security_hub.split(".")
        return f"{DOCS}{service.lower()}-controls.html#{service.lower()}-{number}"


@dataclass(frozen=True)
class Rule:
    name: str
    description: str  # the desired state
    severity: str  # "critical" | "high" | "medium" | "low"
    control: Control
    remediation: str

    @property
    def help_uri(self) -> str:
        return self.control.url()


_RULES = (
    Rule(
        "s3-bucket-public-access-block",
        "Every bucket blocks public ACLs and policies (all four public access block settings on).",
        "high",
        Control("S3.8", "CKV2_AWS_6"),
        "Put a public access block with all four settings true on the bucket (SecureBucket does).",
    ),
    Rule(
        "s3-bucket-encryption",
        "Every bucket has default server-side encryption configured.",
        "high",
        Control(None, "CKV_AWS_145"),  # S3.17 (KMS) is the pack's s3-bucket-kms-encryption
        "Configure SSE-KMS with the stack's customer key (SSE-S3 only where AWS requires it, e.g. ALB logs).",
    ),
    Rule(
        "s3-bucket-tls-only-policy",
        "Every bucket policy denies requests that do not use TLS (aws:SecureTransport false).",
        "medium",
        Control("S3.5"),
        "Add a Deny statement for s3:* to every principal when aws:SecureTransport is false.",
    ),
    Rule(
        "elb-listener-tls-policy",
        "Every HTTPS listener of an application load balancer uses a TLS 1.2+ security policy.",
        "high",
        Control(None, "CKV_AWS_103"),
        "Set the listener's ssl_policy to ELBSecurityPolicy-TLS13-1-2-2021-06 (or another TLS 1.2+ policy).",
    ),
    Rule(
        "elb-listener-http-redirects-https",
        "Every HTTP listener of an application load balancer only redirects to HTTPS.",
        "medium",
        Control("ELB.1", "CKV2_AWS_20"),
        "Make the HTTP listener's default action a redirect with protocol HTTPS (HTTP_301).",
    ),
    Rule(
        "cloudfront-distribution-viewer-tls",
        "Every distribution uses its own certificate with a TLS 1.2+ minimum protocol version for viewers.",
        "high",
        Control(None, "CKV_AWS_174"),
        "Use an ACM certificate with minimum_protocol_version TLSv1.2_2021.",
    ),
    Rule(
        "cloudfront-distribution-https-only",
        "Every cache behavior of a distribution redirects viewers to HTTPS or accepts HTTPS only.",
        "high",
        Control("CloudFront.3", "CKV_AWS_34"),
        "Set viewer_protocol_policy to redirect-to-https (or https-only) on every cache behavior.",
    ),
    Rule(
        "cloudfront-distribution-waf",
        "Every distribution is associated with an AWS WAF web ACL.",
        "medium",
        Control("CloudFront.6", "CKV_AWS_68"),
        "Set web_acl_id to the stack's CLOUDFRONT-scope web ACL (us-east-1).",
    ),
    Rule(
        "rds-cluster-storage-encrypted",
        "Every database cluster encrypts its storage with a customer-managed KMS key.",
        "high",
        Control("RDS.27", "CKV_AWS_327"),
        "Encryption cannot be changed in place: restore a snapshot into a cluster encrypted with the stack's key.",
    ),
    Rule(
        "rds-cluster-iam-authentication",
        "Every database cluster has IAM database authentication enabled.",
        "medium",
        Control("RDS.12", "CKV_AWS_162"),
        "Set iam_database_authentication_enabled=True on the cluster.",
    ),
    Rule(
        "rds-cluster-deletion-protection",
        "Every production database cluster has deletion protection enabled.",
        "medium",
        Control("RDS.7", "CKV_AWS_139"),
        "Set deletion_protection=True on the cluster.",
    ),
    Rule(
        "rds-cluster-backup-retention",
        "Every database cluster keeps automated backups at least the configured number of days.",
        "medium",
        Control(None, "CKV_AWS_133"),  # RDS.11 covers DB instances, not Aurora clusters (as in the pack)
        "Set backup_retention_period to at least the minimum (7 days in production).",
    ),
    Rule(
        "ecs-service-no-execute-command",
        "No ECS service allows ECS Exec (containers without login).",
        "high",
        Control(),
        "Set enable_execute_command=False on the service and redeploy it.",
    ),
    Rule(
        "ecs-service-no-public-ip",
        "No ECS service assigns public IP addresses to its tasks.",
        "high",
        Control("ECS.2", "CKV_AWS_333"),
        "Set network_configuration.assign_public_ip=False and run the tasks in private subnets.",
    ),
    Rule(
        "ecs-task-definition-read-only-root",
        "Every container of a task definition has a read-only root filesystem.",
        "high",
        Control("ECS.5", "CKV_AWS_336"),
        "Set readonlyRootFilesystem true in every container definition (mount volumes for scratch space).",
    ),
    Rule(
        "ecs-task-definition-not-privileged",
        "No container of a task definition runs privileged.",
        "high",
        Control("ECS.4", "CKV_AWS_334"),
        "Remove privileged: true from the container definition.",
    ),
    Rule(
        "ecr-repository-immutable-tags",
        "Every ECR repository has immutable image tags.",
        "medium",
        Control("ECR.2", "CKV_AWS_51"),
        "Set image_tag_mutability=IMMUTABLE on the repository.",
    ),
    Rule(
        "ecr-repository-scan-on-push",
        "Every ECR repository's images are scanned on push (repository setting or a registry scanning rule).",
        "medium",
        Control("ECR.1", "CKV_AWS_163"),
        "Keep the registry's enhanced scanning rule (scan on push / continuous) covering every repository.",
    ),
    Rule(
        "cloudwatch-log-group-retention",
        "Every log group keeps logs at least the configured days (90).",
        "medium",
        Control(None, "CKV_AWS_66"),
        "Create log groups through components/logs.py LogSettings.log_group, which applies the retention config.",
    ),
    Rule(
        "cloudwatch-log-group-cloudtrail-retention",
        "The log groups CloudTrail delivers to keep logs at least the configured days (365).",
        "medium",
        Control(None, "CKV_AWS_66"),  # CloudTrail.5 is CloudWatch Logs delivery, not retention (as in the pack)
        "Create the trail's log group with log_settings.log_group(..., cloudtrail=True) (1 year).",
    ),
    Rule(
        "cloudtrail-trail-logging",
        "A trail records the account's activity and is logging.",
        "high",
        Control(),
        "Start logging on the trail (aws cloudtrail start-logging); find who stopped it in the trail itself.",
    ),
    Rule(
        "cloudtrail-trail-multi-region",
        "Every trail records all regions.",
        "high",
        Control("CloudTrail.1", "CKV_AWS_67"),
        "Set is_multi_region_trail=True on the trail.",
    ),
    Rule(
        "cloudtrail-trail-log-file-validation",
        "Every trail has log file validation enabled.",
        "medium",
        Control("CloudTrail.4", "CKV_AWS_36"),
        "Set enable_log_file_validation=True on the trail.",
    ),
    Rule(
        "cloudtrail-trail-kms",
        "Every trail encrypts its log files with a KMS key.",
        "medium",
        Control("CloudTrail.2", "CKV_AWS_35"),
        "Set kms_key_id on the trail to the logging account's trail key.",
    ),
    Rule(
        "guardduty-detector-enabled",
        "GuardDuty has an enabled detector in the audited region.",
        "high",
        Control("GuardDuty.1", "CKV_AWS_238"),
        "Enable the GuardDuty detector (the operations tier creates it).",
    ),
    Rule(
        "securityhub-account-enabled",
        "Security Hub is enabled in the audited region.",
        "medium",
        Control(),
        "Enable Security Hub with the FSBP and CIS standards (the operations tier does).",
    ),
    Rule(
        "kms-key-rotation",
        "Every enabled customer-managed symmetric KMS key rotates automatically.",
        "medium",
        Control("KMS.4", "CKV_AWS_7"),
        "Enable automatic key rotation (KmsKey does by default).",
    ),
)

RULES: dict[str, Rule] = {rule.name: rule for rule in _RULES}


def rule(name: str) -> Rule:
    return RULES[name]
