"""SmartPOST platform: one stack per environment account (dev, uat, prod) plus its pieces in the
logging account. Config is read and validated once here and passed down; every component gets its
provider explicitly.
"""

import pulumi

from components.access import AccessArgs, IdentityCenterAccess
from components.alarms import Alarms, AlarmsArgs, AlarmTargets
from components.alerting import AlertTopic, AlertTopicArgs, SlackChannel, SlackChannelArgs
from components.analytics import Analytics, AnalyticsArgs
from components.audit_trail import AuditTrail, AuditTrailArgs
from components.database import AuroraPostgres, AuroraPostgresArgs
from components.event_rules import SecurityEventRules, SecurityEventRulesArgs
from components.frontend import AdminFrontend, AdminFrontendArgs
from components.kms import KmsKey, KmsKeyArgs, logs_service
from components.logging_account import LoggingAccount, LoggingAccountArgs
from components.logs import LogSettings
from components.network import Network, NetworkArgs
from components.notifications import Notifications, NotificationsArgs
from components.observability import Observability, ObservabilityArgs
from components.providers import CLOUDFRONT_REGION, create_providers
from components.security_services import SecurityServices, SecurityServicesArgs
from components.services import Services, ServicesArgs
from stack_config import load_stack_config, load_stack_secrets

config = load_stack_config()  # raises pulumi.RunError naming every bad key, before any resource
stack_secrets = load_stack_secrets()  # third-party credentials (secret config) -> SSM SecureString parameters
providers = create_providers(config)
env = providers.env
name_prefix = f"smartpost-{config.environment}"

# -- shared keys and log settings ---------------------------------------------------------------
logs_key = KmsKey(
    "logs",
    KmsKeyArgs(
        description=f"{name_prefix} CloudWatch Logs",
        account_id=providers.environment_account_id,
        alias=f"alias/{name_prefix}/logs",
        services=[logs_service(providers.region, providers.environment_account_id)],
        protect=config.is_production,
    ),
    opts=env(),
)
log_settings = LogSettings(retention=config.retention, kms_key_arn=logs_key.arn)

# -- network (seed 1.3, 3.1) --------------------------------------------------------------------
network = Network(
    "network",
    NetworkArgs(config=config.network, region=providers.region, logs=log_settings, name_prefix=name_prefix),
    opts=env(),
)

# -- operators' alert topic: EventBridge rules and alarms of every tier publish here ------------
alerts = AlertTopic(
    "alerts",
    AlertTopicArgs(account_id=providers.environment_account_id, name_prefix=name_prefix, protect=config.is_production),
    opts=env(),
)

# -- data tier: Aurora PostgreSQL (seed 2.1, 4.2-4.4, 6.4) ------------------------------------
database = AuroraPostgres(
    "database",
    AuroraPostgresArgs(
        config=config.database,
        name_prefix=name_prefix,
        region=providers.region,
        account_id=providers.environment_account_id,
        subnet_ids=network.isolated_subnet_ids,
        security_group_id=network.security_groups.database.id,
        availability_zones=config.network.availability_zones,
        logs=log_settings,
        production=config.is_production,
    ),
    opts=env(),
)
pulumi.export("databaseEndpoint", database.endpoint)
pulumi.export("databaseReaderEndpoint", database.reader_endpoint)

# -- services tier: ALB + WAF, ECS Fargate on Service Connect, ECR (seed 1.2, 4.1, 5.1, 5.2) ------
services = Services(
    "services",
    ServicesArgs(
        config=config.services,
        environment=config.environment,
        name_prefix=name_prefix,
        account_id=providers.environment_account_id,
        region=providers.region,
        network=network,
        logs=log_settings,
        secrets=stack_secrets.as_dict(),
        database=database,
        production=config.is_production,
    ),
    opts=env(),
)
pulumi.export("albDnsName", services.alb_dns_name)
pulumi.export("ecsClusterName", services.cluster_name)
pulumi.export("serviceNames", services.service_names)
pulumi.export("ecrRepositoryUrls", services.repository_urls)  # where CI pushes release images

# -- notification delivery: Step Functions, Lambda, Pinpoint, Firehose -> trail (seed 1.1, 1.2, 7)
notifications = Notifications(
    "notifications",
    NotificationsArgs(
        config=config.notifications,
        name_prefix=name_prefix,
        account_id=providers.environment_account_id,
        logging_account_id=providers.logging_account_id,
        region=providers.region,
        logs=log_settings,
        logging_provider=providers.logging,  # the trail bucket and key live in the logging account
        network=network,
        parameters=services.parameters,  # the SendGrid key's SecureString parameter
        apns_signing_key=stack_secrets["apnsSigningKey"],
        fcm_service_account_json=stack_secrets["fcmServiceAccountJson"],
        protect=config.is_production,
    ),
    opts=env(),
)
pulumi.export("notificationStateMachineArn", notifications.state_machine_arn)
pulumi.export("notificationTrailBucket", notifications.trail_bucket_name)
pulumi.export("notificationTrailStream", notifications.firehose_stream_name)

