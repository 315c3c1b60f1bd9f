"""The data tier: Aurora PostgreSQL with IAM database authentication, pgaudit, exported logs,
Performance Insights and backups, all under the cluster's own customer-managed key (seed 2.1, 4.2-4.4, 6.4).

Secure by default: storage, the master password's secret, Performance Insights and the AWS Backup vault
use the cluster's key; TLS is forced; the master password is managed by Secrets Manager (nobody knows
it); applications connect as IAM-authenticated database users granted with ``grant_connect``; the
cluster sits in the isolated subnets behind the database security group (5432 from the service and
Lambda groups only, see components/network.py); a final snapshot is always taken on delete.
Production adds deletion protection and Pulumi ``protect`` on the cluster and its key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import grants
from components.backup import AuroraBackup, AuroraBackupArgs
from components.kms import KmsKey, KmsKeyArgs
from components.logs import LogSettings
from stack_config.database import DatabaseConfig

ENGINE = aws.rds.EngineType.AURORA_POSTGRESQL  # "aurora-postgresql"
POSTGRES_PORT = 5432
LOG_EXPORTS = ("postgresql",)
# The role whose privileges pgaudit's object-level auditing follows (docs/database.md): GRANT it
# SELECT/INSERT/UPDATE/DELETE on the personal-data tables and every such access is logged.
PGAUDIT_ROLE = "rds_pgaudit"
_DB_USER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True, kw_only=True)
class AuroraPostgresArgs:
    config: DatabaseConfig
    name_prefix: str  # "smartpost-<env>": the cluster identifier becomes "<prefix>-aurora"
    region: str
    account_id: str
    subnet_ids: Sequence[pulumi.Input[str]]  # the isolated (database) subnets
    security_group_id: pulumi.Input[str]  # the database group: 5432 from services and Lambda only
    availability_zones: Sequence[str]  # instances are spread over these, writer first
    logs: LogSettings
    production: bool = False  # deletion protection and Pulumi protect


def cluster_parameters(config: DatabaseConfig) -> list[aws.rds.ClusterParameterGroupParameterArgs]:
    """TLS only, pgaudit and pg_stat_statements preloaded, connections and DDL/role changes logged."""

    def param(name: str, value: str, *, static: bool = False) -> aws.rds.ClusterParameterGroupParameterArgs:
        # Static parameters only take effect after a reboot; RDS refuses "immediate" for them.
        return aws.rds.ClusterParameterGroupParameterArgs(
            name=name, value=value, apply_method="pending-reboot" if static else "immediate"
        )

    return [
        param("rds.force_ssl", "1"),
        param("ssl_min_protocol_version", "TLSv1.2"),
        param("shared_preload_libraries", "pg_stat_statements,pgaudit", static=True),
        # Session auditing of schema and privilege changes; reads and writes of personal data are
        # audited per object through pgaudit.role (docs/database.md).
        param("pgaudit.log", "ddl,role"),
        param("pgaudit.role", PGAUDIT_ROLE),
        param("pgaudit.log_catalog", "0"),
        param("pgaudit.log_parameter", "0"),  # bound values may be personal data: keep them out of logs
        param("pgaudit.log_relation", "1"),
        param("log_connections", "1"),
        param("log_disconnections", "1"),
        param("log_lock_waits", "1"),
    ]


class AuroraPostgres(pulumi.ComponentResource):
    cluster: aws.rds.Cluster
    instances: list[aws.rds.ClusterInstance]
    key: KmsKey
    log_group: aws.cloudwatch.LogGroup
    backup: AuroraBackup
    cluster_identifier: pulumi.Output[str]
    cluster_arn: pulumi.Output[str]
    cluster_resource_id: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    reader_endpoint: pulumi.Output[str]
    port: int
    database_name: str
    master_user_secret_arn: pulumi.Output[str]
    instance_identifiers: list[pulumi.Output[str]]

    def __init__(self, name: str, args: AuroraPostgresArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:data:AuroraPostgres", name, None, opts)
        cfg = args.config
        if not args.availability_zones:
            raise pulumi.RunError(f"AuroraPostgres {name}: availability_zones must not be empty")
        self._region = args.region
        self._account_id = args.account_id
        self._master_username = cfg.master_username
        identifier = f"{args.name_prefix}-aurora"
        child = pulumi.ResourceOptions(parent=self)
        protected = pulumi.ResourceOptions(parent=self, protect=args.production)

        self.key = KmsKey(
            f"{name}-key",
            KmsKeyArgs(
                description=f"{identifier}: storage, master secret, Performance Insights, backups",
                account_id=args.account_id,
                alias=f"alias/{args.name_prefix}/aurora",
                protect=args.production,
            ),
            opts=child,
        )
        subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnets",
            description=f"{identifier}: isolated subnets",
            subnet_ids=list(args.subnet_ids),
            opts=child,
        )
        parameter_group = aws.rds.ClusterParameterGroup(
            f"{name}-params",
            family=f"{ENGINE.value}{cfg.engine_major_version}",
            description=f"{identifier}: TLS only, pgaudit, connection logging",
            parameters=cluster_parameters(cfg),
            opts=child,
        )
        # RDS creates this group on first export, without retention or key: create it first, ours.
        self.log_group = args.logs.log_group(
            f"{name}-postgresql-logs",
            parent=self,
            log_group_name=f"/aws/rds/cluster/{identifier}/postgresql",
        )

        self.cluster = aws.rds.Cluster(
            f"{name}-cluster",
            cluster_identifier=identifier,
            engine=ENGINE,
            engine_mode="provisioned",  # Serverless v2 runs in provisioned mode
            engine_version=cfg.engine_version,
            allow_major_version_upgrade=False,
            database_name=cfg.database_name,
            master_username=cfg.master_username,
            manage_master_user_password=True,
            master_user_secret_kms_key_id=self.key.arn,
            iam_database_authentication_enabled=True,
            storage_encrypted=True,
            kms_key_id=self.key.arn,
            port=POSTGRES_PORT,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[args.security_group_id],
            db_cluster_parameter_group_name=parameter_group.name,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            backup_retention_period=cfg.backup_retention_days,
            preferred_backup_window=cfg.backup_window,
            preferred_maintenance_window=cfg.maintenance_window,
            copy_tags_to_snapshot=True,
            delete_automated_backups=False,  # keep point-in-time recovery after an accidental delete
            deletion_protection=args.production,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{identifier}-final",
            serverlessv2_scaling_configuration=(
                aws.rds.ClusterServerlessv2ScalingConfigurationArgs(
                    min_capacity=cfg.serverless.min_capacity, max_capacity=cfg.serverless.max_capacity
                )
                if cfg.serverless_instances
                else None
            ),
            tags={"Name": identifier},
            opts=pulumi.ResourceOptions.merge(protected, pulumi.ResourceOptions(depends_on=[self.log_group])),
        )

        self.instances = []
        for index in range(cfg.instance_count):
            az = args.availability_zones[index % len(args.availability_zones)]
            role = "writer" if index == 0 else f"reader-{index}"
            self.instances.append(
                aws.rds.ClusterInstance(
                    f"{name}-{role}",
                    identifier=f"{identifier}-{index + 1}",
                    cluster_identifier=self.cluster.id,
                    engine=ENGINE,
                    instance_class=cfg.instance_class,
                    availability_zone=az,
                    db_subnet_group_name=subnet_group.name,
                    publicly_accessible=False,
                    promotion_tier=0 if index == 0 else 1,  # readers are the failover targets
                    auto_minor_version_upgrade=True,
                    copy_tags_to_snapshot=True,
                    performance_insights_enabled=True,
                    performance_insights_kms_key_id=self.key.arn,
                    performance_insights_retention_period=cfg.performance_insights_retention_days,
                    tags={"Name": f"{identifier}-{index + 1}", "smartpost:role": role},
                    # The first instance created becomes the writer: readers wait for it.
                    # Instances hold no data (the cluster volume does): not protected, so prod can resize.
                    opts=pulumi.ResourceOptions(parent=self, depends_on=self.instances[:1]),
                )
            )

        self.backup = AuroraBackup(
            f"{name}-backup",
            AuroraBackupArgs(
                config=cfg.backup_plan,
                account_id=args.account_id,
                kms_key_arn=self.key.arn,
                resource_arns=[self.cluster.arn],
                production=args.production,
            ),
            opts=child,
        )

        self.cluster_identifier = self.cluster.cluster_identifier
        self.cluster_arn = self.cluster.arn
        self.cluster_resource_id = self.cluster.cluster_resource_id
        self.endpoint = self.cluster.endpoint
        self.reader_endpoint = self.cluster.reader_endpoint
        self.port = POSTGRES_PORT
        self.database_name = cfg.database_name
        self.master_user_secret_arn = self.cluster.master_user_secrets.apply(
            lambda secrets: (secrets[0].secret_arn or "") if secrets else ""
        )
        self.instance_identifiers = [instance.identifier for instance in self.instances]
        self.register_outputs(
            {
                "cluster_identifier": self.cluster_identifier,
                "cluster_arn": self.cluster_arn,
                "cluster_resource_id": self.cluster_resource_id,
                "endpoint": self.endpoint,
                "reader_endpoint": self.reader_endpoint,
                "port": self.port,
                "database_name": self.database_name,
                "instance_identifiers": self.instance_identifiers,
            }
        )

    def db_user_arn(self, db_user: str) -> pulumi.Output[str]:
        """``arn:aws:rds-db:<region>:<account>:dbuser:<cluster-resource-id>/<db_user>``."""
        return pulumi.Output.concat(
            f"arn:aws:rds-db:{self._region}:{self._account_id}:dbuser:", self.cluster_resource_id, f"/{db_user}"
        )

    def grant_connect(
        self, name: str, role: aws.iam.Role, db_user: str, *, parent: pulumi.Resource
    ) -> aws.iam.RolePolicy:
        """Let ``role`` connect as ``db_user`` (an IAM-authenticated database user) and no one else.

        The user must exist in the database with ``GRANT rds_iam TO <db_user>`` (docs/database.md).
        """
        if not _DB_USER.match(db_user):
            raise pulumi.RunError(
                f"AuroraPostgres.grant_connect {name}: db_user must be a lower-case PostgreSQL identifier "
                f"(a-z, 0-9, _), got {db_user!r}"
            )
        if db_user == self._master_username:
            raise pulumi.RunError(
                f"AuroraPostgres.grant_connect {name}: {db_user!r} is the master user; grant an application user"
            )
        return grants.grant(
            name, role, [grants.statement(grants.RDS_CONNECT, self.db_user_arn(db_user))], parent=parent
        )
