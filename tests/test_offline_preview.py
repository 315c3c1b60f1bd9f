"""The offline preview: runs a stack under mocks, shows it, checks it with the pack; exit codes 0/1/2."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from offline import preview
from offline.runner import STACKS

PROJECT_DIR = Path(__file__).resolve().parent.parent


def run_preview(*argv: str) -> tuple[int, str]:
    buffer = io.StringIO()
    code = preview.main(list(argv), console=Console(file=buffer, width=200, color_system=None))
    return code, buffer.getvalue()


def write_stack_file(tmp_path: Path, stack: str, mutate) -> Path:
    document = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())
    mutate(document["config"])
    path = tmp_path / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.mark.parametrize("stack", STACKS)
def test_preview_of_each_committed_stack_passes_the_pack(stack: str, tmp_path: Path) -> None:
    out_file = tmp_path / "preview.json"
    code, output = run_preview("--stack", stack, "--json", str(out_file))
    assert code == preview.EXIT_OK, output
    result = json.loads(out_file.read_text())
    assert result["stack"] == stack
    assert result["policy"]["mandatory"] == 0
    assert result["resourceCount"] == len(result["resources"]) > 50
    # Every cloud resource says which account and region it lands in.
    for resource in result["resources"]:
        if resource["custom"] and not resource["type"].startswith("pulumi:providers:"):
            assert resource["account"].isdigit() and len(resource["account"]) == 12, resource
            assert resource["region"], resource
    assert "smartpost:network:Network" in output and "Policy pack passed" in output


def test_preview_exits_1_on_a_mandatory_violation(tmp_path: Path) -> None:
    # Keeping logs 30 days is valid CloudWatch config, but breaks the seed's 3-month rule.
    def shorten_retention(config: dict) -> None:
        config["smartpost:retention"] = {"logDays": 30}

    stack_file = write_stack_file(tmp_path, "dev", shorten_retention)
    code, output = run_preview("--stack", "dev", "--config", str(stack_file), "--no-tree")
    assert code == preview.EXIT_VIOLATIONS
    assert "cloudwatch-log-group-retention" in output
    assert "FAILED" in output


def test_preview_exits_2_with_a_clean_error_on_bad_config(tmp_path: Path) -> None:
    def break_cidr(config: dict) -> None:
        config["smartpost:network"]["cidr"] = "10.10.0.0/33"

    stack_file = write_stack_file(tmp_path, "dev", break_cidr)
    code, output = run_preview("--stack", "dev", "--config", str(stack_file))
    assert code == preview.EXIT_PROGRAM_ERROR
    assert "smartpost:network.cidr" in output
    assert "Traceback" not in output


def test_preview_exits_2_when_the_stack_file_is_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(
        textwrap.dedent("""\
        config:
          smartpost:network: [unclosed
    """)
    )
    code, output = run_preview("--stack", "dev", "--config", str(path))
    assert code == preview.EXIT_PROGRAM_ERROR
    assert "not valid YAML" in output


def test_preview_json_to_stdout_is_machine_readable(capsys: pytest.CaptureFixture[str]) -> None:
    code = preview.main(["--stack", "dev", "--json", "-", "--no-policy"])
    assert code == preview.EXIT_OK
    document = json.loads(capsys.readouterr().out)
    assert document["policy"] is None
    assert document["countsByType"]["aws:ec2/subnet:Subnet"] == 9
