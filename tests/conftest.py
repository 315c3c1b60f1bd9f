"""Shared fixtures: each stack's program runs once per test session (per xdist worker) and tests assert
on what it recorded; the policy pack runs once as its real gRPC analyzer server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from offline.analyzer import PolicyPackServer
from offline.mocks import RecordedResource, StackRecording
from offline.runner import STACKS, StackConfigFile, read_stack_config, run_program

PROJECT_DIR = Path(__file__).resolve().parent.parent
_RECORDINGS: dict[str, StackRecording] = {}


def recording_for(stack: str) -> StackRecording:
    if stack not in _RECORDINGS:
        _RECORDINGS[stack] = run_program(stack)
    return _RECORDINGS[stack]


@pytest.fixture(scope="session")
def dev() -> StackRecording:
    return recording_for("dev")


@pytest.fixture(scope="session")
def uat() -> StackRecording:
    return recording_for("uat")


@pytest.fixture(scope="session")
def prod() -> StackRecording:
    return recording_for("prod")


@pytest.fixture(scope="session", params=STACKS)
def stack(request: pytest.FixtureRequest) -> StackRecording:
    """Parametrises a test over dev, uat and prod."""
    return recording_for(request.param)


@pytest.fixture(scope="session")
def policy_pack() -> Iterator[PolicyPackServer]:
    with PolicyPackServer() as server:
        yield server


def stack_config_with(stack: str, **sections: Any) -> StackConfigFile:
    """The stack's real config with some sections replaced (values are the YAML-level objects)."""
    base = read_stack_config(stack)
    values = dict(base.values)
    for key, value in sections.items():
        full = key if ":" in key else f"smartpost:{key}"
        if value is None:
            values.pop(full, None)
        else:
            values[full] = value if isinstance(value, str) else json.dumps(value)
    return StackConfigFile(values, list(base.secret_keys))


def section(stack: str, key: str) -> Any:
    """One section of a stack's committed config, decoded (to modify and pass to stack_config_with)."""
    return json.loads(read_stack_config(stack).values[f"smartpost:{key}"])


def descendants(recording: StackRecording, component_type: str) -> list[RecordedResource]:
    """Every resource below components of ``component_type``, however deep (URNs name only the parent type)."""
    frontier = {r.urn for r in recording.resources if r.type == component_type}
    found: list[RecordedResource] = []
    while frontier:
        children = [r for r in recording.resources if r.parent in frontier]
        found.extend(children)
        frontier = {r.urn for r in children}
    return found


def policy_statements(resource: RecordedResource, key: str = "policy") -> list[dict[str, Any]]:
    """The statements of a resource's policy document (bucket, key, role or topic policy)."""
    document = resource.inputs[key]
    return list((json.loads(document) if isinstance(document, str) else document)["Statement"])


def role_statements(recording: StackRecording, role: RecordedResource) -> list[dict[str, Any]]:
    """Every statement of every inline policy attached to ``role``."""
    policies = [p for p in recording.of_type("aws:iam/rolePolicy:RolePolicy") if p.inputs["role"] == role.id]
    return [s for p in policies for s in policy_statements(p)]
