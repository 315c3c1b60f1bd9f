"""The delivery state machine's definition (Amazon States Language), built in code from the deployed
function ARNs: validate -> Map over the channel targets -> send (Retry + Catch) -> record trail.

Error names in ``Retry``/``Catch`` are the handlers' exception class names
(``handlers/notification/errors.py``): a handler raising ``TransientDeliveryError`` is retried
here, ``InvalidNotification`` is not, ``TrailWriteError`` (Firehose kept throttling) is retried
with a longer backoff and finally parked in the trail dead-letter queue so no record is lost.
"""

from __future__ import annotations

from typing import Any

from handlers.notification.errors import InvalidNotification, TrailWriteError, TransientDeliveryError

FUNCTIONS = ("validate", "send_push", "send_email", "record_trail")
LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
SQS_SEND = "arn:aws:states:::sqs:sendMessage"

# Lambda's own transient errors, retried on every Lambda task (AWS's recommended set).
LAMBDA_SERVICE_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
]
_LAMBDA_RETRY = {
    "ErrorEquals": LAMBDA_SERVICE_ERRORS,
    "IntervalSeconds": 1,
    "MaxAttempts": 3,
    "BackoffRate": 2.0,
    "JitterStrategy": "FULL",
}
_RESULT_FIELDS = ("deliveryId", "channel", "status", "reason", "providerMessageId", "attemptedAt")


def _invoke(function_arn: str, payload: Any) -> dict[str, Any]:
    key = "Payload.$" if isinstance(payload, str) else "Payload"
    return {
        "Type": "Task",
        "Resource": LAMBDA_INVOKE,
        "Parameters": {"FunctionName": function_arn, key: payload},
    }


def _send(function_arn: str) -> dict[str, Any]:
    return {
        **_invoke(function_arn, "$"),
        "ResultSelector": {f"{field}.$": f"$.Payload.{field}" for field in _RESULT_FIELDS},
        "ResultPath": "$.result",
        "Retry": [
            {
                "ErrorEquals": [TransientDeliveryError.__name__, "States.Timeout"],
                "IntervalSeconds": 5,
                "MaxAttempts": 4,
                "BackoffRate": 2.0,
                "MaxDelaySeconds": 120,
                "JitterStrategy": "FULL",
            },
            _LAMBDA_RETRY,
        ],
        # Anything else (or retries exhausted): the attempt failed, and the trail says so.
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "DeliveryFailed"}],
        "Next": "RecordTrail",
    }


def definition(arns: dict[str, str], *, trail_dead_letter_queue_url: str, max_concurrency: int) -> dict[str, Any]:
    """The state machine as a dict (json.dumps it). ``arns``: function key -> function ARN."""
    missing = [f for f in FUNCTIONS if not arns.get(f)]
    if missing:
        raise ValueError(f"no function ARN for {missing}")
    item_states: dict[str, Any] = {
        "Route": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.delivery.channel", "StringEquals": "email", "Next": "SendEmail"},
                {
                    "Or": [
                        {"Variable": "$.delivery.channel", "StringEquals": "push-apns"},
                        {"Variable": "$.delivery.channel", "StringEquals": "push-fcm"},
                    ],
                    "Next": "SendPush",
                },
            ],
            "Default": "UnsupportedChannel",
        },
        "UnsupportedChannel": {
            "Type": "Fail",
            "Error": InvalidNotification.__name__,
            "Cause": "delivery.channel is not one the state machine routes (validate should have refused it)",
        },
        "SendPush": _send(arns["send_push"]),
        "SendEmail": _send(arns["send_email"]),
        "DeliveryFailed": {
            "Type": "Pass",
            "Parameters": {
                "deliveryId.$": "$.delivery.deliveryId",
                "channel.$": "$.delivery.channel",
                "status": "failed",
                "reason.$": "$.error.Error",
                "errorCause.$": "$.error.Cause",
                "providerMessageId": None,
                "attemptedAt.$": "$$.State.EnteredTime",
            },
            "ResultPath": "$.result",
            "Next": "RecordTrail",
        },
        "RecordTrail": {
            # Only what the trail needs: never the message, the token or the address.
            **_invoke(
                arns["record_trail"],
                {"notification.$": "$.notification", "executionId.$": "$.executionId", "result.$": "$.result"},
            ),
            "ResultSelector": {"recordId.$": "$.Payload.recordId"},
            "ResultPath": "$.trail",
            "Retry": [
                {
                    "ErrorEquals": [TrailWriteError.__name__, "States.Timeout"],
                    "IntervalSeconds": 10,
                    "MaxAttempts": 6,
                    "BackoffRate": 2.0,
                    "MaxDelaySeconds": 300,
                    "JitterStrategy": "FULL",
                },
                _LAMBDA_RETRY,
            ],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.trailError", "Next": "ParkTrailRecord"}],
            "Next": "Delivered",
        },
        # Firehose would not take the record even after every retry: park the record step's input in
        # the (KMS-encrypted, alarmed) dead-letter queue; replaying it is invoking record_trail with it.
        "ParkTrailRecord": {
            "Type": "Task",
            "Resource": SQS_SEND,
            "Parameters": {
                "QueueUrl": trail_dead_letter_queue_url,
                "MessageBody": {
                    "notification.$": "$.notification",
                    "executionId.$": "$.executionId",
                    "result.$": "$.result",
                },
            },
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 5, "BackoffRate": 2.0}],
            "ResultPath": None,
            "Next": "TrailParked",
        },
        "TrailParked": {
            "Type": "Pass",
            "Parameters": {
                "deliveryId.$": "$.result.deliveryId",
                "channel.$": "$.result.channel",
                "status.$": "$.result.status",
                "trail": "dead-lettered",
            },
            "End": True,
        },
        "Delivered": {
            "Type": "Pass",
            "Parameters": {
                "deliveryId.$": "$.result.deliveryId",
                "channel.$": "$.result.channel",
                "status.$": "$.result.status",
                "trail.$": "$.trail.recordId",
            },
            "End": True,
        },
    }
    return {
        "Comment": "SmartPOST notification delivery: validate, fan out per channel target, send, record the trail",
        "StartAt": "Validate",
        "States": {
            "Validate": {
                **_invoke(arns["validate"], "$"),
                "ResultSelector": {
                    "notification.$": "$.Payload.notification",
                    "message.$": "$.Payload.message",
                    "deliveries.$": "$.Payload.deliveries",
                },
                "Retry": [_LAMBDA_RETRY],
                "Catch": [{"ErrorEquals": [InvalidNotification.__name__], "ResultPath": "$.error", "Next": "Rejected"}],
                "Next": "FanOut",
            },
            "Rejected": {
                "Type": "Fail",
                "Error": InvalidNotification.__name__,
                "Cause": "The notification request is malformed; the Validate task's error names the field.",
            },
            "FanOut": {
                "Type": "Map",
                "ItemsPath": "$.deliveries",
                "MaxConcurrency": max_concurrency,
                "ItemSelector": {
                    "notification.$": "$.notification",
                    "message.$": "$.message",
                    "delivery.$": "$$.Map.Item.Value",
                    "executionId.$": "$$.Execution.Id",
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Route",
                    "States": item_states,
                },
                "ResultPath": "$.outcomes",
                "Next": "Done",
            },
            "Done": {
                "Type": "Pass",
                "Parameters": {"notification.$": "$.notification", "outcomes.$": "$.outcomes"},
                "End": True,
            },
        },
    }
