"""S3: public access block, default encryption and a TLS-only bucket policy on every bucket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from botocore.exceptions import ClientError

from audit.model import AuditContext, Result, error_code, evaluate, paginate

RULES = ("s3-bucket-public-access-block", "s3-bucket-encryption", "s3-bucket-tls-only-policy")
PUBLIC_ACCESS_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def run(ctx: AuditContext) -> Iterator[Result]:
    s3 = ctx.client("s3")
    for bucket in paginate(s3, "list_buckets", "Buckets"):
        name = bucket["Name"]
        arn = f"arn:aws:s3:::{name}"
        yield evaluate(RULES[0], arn, _public_access_block, s3, name)
        yield evaluate(RULES[1], arn, _encryption, s3, name)
        yield evaluate(RULES[2], arn, _tls_only, s3, name)


def _public_access_block(s3: Any, name: str) -> tuple[bool, str]:
    try:
        config = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    except ClientError as err:
        if error_code(err) == "NoSuchPublicAccessBlockConfiguration":
            return False, "no public access block on the bucket"
        raise
    off = [setting for setting in PUBLIC_ACCESS_SETTINGS if not config.get(setting)]
    return (not off, f"public access block settings off: {', '.join(off)}" if off else "all four settings on")


def _encryption(s3: Any, name: str) -> tuple[bool, str]:
    try:
        rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    except ClientError as err:
        if error_code(err) == "ServerSideEncryptionConfigurationNotFoundError":
            return False, "no default encryption configured"
        raise
    algorithms = [r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in rules]
    algorithms = [a for a in algorithms if a]
    return (bool(algorithms), f"default encryption {', '.join(algorithms)}" if algorithms else "no SSE algorithm")


def _tls_only(s3: Any, name: str) -> tuple[bool, str]:
    try:
        policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    except ClientError as err:
        if error_code(err) == "NoSuchBucketPolicy":
            return False, "no bucket policy, so nothing denies requests without TLS"
        raise
    if denies_insecure_transport(policy, name):
        return True, "policy denies aws:SecureTransport=false"
    return False, "bucket policy has no Deny of s3:* for everyone when aws:SecureTransport is false"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def denies_insecure_transport(policy: dict[str, Any], bucket: str) -> bool:
    """True when one statement denies every principal every S3 action on the bucket's objects without TLS."""
    target = f"arn:aws:s3:::{bucket}/any-object"
    for statement in _as_list(policy.get("Statement")):
        if statement.get("Effect") != "Deny" or not _everyone(statement.get("Principal")):
            continue
        if not any(action in ("*", "s3:*") for action in _as_list(statement.get("Action"))):
            continue
        if not any(fnmatchcase(target, pattern) for pattern in _as_list(statement.get("Resource"))):
            continue
        secure = (statement.get("Condition") or {}).get("Bool", {}).get("aws:SecureTransport")
        if any(str(value).lower() == "false" for value in _as_list(secure)):
            return True
    return False
