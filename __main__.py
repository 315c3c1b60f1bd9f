"""SmartPOST platform: one stack per environment account (dev, uat, prod) plus its pieces in the
logging account. Config is read and validated once here and passed down; every component gets its
provider explicitly.
"""

import pulumi

from components.alerting import AlertTopic, AlertTopicArgs
from components.kms import KmsKey, KmsKeyArgs, logs_service
from components.logs import LogSettings
from components.network import Network, NetworkArgs
from components.providers import create_providers
from stack_config import load_stack_config

config = load_stack_config()  # raises pulumi.RunError naming every bad key, before any resource
providers = create_providers(config)
env = providers.env
name_prefix = f"smartpost-{config.environment}"

# -- shared keys and log settings ---------------------------------------------------------------
logs_key = KmsKey(
    "logs",
    KmsKeyArgs(
        description=f"{name_prefix} CloudWatch Logs",
        account_id=providers.environment_account_id,
        alias=f"alias/{name_prefix}/logs",
        services=[logs_service(providers.region, providers.environment_account_id)],
        protect=config.is_production,
    ),
    opts=env(),
)
log_settings = LogSettings(retention=config.retention, kms_key_arn=logs_key.arn)

# -- network (seed 1.3, 3.1) --------------------------------------------------------------------
network = Network(
    "network",
    NetworkArgs(config=config.network, region=providers.region, logs=log_settings, name_prefix=name_prefix),
    opts=env(),
)

# -- operators' alert topic: EventBridge rules and alarms of every tier publish here ------------
alerts = AlertTopic(
    "alerts",
    AlertTopicArgs(account_id=providers.environment_account_id, name_prefix=name_prefix, protect=config.is_production),
    opts=env(),
)

# -- data tier (issue: data tier) ---------------------------------------------------------------

# -- services tier (issue: services tier) -------------------------------------------------------

# -- notification delivery (issue: notification delivery) ---------------------------------------

# -- Admin Panel front end (issue: front end) ---------------------------------------------------

# -- audit logging, security services, alarms, observability (issue: audit logging and operations)

pulumi.export("environment", config.environment)
pulumi.export("vpcId", network.vpc_id)
