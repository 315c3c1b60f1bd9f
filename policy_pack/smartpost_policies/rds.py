"""Aurora PostgreSQL (seed 1.2, 2.1, 4.2-4.4, 6.4): encrypted with a customer key, IAM database
authentication, TLS forced by the parameter group, backups kept, PostgreSQL logs exported, never
public, Performance Insights encrypted, and in prod protected, deletion-protected, in two AZs."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity, StackValidationArgs

from smartpost_policies.common import (
    PRODUCTION_STACKS_CONFIG,
    Control,
    as_list,
    config_value,
    customer_key,
    each,
    get,
    is_production,
    known,
    protected,
    references,
    resource_policy,
    stack_policy,
    truthy,
)

CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
INSTANCE = "aws:rds/instance:Instance"
CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"


def _postgres(props) -> bool:
    return "postgres" in str(get(props, "engine", default=""))


def _storage_encrypted(args: ResourceValidationArgs, report) -> None:
    if args.resource_type not in (CLUSTER, INSTANCE):
        return
    if not truthy(get(args.props, "storageEncrypted")):
        report("Storage is not encrypted: set storage_encrypted=True.")
    elif not customer_key(get(args.props, "kmsKeyId")):
        report("Storage is encrypted with the AWS-managed key: set kms_key_id to a customer-managed key.")


def _iam_auth(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == CLUSTER and not truthy(get(args.props, "iamDatabaseAuthenticationEnabled")):
        report("IAM database authentication is off: set iam_database_authentication_enabled=True.")


def _backup_retention(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != CLUSTER:
        return
    minimum = int(config_value(args, "minimumDays", 7))
    days = get(args.props, "backupRetentionPeriod")
    if days is None or int(days) < minimum:
        report(f"backupRetentionPeriod is {days}; keep automated backups at least {minimum} days.")


def _log_export(args: ResourceValidationArgs, report) -> None:
    if (
        args.resource_type == CLUSTER
        and _postgres(args.props)
        and "postgresql" not in as_list(get(args.props, "enabledCloudwatchLogsExports"))
    ):
        report("PostgreSQL logs are not exported: enabled_cloudwatch_logs_exports=['postgresql'].")


def _not_public(args: ResourceValidationArgs, report) -> None:
    if args.resource_type in (CLUSTER, CLUSTER_INSTANCE, INSTANCE) and truthy(get(args.props, "publiclyAccessible")):
        report("The database is publicly accessible: set publicly_accessible=False.")


def _performance_insights_kms(args: ResourceValidationArgs, report) -> None:
    if args.resource_type not in (CLUSTER, CLUSTER_INSTANCE, INSTANCE):
        return
    if truthy(get(args.props, "performanceInsightsEnabled")) and not customer_key(
        get(args.props, "performanceInsightsKmsKeyId")
    ):
        report("Performance Insights is on without a customer key: set performance_insights_kms_key_id.")


def _deletion_protection(args: ResourceValidationArgs, report) -> None:
    if (
        args.resource_type == CLUSTER
        and is_production(args, args.urn)
        and not truthy(get(args.props, "deletionProtection"))
    ):
        report("A production cluster must set deletion_protection=True.")


def _protected(args: ResourceValidationArgs, report) -> None:
    if args.resource_type == CLUSTER and is_production(args, args.urn) and not protected(args):
        report("A production cluster must be created with pulumi protect=True.")


def _forces_ssl(props) -> bool:
    return any(
        get(p, "name") == "rds.force_ssl" and str(get(p, "value")).strip() in ("1", "1.0", "true")
        for p in as_list(get(props, "parameters"))
    )


def _parameter_group_ssl(args: ResourceValidationArgs, report) -> None:
    if (
        args.resource_type == CLUSTER_PARAMETER_GROUP
        and "postgres" in str(get(args.props, "family", default=""))
        and not _forces_ssl(args.props)
    ):
        report("The PostgreSQL cluster parameter group does not set rds.force_ssl=1.")


def _cluster_uses_ssl_group(args: StackValidationArgs, report) -> None:
    groups = list(each(args, CLUSTER_PARAMETER_GROUP))
    for cluster in each(args, CLUSTER):
        with known():
            if not _postgres(cluster.props):
                continue
            mine = references(cluster, "dbClusterParameterGroupName", groups)
            if not any(_forces_ssl(g.props) for g in mine):
                report(
                    "The cluster does not use a parameter group of this stack that sets rds.force_ssl=1.", cluster.urn
                )


def _multi_az(args: StackValidationArgs, report) -> None:
    instances = list(each(args, CLUSTER_INSTANCE))
    for cluster in each(args, CLUSTER):
        if not is_production(args, cluster.urn):
            continue
        with known():
            mine = [i for i in instances if references(i, "clusterIdentifier", [cluster])]
            zones = {get(i.props, "availabilityZone") for i in mine}
            if len(mine) < 2 or None in zones or len(zones) < 2:
                report(
                    f"A production cluster needs instances in at least two explicit AZs (found {len(mine)} "
                    f"instance(s) in {sorted(z for z in zones if z) or 'unspecified AZs'}).",
                    cluster.urn,
                )


rds_storage_encrypted = resource_policy(
    name="rds-cluster-storage-encrypted",
    description="Aurora/RDS storage is encrypted with a customer-managed KMS key.",
    severity=Severity.HIGH,
    remediation="Set storage_encrypted=True and kms_key_id=<KmsKey.arn> on the cluster.",
    control=Control(security_hub="RDS.27", checkov="CKV_AWS_327", cdk_nag="AwsSolutions-RDS2"),
    validate=_storage_encrypted,
)
rds_iam_auth = resource_policy(
    name="rds-cluster-iam-authentication",
    description="Aurora clusters use IAM database authentication.",
    severity=Severity.HIGH,
    remediation="Set iam_database_authentication_enabled=True and grant rds-db:connect to the task roles.",
    control=Control(security_hub="RDS.12", checkov="CKV_AWS_162", cdk_nag="AwsSolutions-RDS6"),
    validate=_iam_auth,
)
rds_backup_retention = resource_policy(
    name="rds-cluster-backup-retention",
    description="Aurora keeps automated backups at least the configured minimum (7 days).",
    severity=Severity.MEDIUM,
    remediation="Set backup_retention_period from the database config (at least minimumDays).",
    control=Control(checkov="CKV_AWS_133", seed="6.4"),
    validate=_backup_retention,
    config={"minimumDays": ({"type": "integer", "minimum": 1, "maximum": 35}, 7)},
)
rds_log_export = resource_policy(
    name="rds-cluster-postgresql-log-export",
    description="Aurora PostgreSQL exports its PostgreSQL log (pgaudit) to CloudWatch Logs.",
    severity=Severity.MEDIUM,
    remediation="Set enabled_cloudwatch_logs_exports=['postgresql'].",
    control=Control(security_hub="RDS.37", checkov="CKV2_AWS_27"),
    validate=_log_export,
)
rds_not_public = resource_policy(
    name="rds-instance-not-public",
    description="No database cluster or instance is publicly accessible.",
    severity=Severity.CRITICAL,
    remediation="Set publicly_accessible=False and place the database in the isolated subnets.",
    control=Control(security_hub="RDS.2", checkov="CKV_AWS_17"),
    validate=_not_public,
)
rds_performance_insights_kms = resource_policy(
    name="rds-performance-insights-kms",
    description="Performance Insights data is encrypted with a customer-managed key.",
    severity=Severity.MEDIUM,
    remediation="Set performance_insights_kms_key_id=<KmsKey.arn> wherever performance_insights_enabled=True.",
    control=Control(checkov="CKV_AWS_354"),
    validate=_performance_insights_kms,
)
rds_deletion_protection = resource_policy(
    name="rds-cluster-deletion-protection",
    description="Production Aurora clusters have deletion protection on.",
    severity=Severity.HIGH,
    remediation="Set deletion_protection=True when the stack is production.",
    control=Control(security_hub="RDS.7", checkov="CKV_AWS_139", cdk_nag="AwsSolutions-RDS10"),
    validate=_deletion_protection,
    config=PRODUCTION_STACKS_CONFIG,
)
rds_protected = resource_policy(
    name="rds-cluster-protected",
    description="Production Aurora clusters are Pulumi-protected against deletion.",
    severity=Severity.HIGH,
    remediation="Create the cluster with opts=pulumi.ResourceOptions(protect=True) when the stack is production.",
    control=Control(seed="6.4"),
    validate=_protected,
    config=PRODUCTION_STACKS_CONFIG,
)
rds_parameter_group_force_ssl = resource_policy(
    name="rds-cluster-parameter-group-force-ssl",
    description="Aurora PostgreSQL cluster parameter groups force TLS (rds.force_ssl=1).",
    severity=Severity.HIGH,
    remediation="Add parameters=[ClusterParameterGroupParameterArgs(name='rds.force_ssl', value='1')].",
    control=Control(checkov="CKV2_AWS_69"),
    validate=_parameter_group_ssl,
)
rds_cluster_force_ssl = stack_policy(
    name="rds-cluster-force-ssl",
    description="Every Aurora PostgreSQL cluster uses a cluster parameter group that forces TLS.",
    severity=Severity.HIGH,
    remediation="Pass db_cluster_parameter_group_name=<the stack's parameter group with rds.force_ssl=1>.",
    control=Control(checkov="CKV2_AWS_69"),
    validate=_cluster_uses_ssl_group,
)
rds_cluster_multi_az = stack_policy(
    name="rds-cluster-multi-az",
    description="Production Aurora clusters have instances in at least two availability zones.",
    severity=Severity.HIGH,
    remediation="Create a writer and a reader with different availability_zone values (database config).",
    control=Control(security_hub="RDS.15"),
    validate=_multi_az,
    config=PRODUCTION_STACKS_CONFIG,
)

POLICIES = [
    rds_storage_encrypted,
    rds_iam_auth,
    rds_backup_retention,
    rds_log_export,
    rds_not_public,
    rds_performance_insights_kms,
    rds_deletion_protection,
    rds_protected,
    rds_parameter_group_force_ssl,
    rds_cluster_force_ssl,
    rds_cluster_multi_az,
]
