"""``pmcheck render``: golden logs, hostile text, ``--check``, atomic and symlink-safe writes.

Golden files: ``sample-repo/RELIABILITY_LOG.md`` (the committed log of the sample repository at
its pinned date) and ``tests/golden/render/*.md``. Refresh them with ``PMCHECK_UPDATE_GOLDEN=1``
and review the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pmcheck.catalogue import DOCS_URL, anchor
from pmcheck.cli import main
from pmcheck.engine import load_context
from pmcheck.markdown import one_line
from pmcheck.render import build_log, load_log_history, recorded_as_of
from pmcheck.rules import REGISTRY
from pmcheck.view import LogView
from tests.cli_runner import CliRun, run_pmcheck
from tests.gitrepo import GitRepo
from tests.test_view import make_repo, view_of

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample-repo"
SAMPLE_AS_OF = dt.date(2026, 11, 27)
GOLDEN = ROOT / "tests" / "golden" / "render"
UPDATE = os.environ.get("PMCHECK_UPDATE_GOLDEN") == "1"
AS_OF = dt.date(2026, 6, 15)
SECTIONS = [
    "Review agenda",
    "Risk trend",
    "Decisions needed",
    "Escalations",
    "Closure decisions",
    "Prevention roadmap",
    "Repeat failures",
    "Owner load",
    "Governance findings",
    "Postmortem index",
    "Policy in force",
]

# One line each: titles may not hold line breaks (the schema's `one_line`).
HOSTILE_TITLES = [
    "Break | the | table || and \\| again",
    "<script>alert(1)</script> <img src=x onerror=alert(1)> <!-- hidden -->",
    "[click me](https://evil.example/phish) ![x](https://evil.example/x.png) <https://evil.example>",
    "`code` and ``` fence ~~strike~~ **bold** _em_ $x^2$",
    "# Forged heading",
    "> quoted and - listed",
    "- listed item",
    "1. numbered item",
    "ping @alice.ng and @octo-org/team; fixes #123 and owner/repo#9",
    "visit www.evil.example or https://evil.example or mailto:x@evil.example",
    "\u202eright-to-left\u200b zero\u2060width\u2028separated",
]
HOSTILE_OWNER = "@bo.chen | <b>owner</b>\n## Review agenda\n| x | y |\n- item"
HOSTILE_TEAM = "team](https://evil.example) `x` @carol.wu"


def _action(n: int, title: str, **extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": f"PM-2026-001-A{n}",
        "title": title,
        "type": "prevent",
        "priority": "P0",
        "owner": "alice.ng",
        "created": "2026-06-02",
        "due": "2026-06-30",
        "status": "open",
        "success_criteria": "measurable | <b>criteria</b>",
    }
    base.update(extra)
    return base


def hostile_documents() -> dict[str, str]:
    """Two postmortems whose every free-text field is hostile, reaching every section."""
    t = HOSTILE_TITLES
    actions = [
        _action(1, t[0], owner=HOSTILE_OWNER, due="2026-06-10"),
        _action(2, t[1], owner=["alice.ng", "@bo.chen | x"], team=HOSTILE_TEAM, type="mitigate"),
        _action(3, t[2], type="detect", priority="P1"),
        _action(
            4,
            t[3],
            status="verified",
            evidence=[{"type": "pull_request", "url": "https://evil.example/pr/1", "summary": "[x](https://evil.example)"}],
            completed_at="2026-06-08",
            verification={"by": "carol.wu", "at": "2026-06-09", "result": "pass", "notes": "<script>"},
        ),
        _action(
            5,
            t[4],
            priority="P2",
            priority_rationale="@dana.kim said so | #1",
            status="wont_do",
            closure={"decision": "risk_accepted", "rationale": "<b>fine</b>", "decided_by": "dana.kim", "decided_at": "2026-06-11"},
        ),
        _action(6, t[5], owner="bo.chen", team=HOSTILE_TEAM, type="repair", priority="P1", due="2026-06-12",
                escalations=[{"to": "dana.kim", "at": "2026-06-13", "reason": "@here <b>late</b>", "level": "exec_sponsor"}]),
    ]
    first = {
        "schema_version": 1,
        "id": "PM-2026-001",
        "title": " ".join(t[6:9]),
        "severity": "SEV-1",
        "status": "in_review",
        "summary": "# Heading\n\n<script>alert(1)</script>\n| a | b |",
        "workflow": "support-assistant | <b>x</b>",
        "services": ["svc | @alice.ng"],
        "failure_modes": ["hallucination"],
        "incident": {"started_at": "2026-06-01T09:00:00Z", "resolved_at": "2026-06-01T12:00:00Z"},
        "owner": "alice.ng",
        "executive_sponsor": "dana.kim",
        "mitigation_timeline": [{"at": "2026-06-14", "plan": "[plan](https://evil.example)", "by": "dana.kim"}],
        "actions": actions,
    }
    second = {
        "schema_version": 1,
        "id": "PM-2026-002",
        "title": t[9] + " " + t[10],
        "severity": "SEV-2",
        "status": "draft",
        "failure_modes": ["hallucination"],
        "incident": {"started_at": "2026-06-10T09:00:00Z"},
        "owner": "alice.ng",
        "executive_sponsor": "dana.kim",
        "related_incidents": [{"id": "PM-2026-001", "relation": "recurrence"}],
        "actions": [
            {"id": "PM-2026-002-A1", "title": t[7], "type": "prevent", "priority": "P1", "owner": "@alice.ng",
             "due": "2026-07-20", "status": "open", "success_criteria": "x"}
        ],
    }
    return {pm_id: yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000) for pm_id, doc in (("PM-2026-001", first), ("PM-2026-002", second))}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "hostile", hostile_documents())


def run(args: list[str], cwd: Path | None = None) -> CliRun:
    return run_pmcheck(*args, cwd=cwd or ROOT)


def main_exit(args: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(args)
    return int(done.value.code or 0)


def golden(path: Path, text: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.read_text(encoding="utf-8") == text, (
        f"{path.name} is out of date; run PMCHECK_UPDATE_GOLDEN=1 python -m pytest tests/test_render.py and review the diff"
    )


# -- goldens ----------------------------------------------------------------------------------


def test_sample_repository_log_is_committed_and_current(sample: Path) -> None:
    # Rendered as `pmcheck render` does, with git history, from a pinned one-commit copy: the
    # result must not depend on how deep this checkout's own history is.
    root, policy = load_context(str(sample), None, None)
    history = load_log_history(root, policy)
    assert history is not None and not history.shallow
    golden(SAMPLE / "RELIABILITY_LOG.md", build_log(root, policy, SAMPLE_AS_OF, history))


def test_render_counts_unrecorded_due_moves_from_git(tmp_path: Path) -> None:
    copy = tmp_path / "sample-repo"
    shutil.copytree(SAMPLE, copy)
    repo = GitRepo.init(copy)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "sample repository", date="2026-11-10T12:00:00+00:00")
    path = copy / "postmortems" / "PM-2026-034.yaml"
    path.write_text(path.read_text().replace("due: 2026-11-28", "due: 2026-12-05", 1))
    repo.git("commit", "-q", "-am", "move a deadline quietly", date="2026-11-20T12:00:00+00:00")
    root, policy = load_context(str(copy), None, None)
    with_git = build_log(root, policy, SAMPLE_AS_OF, load_log_history(root, policy))
    without = build_log(root, policy, SAMPLE_AS_OF)
    assert "without a record" in with_git and "without a record" not in without

    def slips(text: str) -> int:
        lines = text.splitlines()
        start = next(n for n, line in enumerate(lines) if line.startswith("| week&nbsp;ending"))
        column = [c.strip() for c in lines[start].strip("|").split("|")].index("slips")
        total = 0
        for row in lines[start + 2 :]:
            if not row.startswith("|"):
                break
            total += int(row.strip("|").split("|")[column].strip())
        return total

    assert slips(with_git) == slips(without) + 1


def test_hostile_repository_golden(hostile: Path) -> None:
    golden(GOLDEN / "hostile.md", log_of(hostile, AS_OF))


def log_of(root: Path, as_of: dt.date) -> str:
    return build_log(*load_context(str(root), None, None), as_of)


def test_same_files_and_date_give_the_same_bytes(hostile: Path) -> None:
    first = log_of(hostile, AS_OF)
    assert log_of(hostile, AS_OF) == first
    assert "\r" not in first and first.endswith("\n") and not first.endswith("\n\n")
    assert recorded_as_of(first) == AS_OF


# -- the structure of the log survives hostile text -------------------------------------------


def md() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _pipes(line: str) -> int:
    """Cell separators in a table line: pipes not escaped with a backslash."""
    count, i = 0, 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        count += line[i] == "|"
        i += 1
    return count


def _tables(text: str) -> Iterator[list[str]]:
    block: list[str] = []
    for line in text.split("\n"):
        if line.startswith("|"):
            block.append(line)
        elif block:
            yield block
            block = []


def _expected_rows(view: LogView) -> list[int]:
    rows = [len(group.rows) for group in view.agenda]
    rows += [len(part) for part in (view.trend.weeks, view.escalations, view.closures) if part]
    rows += [len(month.rows) for month in view.roadmap]
    rows += [len(part) for part in (view.recurrences, view.owners, view.finding_counts, view.index) if part]
    rows += [len(view.policy.severities), len(view.policy.priorities)]
    return rows


def assert_structure(text: str, view: LogView, pm_paths: list[str]) -> None:
    tokens = md().parse(text)
    headings = [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert [h for tag, h in headings if tag == "h1"] == ["Reliability operating log"]
    assert [h for tag, h in headings if tag == "h2"] == SECTIONS
    h3 = [g.postmortem for g in view.agenda] + [m.label for m in view.roadmap] + [g.title for g in view.findings]
    assert len([h for tag, h in headings if tag == "h3"]) == len(h3)
    # No raw HTML but the as-of marker the template writes.
    assert [t.content.strip() for t in tokens if t.type == "html_block"] == [view.marker]
    inline = [c for t in tokens if t.type == "inline" for c in t.children or []]
    # <br> starts an id or a date on its own line in a table cell (the view's, never the files').
    assert [c for c in inline if c.type == "image" or (c.type == "html_inline" and c.content != "<br>")] == []
    sections = {"#" + s.lower().replace(" ", "-") for s in SECTIONS}
    lines = {f"{path}#L{n}" for path in pm_paths for n in range(1, 10_000)}
    allowed = {f"{DOCS_URL}#{anchor(r)}" for r in REGISTRY.values()} | set(pm_paths) | sections | lines
    assert {c.attrs["href"] for c in inline if c.type == "link_open"} <= allowed
    # Every table keeps its row count and, line by line, its column count.
    bodies: list[int] = []
    depth = 0
    for t in tokens:
        if t.type == "tbody_open":
            bodies.append(0)
            depth = 1
        elif t.type == "tbody_close":
            depth = 0
        elif t.type == "tr_open" and depth:
            bodies[-1] += 1
    assert bodies == _expected_rows(view)
    tables = list(_tables(text))
    assert len(tables) == len(bodies)
    for table in tables:
        assert {_pipes(line) for line in table} == {_pipes(table[0])}, table


def _texts(tokens: list[Token]) -> list[str]:
    return ["".join(c.content for c in t.children or []).replace("\u200b", "") for t in tokens if t.type == "inline"]


def test_hostile_text_cannot_break_tables_inject_html_or_links(hostile: Path) -> None:
    text = log_of(hostile, AS_OF)
    view = view_of(hostile, AS_OF)
    assert_structure(text, view, ["postmortems/PM-2026-001.yaml", "postmortems/PM-2026-002.yaml"])
    # Each hostile title reads literally on the page: nothing in it became markup.
    texts = _texts(md().parse(text))
    for title in HOSTILE_TITLES:
        assert any(one_line(title) in t for t in texts), title
    assert any(one_line(HOSTILE_OWNER) in t for t in texts)
    assert any(t == "alice.ng and @bo.chen | x" for t in texts)
    # The hostile strings reached the sections that print them.
    assert view.agenda and view.escalations and view.closures and view.roadmap and view.recurrences


def test_sample_repository_log_structure() -> None:
    text = (SAMPLE / "RELIABILITY_LOG.md").read_text(encoding="utf-8")
    view = view_of(SAMPLE, SAMPLE_AS_OF)
    paths = sorted(f"postmortems/{p.name}" for p in (SAMPLE / "postmortems").glob("*.yaml"))
    assert_structure(text, view, paths)


def test_every_section_says_none_when_empty(tmp_path: Path) -> None:
    text = log_of(make_repo(tmp_path, {}), AS_OF)
    for section in SECTIONS:
        assert f"## {section}\n" in text
    assert text.count("None:") >= 8
    assert "| `2026-06-15` | 0 | 0 | 0 / 0 | 0 | 0 / 0 |" in text


RENAMED_POLICY = """
severities:
  S1: {critical: true, review_every_days: 1, postmortem_review_within_days: 1, default_priority: U1}
  S2: {critical: false, review_every_days: 30, default_priority: U3}
