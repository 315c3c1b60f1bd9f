"""Querying the evidence (SPEC "Logging account and retention"): a Glue database with tables over this
environment's CloudTrail logs and notification trail, and an Athena workgroup whose settings cannot
be overridden, writing SSE-KMS results to a bucket that forgets them after ``log_days``.

Lives in the logging account, next to the buckets it reads: the evidence never leaves that account
and needs no cross-account read grants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.bucket import SecureBucket, SecureBucketArgs
from components.notification_trail import TRAIL_PREFIX

# CloudTrail's documented Athena table (AWS "Query AWS CloudTrail logs": manual partitioning/projection).
CLOUDTRAIL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("eventversion", "string"),
    (
        "useridentity",
        "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,"
        "accesskeyid:string,username:string,sessioncontext:struct<attributes:struct<mfaauthenticated:string,"
        "creationdate:string>,sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,"
        "username:string>,sourceidentity:string>>",
    ),
    ("eventtime", "string"),
    ("eventsource", "string"),
    ("eventname", "string"),
    ("awsregion", "string"),
    ("sourceipaddress", "string"),
    ("useragent", "string"),
    ("errorcode", "string"),
    ("errormessage", "string"),
    ("requestparameters", "string"),
    ("responseelements", "string"),
    ("additionaleventdata", "string"),
    ("requestid", "string"),
    ("eventid", "string"),
    ("resources", "array<struct<arn:string,accountid:string,type:string>>"),
    ("eventtype", "string"),
    ("apiversion", "string"),
    ("readonly", "string"),
    ("recipientaccountid", "string"),
    ("serviceeventdetails", "string"),
    ("sharedeventid", "string"),
    ("vpcendpointid", "string"),
    ("tlsdetails", "struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>"),
)
# The notification trail as the notification tier writes it (handlers/notification/trail.py TrailRecord,
# docs/notification-trail.md): JSON lines, gzip, under notification-trail/yyyy/MM/dd/. The JSON SerDe
# matches keys case-insensitively, so Hive's lower-case names read the camelCase fields.
NOTIFICATION_TRAIL_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (field, "string")
    for field in (
        "schemaVersion",
        "recordId",
        "executionId",
        "deliveryId",
        "municipalityId",
        "recipientId",
        "notificationId",
        "templateId",
        "category",
        "channel",
        "attemptedAt",
        "recordedAt",
        "result",
        "reason",
        "providerMessageId",
    )
)
PROJECTION_START = "2025/01/01"


@dataclass(frozen=True, kw_only=True)
class AnalyticsArgs:
    name_prefix: str  # "smartpost-dev"
    environment_account_id: str
    regions: Sequence[str]  # regions the multi-region trail writes (partition projection)
    cloudtrail_bucket_name: pulumi.Input[str]
    results_kms_key_arn: pulumi.Input[str]  # logging-account key
    results_days: int = 90
    bytes_scanned_cutoff_per_query: int = 10 * 1024**3
    notification_trail_bucket_name: pulumi.Input[str] | None = None


def _columns(columns: Sequence[tuple[str, str]]) -> list[aws.glue.CatalogTableStorageDescriptorColumnArgs]:
    return [aws.glue.CatalogTableStorageDescriptorColumnArgs(name=n.lower(), type=t) for n, t in columns]


class Analytics(pulumi.ComponentResource):
    """Create with ``providers.log_account()``."""

    database: aws.glue.CatalogDatabase
    database_name: pulumi.Output[str]
    workgroup: aws.athena.Workgroup
    workgroup_name: pulumi.Output[str]
    results_bucket: SecureBucket
    tables: dict[str, aws.glue.CatalogTable]

    def __init__(self, name: str, args: AnalyticsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:audit:Analytics", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        glue_name = args.name_prefix.replace("-", "_") + "_audit"  # Athena wants lower-case and underscores
        self.database = aws.glue.CatalogDatabase(
            f"{name}-database", name=glue_name, description=f"{args.name_prefix} audit evidence", opts=child
        )
        self.database_name = self.database.name
        self.tables = {}

        trail_root = pulumi.Output.concat(
            "s3://", args.cloudtrail_bucket_name, f"/AWSLogs/{args.environment_account_id}/CloudTrail/"
        )
        self.tables["cloudtrail"] = aws.glue.CatalogTable(
            f"{name}-cloudtrail",
            name="cloudtrail",
            database_name=self.database.name,
            table_type="EXTERNAL_TABLE",
            parameters={
                "classification": "cloudtrail",
                "projection.enabled": "true",
                "projection.region.type": "enum",
                "projection.region.values": ",".join(args.regions),
                "projection.day.type": "date",
                "projection.day.format": "yyyy/MM/dd",
                "projection.day.range": f"{PROJECTION_START},NOW",
                "projection.day.interval": "1",
                "projection.day.interval.unit": "DAYS",
                "storage.location.template": pulumi.Output.concat(trail_root, "${region}/${day}"),
            },
            partition_keys=[
                aws.glue.CatalogTablePartitionKeyArgs(name="region", type="string"),
                aws.glue.CatalogTablePartitionKeyArgs(name="day", type="string"),
            ],
            storage_descriptor=aws.glue.CatalogTableStorageDescriptorArgs(
                location=trail_root,
                input_format="com.amazon.emr.cloudtrail.CloudTrailInputFormat",
                output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                ser_de_info=aws.glue.CatalogTableStorageDescriptorSerDeInfoArgs(
                    serialization_library="org.apache.hive.hcatalog.data.JsonSerDe"
                ),
                columns=_columns(CLOUDTRAIL_COLUMNS),
            ),
            opts=child,
        )
        if args.notification_trail_bucket_name is not None:
            trail_location = pulumi.Output.concat("s3://", args.notification_trail_bucket_name, f"/{TRAIL_PREFIX}/")
            self.tables["notification-trail"] = aws.glue.CatalogTable(
                f"{name}-notification-trail",
                name="notification_trail",
                database_name=self.database.name,
                table_type="EXTERNAL_TABLE",
                parameters={
                    "classification": "json",
                    "projection.enabled": "true",
                    "projection.day.type": "date",
                    "projection.day.format": "yyyy/MM/dd",
                    "projection.day.range": f"{PROJECTION_START},NOW",
                    "projection.day.interval": "1",
                    "projection.day.interval.unit": "DAYS",
                    "storage.location.template": pulumi.Output.concat(trail_location, "${day}"),
                },
                partition_keys=[aws.glue.CatalogTablePartitionKeyArgs(name="day", type="string")],
                storage_descriptor=aws.glue.CatalogTableStorageDescriptorArgs(
                    location=trail_location,
                    input_format="org.apache.hadoop.mapred.TextInputFormat",
                    output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    ser_de_info=aws.glue.CatalogTableStorageDescriptorSerDeInfoArgs(
                        serialization_library="org.openx.data.jsonserde.JsonSerDe",
                        parameters={"ignore.malformed.json": "true"},
                    ),
                    columns=_columns(NOTIFICATION_TRAIL_COLUMNS),
                ),
                opts=child,
            )

        self.results_bucket = SecureBucket(
            f"{name}-results",
            SecureBucketArgs(kms_key_arn=args.results_kms_key_arn, expire_after_days=args.results_days),
            opts=child,
        )
        self.workgroup = aws.athena.Workgroup(
            f"{name}-workgroup",
            name=f"{args.name_prefix}-audit",
            description=f"{args.name_prefix} CloudTrail and notification trail queries",
            configuration=aws.athena.WorkgroupConfigurationArgs(
                enforce_workgroup_configuration=True,
                publish_cloudwatch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=args.bytes_scanned_cutoff_per_query,
                result_configuration=aws.athena.WorkgroupConfigurationResultConfigurationArgs(
                    output_location=pulumi.Output.concat("s3://", self.results_bucket.name, "/results/"),
                    encryption_configuration=aws.athena.WorkgroupConfigurationResultConfigurationEncryptionConfigurationArgs(
                        encryption_option="SSE_KMS", kms_key_arn=args.results_kms_key_arn
                    ),
                ),
            ),
            opts=child,
        )
        self.workgroup_name = self.workgroup.name
        self.register_outputs({"database_name": self.database_name, "workgroup_name": self.workgroup_name})
