"""`smartpost:notifications`: push / e-mail delivery and the notification trail (notification tier)."""

from __future__ import annotations

from stack_config.base import ConfigModel


class NotificationsConfig(ConfigModel):
    pass
