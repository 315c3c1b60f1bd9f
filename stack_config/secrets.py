"""Secret stack config: set with `pulumi config set --secret <key> <value>`, never committed in plain text."""

PROJECT = "smartpost"

# Third-party credentials the platform stores in Parameter Store (SecureString, KMS).
SECRET_KEYS: tuple[str, ...] = (
    "sendgridApiKey",  # SendGrid mail API key (e-mail notifications)
    "fcmServiceAccountJson",  # Firebase Cloud Messaging service account (Android push)
    "apnsSigningKey",  # Apple Push Notification service token signing key, .p8 contents (iOS push)
    "zendeskApiToken",  # Zendesk support requests
    "slackWebhookUrl",  # Slack incoming webhook the services post operator messages to
)
