"""Account security services present in every stack (seed 2, 5.3): GuardDuty, Security Hub, and an
AWS Config recorder that is recording. One small function per service, shared by three stack policies."""

from __future__ import annotations

from collections.abc import Callable

from pulumi_policy import Severity, StackValidationArgs
from pulumi_policy.proxy import UnknownValueError

from smartpost_policies.common import Control, each, get, stack_policy, truthy

DETECTOR = "aws:guardduty/detector:Detector"
SECURITY_HUB = "aws:securityhub/account:Account"
RECORDER = "aws:cfg/recorder:Recorder"
RECORDER_STATUS = "aws:cfg/recorderStatus:RecorderStatus"


def _present(resource_type: str, message: str, enabled: Callable[[dict], bool] = lambda _: True):
    def validate(args: StackValidationArgs, report) -> None:
        for resource in each(args, resource_type):
            try:
                if enabled(resource.props):
                    return
            except UnknownValueError:
                return  # not known during preview: no finding
        report(message)

    return validate


def _config_recording(args: StackValidationArgs, report) -> None:
    recorders = list(each(args, RECORDER))
    statuses = list(each(args, RECORDER_STATUS))
    if not recorders:
        report("The stack has no AWS Config configuration recorder (aws.cfg.Recorder).")
        return
    for status in statuses:
        try:
            if truthy(get(status.props, "isEnabled")):
                return
        except UnknownValueError:
            return
    report("The AWS Config recorder is not started: add aws.cfg.RecorderStatus(is_enabled=True).", recorders[0].urn)


guardduty_detector_enabled = stack_policy(
    name="guardduty-detector-enabled",
    description="Every stack's account has an enabled GuardDuty detector.",
    severity=Severity.HIGH,
    remediation="Create aws.guardduty.Detector(enable=True) in the environment account (operations tier).",
    control=Control(security_hub="GuardDuty.1", checkov="CKV_AWS_238"),
    validate=_present(
        DETECTOR,
        "The stack has no enabled GuardDuty detector.",
        lambda props: truthy(get(props, "enable", default=True)),
    ),
)
securityhub_account_enabled = stack_policy(
    name="securityhub-account-enabled",
    description="Every stack's account has Security Hub enabled.",
    severity=Severity.HIGH,
    remediation="Create aws.securityhub.Account and subscribe the FSBP and CIS standards.",
    control=Control(seed="5.3"),
    validate=_present(SECURITY_HUB, "The stack does not enable Security Hub (aws.securityhub.Account)."),
)
config_recorder_enabled = stack_policy(
    name="config-recorder-enabled",
    description="Every stack's account records its configuration with AWS Config.",
    severity=Severity.HIGH,
    remediation="Create aws.cfg.Recorder, aws.cfg.DeliveryChannel (to the logging account) and "
    "aws.cfg.RecorderStatus(is_enabled=True).",
    control=Control(security_hub="Config.1", checkov="CKV2_AWS_45"),
    validate=_config_recording,
)

POLICIES = [guardduty_detector_enabled, securityhub_account_enabled, config_recorder_enabled]
