"""The composite action's shell steps, run the way the Actions runner runs them.

Each `run:` script is taken from action.yml and executed with `bash --noprofile --norc -eo
pipefail` (the runner's bash), with the step's `env:` resolved from simulated inputs, the
action path and earlier steps' outputs, in a simulated job environment: GITHUB_ACTIONS,
GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP and, for pull requests, GITHUB_BASE_REF.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from pmcheck import __version__
from tests.cli_runner import run_pmcheck
from tests.test_precommit import BASE, PEOPLE, _snapshot, git

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = {step["id"]: step for step in ACTION["runs"]["steps"]}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
AS_OF = "2026-06-15"


@dataclass(frozen=True)
class StepRun:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str


def resolve(value: str, inputs: dict[str, str], outputs: dict[str, dict[str, str]], action_path: Path) -> str:
    def one(match: re.Match[str]) -> str:
        expression = match[1]
        if expression.startswith("inputs."):
            return inputs[expression.removeprefix("inputs.")]
        if expression == "github.action_path":
            return str(action_path)
        step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        if step:
            return outputs[step[1]][step[2]]
        raise AssertionError(f"the test does not simulate ${{{{ {expression} }}}}")

    return EXPRESSION.sub(one, value)


def run_step(
    step_id: str,
    *,
    workspace: Path,
    job_env: dict[str, str],
    inputs: dict[str, str],
    outputs: dict[str, dict[str, str]],
    action_path: Path,
    runner_temp: Path,
) -> StepRun:
    step = STEPS[step_id]
    output_file = runner_temp / f"output-{step_id}"
    summary_file = runner_temp / f"summary-{step_id}"
    output_file.write_text("")
    summary_file.write_text("")
    script = runner_temp / f"{step_id}.sh"
    script.write_text(step["run"])
    env = {**job_env, "GITHUB_OUTPUT": str(output_file), "GITHUB_STEP_SUMMARY": str(summary_file)}
    env.update({key: resolve(str(value), inputs, outputs, action_path) for key, value in step.get("env", {}).items()})
    cwd = workspace / resolve(step.get("working-directory", "."), inputs, outputs, action_path)
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    written: dict[str, str] = {}
    for line in output_file.read_text().splitlines():
        key, _, value = line.partition("=")
        written[key] = value
    return StepRun(proc.returncode, proc.stdout, proc.stderr, written, summary_file.read_text())


def job_environment(workspace: Path, runner_temp: Path, base_ref: str = "") -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CACHE_DIR", "HOME", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy")}
    return {
        **keep,
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_EVENT_NAME": "pull_request" if base_ref else "push",
        "GITHUB_BASE_REF": base_ref,
        "RUNNER_TEMP": str(runner_temp),
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def defaults(**given: str) -> dict[str, str]:
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update({key.replace("_", "-"): value for key, value in given.items()})
    return inputs


def run_install(base: Path) -> StepRun:
    """The install step: pmcheck built from a snapshot of this tree into a virtual environment."""
    action_path = base / "action"
    action_path.mkdir()
    _snapshot(action_path)
    runner_temp = base / "runner-temp"
    runner_temp.mkdir()
    return run_step(
        "install",
        workspace=base,
        job_env=job_environment(base, runner_temp),
        inputs=defaults(python=sys.executable),
        outputs={},
        action_path=action_path,
        runner_temp=runner_temp,
    )


@pytest.mark.slow
def test_install_step_builds_pmcheck_into_its_own_environment(tmp_path: Path) -> None:
    result = run_install(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(result.outputs) == {"bin", "python"}
    venv = tmp_path / "runner-temp" / "pmcheck-venv"
    assert Path(result.outputs["bin"]) == venv / "bin" / "pmcheck"
    version = subprocess.run([result.outputs["bin"], "--version"], capture_output=True, text=True, timeout=120, check=False)
    assert (version.returncode, version.stdout) == (0, f"pmcheck, version {__version__}\n")
    # The environment runs the snapshot it installed, not the checkout the tests run from.
    where = subprocess.run(
        [result.outputs["python"], "-c", "import pmcheck; print(pmcheck.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout + where.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """What the install step outputs, pointing at the pmcheck of the test environment.

    The check step's tests exercise its script; building a virtual environment for them would
    repeat what test_install_step_builds_pmcheck_into_its_own_environment checks once.
    """
    action_path = tmp_path_factory.mktemp("action")
    script = Path(sys.executable).parent / "pmcheck"
    assert script.is_file(), "the test environment installs pmcheck with its console script"
    yield action_path, {"bin": str(script), "python": sys.executable}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A postmortem repository on main (its log committed), with origin/main as the base."""
    repo = tmp_path / "workspace"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / "postmortems").mkdir()
    (repo / "people.yaml").write_text(PEOPLE.read_text())
    (repo / "pmcheck.yaml").write_text("{}\n")
    (repo / "postmortems" / "PM-2026-001.yaml").write_text(BASE.read_text())
    render = run_pmcheck("render", "--as-of", AS_OF, cwd=repo)
    assert render.returncode == 0, render.stderr
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "Add PM-2026-001", cwd=repo)
    git("update-ref", "refs/remotes/origin/main", "HEAD", cwd=repo)
    return repo


