"""Notification delivery (seed 1.2, 7): a Step Functions state machine orchestrating four Lambda
functions (validate, send_push, send_email, record_trail), a Pinpoint app with APNs and FCM channels,
and the Data Firehose stream that carries the notification trail into the logging account.

Placement: none of the functions reads the database or an internal service. They call Pinpoint,
SendGrid (internet), SSM and Firehose, all public endpoints, so they run OUTSIDE the VPC (seed 3.1:
only functions that need VPC resources run in it). A function that later needs the database gets
``vpc=True`` in ``_FUNCTIONS`` and lands in the private subnets with the Lambda security group.

Failure handling: the functions are invoked synchronously by Step Functions, so a Lambda DLQ or
on-failure destination (async invocations only) would never receive anything. Where a failure
matters, the state machine handles it: a failed send is caught and recorded in the trail; a trail
record Firehose would not take after every retry is parked in the trail dead-letter queue (SQS, KMS)
for replay, which the operations tier alarms on.

Ordering across accounts: the Firehose role is created first (its ARN goes into the logging-account
key policy and bucket policy), then the trail bucket and key, then the role's policy naming them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from components import grants
from components.kms import KmsKey, KmsKeyArgs
from components.logs import LogSettings
from components.network import Network
from components.notification_trail import TRAIL_PREFIX, NotificationTrail, NotificationTrailArgs
from components.notification_workflow import definition
from components.services.parameters import ParameterStore
from stack_config.notifications import FunctionConfig, NotificationsConfig

PROJECT_DIR = Path(__file__).resolve().parent.parent
HANDLERS_DIR = PROJECT_DIR / "handlers"
RUNTIME = "python3.12"
SENDGRID_PARAMETER = "sendgridApiKey"
FIREHOSE_LOG_STREAM = "DestinationDelivery"
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600  # SQS maximum


@dataclass(frozen=True)
class _Function:
    key: str  # "send_push": module handlers/notification/<key>.py, name "<component>-send-push"
    description: str
    vpc: bool = False  # True only for a function that reaches VPC resources (the database)


_FUNCTIONS = (
    _Function("validate", "Validates a notification request and splits it per channel target"),
    _Function("send_push", "Sends one push notification through Pinpoint (APNs / FCM)"),
    _Function("send_email", "Sends one e-mail through SendGrid"),
    _Function("record_trail", "Writes one notification-trail record to Firehose"),
)


@dataclass(frozen=True, kw_only=True)
class NotificationsArgs:
    config: NotificationsConfig
    name_prefix: str
    account_id: str  # the environment account
    logging_account_id: str
    region: str
    logs: LogSettings
    logging_provider: aws.Provider  # the trail bucket and its key live in the logging account
    network: Network
    parameters: ParameterStore  # the services tier's Parameter Store: holds the SendGrid key
    apns_signing_key: pulumi.Input[str]  # secret: the .p8 token signing key
    fcm_service_account_json: pulumi.Input[str]  # secret: Firebase service account JSON
    protect: bool = False


def handler_archive() -> pulumi.AssetArchive:
    """The ``handlers`` package (Python sources only), relative to the working directory (the project)."""
    files: dict[str, pulumi.Asset | pulumi.Archive] = {}
    for path in sorted(HANDLERS_DIR.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        archive_path = path.relative_to(PROJECT_DIR).as_posix()
        files[archive_path] = pulumi.FileAsset(os.path.relpath(path))
    return pulumi.AssetArchive(files)


class Notifications(pulumi.ComponentResource):
    function_names: dict[str, pulumi.Output[str]]
    function_arns: dict[str, pulumi.Output[str]]
    roles: dict[str, aws.iam.Role]
    state_machine_arn: pulumi.Output[str]
    state_machine_name: pulumi.Output[str]
    firehose_stream_name: pulumi.Output[str]
    firehose_stream_arn: pulumi.Output[str]
    firehose_role_arn: pulumi.Output[str]
    trail_bucket_arn: pulumi.Output[str]
    trail_bucket_name: pulumi.Output[str]
    trail_key_arn: pulumi.Output[str]
    trail_dead_letter_queue_arn: pulumi.Output[str]
    trail_dead_letter_queue_name: pulumi.Output[str]
    pinpoint_app_id: pulumi.Output[str]
    key: KmsKey
    trail: NotificationTrail

    def __init__(self, name: str, args: NotificationsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("smartpost:notifications:Notifications", name, None, opts)
        cfg = args.config
        if SENDGRID_PARAMETER not in args.parameters.names:
            raise pulumi.RunError(f"Notifications {name}: the parameter store holds no {SENDGRID_PARAMETER}")
        self._name = name
        self._args = args
        child = pulumi.ResourceOptions(parent=self)

        # Environment-account key: Firehose stream SSE and the trail dead-letter queue.
        self.key = KmsKey(
            f"{name}-key",
            KmsKeyArgs(
                description=f"{args.name_prefix} notification delivery (Firehose SSE, trail dead-letter queue)",
                account_id=args.account_id,
                alias=f"alias/{args.name_prefix}/notifications",
                protect=args.protect,
            ),
            opts=child,
        )

        # -- Pinpoint app and push channels ------------------------------------------------------
        app = aws.pinpoint.App(f"{name}-pinpoint", opts=child)
        self.pinpoint_app_id = app.application_id
        apns = cfg.apns
        apns_channel = aws.pinpoint.ApnsSandboxChannel if apns.sandbox else aws.pinpoint.ApnsChannel
        apns_channel(
            f"{name}-apns",
            application_id=app.application_id,
            default_authentication_method="TOKEN",
            bundle_id=apns.bundle_id,
            team_id=apns.team_id,
            token_key_id=apns.token_key_id,
            token_key=pulumi.Output.secret(args.apns_signing_key),
            enabled=True,
            opts=child,
        )
        aws.pinpoint.GcmChannel(
            f"{name}-fcm",
            application_id=app.application_id,
            default_authentication_method="TOKEN",
            service_json=pulumi.Output.secret(args.fcm_service_account_json),
            enabled=True,
            opts=child,
        )

        # -- the trail: Firehose role (env) -> bucket + key (logging account) -> role policy -------
        firehose_role = aws.iam.Role(
            f"{name}-firehose-role",
            description="Data Firehose delivering the notification trail into the logging account",
            # Firehose assumes the role passing this account's ID as the external ID (its documented trust).
            assume_role_policy=grants.assume_role_policy("firehose.amazonaws.com", external_id=args.account_id),
            opts=child,
        )
        self.firehose_role_arn = firehose_role.arn
        self.trail = NotificationTrail(
            f"{name}-trail",
            NotificationTrailArgs(
                name_prefix=args.name_prefix,
                logging_account_id=args.logging_account_id,
                region=args.region,
                writer_role_arn=firehose_role.arn,
                object_lock_days=cfg.trail.object_lock_days,
                expire_after_days=cfg.trail.expire_after_days,
                protect=args.protect,
            ),
            opts=pulumi.ResourceOptions(parent=self, provider=args.logging_provider),
        )
        self.trail_bucket_arn = self.trail.bucket_arn
        self.trail_bucket_name = self.trail.bucket_name
        self.trail_key_arn = self.trail.key_arn

        firehose_logs = args.logs.log_group(
            f"{name}-firehose-logs",
            parent=self,
            log_group_name=f"/aws/kinesisfirehose/{args.name_prefix}-notification-trail",
        )
        aws.cloudwatch.LogStream(
            f"{name}-firehose-log-stream", log_group_name=firehose_logs.name, name=FIREHOSE_LOG_STREAM, opts=child
        )
        firehose_policy = grants.grant(
            f"{name}-firehose-writes-trail",
            firehose_role,
            [
                *self.trail.writer_role_statements(),
                grants.statement(("logs:PutLogEvents",), pulumi.Output.concat(firehose_logs.arn, ":*")),
            ],
            parent=self,
        )
        stream = aws.kinesis.FirehoseDeliveryStream(
            f"{name}-trail-stream",
            destination="extended_s3",
            server_side_encryption=aws.kinesis.FirehoseDeliveryStreamServerSideEncryptionArgs(
                enabled=True, key_type="CUSTOMER_MANAGED_CMK", key_arn=self.key.arn
            ),
            extended_s3_configuration=aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationArgs(
                role_arn=firehose_role.arn,
                bucket_arn=self.trail.bucket_arn,
                kms_key_arn=self.trail.key_arn,  # objects encrypted with the logging-account key
                prefix=f"{TRAIL_PREFIX}/!{{timestamp:yyyy/MM/dd}}/",
                error_output_prefix=f"{TRAIL_PREFIX}-errors/!{{firehose:error-output-type}}/!{{timestamp:yyyy/MM/dd}}/",
                buffering_interval=cfg.trail.buffering_seconds,
                buffering_size=cfg.trail.buffering_mb,
                compression_format="GZIP",
                cloudwatch_logging_options=(
                    aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationCloudwatchLoggingOptionsArgs(
                        enabled=True, log_group_name=firehose_logs.name, log_stream_name=FIREHOSE_LOG_STREAM
                    )
                ),
            ),
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[firehose_policy, self.trail.bucket.policy, self.trail.key.key]
            ),
        )
        self.firehose_stream_name = stream.name
        self.firehose_stream_arn = stream.arn

        # -- trail dead-letter queue (records Firehose never took; see the module docstring) --------
        dead_letters = aws.sqs.Queue(
            f"{name}-trail-dead-letters",
            kms_master_key_id=self.key.arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
            opts=child,
        )
        self.trail_dead_letter_queue_arn = dead_letters.arn
        self.trail_dead_letter_queue_name = dead_letters.name

        # -- functions ---------------------------------------------------------------------------
        code = handler_archive()
        environment: dict[str, Mapping[str, pulumi.Input[str]]] = {
            "validate": {},
            "send_push": {"PINPOINT_APP_ID": app.application_id, "APNS_CHANNEL_TYPE": self._apns_type()},
            "send_email": {
                "SENDGRID_API_KEY_PARAMETER": args.parameters.names[SENDGRID_PARAMETER],
                "MAIL_FROM_ADDRESS": cfg.mail_from,
            },
            "record_trail": {"TRAIL_STREAM_NAME": stream.name},
        }
        own_statements: dict[str, list[dict[str, Any]]] = {
            "validate": [],
            # SendMessages on this app only. The Pinpoint guide names the resource ".../apps/<id>/messages",
            # the Service Authorization Reference the app itself: both, and nothing beyond this app.
            "send_push": [
                grants.statement(grants.PINPOINT_SEND, [app.arn, pulumi.Output.concat(app.arn, "/messages")])
            ],
            "send_email": [],  # the parameter grant comes from the parameter store below
            "record_trail": [grants.statement(grants.FIREHOSE_PUT, stream.arn)],
        }
        sizes: dict[str, FunctionConfig] = {
            "validate": cfg.functions.validate_,
            "send_push": cfg.functions.send_push,
            "send_email": cfg.functions.send_email,
            "record_trail": cfg.functions.record_trail,
        }
        self.roles = {}
        functions: dict[str, aws.lambda_.Function] = {}
        for spec in _FUNCTIONS:
            extra_grants: list[pulumi.Resource] = []
            role = self._role(spec.key)
            if spec.key == "send_email":
                sendgrid_grant = args.parameters.grant_read(
                    f"{name}-send-email-reads-sendgrid-key", role, [SENDGRID_PARAMETER], parent=self
                )
                if sendgrid_grant is not None:
                    extra_grants.append(sendgrid_grant)
            functions[spec.key] = self._function(
                spec, role, code, sizes[spec.key], environment[spec.key], own_statements[spec.key], extra_grants
            )
        self.function_names = {key: fn.name for key, fn in functions.items()}
        self.function_arns = {key: fn.arn for key, fn in functions.items()}

        # -- state machine -----------------------------------------------------------------------
        machine = self._state_machine(functions, dead_letters)
        self.state_machine_arn = machine.arn
        self.state_machine_name = machine.name

        self.register_outputs(
            {
                "function_names": self.function_names,
                "state_machine_arn": self.state_machine_arn,
                "firehose_stream_name": self.firehose_stream_name,
                "trail_bucket_arn": self.trail_bucket_arn,
                "trail_bucket_name": self.trail_bucket_name,
                "pinpoint_app_id": self.pinpoint_app_id,
                "trail_dead_letter_queue_arn": self.trail_dead_letter_queue_arn,
            }
        )

    def _apns_type(self) -> str:
        return "APNS_SANDBOX" if self._args.config.apns.sandbox else "APNS"

    def _role(self, key: str) -> aws.iam.Role:
        role = aws.iam.Role(
            f"{self._name}-{key.replace('_', '-')}-role",
            description=f"Lambda {key} (notification delivery)",
            assume_role_policy=grants.assume_role_policy("lambda.amazonaws.com"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.roles[key] = role
        return role

    def _function(
        self,
        spec: _Function,
        role: aws.iam.Role,
        code: pulumi.Archive,
        size: FunctionConfig,
        environment: Mapping[str, pulumi.Input[str]],
        statements: list[dict[str, Any]],
        extra_grants: list[pulumi.Resource],
    ) -> aws.lambda_.Function:
        name, args = self._name, self._args
        role_name = spec.key.replace("_", "-")
        log_group = args.logs.log_group(
            f"{name}-{role_name}-logs",
            parent=self,
            log_group_name=f"/aws/lambda/{args.name_prefix}-notifications-{role_name}",
        )
        policy = grants.grant(
            f"{name}-{role_name}-policy",
            role,
            [
                # Its own log group only (Lambda's logging_config points there).
                grants.statement(grants.LOGS_WRITE, pulumi.Output.concat(log_group.arn, ":*")),
                # X-Ray has no resource-level permissions.
                grants.statement(grants.XRAY_WRITE, "*"),
                *statements,
            ],
            parent=self,
        )
        vpc_config = None
        if spec.vpc:
            vpc_config = aws.lambda_.FunctionVpcConfigArgs(
                subnet_ids=args.network.private_subnet_ids,
                security_group_ids=[args.network.security_groups.lambdas.id],
            )
        return aws.lambda_.Function(
            f"{name}-{role_name}",
            description=spec.description,
            role=role.arn,
            runtime=RUNTIME,
            architectures=["arm64"],
            handler=f"handlers.notification.{spec.key}.handler",
            code=code,
            memory_size=size.memory_mb,
            timeout=size.timeout_seconds,
            reserved_concurrent_executions=size.reserved_concurrency,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=dict(environment)) if environment else None,
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON",
                log_group=log_group.name,
                application_log_level="INFO",
                system_log_level="WARN",
            ),
            vpc_config=vpc_config,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, *extra_grants]),
        )

    def _state_machine(
        self, functions: dict[str, aws.lambda_.Function], dead_letters: aws.sqs.Queue
    ) -> aws.sfn.StateMachine:
        name, args = self._name, self._args
        log_group = args.logs.log_group(
            f"{name}-state-machine-logs",
            parent=self,
            log_group_name=f"/aws/vendedlogs/states/{args.name_prefix}-notification-delivery",
        )
        role = aws.iam.Role(
            f"{name}-state-machine-role",
            description="Step Functions: notification delivery",
            assume_role_policy=grants.assume_role_policy("states.amazonaws.com", source_account=args.account_id),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.roles["state_machine"] = role
        policy = grants.grant(
            f"{name}-state-machine-policy",
            role,
            [
                # Exactly the four functions.
                grants.statement(grants.LAMBDA_INVOKE, [functions[key].arn for key in sorted(functions)]),
                grants.statement(grants.SQS_SEND, dead_letters.arn),
                grants.statement(("kms:GenerateDataKey", "kms:Decrypt"), self.key.arn),
                # CloudWatch Logs vended delivery and X-Ray have no resource-level scoping (AWS requires "*").
                grants.statement(grants.LOGS_DELIVERY, "*"),
                grants.statement(grants.XRAY_WRITE, "*"),
            ],
            parent=self,
        )
        arns = {key: fn.arn for key, fn in functions.items()}
        document = pulumi.Output.all(dead_letter_queue_url=dead_letters.url, **arns).apply(
            lambda values: json.dumps(
                definition(
                    {key: values[key] for key in arns},
                    trail_dead_letter_queue_url=values["dead_letter_queue_url"],
                    max_concurrency=args.config.max_concurrency,
                ),
                indent=2,
            )
        )
        return aws.sfn.StateMachine(
            f"{name}-state-machine",
            type="STANDARD",
            role_arn=role.arn,
            definition=document,
            logging_configuration=aws.sfn.StateMachineLoggingConfigurationArgs(
                level=args.config.log_level,
                include_execution_data=False,  # inputs hold addresses and tokens
                log_destination=pulumi.Output.concat(log_group.arn, ":*"),
            ),
            tracing_configuration=aws.sfn.StateMachineTracingConfigurationArgs(enabled=True),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
