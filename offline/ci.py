"""What a GitHub Actions job needs to reach a stack, derived from ``Pulumi.<stack>.yaml`` (one source of truth).

    python -m offline ci --stack prod --mode deploy            # key=value lines for $GITHUB_OUTPUT
    python -m offline ci --stack prod --mode preview --write-preview-config

``aws-role``: the CI role in the environment account (``smartpost-github-deploy`` or ``-preview``) that
``aws-actions/configure-aws-credentials`` assumes through OIDC; ``backend-url`` and
``secrets-provider``: the bootstrap's state bucket and key. ``--write-preview-config`` rewrites every
``deployRoleArn`` of the stack file (in the CI checkout only) to its read-only twin, so a pull-request
preview runs the program with roles that cannot change anything.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from offline.runner import PROJECT_DIR, STACKS, read_stack_config
from stack_config import bootstrap as names
from stack_config import parse_stack_config

ACCOUNTS_KEY = "smartpost:accounts"


def _document(stack: str, project_dir: Path) -> dict[str, Any]:
    return yaml.safe_load((project_dir / f"Pulumi.{stack}.yaml").read_text()) or {}


def ci_settings(stack: str, mode: str, project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    # The stack's config as the program validates it: a bad stack file fails here, before any AWS call.
    accounts = parse_stack_config(read_stack_config(stack, project_dir).values).accounts
    account_id = accounts.environment.account_id
    role = names.GITHUB_DEPLOY_ROLE if mode == "deploy" else names.GITHUB_PREVIEW_ROLE
    return {
        "aws-role": names.role_arn(account_id, role),
        "aws-region": accounts.region,
        "backend-url": f"s3://{names.state_bucket_name(account_id)}",
        "secrets-provider": names.secrets_provider(stack, accounts.region),
    }


def write_preview_config(stack: str, project_dir: Path = PROJECT_DIR) -> list[str]:
    """Point every provider of the stack at the read-only preview roles; returns the new ARNs."""
    path = project_dir / f"Pulumi.{stack}.yaml"
    document = _document(stack, project_dir)
    accounts = document["config"][ACCOUNTS_KEY]
    changed = []
    for access in accounts.values():
        if isinstance(access, dict) and "deployRoleArn" in access:
            access["deployRoleArn"] = names.preview_role_arn(access["deployRoleArn"])
            changed.append(access["deployRoleArn"])
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline ci", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", required=True, choices=STACKS)
    parser.add_argument("--mode", required=True, choices=("deploy", "preview"))
    parser.add_argument("--write-preview-config", action="store_true", help="rewrite deployRoleArn to preview roles")
    args = parser.parse_args(argv)
    if args.write_preview_config:
        if args.mode != "preview":
            parser.error("--write-preview-config only goes with --mode preview")
        for arn in write_preview_config(args.stack):
            print(f"preview role: {arn}", file=sys.stderr)
    for key, value in ci_settings(args.stack, args.mode).items():
        print(f"{key}={value}")
    return 0