priorities:
  U1: {critical: true, slo_days: 3, requires_verification: true, escalate: [{after_days_overdue: 1, to: manager}], max_extensions: 0}
  U2: {critical: true, slo_days: 21}
  U3: {slo_days: 45, done_is_terminal: true}
due_soon_days: 1
repeat_window_days: 1
waiver_max_days: 1
trend: {weeks: 1}
"""
ONE_PM = """
schema_version: 1
id: PM-2026-001
title: Refund answers invented a policy
severity: S2
status: in_review
incident: {started_at: 2026-06-01T09:00:00Z, resolved_at: 2026-06-01T12:00:00Z}
owner: alice.ng
actions:
  - {id: PM-2026-001-A1, title: Gate rollouts on the refund eval, type: prevent, priority: U3,
     owner: alice.ng, created: 2026-06-02, due: 2026-06-30, status: open}
"""


def test_header_states_a_renamed_policy_in_words_that_read_right_for_one(tmp_path: Path) -> None:
    text = log_of(make_repo(tmp_path, {"PM-2026-001": ONE_PM}, RENAMED_POLICY), AS_OF)
    assert not re.search(r"\b1\*{0,2} (days|postmortems|weeks|corrective actions)\b", text)
    assert "1 postmortem; 1 corrective action, 1 open" in text
    assert "Actions due within 1 day are due soon; incidents within 1 day " in text
    assert "a waiver lasts at most 1 day." in text
    assert "The last week, 2026-06-09 to 2026-06-15" in text
    # What PM306, PM203 and PM208 accept, for the critical priorities this policy names.
    assert "; for U1, U2 a person with the `approver` or `exec_sponsor` role decides." in text
    assert "; for U1, U2 it is approved by someone other than the owner; a move beyond" in text
    assert "- U1 actions need a `verification`" in text


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The sample repository in a one-commit git repository, as a user's checkout would be."""
    copy = Path(shutil.copytree(SAMPLE, tmp_path / "sample"))
    repo = GitRepo.init(copy)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "sample repository")
    return copy


