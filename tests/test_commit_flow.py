"""The commit flow with the hooks `pmcheck init` writes: a fix lands in two attempts at most.

A real pre-commit run in a temporary git repository: the hooks `pmcheck init` chose, defined as
`.pre-commit-hooks.yaml` publishes them and run by this environment's pmcheck (`language:
system`, so no environment is built), then an ownerless action is refused, fixed and committed. The refused commit
must leave the log alone, the fix must land within two attempts (the second only to add the
regenerated log), pre-commit must never roll back its stash ("Stashed changes conflicted with
hook auto-fixes... Rolling back fixes"), and the committed log must pass `render --check`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.test_precommit import GIT_ENV, git, hooks

AS_OF = "2026-06-15"
LOG = "RELIABILITY_LOG.md"
ROLLBACK = ("Rolling back fixes", "conflicted with hook auto-fixes")

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Git hands the hooks' output to stderr; read everything as one stream.
    return subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)


@pytest.fixture
def consumer(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A repository set up by `pmcheck init`, its hooks run locally and pinned to a date."""
    home = tmp_path / "pre-commit-home"
    root = tmp_path / "reliability"
    root.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PMCHECK_", "PRE_COMMIT"))}
    env.update(GIT_ENV)
    env.update({"PRE_COMMIT_HOME": str(home), "HOME": str(root), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"})
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)])
    git("init", "-q", cwd=root)
    done = _run([sys.executable, "-m", "pmcheck", "init"], root, env)
    assert done.returncode == 0, done.stdout
    config_path = root / ".pre-commit-config.yaml"
    config = yaml.safe_load(config_path.read_text())
    (entry,) = config["repos"]
    # The hooks `init` chose, as the manifest defines them; only the date is pinned.
    assert [hook["id"] for hook in entry["hooks"]] == ["pmcheck-render"]
    local = []
    for hook in entry["hooks"]:
        defined = {**hooks()[hook["id"]], "language": "system", "args": ["--as-of", AS_OF]}
        defined.pop("description", None)
        local.append(defined)
    config_path.write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}, sort_keys=False))
    installed = _run([sys.executable, "-m", "pre_commit", "install"], root, env)
    assert installed.returncode == 0, installed.stdout
    return root, env


def test_a_fixed_postmortem_lands_within_two_attempts(consumer: tuple[Path, dict[str, str]]) -> None:
    root, env = consumer
    outputs: list[str] = []

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        done = _run(["git", "commit", "-q", "-m", message], root, env)
        outputs.append(done.stdout)
        return done

    def count() -> int:
        return int(git("rev-list", "--count", "HEAD", cwd=root).stdout)

    # The starting point: the scaffold and its current log, committed in one attempt.
    assert _run([sys.executable, "-m", "pmcheck", "render", "--as-of", AS_OF], root, env).returncode == 0
    (root / "notes.txt").write_text("draft\n")
    git("add", "-A", cwd=root)
    first = commit("Start the postmortem repository")
    assert first.returncode == 0, first.stdout
    committed_log = (root / LOG).read_bytes()

    # Someone keeps an unrelated edit unstaged: pre-commit stashes it around every run.
    (root / "notes.txt").write_text("draft, still unstaged\n")

    # A new postmortem whose action has no owner: refused, and the log is left alone.
    example = (root / "postmortems").glob("*.yaml")
    (source,) = list(example)
    text = source.read_text().replace(source.stem, "PM-2026-002")
    assert "    owner: alice.ng\n" in text
    new = root / "postmortems" / "PM-2026-002.yaml"
    new.write_text(text.replace("    owner: alice.ng\n", "", 1))
    git("add", str(new), cwd=root)
    refused = commit("Add PM-2026-002")
    assert refused.returncode == 1, refused.stdout
    assert "PM101 action-without-owner" in refused.stdout
    assert "left as it is until these files pass the check" in refused.stdout
    assert (root / LOG).read_bytes() == committed_log
    assert count() == 1

    # The fix: the first attempt regenerates the log and stops once; the second adds it and lands.
    new.write_text(text)
    git("add", str(new), cwd=root)
    attempts = 0
    while count() == 1 and attempts < 3:
        attempts += 1
        done = commit("Add PM-2026-002")
        if done.returncode != 0:
            assert f"{LOG} regenerated (as of {AS_OF}): add it with `git add {LOG}`" in done.stdout, done.stdout
            git("add", LOG, cwd=root)
    assert count() == 2, outputs[-1]
    assert attempts == 2
    assert not any(marker in out for out in outputs for marker in ROLLBACK), outputs

    # What landed: the fixed postmortem and the log it gives, which `render --check` accepts.
    assert git("show", "HEAD:postmortems/PM-2026-002.yaml", cwd=root).stdout == text
    assert git("status", "--porcelain", cwd=root).stdout == " M notes.txt\n"
    assert (root / "notes.txt").read_text() == "draft, still unstaged\n"
    check = _run([sys.executable, "-m", "pmcheck", "render", "--check"], root, env)
    assert check.returncode == 0, check.stdout
    assert "PM-2026-002" in git("show", f"HEAD:{LOG}", cwd=root).stdout


def test_a_commit_that_changes_nothing_in_the_log_lands_at_once(consumer: tuple[Path, dict[str, str]]) -> None:
    root, env = consumer
    assert _run([sys.executable, "-m", "pmcheck", "render", "--as-of", AS_OF], root, env).returncode == 0
    git("add", "-A", cwd=root)
    done = _run(["git", "commit", "-q", "-m", "Start"], root, env)
    assert done.returncode == 0, done.stdout
    (root / "README.md").write_text("How we run the weekly review.\n")
    git("add", "README.md", cwd=root)
    again = _run(["git", "commit", "-q", "-m", "Describe the review"], root, env)
    assert again.returncode == 0, again.stdout
