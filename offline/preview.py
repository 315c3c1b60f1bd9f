"""`python -m offline preview --stack dev`: what a stack would create, and the policy pack's verdict.

Exit codes: 0 nothing mandatory violated, 1 a mandatory policy violation, 2 the program or its config
failed (the clean error is printed, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from offline.analyzer import POLICY_PACK_DIR, PolicyPackError, PolicyPackServer, Violation
from offline.mocks import StackRecording
from offline.runner import PROJECT_DIR, STACKS, ProgramError, read_stack_config, run_program

EXIT_OK, EXIT_VIOLATIONS, EXIT_PROGRAM_ERROR = 0, 1, 2


def _label(resource: Any) -> str:
    where = (
        f" [dim]({resource.account} {resource.region})[/dim]" if resource.custom and not resource.is_provider else ""
    )
    return f"[bold]{resource.name}[/bold] [cyan]{resource.type}[/cyan]{where}"


def resource_tree(recording: StackRecording) -> Tree:
    root = Tree(f"[bold]smartpost-{recording.stack}[/bold] ({len(recording.resources)} resources)")
    nodes: dict[str, Tree] = {}
    for resource in recording.resources:  # registration order: a parent always precedes its children
        parent = nodes.get(resource.parent, root)
        nodes[resource.urn] = parent.add(_label(resource))
    return root


def type_counts(recording: StackRecording) -> Table:
    table = Table(title="Resources by type")
    table.add_column("type")
    table.add_column("count", justify="right")
    for resource_type, count in sorted(Counter(r.type for r in recording.resources).items()):
        table.add_row(resource_type, str(count))
    return table


def violations_table(violations: list[Violation]) -> Table:
    table = Table(title=f"Policy violations ({len(violations)})")
    for column in ("enforcement", "severity", "policy", "resource", "message"):
        table.add_column(column, overflow="fold")
    for v in sorted(violations, key=lambda v: (not v.mandatory, v.policy, v.urn)):
        style = "red" if v.mandatory else "yellow"
        table.add_row(
            f"[{style}]{v.enforcement}[/{style}]",
            v.severity,
            v.policy,
            v.urn.rsplit("::", 1)[-1],
            v.message.split("\n", 1)[-1],
        )
    return table


def check_policies(
    recording: StackRecording, policy_config: dict[str, Any] | None = None, pack_dir: Path = POLICY_PACK_DIR
) -> list[Violation]:
    with PolicyPackServer(pack_dir) as pack:
        if policy_config:
            pack.configure(policy_config)
        pack.configure_stack(recording.stack)
        return pack.analyze_all(recording.resources)


def as_json(recording: StackRecording, violations: list[Violation] | None) -> dict[str, Any]:
    return {
        "stack": recording.stack,
        "resourceCount": len(recording.resources),
        "countsByType": dict(sorted(Counter(r.type for r in recording.resources).items())),
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "custom": r.custom,
                "account": r.account,
                "region": r.region,
                "protect": r.protect,
            }
            for r in recording.resources
        ],
        "policy": None
        if violations is None
        else {
            "violations": [v.as_dict() for v in violations],
            "mandatory": sum(v.mandatory for v in violations),
        },
    }


def main(argv: list[str] | None = None, console: Console | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m offline preview", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stack", required=True, choices=STACKS)
    parser.add_argument("--json", metavar="FILE", help="also write the result as JSON ('-' for stdout only)")
    parser.add_argument("--no-policy", action="store_true", help="skip the policy pack")
    parser.add_argument("--policy-config", metavar="FILE", help="policy config JSON, as --policy-pack-config")
    parser.add_argument("--config", metavar="FILE", help="use this stack config file instead of Pulumi.<stack>.yaml")
    parser.add_argument("--tree", action=argparse.BooleanOptionalAction, default=True, help="print the tree")
    args = parser.parse_args(argv)
    console = console or Console()
    out = console if args.json != "-" else Console(file=sys.stderr)

    try:
        if args.config:
            config_path = Path(args.config).resolve()
            config = read_stack_config(
                config_path.name.removeprefix("Pulumi.").removesuffix(".yaml"), config_path.parent
            )
        else:
            config = read_stack_config(args.stack)
        recording = run_program(args.stack, config, PROJECT_DIR)
    except ProgramError as err:
        out.print(f"[bold red]error:[/bold red] stack {args.stack}: {err.message}", highlight=False)
        return EXIT_PROGRAM_ERROR

    if args.tree:
        out.print(resource_tree(recording))
    out.print(type_counts(recording))

    violations: list[Violation] | None = None
    if not args.no_policy and (POLICY_PACK_DIR / "__main__.py").exists():
        try:
            policy_config = json.loads(Path(args.policy_config).read_text()) if args.policy_config else None
            violations = check_policies(recording, policy_config)
        except (PolicyPackError, OSError, json.JSONDecodeError) as err:
            out.print(f"[bold red]error:[/bold red] policy pack: {err}")
            return EXIT_PROGRAM_ERROR
        if violations:
            out.print(violations_table(violations))
        mandatory = sum(v.mandatory for v in violations)
        verdict = "[red]FAILED[/red]" if mandatory else "[green]passed[/green]"
        out.print(
            f"Policy pack {verdict}: {mandatory} mandatory, {len(violations) - mandatory} advisory "
            f"violation(s) over {len(recording.resources)} resources."
        )

    if args.json:
        document = json.dumps(as_json(recording, violations), indent=2)
        if args.json == "-":
            print(document)
        else:
            Path(args.json).write_text(document + "\n")
    if violations and any(v.mandatory for v in violations):
        return EXIT_VIOLATIONS
    return EXIT_OK
