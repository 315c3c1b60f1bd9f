"""Live audit: read a deployed SmartPOST account with boto3 and report what no longer complies.

`python -m audit --stack prod [--json] [--sarif FILE] [--endpoint-url URL] [--role-arn ARN] [--region R]`
"""
