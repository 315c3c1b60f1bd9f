"""Step Functions (notification delivery): execution logging on."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from smartpost_policies.common import Control, get, resource_policy

STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"


def _logging(args: ResourceValidationArgs, report) -> None:
    if args.resource_type != STATE_MACHINE:
        return
    logging = get(args.props, "loggingConfiguration", default={})
    if get(logging, "level", default="OFF") == "OFF" or not get(logging, "logDestination"):
        report("The state machine does not log: logging_configuration level ALL/ERROR with a log group destination.")


sfn_state_machine_logging = resource_policy(
    name="sfn-state-machine-logging",
    description="Step Functions state machines log executions to CloudWatch Logs.",
    severity=Severity.MEDIUM,
    remediation="Set logging_configuration=StateMachineLoggingConfigurationArgs(level='ALL', "
    "include_execution_data=False, log_destination=f'{log_group.arn}:*').",
    control=Control(security_hub="StepFunctions.1", checkov="CKV_AWS_285", cdk_nag="AwsSolutions-SF1"),
    validate=_logging,
)

POLICIES = [sfn_state_machine_logging]
