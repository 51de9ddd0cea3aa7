"""The pre-commit hooks: manifest, file pattern, split invocations, and real commits.

`pre-commit try-repo` installs the published hook the way a user does: pre-commit clones a
snapshot of this source tree and builds pmcheck into its own virtual environment with pip
(dependencies come from the package index). The commit flow runs the published hook
definitions as local `language: system` hooks on the pmcheck of the test environment, so it
exercises pre-commit's file passing and pmcheck's behaviour without building an environment.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from identify.identify import tags_from_filename

from pmcheck.engine import CheckOptions, run_check
from pmcheck.findings import Finding

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / ".pre-commit-hooks.yaml"
BASE = ROOT / "tests" / "rules" / "example_base.yaml"
PEOPLE = ROOT / "tests" / "data" / "people.yaml"
AS_OF = dt.date(2026, 6, 15)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.com",
    "GIT_AUTHOR_DATE": "2026-06-15T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-06-15T12:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def hooks() -> dict[str, dict[str, object]]:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text())}


def test_manifest_validates() -> None:
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOKS)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hooks_are_declared_as_documented() -> None:
    found = hooks()
    assert list(found) == ["pmcheck", "pmcheck-render", "pmcheck-render-check"]
    check = found["pmcheck"]
    assert (check["entry"], check["language"], check["require_serial"], check["types"]) == ("pmcheck check", "python", True, ["yaml"])
    # pmcheck-render checks the files it is handed, then renders: it takes the same files as
    # pmcheck and still runs when none is staged (people.yaml or pmcheck.yaml changed the log).
    render = found["pmcheck-render"]
    assert (render["entry"], render["files"], render["types"], render["always_run"]) == ("pmcheck pre-commit", check["files"], ["yaml"], True)
    assert render.get("pass_filenames", True) is True
    assert (found["pmcheck-render-check"]["pass_filenames"], found["pmcheck-render-check"]["always_run"]) == (False, True)
    assert found["pmcheck-render-check"]["entry"] == "pmcheck render --check"


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        ("postmortems/PM-2026-001.yaml", True),
        ("postmortems/PM-2026-001.yml", True),
        ("postmortems/2026/PM-2026-014.yaml", True),
        ("people.yaml", False),
        ("pmcheck.yaml", False),
        ("README.md", False),
        ("RELIABILITY_LOG.md", False),
        ("postmortems/README.md", False),
        ("docs/postmortems/PM-2026-001.yaml", False),
        ("postmortems/PM-2026-001.yaml.bak", False),
    ],
)
def test_files_pattern_matches_the_intended_paths(path: str, wanted: bool) -> None:
    hook = hooks()["pmcheck"]
    pattern = re.compile(str(hook["files"]))
    # pre-commit selects a file when `files` matches (re.search) and its types are among the
    # file's identify tags.
    matched = bool(pattern.search(path)) and set(hook["types"]) <= tags_from_filename(path)
    assert matched is wanted


# --- split invocations -------------------------------------------------------------------------


def _write_repo(root: Path) -> list[str]:
    (root / "postmortems").mkdir()
    (root / "people.yaml").write_text(PEOPLE.read_text())
    (root / "pmcheck.yaml").write_text("{}\n")
    base = BASE.read_text()

    def pm(pm_id: str, text: str | None = None) -> str:
        rel = f"postmortems/{pm_id}.yaml"
        (root / rel).write_text(text if text is not None else base.replace("PM-2026-001", pm_id))
        return rel

    return [
        pm("PM-2026-001"),
        # Two postmortems share an id (PM005, reported in both files), one sits in each half.
        pm("PM-2026-002"),
        pm("PM-2026-003", base.replace("PM-2026-001", "PM-2026-003").replace("PM-2026-003-A1", "PM-2026-002-A1")),
        pm("PM-2026-004", base.replace("PM-2026-001", "PM-2026-004").replace("    owner: alice.ng\n", "")),
        pm("PM-2026-005", base.replace("PM-2026-001", "PM-2026-005").replace("id: PM-2026-005\n", "id: PM-2026-002\n")),
        pm("PM-2026-006", "id: [unclosed\n"),
    ]


def _check(root: Path, paths: list[str]) -> set[Finding]:
    options = CheckOptions(repo=str(root), paths=tuple(str(root / p) for p in paths), as_of=AS_OF)
    return set(run_check(options).findings)


def test_two_halves_give_the_findings_of_one_full_check(tmp_path: Path) -> None:
    files = _write_repo(tmp_path)
    full = set(run_check(CheckOptions(repo=str(tmp_path), as_of=AS_OF)).findings)
    for first in (files[0::2], files[:3]):
        second = [f for f in files if f not in first]
        one, two = _check(tmp_path, first), _check(tmp_path, second)
        assert {f.path for f in one} <= set(first) and {f.path for f in two} <= set(second)
        assert one | two == full
        assert one == {f for f in full if f.path in first}
    duplicates = {(f.path, f.code) for f in full if f.code == "PM005"}
    # Duplicate action id across 002/003 and duplicate postmortem id across 002/005.
    assert {path for path, _ in duplicates} == {"postmortems/PM-2026-002.yaml", "postmortems/PM-2026-003.yaml", "postmortems/PM-2026-005.yaml"}
    assert {f.code for f in full} >= {"PM001", "PM004", "PM005", "PM006", "PM101"}


# --- end to end with pre-commit ------------------------------------------------------------------


def git(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "HOME": str(cwd)}
    return subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=cwd, env=env, check=check, capture_output=True, text=True)


def _snapshot(target: Path) -> str:
    """A git repository holding this source tree as it is now; its commit id."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "pmcheck", target / "pmcheck", ignore=ignore)
    shutil.copytree(ROOT / "schemas", target / "schemas")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, target / name)
    git("init", "-q", cwd=target)
    git("add", "-A", cwd=target)
    git("commit", "-q", "-m", "snapshot", cwd=target)
    return git("rev-parse", "HEAD", cwd=target).stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, Path]]:
    base = tmp_path_factory.mktemp("hook-repo")
    repo = base / "pmcheck"
    repo.mkdir()
    rev = _snapshot(repo)
    yield repo, rev, base / "pre-commit-home"