def test_render_writes_the_log_and_then_leaves_it(sample: Path) -> None:
    log = sample / "RELIABILITY_LOG.md"
    log.unlink()
    first = run(["render", str(sample), "--as-of", "2026-11-27"])
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == "wrote RELIABILITY_LOG.md (as of 2026-11-27)\n"
    assert log.read_bytes() == (SAMPLE / "RELIABILITY_LOG.md").read_bytes()
    again = run(["render", str(sample), "--as-of", "2026-11-27"])
    assert again.stdout == "unchanged: RELIABILITY_LOG.md (as of 2026-11-27)\n"


def test_render_stdout_prints_and_writes_nothing(sample: Path) -> None:
    (sample / "RELIABILITY_LOG.md").unlink()
    done = run(["render", str(sample), "--as-of", "2026-11-27", "--stdout"])
    assert done.returncode == 0
    assert done.stdout == (SAMPLE / "RELIABILITY_LOG.md").read_text(encoding="utf-8")
    assert not (sample / "RELIABILITY_LOG.md").exists()


def test_check_passes_on_a_fresh_log_even_days_later(sample: Path) -> None:
    # No --as-of: the check renders with the date the log records (2026-11-27), not today.
    done = run(["render", str(sample), "--check"])
    assert (done.returncode, done.stderr) == (0, "")
    assert "up to date (as of 2026-11-27)" in done.stdout


