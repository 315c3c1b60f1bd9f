"""KMS: automatic rotation on every enabled customer-managed symmetric key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from audit.model import AuditContext, Result, evaluate, paginate

RULES = ("kms-key-rotation",)


def run(ctx: AuditContext) -> Iterator[Result]:
    kms = ctx.client("kms")
    for key in paginate(kms, "list_keys", "Keys"):
        holder: dict[str, Any] = {}

        def describe(key_id: str = key["KeyId"], into: dict[str, Any] = holder) -> tuple[bool, str]:
            into.update(kms.describe_key(KeyId=key_id)["KeyMetadata"])
            return True, ""

        described = evaluate(RULES[0], key["KeyArn"], describe)
        if not holder:
            yield described
            continue
        if not rotatable(holder):
            continue
        yield evaluate(RULES[0], holder["Arn"], _rotation, kms, holder)


def rotatable(metadata: dict[str, Any]) -> bool:
    """Only enabled customer-managed symmetric keys with AWS-generated material can rotate automatically."""
    return (
        metadata.get("KeyManager") == "CUSTOMER"
        and metadata.get("KeyState") == "Enabled"
        and metadata.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        and metadata.get("Origin", "AWS_KMS") == "AWS_KMS"
    )


def _rotation(kms: Any, metadata: dict[str, Any]) -> tuple[bool, str]:
    if kms.get_key_rotation_status(KeyId=metadata["KeyId"]).get("KeyRotationEnabled"):
        return True, "automatic rotation on"
    return False, "automatic rotation off"
