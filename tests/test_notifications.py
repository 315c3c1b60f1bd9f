"""Notification delivery tier on the recorded stacks: the trail's cross-account pieces, the Firehose
stream, the functions and their roles, the Pinpoint channels and the state machine's definition."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest

from components.notification_workflow import FUNCTIONS, definition
from handlers.notification import errors
from offline.mocks import RecordedResource, StackRecording
from offline.runner import ProgramError, run_program
from tests.conftest import role_statements, section, stack_config_with

PREFIX = "notifications-"
FUNCTION = "aws:lambda/function:Function"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
KMS_KEY = "aws:kms/key:Key"
BUCKET = "aws:s3/bucket:Bucket"
STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
CONFIG_KEYS = {
    "validate": "validate",
    "send-push": "sendPush",
    "send-email": "sendEmail",
    "record-trail": "recordTrail",
}
LOGGING_ACCOUNT = "444444444444"
TRAIL_PIECES = ("notifications-trail-bucket-", "notifications-trail-key-")


def mine(stack: StackRecording) -> list[RecordedResource]:
    return [r for r in stack.custom_resources() if r.name.startswith(PREFIX)]


def doc(resource: RecordedResource, key: str = "policy") -> dict[str, Any]:
    return dict(json.loads(resource.inputs[key]))


def role_arn(stack: StackRecording, name: str) -> str:
    return str(stack.named(ROLE, name).outputs["arn"])


def statements_of(stack: StackRecording, role_name: str) -> list[dict[str, Any]]:
    return role_statements(stack, stack.named(ROLE, role_name))


def actions(statements: list[dict[str, Any]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for s in statements:
        resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
        for action in s["Action"]:
            out.setdefault(action, set()).update(resources)
    return out


def functions(stack: StackRecording) -> dict[str, RecordedResource]:
    return {r.name.removeprefix(PREFIX): r for r in stack.of_type(FUNCTION) if r.name.startswith(PREFIX)}


# -- cross-account trail ------------------------------------------------------------------------
def test_trail_bucket_and_key_land_in_the_logging_account_everything_else_in_the_environment(
    stack: StackRecording,
) -> None:
    env_account = stack.named(ROLE, "notifications-firehose-role").account
    assert env_account != LOGGING_ACCOUNT
    trail = [r for r in mine(stack) if r.name.startswith(TRAIL_PIECES)]
    assert {r.type for r in trail} >= {BUCKET, KMS_KEY, "aws:s3/bucketPolicy:BucketPolicy"}
    assert {r.account for r in trail} == {LOGGING_ACCOUNT}
    assert {r.account for r in mine(stack) if r not in trail} == {env_account}


def test_trail_key_policy_admits_only_the_firehose_role_through_s3(stack: StackRecording) -> None:
    key = stack.named(KMS_KEY, "notifications-trail-key-key")
    statements = doc(key)["Statement"]
    principals = [s["Principal"]["AWS"] for s in statements]
    assert principals == [f"arn:aws:iam::{LOGGING_ACCOUNT}:root", role_arn(stack, "notifications-firehose-role")]
    writer = statements[1]
    assert set(writer["Action"]) == {"kms:GenerateDataKey", "kms:Decrypt"}
    assert writer["Condition"] == {"StringEquals": {"kms:ViaService": f"s3.{key.region}.amazonaws.com"}}


def test_trail_bucket_policy_admits_only_the_firehose_role_and_denies_plain_http(stack: StackRecording) -> None:
    policy = stack.named("aws:s3/bucketPolicy:BucketPolicy", "notifications-trail-bucket-policy")
    statements = doc(policy)["Statement"]
    bucket_arn = stack.named(BUCKET, "notifications-trail-bucket-bucket").outputs["arn"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert {s["Principal"]["AWS"] for s in allows} == {role_arn(stack, "notifications-firehose-role")}
    assert actions(allows) == {
        "s3:PutObject": {f"{bucket_arn}/notification-trail*"},
        "s3:AbortMultipartUpload": {f"{bucket_arn}/notification-trail*"},
        "s3:GetBucketLocation": {bucket_arn},
        "s3:ListBucket": {bucket_arn},
        "s3:ListBucketMultipartUploads": {bucket_arn},
    }
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_trail_bucket_has_object_lock_in_compliance_mode_versioning_kms_and_no_public_access(
    stack: StackRecording,
) -> None:
    days = section(stack.stack, "notifications")["trail"]["objectLockDays"]
    bucket = stack.named(BUCKET, "notifications-trail-bucket-bucket")
    assert bucket.inputs["objectLockEnabled"] is True
    lock = stack.named(
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "notifications-trail-bucket-object-lock"
    )
    assert lock.inputs["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": days}
    versioning = stack.named("aws:s3/bucketVersioning:BucketVersioning", "notifications-trail-bucket-versioning")
    assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"
    sse = stack.named(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "notifications-trail-bucket-encryption",
    ).inputs["rules"][0]["applyServerSideEncryptionByDefault"]
    assert sse == {
        "sseAlgorithm": "aws:kms",
        "kmsMasterKeyId": stack.named(KMS_KEY, "notifications-trail-key-key").outputs["arn"],
    }
    block = stack.named(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "notifications-trail-bucket-public-access-block"
    )
    assert all(block.inputs[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls"))
    assert block.inputs["restrictPublicBuckets"] is True


def test_prod_protects_the_trail_bucket_and_both_keys(prod: StackRecording, dev: StackRecording) -> None:
    names = ("notifications-trail-bucket-bucket", "notifications-trail-key-key", "notifications-key-key")
    types = (BUCKET, KMS_KEY, KMS_KEY)
    assert all(prod.named(t, n).protect for t, n in zip(types, names, strict=True))
    assert not any(dev.named(t, n).protect for t, n in zip(types, names, strict=True))


# -- Firehose ------------------------------------------------------------------------------------
def test_firehose_encrypts_with_an_environment_key_and_delivers_into_the_logging_account_bucket(
    stack: StackRecording,
) -> None:
    stream = stack.named(STREAM, "notifications-trail-stream")
    env_key = stack.named(KMS_KEY, "notifications-key-key")
    assert stream.inputs["serverSideEncryption"] == {
        "enabled": True,
        "keyType": "CUSTOMER_MANAGED_CMK",
        "keyArn": env_key.outputs["arn"],
    }
    assert env_key.account == stream.account != LOGGING_ACCOUNT
    s3 = stream.inputs["extendedS3Configuration"]
    assert stream.inputs["destination"] == "extended_s3"
    assert s3["bucketArn"] == stack.named(BUCKET, "notifications-trail-bucket-bucket").outputs["arn"]
    assert s3["kmsKeyArn"] == stack.named(KMS_KEY, "notifications-trail-key-key").outputs["arn"]
    assert s3["roleArn"] == role_arn(stack, "notifications-firehose-role")
    assert s3["prefix"] == "notification-trail/!{timestamp:yyyy/MM/dd}/"
    assert s3["errorOutputPrefix"].startswith("notification-trail-errors/!{firehose:error-output-type}/")
    trail_cfg = section(stack.stack, "notifications")["trail"]
    assert (s3["bufferingInterval"], s3["bufferingSize"]) == (trail_cfg["bufferingSeconds"], trail_cfg["bufferingMb"])
    logging = s3["cloudwatchLoggingOptions"]
    assert logging["enabled"] is True
    assert stack.named(LOG_GROUP, "notifications-firehose-logs").inputs["name"] == logging["logGroupName"]


def test_firehose_role_may_write_only_the_trail_prefix_with_the_trail_key(stack: StackRecording) -> None:
    bucket_arn = stack.named(BUCKET, "notifications-trail-bucket-bucket").outputs["arn"]
    granted = actions(statements_of(stack, "notifications-firehose-role"))
    assert granted["s3:PutObject"] == {f"{bucket_arn}/notification-trail*"}
    assert granted["kms:GenerateDataKey"] == {stack.named(KMS_KEY, "notifications-trail-key-key").outputs["arn"]}
    assert granted["logs:PutLogEvents"] == {stack.named(LOG_GROUP, "notifications-firehose-logs").outputs["arn"] + ":*"}
    assert not any(a.startswith("s3:Get") and a != "s3:GetBucketLocation" for a in granted)  # never reads evidence


def test_service_roles_trust_only_their_service_pinned_to_the_environment_account(stack: StackRecording) -> None:
    firehose = doc(stack.named(ROLE, "notifications-firehose-role"), "assumeRolePolicy")["Statement"]
    machine = doc(stack.named(ROLE, "notifications-state-machine-role"), "assumeRolePolicy")["Statement"]
    account = stack.named(ROLE, "notifications-firehose-role").account
    assert firehose == [
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "firehose.amazonaws.com"},
            "Condition": {"StringEquals": {"sts:ExternalId": account}},
        }
    ]
    assert machine[0]["Principal"] == {"Service": "states.amazonaws.com"}
    assert machine[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": account}}


# -- functions -----------------------------------------------------------------------------------
def test_four_python_312_functions_with_tracing_their_own_log_group_and_configured_concurrency(
    stack: StackRecording,
) -> None:
    fns = functions(stack)
    assert set(fns) == {"validate", "send-push", "send-email", "record-trail"}
    sizes = section(stack.stack, "notifications")["functions"]
    for key, fn in fns.items():
        size = sizes[CONFIG_KEYS[key]]
        assert fn.inputs["runtime"] == "python3.12"
        assert fn.inputs["tracingConfig"] == {"mode": "Active"}
        assert fn.inputs["reservedConcurrentExecutions"] == size["reservedConcurrency"]
        assert fn.inputs["memorySize"] == size["memoryMb"]
        group = stack.named(LOG_GROUP, f"notifications-{key}-logs")
        assert (
            fn.inputs["loggingConfig"]["logGroup"]
            == group.inputs["name"]
            == (f"/aws/lambda/smartpost-{stack.stack}-notifications-{key}")
        )
        assert group.inputs["retentionInDays"] == 90 and group.inputs["kmsKeyId"]


def test_functions_run_outside_the_vpc_because_none_reaches_vpc_resources(stack: StackRecording) -> None:
    assert all(fn.inputs.get("vpcConfig") is None for fn in functions(stack).values())


def test_each_function_has_its_own_role(stack: StackRecording) -> None:
    roles = [fn.inputs["role"] for fn in functions(stack).values()]
    assert len(set(roles)) == 4
    assert set(roles) == {role_arn(stack, f"notifications-{k}-role") for k in functions(stack)}


def test_function_roles_are_least_privilege(stack: StackRecording) -> None:
    stream_arn = stack.named(STREAM, "notifications-trail-stream").outputs["arn"]
    app_arn = stack.named("aws:pinpoint/app:App", "notifications-pinpoint").outputs["arn"]
    parameter = next(
        p for p in stack.of_type("aws:ssm/parameter:Parameter") if p.inputs["name"].endswith("/sendgridApiKey")
    )
    granted = {k: actions(statements_of(stack, f"notifications-{k}-role")) for k in functions(stack)}
    common = {"logs:CreateLogStream", "logs:PutLogEvents"} | {a for a in granted["validate"] if a.startswith("xray:")}
    assert set(granted["validate"]) == common
    assert set(granted["record-trail"]) - common == {"firehose:PutRecord", "firehose:PutRecordBatch"}
    assert granted["record-trail"]["firehose:PutRecordBatch"] == {stream_arn}
    assert set(granted["send-push"]) - common == {"mobiletargeting:SendMessages"}
    assert granted["send-push"]["mobiletargeting:SendMessages"] == {app_arn, f"{app_arn}/messages"}
    assert granted["send-email"]["ssm:GetParameter"] == {parameter.outputs["arn"]}
    assert granted["send-email"]["kms:Decrypt"] == {parameter.inputs["keyId"]}
    for key in granted:
        group_arn = stack.named(LOG_GROUP, f"notifications-{key}-logs").outputs["arn"]
        assert granted[key]["logs:PutLogEvents"] == {f"{group_arn}:*"}


def test_functions_get_names_not_values_of_secrets(stack: StackRecording) -> None:
    fns = functions(stack)
    email_env = fns["send-email"].inputs["environment"]["variables"]
    assert email_env["SENDGRID_API_KEY_PARAMETER"].endswith("/sendgridApiKey")
    assert "offline-placeholder" not in json.dumps({k: f.inputs.get("environment") for k, f in fns.items()})
    stream = stack.named(STREAM, "notifications-trail-stream")
    assert fns["record-trail"].inputs["environment"]["variables"]["TRAIL_STREAM_NAME"] == stream.outputs["name"]


def test_code_archive_holds_the_handlers_package_and_every_handler_resolves() -> None:
    from components.notifications import handler_archive

    archive = handler_archive()
    assert "handlers/notification/trail.py" in archive.assets
    assert not any("__pycache__" in path for path in archive.assets)
    for key in FUNCTIONS:
        module = importlib.import_module(f"handlers.notification.{key}")
        assert f"handlers/notification/{key}.py" in archive.assets and callable(module.handler)


# -- Pinpoint ------------------------------------------------------------------------------------
def test_pinpoint_channels_use_token_auth_and_secret_credentials(dev: StackRecording, prod: StackRecording) -> None:
    sandbox = dev.named("aws:pinpoint/apnsSandboxChannel:ApnsSandboxChannel", "notifications-apns")
    production = prod.named("aws:pinpoint/apnsChannel:ApnsChannel", "notifications-apns")
    assert not dev.of_type("aws:pinpoint/apnsChannel:ApnsChannel")
    for apns in (sandbox, production):
        assert apns.inputs["defaultAuthenticationMethod"] == "TOKEN"
        assert apns.inputs["tokenKey"]["value"] == "offline-placeholder-apnsSigningKey"  # a secret Output
    fcm = prod.named("aws:pinpoint/gcmChannel:GcmChannel", "notifications-fcm")
    assert fcm.inputs["defaultAuthenticationMethod"] == "TOKEN"
    assert fcm.inputs["serviceJson"]["value"] == "offline-placeholder-fcmServiceAccountJson"
    app_id = prod.named("aws:pinpoint/app:App", "notifications-pinpoint").outputs["applicationId"]
    assert functions(prod)["send-push"].inputs["environment"]["variables"] == {
        "PINPOINT_APP_ID": app_id,
        "APNS_CHANNEL_TYPE": "APNS",
    }


# -- state machine -------------------------------------------------------------------------------
def _task_functions(states: dict[str, Any]) -> list[str]:
    found = []
    for state in states.values():
        if state.get("Resource") == "arn:aws:states:::lambda:invoke":
            found.append(state["Parameters"]["FunctionName"])
        if "ItemProcessor" in state:
            found += _task_functions(state["ItemProcessor"]["States"])
    return found


def test_state_machine_definition_references_exactly_the_deployed_functions(stack: StackRecording) -> None:
    machine = stack.named(STATE_MACHINE, "notifications-state-machine")
    referenced = _task_functions(json.loads(machine.inputs["definition"])["States"])
    deployed = {fn.outputs["arn"] for fn in functions(stack).values()}
    assert len(referenced) == 4 and set(referenced) == deployed


def test_state_machine_role_invokes_exactly_those_functions(stack: StackRecording) -> None:
    granted = actions(statements_of(stack, "notifications-state-machine-role"))
    assert granted["lambda:InvokeFunction"] == {fn.outputs["arn"] for fn in functions(stack).values()}
    queue = stack.named("aws:sqs/queue:Queue", "notifications-trail-dead-letters")
    assert granted["sqs:SendMessage"] == {queue.outputs["arn"]}
    assert granted["logs:CreateLogDelivery"] == {"*"}


def test_state_machine_is_standard_traced_and_logs_without_execution_data(stack: StackRecording) -> None:
    machine = stack.named(STATE_MACHINE, "notifications-state-machine")
    assert machine.inputs["type"] == "STANDARD"
    assert machine.inputs["tracingConfiguration"] == {"enabled": True}
    logging = machine.inputs["loggingConfiguration"]
    assert logging["level"] == section(stack.stack, "notifications")["logLevel"]
    assert logging["includeExecutionData"] is False
    group = stack.named(LOG_GROUP, "notifications-state-machine-logs")
    assert group.inputs["name"].startswith("/aws/vendedlogs/states/")
    assert logging["logDestination"] == group.outputs["arn"] + ":*"


def test_trail_dead_letter_queue_is_kms_encrypted_with_the_environment_key(stack: StackRecording) -> None:
    queue = stack.named("aws:sqs/queue:Queue", "notifications-trail-dead-letters")
    assert queue.inputs["kmsMasterKeyId"] == stack.named(KMS_KEY, "notifications-key-key").outputs["arn"]
    machine = stack.named(STATE_MACHINE, "notifications-state-machine")
    assert queue.outputs["url"] in machine.inputs["definition"]


ARNS = {key: f"arn:aws:lambda:ap-northeast-1:111111111111:function:{key}" for key in FUNCTIONS}


def test_definition_retries_and_catches_by_the_handlers_error_names() -> None:
    states = definition(ARNS, trail_dead_letter_queue_url="https://q", max_concurrency=3)["States"]
    items = states["FanOut"]["ItemProcessor"]["States"]
    assert states["FanOut"]["MaxConcurrency"] == 3
    assert states["Validate"]["Catch"][0]["ErrorEquals"] == [errors.InvalidNotification.__name__]
    for send in ("SendPush", "SendEmail"):
        assert items[send]["Retry"][0]["ErrorEquals"][0] == errors.TransientDeliveryError.__name__
        assert items[send]["Catch"] == [
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "DeliveryFailed"}
        ]
        assert items[send]["Next"] == items["DeliveryFailed"]["Next"] == "RecordTrail"
    assert items["RecordTrail"]["Retry"][0]["ErrorEquals"][0] == errors.TrailWriteError.__name__
    assert items["RecordTrail"]["Catch"][0]["Next"] == "ParkTrailRecord"


def test_trail_step_never_receives_the_message_or_the_target() -> None:
    items = definition(ARNS, trail_dead_letter_queue_url="https://q", max_concurrency=3)["States"]["FanOut"][
        "ItemProcessor"
    ]["States"]
    for state in ("RecordTrail", "ParkTrailRecord"):
        params = items[state]["Parameters"]
        payload = params.get("Payload") or params["MessageBody"]
        assert set(payload) == {"notification.$", "executionId.$", "result.$"}


def test_definition_refuses_a_missing_function() -> None:
    with pytest.raises(ValueError, match="record_trail"):
        definition({**ARNS, "record_trail": ""}, trail_dead_letter_queue_url="https://q", max_concurrency=1)


# -- config validation ---------------------------------------------------------------------------
def _notifications(stack: str, **changes: Any) -> dict[str, Any]:
    value = section(stack, "notifications")
    for path, new in changes.items():
        target = value
        *parents, leaf = path.split("__")
        for part in parents:
            target = target[part]
        target[leaf] = new
    return dict(value)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"apns__teamId": "abc"}, "smartpost:notifications.apns.teamId"),
        ({"mailFrom": "not-an-address"}, "smartpost:notifications.mailFrom"),
        ({"logLevel": "OFF"}, "smartpost:notifications.logLevel"),
        ({"functions__sendPush__reservedConcurrency": 0}, "smartpost:notifications.functions.sendPush"),
        ({"trail__expireAfterDays": 3}, "smartpost:notifications.trail"),
    ],
)
def test_bad_notifications_config_names_the_key(changes: dict[str, Any], key: str) -> None:
    with pytest.raises(ProgramError) as err:
        run_program("dev", stack_config_with("dev", notifications=_notifications("dev", **changes)))
    assert key in err.value.message


def test_prod_refuses_the_apns_sandbox_and_short_object_lock() -> None:
    cfg = _notifications("prod", apns__sandbox=True, trail__objectLockDays=30)
    with pytest.raises(ProgramError) as err:
        run_program("prod", stack_config_with("prod", notifications=cfg))
    assert "smartpost:notifications" in err.value.message
    assert "apns.sandbox" in err.value.message and "trail.objectLockDays" in err.value.message


def test_missing_notifications_section_is_reported() -> None:
    with pytest.raises(ProgramError, match=r"smartpost:notifications is required"):
        run_program("dev", stack_config_with("dev", notifications=None))