def test_check_reports_a_stale_log_with_pm904_and_a_diff(sample: Path) -> None:
    pm = sample / "postmortems" / "PM-2026-043.yaml"
    pm.write_text(pm.read_text().replace("status: in_progress", "status: blocked", 1))
    before = (sample / "RELIABILITY_LOG.md").read_bytes()
    done = run(["render", str(sample), "--check"])
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    # Text paths are shown from the working directory, which is outside this repository.
    assert lines[0] == (
        f"{sample / 'RELIABILITY_LOG.md'}:1:1: [error] PM904 operating-log-stale: RELIABILITY_LOG.md differs from what "
        "the postmortem files give as of 2026-11-27"
    )
    assert "--- RELIABILITY_LOG.md (committed)" in lines
    assert any(line.startswith("-| P0 | `PM-2026-043-A1` ") and "in\\_progress" not in line for line in lines)
    assert any(line.startswith("+| P0 | `PM-2026-043-A1` ") and "| blocked |" in line for line in lines)
    assert len(lines) < 50
    assert (sample / "RELIABILITY_LOG.md").read_bytes() == before


def test_check_reports_a_missing_log(sample: Path) -> None:
    (sample / "RELIABILITY_LOG.md").unlink()
    done = run(["render", str(sample), "--check"])
    assert done.returncode == 1
    assert done.stdout.startswith(
        f"{sample / 'RELIABILITY_LOG.md'}:1:1: [error] PM904 operating-log-stale: RELIABILITY_LOG.md does not exist\n"
    )
    assert not (sample / "RELIABILITY_LOG.md").exists()


