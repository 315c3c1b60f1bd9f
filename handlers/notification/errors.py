"""Errors the delivery handlers raise. Step Functions matches them by class name (``ErrorEquals``),
so the names are part of the state machine's contract: rename one only together with
``components/notifications.py``.

Messages never carry personal data (no e-mail address, no device token, no message body): they end
up in Step Functions' execution history and in the trail's ``reason``.
"""

from __future__ import annotations


class InvalidNotification(ValueError):
    """The input is malformed: names the field and what is wrong with it. Never retried."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class TransientDeliveryError(RuntimeError):
    """The provider could not take the message now (throttled, 5xx, timeout): Step Functions retries."""


class TrailWriteError(RuntimeError):
    """Firehose did not accept the trail record after our own retries: Step Functions retries the task."""


class ConfigurationError(RuntimeError):
    """The function's environment is incomplete (a deployment bug, not bad input)."""
