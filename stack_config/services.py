"""`smartpost:services`: the ALB, the ECS cluster and the microservices it runs (services tier)."""

from __future__ import annotations

from stack_config.base import ConfigModel


class ServicesConfig(ConfigModel):
    pass