def test_check_and_stdout_together_is_a_usage_error(sample: Path) -> None:
    done = run(["render", str(sample), "--check", "--stdout"])
    assert done.returncode == 2
    assert done.stderr == "pmcheck: error: --check and --stdout cannot be combined\n"


# -- writing safely -----------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_failed_rename_leaves_the_old_log_byte_identical(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = sample / "RELIABILITY_LOG.md"
    log.write_bytes(b"old log\n")

    def full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pmcheck.render.os.replace", full)
    assert main_exit(["render", str(sample), "--as-of", "2026-11-27"]) == 2
    assert log.read_bytes() == b"old log\n"
    assert _leftovers(sample) == []


def test_a_render_that_fails_midway_leaves_the_old_log_byte_identical(
    sample: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = sample / "RELIABILITY_LOG.md"
    log.write_bytes(b"old log\n")

    def broken(self: jinja2.Template, *args: object, **kwargs: object) -> str:
        raise RuntimeError("template exploded")

    monkeypatch.setattr(jinja2.Template, "render", broken)
    assert main_exit(["render", str(sample), "--as-of", "2026-11-27"]) == 3
    assert "please report" in capsys.readouterr().err
    assert log.read_bytes() == b"old log\n"
    assert _leftovers(sample) == []


def test_refuses_to_write_through_a_symlinked_log(sample: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("not yours\n")
    log = sample / "RELIABILITY_LOG.md"
    log.unlink()
    log.symlink_to(outside)
    done = run(["render", str(sample), "--as-of", "2026-11-27"])
    assert done.returncode == 2
    # The policy's path check sees the link before anything is rendered.
    assert done.stderr == "pmcheck: error: pmcheck.yaml:14:1: log: 'RELIABILITY_LOG.md' leads outside the repository through a symbolic link\n"
    assert outside.read_text() == "not yours\n"
    assert log.is_symlink()


def test_refuses_to_write_through_a_symlinked_folder(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {}, policy="log: docs/LOG.md\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / "docs").symlink_to(elsewhere, target_is_directory=True)
    done = run(["render", str(repo), "--as-of", "2026-06-15"])
    assert done.returncode == 2
    assert "log: 'docs/LOG.md' leads outside the repository through a symbolic link" in done.stderr
    assert list(elsewhere.iterdir()) == []


def test_refuses_to_write_through_a_symlinked_folder_inside_the_repository(tmp_path: Path) -> None:
    from tests.test_view import PM1

    # A postmortem to render: a repository without one is PM905 and writes nothing anyway.
    repo = make_repo(tmp_path / "repo", {"PM-2026-001": PM1}, policy="log: docs/LOG.md\n")
    (repo / "site").mkdir()
    (repo / "docs").symlink_to(repo / "site", target_is_directory=True)
    done = run(["render", str(repo), "--as-of", "2026-06-15"])
    assert done.returncode == 2
    assert "refusing to write through the symlink docs" in done.stderr
    assert list((repo / "site").iterdir()) == []


def test_keeps_the_mode_of_an_existing_log(sample: Path) -> None:
    log = sample / "RELIABILITY_LOG.md"
    log.write_bytes(b"old log\n")
    log.chmod(0o640)
    assert main_exit(["render", str(sample), "--as-of", "2026-11-27"]) == 0
    assert stat.S_IMODE(log.stat().st_mode) == 0o640
    assert log.read_bytes() == (SAMPLE / "RELIABILITY_LOG.md").read_bytes()


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_a_new_log_gets_0644_minus_the_umask(sample: Path, umask: int, mode: int) -> None:
    log = sample / "RELIABILITY_LOG.md"
    log.unlink()
    previous = os.umask(umask)
    try:
        assert main_exit(["render", str(sample), "--as-of", "2026-11-27"]) == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(log.stat().st_mode) == mode


def test_creates_the_log_folder_inside_the_repository(tmp_path: Path) -> None:
    from tests.test_view import PM1

    repo = make_repo(tmp_path / "repo", {"PM-2026-001": PM1}, policy="log: docs/reliability/LOG.md\n")
    assert main_exit(["render", str(repo), "--as-of", "2026-06-15"]) == 0
    assert recorded_as_of((repo / "docs" / "reliability" / "LOG.md").read_text()) == AS_OF


def test_links_are_relative_to_the_log(tmp_path: Path) -> None:
    from tests.test_view import PM1

    repo = make_repo(tmp_path / "repo", {"PM-2026-001": PM1}, policy="log: docs/LOG.md\n")
    assert main_exit(["render", str(repo), "--as-of", "2026-06-15"]) == 0
    text = (repo / "docs" / "LOG.md").read_text()
    assert "[`PM-2026-001`](../postmortems/PM-2026-001.yaml)" in text
    assert "[line 37](../postmortems/PM-2026-001.yaml#L37)" in text


# -- a repository's own template ----------------------------------------------------------------


def test_log_template_renders_sandboxed_with_the_same_view(hostile: Path) -> None:
    (hostile / "pmcheck.yaml").write_text("trend: {weeks: 2}\nlog_template: templates/log.md.j2\n")
    (hostile / "templates").mkdir()
    (hostile / "templates" / "log.md.j2").write_text(
        "# Our log\n\n{{ marker }}\n\n{% for p in index %}\n- {{ p.id }}: {{ p.title }} ({{ p.open_actions }} open)\n{% endfor %}\n"
    )
    done = run(["render", str(hostile), "--as-of", "2026-06-15", "--stdout"])
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[:3] == ["# Our log", "", "<!-- pmcheck:as-of 2026-06-15 -->"]
    assert lines[4].startswith("- [`PM-2026-002`](postmortems/PM-2026-002.yaml): visit www&#8203;.evil.example")
    tokens = md().parse(done.stdout)
    assert [t.type for t in tokens].count("list_item_open") == 2


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ marker }}{{ ''.__class__.__mro__ }}", "unsafe"),
        ("{{ marker }}{{ no_such_thing }}", "no_such_thing"),
        ("{{ marker }}{% for %}", "templates/log.md.j2:1:"),
        ("no marker here", "must print {{ marker }}"),
    ],
)
def test_a_bad_log_template_is_a_configuration_error(sample: Path, template: str, message: str) -> None:
    with (sample / "pmcheck.yaml").open("a") as policy:
        policy.write("\nlog_template: templates/log.md.j2\n")
    (sample / "templates").mkdir()
    (sample / "templates" / "log.md.j2").write_text(template)
    done = run(["render", str(sample), "--as-of", "2026-11-27", "--stdout"])
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("pmcheck: error: ") and message in done.stderr
    assert done.stdout == ""


def test_a_log_template_outside_the_repository_is_refused(sample: Path, tmp_path: Path) -> None:
    outside = tmp_path / "evil.j2"
    outside.write_text("{{ marker }}")
    (sample / "link.j2").symlink_to(outside)
    with (sample / "pmcheck.yaml").open("a") as policy:
        policy.write("\nlog_template: link.j2\n")
    done = run(["render", str(sample), "--as-of", "2026-11-27", "--stdout"])
    assert done.returncode == 2
    assert done.stderr == "pmcheck: error: pmcheck.yaml:106:1: log_template: 'link.j2' leads outside the repository through a symbolic link\n"


def test_a_shallow_clone_is_named_in_the_trend(tmp_path: Path) -> None:
    from tests.test_view import PM1, FakeHistory

    root, policy = load_context(str(make_repo(tmp_path, {"PM-2026-001": PM1})), None, None)
    text = build_log(root, policy, AS_OF, FakeHistory(shallow=True))
    assert "git history unavailable (shallow clone)." in text
