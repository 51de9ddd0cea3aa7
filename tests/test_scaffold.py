"""`pmcheck init`, `pmcheck new` and `pmcheck schema` through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pmcheck.scaffold import SCHEMA_FILE, init_plan
from tests.cli_runner import CliRun, run_pmcheck

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-06-15"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.com",
    "GIT_AUTHOR_DATE": "2026-06-15T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-06-15T12:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def pmcheck(*args: str, cwd: Path) -> CliRun:
    return run_pmcheck(*args, cwd=cwd, env={"NO_COLOR": "1"})


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(cwd)}
    return subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def empty_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "reliability"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    return repo


def test_init_then_check_and_render_pass(empty_repo: Path) -> None:
    init = pmcheck("init", cwd=empty_repo)
    assert init.returncode == 0, init.stderr
    files = (p.relative_to(empty_repo).as_posix() for p in empty_repo.rglob("*") if p.is_file())
    written = sorted(f for f in files if not f.startswith(".git/"))
    assert written == sorted(item.target for item in init_plan())
    check = pmcheck("check", "--as-of", AS_OF, cwd=empty_repo)
    assert (check.returncode, check.stdout) == (0, "0 errors, 0 warnings, 0 info in 1 file (1 postmortem, 1 action) (as of 2026-06-15)\n")
    # The example only holds a verified action: it keeps passing as time goes by.
    later = pmcheck("check", "--as-of", "2031-01-01", cwd=empty_repo)
    assert later.returncode == 0, later.stdout
    render = pmcheck("render", "--as-of", AS_OF, cwd=empty_repo)
    assert render.returncode == 0, render.stderr
    assert (empty_repo / "RELIABILITY_LOG.md").is_file()
    assert pmcheck("render", "--check", cwd=empty_repo).returncode == 0
    git("add", "-A", cwd=empty_repo)
    git("commit", "-q", "-m", "Start the postmortem repository", cwd=empty_repo)
    assert pmcheck("check", "--as-of", AS_OF, "--changed-since", "HEAD", cwd=empty_repo).returncode == 0


def test_init_into_a_new_directory(tmp_path: Path) -> None:
    result = pmcheck("init", "nested/dir", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "nested" / "dir" / "pmcheck.yaml").is_file()


def test_init_refuses_to_overwrite_and_writes_nothing(empty_repo: Path) -> None:
    (empty_repo / "people.yaml").write_text("people: {}\n")
    result = pmcheck("init", cwd=empty_repo)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "pmcheck: error: people.yaml already exists; nothing was written (use --force to overwrite)\n"
    assert sorted(p.name for p in empty_repo.iterdir()) == [".git", "people.yaml"]
    assert (empty_repo / "people.yaml").read_text() == "people: {}\n"
    forced = pmcheck("init", "--force", cwd=empty_repo)
    assert forced.returncode == 0, forced.stderr
    assert "alice.ng" in (empty_repo / "people.yaml").read_text()


def test_scaffold_files_are_valid_and_explained() -> None:
    plan = {item.target: item.text for item in init_plan()}
    policy = yaml.safe_load(plan["pmcheck.yaml"])
    schema = json.loads((ROOT / "schemas" / "policy.schema.json").read_text())
    # Every policy key appears, set or commented, with a comment block above it.
    for key in schema["properties"]:
        assert f"\n{key}:" in plan["pmcheck.yaml"] or f"\n# {key}:" in plan["pmcheck.yaml"], key
    assert set(policy) <= set(schema["properties"])
    assert json.loads(plan[SCHEMA_FILE])["$id"].endswith("postmortem.schema.json")
    # The workflow init writes is the documented example, byte for byte.
    assert plan[".github/workflows/pmcheck.yml"] == (ROOT / "docs" / "examples" / "pmcheck-pr.yml").read_text()
    config = yaml.safe_load(plan[".pre-commit-config.yaml"])
    # One hook checks, then renders: a refused commit never rewrites the log.
    assert [hook["id"] for hook in config["repos"][0]["hooks"]] == ["pmcheck-render"]
    assert plan["postmortems/PM-2026-001.yaml"].startswith("# yaml-language-server: $schema=../.pmcheck/postmortem.schema.json\n")


def test_scaffolded_pre_commit_config_validates(tmp_path: Path) -> None:
    plan = {item.target: item.text for item in init_plan()}
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(plan[".pre-commit-config.yaml"])
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(config)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture
def started(empty_repo: Path) -> Path:
    assert pmcheck("init", cwd=empty_repo).returncode == 0
    return empty_repo


def test_new_takes_the_next_free_id_and_fails_only_on_what_is_missing(started: Path) -> None:
    result = pmcheck("new", "--as-of", AS_OF, cwd=started)
    assert (result.returncode, result.stdout) == (0, "wrote postmortems/PM-2026-002.yaml\n")
    text = (started / "postmortems" / "PM-2026-002.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../.pmcheck/postmortem.schema.json\n")
    data = yaml.safe_load(text)
    assert (data["id"], data["severity"], data["status"]) == ("PM-2026-002", "SEV-2", "draft")
    check = pmcheck("check", "--as-of", AS_OF, "--format", "json", cwd=started)
    codes = sorted({f["code"] for f in json.loads(check.stdout)["findings"]})
    # Schema-valid; what fails is the author's to decide: owners (PM101, PM103 for the `todo`
    # placeholders), the due date (PM201) and, for a critical severity, success criteria (PM301).
    assert codes == ["PM101", "PM103", "PM201", "PM301"]
    assert check.returncode == 1


def test_new_never_reuses_an_id(started: Path) -> None:
    # A file whose name and id disagree, and a deleted postmortem the log still lists.
    (started / "postmortems" / "misnamed.yaml").write_text("id: PM-2026-007\n")
    (started / "RELIABILITY_LOG.md").write_text(
        "## Postmortem index\n\n| postmortem | status |\n|---|---|\n"
        "| [`PM-2026-011`](postmortems/PM-2026-011.yaml) deleted since | closed |\n"
        "| [`PM-2025-040`](postmortems/PM-2025-040.yaml) last year | closed |\n"
    )
    result = pmcheck("new", "--as-of", AS_OF, "--severity", "SEV-3", cwd=started)
    assert result.stdout == "wrote postmortems/PM-2026-012.yaml\n"
    next_year = pmcheck("new", "--as-of", "2027-01-02", cwd=started)
    assert next_year.stdout == "wrote postmortems/PM-2027-001.yaml\n"


def test_new_quotes_the_title(started: Path) -> None:
    title = 'Checkout: "refund" # not a comment, {braces} & 100%'
    result = pmcheck("new", "--as-of", AS_OF, "--severity", "SEV-4", "--title", title, cwd=started)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((started / "postmortems" / "PM-2026-002.yaml").read_text())
    assert data["title"] == title
    check = pmcheck("check", "--as-of", AS_OF, "--format", "json", "postmortems/PM-2026-002.yaml", cwd=started)
    assert sorted({f["code"] for f in json.loads(check.stdout)["findings"]}) == ["PM101", "PM103", "PM201"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--severity", "SEV-9"], "pmcheck: error: --severity 'SEV-9': the policy defines SEV-1, SEV-2, SEV-3, SEV-4\n"),
        (["--title", "two\nlines"], "pmcheck: error: --title must be one non-empty line\n"),
    ],
)
def test_new_rejects_bad_options(started: Path, args: list[str], message: str) -> None:
    result = pmcheck("new", "--as-of", AS_OF, *args, cwd=started)
    assert (result.returncode, result.stderr) == (2, message)
    assert not (started / "postmortems" / "PM-2026-002.yaml").exists()


def test_new_without_init_points_to_the_schema_command(tmp_path: Path) -> None:
    (tmp_path / "pmcheck.yaml").write_text("postmortems: [incidents/*.yaml]\n")
    result = pmcheck("new", "--as-of", AS_OF, cwd=tmp_path)
    assert result.stdout == "wrote incidents/PM-2026-001.yaml\n"
    assert "pmcheck schema > .pmcheck/postmortem.schema.json" in result.stderr


@pytest.mark.parametrize("name", ["postmortem", "people", "policy"])
def test_schema_prints_each_packaged_schema(name: str, tmp_path: Path) -> None:
    result = pmcheck("schema", name, cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout) == json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text())


def test_schema_defaults_to_postmortem_and_rejects_unknown_names(tmp_path: Path) -> None:
    assert json.loads(pmcheck("schema", cwd=tmp_path).stdout)["title"] == json.loads((ROOT / "schemas" / "postmortem.schema.json").read_text())["title"]
    bad = pmcheck("schema", "nope", cwd=tmp_path)
    assert bad.returncode == 2 and "nope" in bad.stderr
