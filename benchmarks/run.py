"""SmartPOST benchmarks: how long the developer loop takes, and how it grows. Not timed tests.

    .venv/bin/python benchmarks/run.py                      # everything (~2-4 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --skip-tests --services 1,10
    .venv/bin/python benchmarks/run.py --markdown benchmarks/results.md

1. offline preview per stack: wall time of `python -m offline preview --stack <s> --no-tree` as a
   user runs it (interpreter start, imports, program under mocks, policy pack start and verdict);
2. the policy pack on prod: `Analyze` latency per resource (median, p95) and one `AnalyzeStack`,
   over the pack's real gRPC analyzer server (offline.analyzer.PolicyPackServer);
3. growth with the number of microservices: 1/10/50/100 services generated into the dev config
   (`smartpost:services`), resource count, program time and policy time (in process, warm);
4. the test suite's wall time (`pytest -n 2 --dist loadfile`, as `make unit`), once.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(PROJECT_DIR))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from offline.analyzer import PolicyPackServer  # noqa: E402
from offline.mocks import StackRecording  # noqa: E402
from offline.runner import STACKS, ProgramError, StackConfigFile, read_stack_config, run_program  # noqa: E402

T = TypeVar("T")
SERVICES_KEY = "smartpost:services"
ROUTED_SERVICES = 40  # ALB listener rules have a quota (100 per listener): the rest stay internal


@dataclass
class Results:
    machine: dict[str, str] = field(default_factory=dict)
    previews: list[dict[str, Any]] = field(default_factory=list)
    pack: dict[str, Any] = field(default_factory=dict)
    scaling: list[dict[str, Any]] = field(default_factory=list)
    tests: dict[str, Any] = field(default_factory=dict)


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


# -- the machine -------------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    memory = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "memory": memory,
        "cpu model": cpu,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


# -- 1. offline preview per stack --------------------------------------------------------------------
def preview_stack(stack: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "preview.json"
        proc, seconds = timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "offline", "preview", "--stack", stack, "--no-tree", "--json", str(out)],
                cwd=PROJECT_DIR,
                capture_output=True,
                text=True,
            )
        )
        document = json.loads(out.read_text()) if out.exists() else {}
    policy = document.get("policy") or {}
    return {
        "stack": stack,
        "resources": document.get("resourceCount"),
        "seconds": round(seconds, 2),
        "exit": proc.returncode,
        "mandatory violations": policy.get("mandatory"),
    }


# -- 2. the policy pack on prod ----------------------------------------------------------------------
def pack_latency(recording: StackRecording) -> dict[str, Any]:
    resources = recording.resources
    providers = {r.urn: r for r in resources if r.is_provider}
    with PolicyPackServer() as pack:
        pack.configure_stack(recording.stack)
        for resource in resources[:20]:  # warm the server's caches and the channel
            pack.analyze(resource, providers)
        latencies = []
        for resource in resources:
            _, seconds = timed(lambda r=resource: pack.analyze(r, providers))  # type: ignore[misc]
            latencies.append(seconds * 1000)
        _, stack_seconds = timed(lambda: pack.analyze_stack(resources))
    return {
        "stack": recording.stack,
        "resources": len(resources),
        "analyze median ms": round(statistics.median(latencies), 2),
        "analyze p95 ms": round(percentile(latencies, 0.95), 2),
        "analyze total s": round(sum(latencies) / 1000, 2),
        "analyzeStack s": round(stack_seconds, 3),
    }


# -- 3. growth with the number of services -----------------------------------------------------------
def generated_services(template: dict[str, Any], count: int) -> dict[str, Any]:
    """The dev `smartpost:services` section with ``count`` services cloned from its first one."""
    section = copy.deepcopy(template)
    base = section["services"][0]
    services = []
    for i in range(count):
        service = copy.deepcopy(base)
        service["name"] = f"svc-{i:03d}"
        service["port"] = 9000 + i
        service.pop("dbUser", None)
        service["databaseAccess"] = i % 2 == 0
        if i < ROUTED_SERVICES:
            service["route"] = {"pathPatterns": [f"/svc-{i:03d}/*"]}
        else:
            service.pop("route", None)
        services.append(service)
    section["services"] = services
    return section


def config_with_services(count: int, stack: str = "dev") -> StackConfigFile:
    base = read_stack_config(stack)
    template = json.loads(base.values[SERVICES_KEY])
    values = {**base.values, SERVICES_KEY: json.dumps(generated_services(template, count))}
    return StackConfigFile(values, list(base.secret_keys))


def scaling(counts: Sequence[int]) -> list[dict[str, Any]]:
    run_program("dev")  # warm: imports and first-run costs are not what grows
    rows = []
    with PolicyPackServer() as pack:
        pack.configure_stack("dev")
        for count in counts:
            try:
                recording, program_seconds = timed(lambda c=count: run_program("dev", config_with_services(c)))  # type: ignore[misc]
            except ProgramError as err:  # e.g. a generated config the services tier rejects
                rows.append({"services": count, "resources": "error", "error": err.message.splitlines()[0][:100]})
                continue
            violations, pack_seconds = timed(lambda r=recording: pack.analyze_all(r.resources))  # type: ignore[misc]
            rows.append(
                {
                    "services": count,
                    "resources": len(recording.resources),
                    "ecs services": len(recording.of_type("aws:ecs/service:Service")),
                    "program s": round(program_seconds, 2),
                    "policy pack s": round(pack_seconds, 2),
                    "preview s": round(program_seconds + pack_seconds, 2),
                    "mandatory violations": sum(v.mandatory for v in violations),
                }
            )
    return rows


# -- 4. the test suite -------------------------------------------------------------------------------
def test_suite() -> dict[str, Any]:
    proc, seconds = timed(
        lambda: subprocess.run(
            [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadfile", "-q"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
        )
    )
    summary = next((line for line in reversed(proc.stdout.splitlines()) if re.search(r"\d+ (passed|failed)", line)), "")
    return {"command": "pytest -n 2 --dist loadfile", "seconds": round(seconds, 1), "summary": summary.strip("= ")}


# -- output --------------------------------------------------------------------------------------
def table(title: str, rows: Sequence[dict[str, Any]]) -> Table:
    result = Table(title=title, title_justify="left")
    columns = _columns(rows)
    for column in columns:
        numeric = all(isinstance(r.get(column), int | float) for r in rows if column in r)
        result.add_column(column, justify="right" if numeric else "left")
    for row in rows:
        result.add_row(*(str(row.get(c, "")) for c in columns))
    return result


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(k for row in rows for k in row))


def markdown(title: str, rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return ""
    header = _columns(rows)
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(row.get(h, "")) for h in header) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def sections(results: Results) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        ("Machine", [{"what": k, "value": v} for k, v in results.machine.items()]),
        ("Offline preview per stack (`python -m offline preview --no-tree`, wall time)", results.previews),
        ("Policy pack on prod (gRPC analyzer server)", [results.pack] if results.pack else []),
        ("Growth with the number of services (dev config, in process, warm)", results.scaling),
        ("Test suite", [results.tests] if results.tests else []),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", default="1,10,50,100", help="service counts to generate (comma-separated)")
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--markdown", metavar="FILE", help="also write the tables as Markdown")
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 140)
    results = Results(machine=machine())

    with console.status("offline preview per stack"):
        results.previews = [preview_stack(stack) for stack in STACKS]
    with console.status("policy pack latency on prod"):
        try:
            results.pack = pack_latency(run_program("prod"))
        except ProgramError as err:
            console.print(f"[red]prod does not run:[/red] {err.message}")
            return 2
    with console.status("growth with the number of services"):
        results.scaling = scaling([int(c) for c in args.services.split(",") if c])
    if not args.skip_tests:
        with console.status("test suite"):
            results.tests = test_suite()

    for title, rows in sections(results):
        if rows:
            console.print(table(title, rows))
    if args.json:
        Path(args.json).write_text(json.dumps(asdict(results), indent=2) + "\n")
    if args.markdown:
        Path(args.markdown).write_text("\n".join(markdown(t, r) for t, r in sections(results) if r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
