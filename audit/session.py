"""AWS credentials for the audit: the standard chain, optionally assuming a role (the stack's deploy role)."""

from __future__ import annotations

from dataclasses import dataclass

import boto3
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from audit.model import BOTO_CONFIG, describe_error

SESSION_NAME = "smartpost-audit"


class AuditError(Exception):
    """A fatal problem (no credentials, unreachable endpoint, bad config): one line for the user, exit 2."""


@dataclass(frozen=True)
class Identity:
    session: boto3.Session
    account_id: str
    arn: str


def _unreachable(endpoint_url: str | None, err: BaseException) -> AuditError:
    where = endpoint_url or "the AWS STS endpoint"
    return AuditError(f"cannot reach {where}: {describe_error(err)}")


def open_session(*, region: str, role_arn: str | None = None, endpoint_url: str | None = None) -> Identity:
    """Credentials from the standard chain; with ``role_arn``, assume it first. Checked with GetCallerIdentity."""
    try:
        session = boto3.Session(region_name=region)
        if session.get_credentials() is None:
            raise AuditError(
                "no AWS credentials found: log in (aws sso login / a profile / AWS_* variables) and run again"
            )
        if role_arn:
            sts = session.client("sts", endpoint_url=endpoint_url, config=BOTO_CONFIG)
            try:
                credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=SESSION_NAME)["Credentials"]
            except ClientError as err:
                raise AuditError(f"cannot assume {role_arn}: {describe_error(err)}") from err
            session = boto3.Session(
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
                region_name=region,
            )
        sts = session.client("sts", endpoint_url=endpoint_url, config=BOTO_CONFIG)
        try:
            identity = sts.get_caller_identity()
        except ClientError as err:
            raise AuditError(f"the credentials were rejected: {describe_error(err)}") from err
    except NoCredentialsError as err:
        raise AuditError(f"no AWS credentials found: {err}") from err
    except EndpointConnectionError as err:
        raise _unreachable(endpoint_url, err) from err
    except BotoCoreError as err:  # connect timeouts, bad profiles, unreadable credential files
        raise AuditError(f"cannot start an AWS session: {describe_error(err)}") from err
    return Identity(session, identity["Account"], identity["Arn"])