def check(workspace: Path, installed: tuple[Path, dict[str, str]], base_ref: str = "", **inputs: str) -> StepRun:
    action_path, install_outputs = installed
    runner_temp = workspace.parent / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    return run_step(
        "check",
        workspace=workspace,
        job_env=job_environment(workspace, runner_temp, base_ref),
        inputs=defaults(**inputs),
        outputs={"install": install_outputs},
        action_path=action_path,
        runner_temp=runner_temp,
    )


def test_pull_request_with_an_ownerless_action_fails_with_annotations(workspace: Path, installed: tuple[Path, dict[str, str]]) -> None:
    git("checkout", "-q", "-b", "drop-owner", cwd=workspace)
    pm = workspace / "postmortems" / "PM-2026-001.yaml"
    pm.write_text(pm.read_text().replace("    owner: alice.ng\n", ""))
    git("commit", "-q", "-am", "Drop the owner", cwd=workspace)
    run = check(workspace, installed, base_ref="main", as_of=AS_OF, sarif_file="pmcheck.sarif")
    assert run.returncode == 1, run.stdout + run.stderr
    first = run.stdout.splitlines()[0]
    assert first.startswith("::error file=postmortems/PM-2026-001.yaml,line=18,col=5,")
    assert ",title=PM101 action-without-owner::action PM-2026-001-A1 has no owner%0Ahint: " in first
    assert run.summary.startswith("## pmcheck failed\n")
    assert "| error | PM101 action-without-owner |" in run.summary
    assert run.outputs == {"errors": "1", "sarif": str(workspace / "pmcheck.sarif")}
    sarif = json.loads((workspace / "pmcheck.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["PM101"]


def test_push_of_a_clean_repository_passes(workspace: Path, installed: tuple[Path, dict[str, str]]) -> None:
    run = check(workspace, installed, as_of=AS_OF, check_log="true")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "::" not in run.stdout.split("RELIABILITY_LOG.md")[0]
    assert run.stdout.startswith("0 errors, 0 warnings, 0 info in 1 file")
    assert "RELIABILITY_LOG.md is up to date" in run.stdout
    assert run.summary.startswith("## pmcheck passed\n")
    assert run.outputs == {"errors": "0", "sarif": ""}


def test_pull_request_that_changes_nothing_passes(workspace: Path, installed: tuple[Path, dict[str, str]]) -> None:
    git("checkout", "-q", "-b", "docs", cwd=workspace)
    (workspace / "NOTES.md").write_text("notes\n")
    git("add", "NOTES.md", cwd=workspace)
    git("commit", "-q", "-m", "Notes", cwd=workspace)
    run = check(workspace, installed, base_ref="main", as_of=AS_OF)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.outputs["errors"] == "0"


def test_stale_log_fails_when_asked(workspace: Path, installed: tuple[Path, dict[str, str]]) -> None:
    pm = workspace / "postmortems" / "PM-2026-001.yaml"
    pm.write_text(pm.read_text().replace("title: Support assistant quoted", "title: Support bot quoted"))
    run = check(workspace, installed, as_of=AS_OF, fail_on="never", check_log="true")
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.outputs["errors"] == "0"
    without = check(workspace, installed, as_of=AS_OF, fail_on="never")
    assert without.returncode == 0


def test_annotations_in_a_subfolder_point_at_workspace_paths(workspace: Path, installed: tuple[Path, dict[str, str]]) -> None:
    pm = workspace / "postmortems" / "PM-2026-001.yaml"
    pm.write_text(pm.read_text().replace("    owner: alice.ng\n", ""))
    outer = workspace.parent
    run = check(outer, installed, as_of=AS_OF, working_directory="workspace", sarif_file="out.sarif")
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("::error file=workspace/postmortems/PM-2026-001.yaml,line=18,col=5,")
    assert run.outputs == {"errors": "1", "sarif": str(workspace / "out.sarif")}
    # Code scanning reads SARIF paths from the top of the repository as well.
    sarif = json.loads((workspace / "out.sarif").read_text(encoding="utf-8"))
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]
    assert uris == ["workspace/postmortems/PM-2026-001.yaml"]


def test_a_file_less_annotation_is_not_rewritten(workspace: Path, installed: tuple[Path, dict[str, str]]) -> None:
    # PM905 has no file property; its message quotes the path given, which may hold " file=".
    outer = workspace.parent
    (workspace / "pmcheck.yaml").write_text('postmortems: ["x file=y/*.yaml"]\n')
    run = check(outer, installed, as_of=AS_OF, working_directory="workspace", sarif_file="out.sarif")
    assert run.returncode == 1, run.stdout + run.stderr
    first = run.stdout.splitlines()[0]
    assert first.startswith("::error title=PM905 no-postmortems-found::no postmortem files found in x file=y/*.yaml")
    sarif = json.loads((workspace / "out.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "workspace"


def test_inputs_never_become_shell_code(workspace: Path, installed: tuple[Path, dict[str, str]]) -> None:
    run = check(workspace, installed, as_of="$(touch pwned)`touch pwned2`", sarif_file="x;touch pwned3")
    assert run.returncode == 2
    assert "is not a date" in run.stderr
    assert not any(workspace.glob("pwned*"))
    assert run.outputs["errors"] == ""
