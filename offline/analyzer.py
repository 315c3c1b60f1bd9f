"""Talk to the policy pack the way the Pulumi CLI does: start ``policy_pack/__main__.py``, read the port
it prints, and call the analyzer gRPC service (``Analyze`` per resource, ``AnalyzeStack`` once).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from offline.mocks import RecordedResource

POLICY_PACK_DIR = Path(__file__).resolve().parent.parent / "policy_pack"
# What the engine sends for a value that is not known until the resource exists.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

ENFORCEMENT = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.REMEDIATE: "remediate",
    analyzer_pb2.DISABLED: "disabled",
}
SEVERITY = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}


class PolicyPackError(Exception):
    """The pack could not be started or answered with an error."""


@dataclass(frozen=True)
class Violation:
    policy: str
    message: str
    urn: str
    enforcement: str  # "mandatory" | "advisory" | ...
    severity: str

    @property
    def mandatory(self) -> bool:
        return self.enforcement in ("mandatory", "remediate")

    def as_dict(self) -> dict[str, str]:
        return {
            "policy": self.policy,
            "message": self.message,
            "urn": self.urn,
            "enforcement": self.enforcement,
            "severity": self.severity,
        }


def _plain(value: Any) -> Any:
    """Make a recorded value fit a protobuf Struct (resource references become their URN)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    urn = getattr(value, "urn", None)
    if urn is not None:
        return str(getattr(urn, "_value", urn))
    return str(value)


def _struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(_plain(dict(props)))
    return message


class PolicyPackServer:
    """A running policy pack. Use as a context manager; the process stops on exit."""

    def __init__(
        self, pack_dir: Path = POLICY_PACK_DIR, python: str = sys.executable, startup_timeout: float = 60.0
    ) -> None:
        self._pack_dir = pack_dir
        self._python = python
        self._timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self.port: int | None = None
        self._stub: analyzer_pb2_grpc.AnalyzerStub | None = None

    def __enter__(self) -> PolicyPackServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        main = self._pack_dir / "__main__.py"
        if not main.exists():
            raise PolicyPackError(f"no policy pack at {self._pack_dir}")
        self._process = subprocess.Popen(
            [self._python, "-u", str(main)],
            cwd=self._pack_dir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().decode().strip()
        if not line.isdigit():
            _, err = self._process.communicate(timeout=self._timeout)
            raise PolicyPackError(f"the policy pack did not print its port: {line or err.decode()[-2000:]}")
        self.port = int(line)
        self._channel = grpc.insecure_channel(
            f"127.0.0.1:{self.port}", options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)]
        )
        grpc.channel_ready_future(self._channel).result(timeout=self._timeout)
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)

    def stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._channel = self._process = self._stub = None

    @property
    def stub(self) -> analyzer_pb2_grpc.AnalyzerStub:
        if self._stub is None:
            raise PolicyPackError("the policy pack is not running")
        return self._stub

    # -- the analyzer protocol ---------------------------------------------------------------
    def info(self) -> analyzer_pb2.AnalyzerInfo:
        return self.stub.GetAnalyzerInfo(empty_pb2.Empty())

    def plugin_version(self) -> str:
        return self.stub.GetPluginInfo(empty_pb2.Empty()).version

    def configure(self, policy_config: Mapping[str, Mapping[str, Any]]) -> None:
        """Send policy config as the CLI does (``--policy-pack-config``); keys are policy names.

        A value may carry ``enforcementLevel`` beside the policy's own properties."""
        levels = {v: k for k, v in ENFORCEMENT.items()}
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for policy, values in policy_config.items():
            entry = request.policyConfig[policy]
            props = {k: v for k, v in values.items() if k != "enforcementLevel"}
            entry.properties.update(_plain(props))
            entry.enforcementLevel = levels[values.get("enforcementLevel", "mandatory")]
        self.stub.Configure(request)

    def configure_stack(self, stack: str, project: str = "smartpost") -> None:
        self.stub.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(stack=stack, project=project, dry_run=True))

    def analyze(
        self,
        resource: RecordedResource,
        providers: Mapping[str, RecordedResource],
        properties: Mapping[str, Any] | None = None,
    ) -> list[Violation]:
        request = analyzer_pb2.AnalyzeRequest(
            type=resource.type,
            urn=resource.urn,
            name=resource.name,
            properties=_struct(resource.inputs if properties is None else properties),
            options=self._options(resource),
        )
        provider = providers.get(resource.provider_urn)
        if provider is not None:
            request.provider.CopyFrom(
                analyzer_pb2.AnalyzerProviderResource(
                    type=provider.type, urn=provider.urn, name=provider.name, properties=_struct(provider.inputs)
                )
            )
        return self._violations(self.stub.Analyze(request), resource.urn)

    def analyze_stack(self, resources: Iterable[RecordedResource]) -> list[Violation]:
        resources = list(resources)
        providers = {r.urn: r for r in resources if r.is_provider}
        request = analyzer_pb2.AnalyzeStackRequest()
        for r in resources:
            message = analyzer_pb2.AnalyzerResource(
                type=r.type,
                urn=r.urn,
                name=r.name,
                properties=_struct(r.outputs or r.inputs),
                options=self._options(r),
                parent=r.parent,
                dependencies=r.dependencies,
            )
            for key, urns in r.property_dependencies.items():
                message.propertyDependencies[key].urns.extend(urns)
            provider = providers.get(r.provider_urn)
            if provider is not None:
                message.provider.CopyFrom(
                    analyzer_pb2.AnalyzerProviderResource(
                        type=provider.type, urn=provider.urn, name=provider.name, properties=_struct(provider.inputs)
                    )
                )
            request.resources.append(message)
        return self._violations(self.stub.AnalyzeStack(request), "")

    def analyze_all(self, resources: Iterable[RecordedResource]) -> list[Violation]:
        """What `pulumi preview --policy-pack` does: Analyze each resource, then AnalyzeStack once."""
        resources = list(resources)
        providers = {r.urn: r for r in resources if r.is_provider}
        violations: list[Violation] = []
        for resource in resources:
            violations.extend(self.analyze(resource, providers))
        violations.extend(self.analyze_stack(resources))
        return violations

    @staticmethod
    def _options(resource: RecordedResource) -> analyzer_pb2.AnalyzerResourceOptions:
        return analyzer_pb2.AnalyzerResourceOptions(protect=resource.protect, parent=resource.parent)

    @staticmethod
    def _violations(response: analyzer_pb2.AnalyzeResponse, default_urn: str) -> list[Violation]:
        return [
            Violation(
                policy=d.policyName,
                message=d.message,
                urn=d.urn or default_urn,
                enforcement=ENFORCEMENT.get(d.enforcementLevel, "advisory"),
                severity=SEVERITY.get(d.severity, ""),
            )
            for d in response.diagnostics
        ]


__all__ = ["UNKNOWN", "PolicyPackError", "PolicyPackServer", "Violation"]
