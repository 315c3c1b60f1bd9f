"""The services tier (issue 5): ALB + WAF in front, ECS Fargate microservices on Service Connect
behind it, their ECR repositories and their Parameter Store configuration.
"""

from components.services.tier import Services, ServicesArgs

__all__ = ["Services", "ServicesArgs"]
