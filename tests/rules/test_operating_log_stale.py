"""PM904 operating-log-stale: `pmcheck render --check` against the committed log."""

from __future__ import annotations

from pathlib import Path

from tests.cli_runner import run_pmcheck
from tests.rules.conftest import BASE

AS_OF = "2026-06-15"


def postmortem_repo(repo: Path, policy: str = "{}\n") -> Path:
    (repo / "pmcheck.yaml").write_text(policy)
    (repo / "postmortems" / "PM-2026-001.yaml").write_text(BASE.read_text())
    return repo


def retitle(repo: Path) -> None:
    pm = repo / "postmortems" / "PM-2026-001.yaml"
    pm.write_text(pm.read_text().replace("title: Support assistant quoted", "title: Support bot quoted"))


def finding_line(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if "PM904" in line)


def test_a_freshly_rendered_log_is_current(repo: Path) -> None:
    postmortem_repo(repo)
    assert run_pmcheck("render", "--as-of", AS_OF, cwd=repo).code == 0
    done = run_pmcheck("render", "--check", cwd=repo)
    assert (done.code, done.stderr) == (0, "")
    assert "PM904" not in done.stdout


def test_a_changed_postmortem_makes_the_log_stale_at_its_first_line(repo: Path) -> None:
    postmortem_repo(repo)
    run_pmcheck("render", "--as-of", AS_OF, cwd=repo)
    before = (repo / "RELIABILITY_LOG.md").read_bytes()
    retitle(repo)
    done = run_pmcheck("render", "--check", cwd=repo)
    assert done.code == 1
    line = finding_line(done.stdout)
    assert line.startswith("RELIABILITY_LOG.md:1:1: ")
    assert line.endswith(f"PM904 operating-log-stale: RELIABILITY_LOG.md differs from what the postmortem files give as of {AS_OF}")
    # --check never writes.
    assert (repo / "RELIABILITY_LOG.md").read_bytes() == before


def test_a_missing_log_is_stale(repo: Path) -> None:
    postmortem_repo(repo)
    done = run_pmcheck("render", "--check", "--as-of", AS_OF, cwd=repo)
    assert done.code == 1
    assert finding_line(done.stdout).endswith("PM904 operating-log-stale: RELIABILITY_LOG.md does not exist")
    assert not (repo / "RELIABILITY_LOG.md").exists()


def test_the_policy_names_the_log(repo: Path) -> None:
    postmortem_repo(repo, "log: OPERATING_LOG.md\n")
    done = run_pmcheck("render", "--check", "--as-of", AS_OF, cwd=repo)
    assert finding_line(done.stdout).startswith("OPERATING_LOG.md:1:1: ")
    assert "OPERATING_LOG.md does not exist" in done.stdout


def test_a_new_day_alone_does_not_make_the_log_stale(repo: Path) -> None:
    postmortem_repo(repo)
    run_pmcheck("render", "--as-of", AS_OF, cwd=repo)
    # Without --as-of the check uses the date the log records, whatever today is.
    assert run_pmcheck("render", "--check", cwd=repo).code == 0


def test_demoted_to_a_warning_it_is_reported_without_failing(repo: Path) -> None:
    postmortem_repo(repo, "rules: {PM904: warning}\n")
    done = run_pmcheck("render", "--check", "--as-of", AS_OF, cwd=repo)
    assert done.code == 0
    assert finding_line(done.stdout).endswith("RELIABILITY_LOG.md does not exist")


def test_turned_off_it_is_silent(repo: Path) -> None:
    postmortem_repo(repo, "rules: {PM904: 'off'}\n")
    assert run_pmcheck("render", "--check", "--as-of", AS_OF, cwd=repo) == (0, "", "")
