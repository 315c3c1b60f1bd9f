"""Run the Pulumi program for one stack in this process, under the shared mocks, and record it.

A run costs a few seconds, nearly all of it importing pulumi_aws the first time; later runs in the
same process reuse the imports. The program is executed from ``__main__.py`` exactly as the Pulumi
CLI would, with the stack's config from ``Pulumi.<stack>.yaml``.
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from offline.mocks import RecordingMonitor, SmartpostMocks, StackRecording
from stack_config.secrets import PROJECT, SECRET_KEYS

PROJECT_DIR = Path(__file__).resolve().parent.parent
STACKS = ("dev", "uat", "prod")
SECRET_PLACEHOLDER = "offline-placeholder"


class ProgramError(Exception):
    """The program (or its config) failed; ``message`` is what the user should read."""

    def __init__(self, message: str, cause: BaseException | None = None, registered: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause
        self.registered = registered  # resources registered before the failure


@dataclass(frozen=True)
class StackConfigFile:
    values: dict[str, str]
    secret_keys: list[str]


def read_stack_config(stack: str, project_dir: Path = PROJECT_DIR) -> StackConfigFile:
    """Read ``Pulumi.<stack>.yaml`` the way the CLI hands it to a program: one JSON string per key.

    Encrypted (``secure:``) values cannot be decrypted without the stack's secrets provider; they, and
    every secret the program needs that the file does not set, become placeholders here.
    """
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.exists():
        raise ProgramError(f"no stack file {path.name}: known stacks are {', '.join(STACKS)}")
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        raise ProgramError(f"{path.name} is not valid YAML: {err}") from err
    raw = document.get("config") or {}
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        if isinstance(value, Mapping) and set(value) == {"secure"}:
            values[key] = f"{SECRET_PLACEHOLDER}-{key.split(':', 1)[-1]}"
            secret_keys.append(key)
        else:
            values[key] = value if isinstance(value, str) else json.dumps(value)
    for secret in SECRET_KEYS:
        full_key = f"{PROJECT}:{secret}"
        if full_key not in values:
            values[full_key] = f"{SECRET_PLACEHOLDER}-{secret}"
            secret_keys.append(full_key)
    return StackConfigFile(values, secret_keys)


def run_program(
    stack: str,
    config: StackConfigFile | None = None,
    project_dir: Path = PROJECT_DIR,
    program: Path | None = None,
) -> StackRecording:
    """Run ``__main__.py`` for ``stack`` under mocks and return every registration it made."""
    config = config or read_stack_config(stack, project_dir)
    program = program or project_dir / "__main__.py"
    mocks = SmartpostMocks()
    monitor = RecordingMonitor(mocks)

    pulumi_settings.ROOT.set(None)
    pulumi.runtime.set_all_config(dict(config.values), list(config.secret_keys))
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=True, monitor=monitor)
    pulumi_settings.SETTINGS.rpc_manager.clear()
    pulumi_settings.SETTINGS.outputs.clear()

    exports: dict[str, Any] = {}

    def execute() -> None:
        namespace = runpy.run_path(str(program), run_name="__main__")
        exports.update(namespace.get("__smartpost_exports__", {}))

    try:
        _sync_await(run_pulumi_func(execute))
    except pulumi.RunError as err:
        raise ProgramError(str(err), err, len(monitor.recorded)) from err
    except ProgramError:
        raise
    except Exception as err:  # a program bug: keep the cause, show one line
        raise ProgramError(f"{type(err).__name__}: {err}", err, len(monitor.recorded)) from err
    return StackRecording(stack=stack, resources=list(monitor.recorded), outputs=exports)
