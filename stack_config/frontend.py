"""`smartpost:frontend`: the Admin Panel (S3 + CloudFront + WAF + ACM/Route 53)."""

from __future__ import annotations

from stack_config.base import ConfigModel


class FrontendConfig(ConfigModel):
    pass