# -- Admin Panel front end: S3 + CloudFront + WAF + ACM/Route 53, tamper watch (seed 5.1, 5.4) ----
frontend = AdminFrontend(
    "admin-panel",
    AdminFrontendArgs(
        config=config.frontend,
        name_prefix=name_prefix,
        account_id=providers.environment_account_id,
        logs=log_settings,
        alert_topic_arn=alerts.topic_arn,
        protect=config.is_production,
    ),
    opts=env(),
)
pulumi.export("adminPanelUrl", frontend.url)
pulumi.export("adminPanelDistributionId", frontend.distribution_id)
pulumi.export("adminPanelSiteBucket", frontend.site_bucket_name)

# -- audit logging, security services, alarms, observability (seed 2, 4.4, 5.3, 6.2, 6.3) --------
# Logging account: the trail's bucket and key (scoped to this trail's ARN, built from its name).
trail_name = f"{name_prefix}-audit-trail"
logging_account = LoggingAccount(
    "audit-logs",
    LoggingAccountArgs(
        name_prefix=name_prefix,
        region=providers.region,
        environment_account_id=providers.environment_account_id,
        logging_account_id=providers.logging_account_id,
        trail_name=trail_name,
        cloudtrail_days=config.retention.cloudtrail_days,
        log_days=config.retention.log_days,
        protect=config.is_production,
    ),
    opts=providers.log_account(),
)
audit_trail = AuditTrail(
    "audit-trail",
    AuditTrailArgs(
        trail_name=trail_name,
        trail_arn=logging_account.trail_arn,
        account_id=providers.environment_account_id,
        s3_bucket_name=logging_account.trail_bucket_name,
        kms_key_arn=logging_account.trail_key_arn,
        logs=log_settings,
        data_bucket_arns=[frontend.site_bucket_arn, notifications.trail_bucket_arn],
        depends_on=[logging_account.trail_bucket.policy, logging_account.trail_key.key],
    ),
    opts=env(),
)
security = SecurityServices(
    "security",
    SecurityServicesArgs(
        name_prefix=name_prefix,
        region=providers.region,
        account_id=providers.environment_account_id,
        config_bucket_name=logging_account.config_bucket_name,
        config_bucket_arn=logging_account.config_bucket_arn,
        config_kms_key_arn=logging_account.logs_key_arn,
        finding_frequency=config.operations.guardduty_finding_frequency,
    ),
    opts=env(depends_on=[logging_account.config_bucket.policy]),
)
SecurityEventRules(
    "security-events",
    SecurityEventRulesArgs(
        topic_arn=alerts.topic_arn,
        account_id=providers.environment_account_id,
        region=providers.region,
        # Root console sign-ins are only delivered to EventBridge in us-east-1.
        forward_from_region="us-east-1",
    ),
    opts=env(),
)
if config.operations.slack is not None:
    SlackChannel(
        "alerts-slack",
        SlackChannelArgs(
            name_prefix=name_prefix,
            region=config.accounts.chatbot_region,
            slack_team_id=config.operations.slack.team_id,
            slack_channel_id=config.operations.slack.channel_id,
            sns_topic_arns=[alerts.topic_arn],
            guardrail_policy_arns=config.operations.slack.guardrail_policy_arns,
        ),
        opts=env(),
    )
else:
    pulumi.log.warn("smartpost:operations.slack is not set: alerts reach the SNS topic but no Slack channel")
Alarms(
    "alarms",
    AlarmsArgs(
        topic_arn=alerts.topic_arn,
        thresholds=config.operations.alarms,
        targets=AlarmTargets(
            alb_arn_suffix=services.alb_arn_suffix,
            ecs_cluster_name=services.cluster_name,
            ecs_service_names=services.service_names,
            aurora_cluster_identifier=database.cluster_identifier,
            lambda_function_names=notifications.function_names,
            state_machine_arn=notifications.state_machine_arn,
            firehose_stream_name=notifications.firehose_stream_name,
        ),
    ),
    opts=env(),
)
observability = Observability(
    "observability",
    ObservabilityArgs(
        name_prefix=name_prefix,
        account_id=providers.environment_account_id,
        config=config.operations.observability,
        logs=log_settings,
        protect=config.is_production,
    ),
    opts=env(),
)
analytics = Analytics(
    "audit-analytics",
    AnalyticsArgs(
        name_prefix=name_prefix,
        environment_account_id=providers.environment_account_id,
        regions=sorted({providers.region, CLOUDFRONT_REGION, config.accounts.chatbot_region}),
        cloudtrail_bucket_name=logging_account.trail_bucket_name,
        notification_trail_bucket_name=notifications.trail_bucket_name,
        results_kms_key_arn=logging_account.logs_key_arn,
        results_days=config.retention.log_days,
        bytes_scanned_cutoff_per_query=config.operations.analytics.bytes_scanned_cutoff_per_query,
    ),
    opts=providers.log_account(),
)
# People's access (seed 2.2): only with a management-account provider, where Identity Center lives.
if providers.management is not None and config.operations.identity_center is not None:
    IdentityCenterAccess(
        "access",
        AccessArgs(
            environment=config.environment,
            name_prefix=name_prefix,
            account_id=providers.environment_account_id,
            groups=config.operations.identity_center,
        ),
        provider=providers.management,
    )
pulumi.export("auditTrailBucket", logging_account.trail_bucket_name)
pulumi.export("auditAthenaWorkgroup", analytics.workgroup_name)
pulumi.export("prometheusEndpoint", observability.prometheus_endpoint)

pulumi.export("environment", config.environment)
pulumi.export("vpcId", network.vpc_id)