def _remote_config(hook_repo: tuple[Path, str, Path]) -> dict[str, object]:
    """The consumer's configuration a user writes: the published hooks at a revision."""
    repo_path, rev, _ = hook_repo
    hooks = [{"id": name, "args": ["--as-of", AS_OF.isoformat()]} for name in ("pmcheck", "pmcheck-render")]
    return {"repos": [{"repo": str(repo_path), "rev": rev, "hooks": hooks}]}


def _local_config() -> dict[str, object]:
    """The published hook definitions as `repo: local` hooks run by the test environment's pmcheck."""
    local = []
    for name in ("pmcheck", "pmcheck-render"):
        hook = {**hooks()[name], "language": "system", "args": ["--as-of", AS_OF.isoformat()]}
        hook.pop("description", None)
        local.append(hook)
    return {"repos": [{"repo": "local", "hooks": local}]}


def _consumer(tmp_path: Path, home: Path, config: dict[str, object]) -> tuple[Path, dict[str, str]]:
    consumer = tmp_path / "postmortem-repo"
    consumer.mkdir()
    git("init", "-q", cwd=consumer)
    (consumer / "postmortems").mkdir()
    (consumer / "people.yaml").write_text(PEOPLE.read_text())
    (consumer / "pmcheck.yaml").write_text("{}\n")
    (consumer / "postmortems" / "PM-2026-001.yaml").write_text(BASE.read_text())
    (consumer / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PMCHECK_", "PRE_COMMIT"))}
    env.update(GIT_ENV)
    env.update({"PRE_COMMIT_HOME": str(home), "HOME": str(consumer), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"})
    # `language: system` hooks find pmcheck on PATH: the one installed beside this interpreter.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)])
    return consumer, env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_try_repo_refuses_an_ownerless_action(tmp_path: Path, hook_repo: tuple[Path, str, Path]) -> None:
    repo_path, rev, home = hook_repo
    consumer, env = _consumer(tmp_path, home, _remote_config(hook_repo))
    pm = consumer / "postmortems" / "PM-2026-001.yaml"
    pm.write_text(pm.read_text().replace("    owner: alice.ng\n", ""))
    git("add", "-A", cwd=consumer)
    proc = _run([sys.executable, "-m", "pre_commit", "try-repo", str(repo_path), "pmcheck", "--ref", rev, "--verbose"], consumer, env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "PM101 action-without-owner: action PM-2026-001-A1 has no owner" in proc.stdout


def test_commits_are_checked_and_the_log_is_regenerated_once(tmp_path: Path) -> None:
    consumer, env = _consumer(tmp_path, tmp_path / "pre-commit-home", _local_config())
    pre_commit = [sys.executable, "-m", "pre_commit"]
    installed = _run([*pre_commit, "install"], consumer, env)
    assert installed.returncode == 0, installed.stderr

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        # Git hands the hooks' output to stderr; read it as one stream.
        return subprocess.run(["git", "commit", "-q", "-m", message], cwd=consumer, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)

    # First commit: the log does not exist yet, so the render hook writes it and stops once.
    _run(["git", "add", "-A"], consumer, env)
    first = commit("Add the first postmortem")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "then render the log" in first.stdout and "Failed" in first.stdout
    assert (consumer / "RELIABILITY_LOG.md").is_file()
    _run(["git", "add", "RELIABILITY_LOG.md"], consumer, env)
    again = commit("Add the first postmortem")
    assert again.returncode == 0, again.stdout + again.stderr

    # An ownerless action is refused; nothing is committed.
    pm = consumer / "postmortems" / "PM-2026-001.yaml"
    good = pm.read_text()
    pm.write_text(good.replace("    owner: alice.ng\n", ""))
    _run(["git", "add", "-A"], consumer, env)
    refused = commit("Drop the owner")
    assert refused.returncode == 1
    assert "PM101 action-without-owner" in refused.stdout
    assert git("rev-list", "--count", "HEAD", cwd=consumer).stdout.strip() == "1"

    # A change that alters the log: the hook regenerates it and fails once, then passes.
    pm.write_text(good.replace("title: Support assistant quoted", "title: Support bot quoted"))
    _run(["git", "add", "-A"], consumer, env)
    before = (consumer / "RELIABILITY_LOG.md").read_text()
    once = commit("Retitle the postmortem")
    assert once.returncode == 1, once.stdout + once.stderr
    assert (consumer / "RELIABILITY_LOG.md").read_text() != before
    _run(["git", "add", "RELIABILITY_LOG.md"], consumer, env)
    passes = commit("Retitle the postmortem")
    assert passes.returncode == 0, passes.stdout + passes.stderr
    assert git("status", "--porcelain", cwd=consumer).stdout == ""
    # A commit that changes nothing the log shows passes straight away.
    (consumer / "notes.txt").write_text("unrelated\n")
    _run(["git", "add", "notes.txt"], consumer, env)
    unrelated = commit("Add notes")
    assert unrelated.returncode == 0, unrelated.stdout + unrelated.stderr
