"""The operating log as GitHub shows it: section order, the width rule, findings and decisions.

The logs are parsed with a GFM parser (markdown-it-py with tables), as GitHub parses them, and
compared with what ``pmcheck check`` reports on the same files and date: the log and the check
must never disagree.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pmcheck.engine import CheckOptions, run_check
from pmcheck.findings import Finding, Severity
from pmcheck.view import LogView
from tests.test_render import AS_OF, SAMPLE, SAMPLE_AS_OF, SECTIONS, hostile_documents, log_of
from tests.test_view import make_repo, view_of

MAX_COLUMNS = 6
ID_OR_DATE = re.compile(r"^(PM-\d{4}-\d{3,}(-A\d+)?|\d{4}-\d{2}-\d{2})$")


def md() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass(frozen=True)
class Cell:
    header: str
    children: tuple[Token, ...]


def sections(tokens: list[Token]) -> list[str]:
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]


def section_tokens(tokens: list[Token], name: str) -> list[Token]:
    """The tokens from the ``## name`` heading to the next h2."""
    start = next(i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2" and tokens[i + 1].content == name)
    end = next((i for i, t in enumerate(tokens[start + 1 :], start + 1) if t.type == "heading_open" and t.tag == "h2"), len(tokens))
    return tokens[start:end]


def tables(tokens: list[Token]) -> list[tuple[list[str], list[list[Cell]]]]:
    """Each table: its header texts and its body rows of cells."""
    out: list[tuple[list[str], list[list[Cell]]]] = []
    head: list[str] = []
    rows: list[list[Cell]] = []
    in_head = False
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            head, rows = [], []
        elif t.type == "thead_open":
            in_head = True
        elif t.type == "thead_close":
            in_head = False
        elif t.type == "tr_open" and not in_head:
            rows.append([])
        elif t.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            if in_head:
                head.append("".join(c.content for c in t.children or ()))
            else:
                rows[-1].append(Cell(head[len(rows[-1])], tuple(t.children or ())))
        elif t.type == "table_close":
            out.append((head, rows))
    return out


def links(tokens: list[Token]) -> set[str]:
    return {c.attrs["href"] for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "link_open"}  # type: ignore[misc]


def check_findings(root: Path, as_of: dt.date) -> list[Finding]:
    return list(run_check(CheckOptions(repo=str(root), as_of=as_of)).findings)


# -- the repositories ----------------------------------------------------------------------------

DECISIONS_PM = """
schema_version: 1
id: PM-2026-001
title: Support assistant invented a refund policy
severity: SEV-1
status: in_review
incident: {started_at: 2026-05-01T09:00:00Z, resolved_at: 2026-05-01T12:00:00Z}
owner: alice.ng
executive_sponsor: dana.kim
reviews: [{date: 2026-05-20}]
waivers:
  - {rule: PM403, reason: the prevent action is tracked elsewhere, approved_by: dana.kim, expires: 2026-06-20}
actions:
  - {id: PM-2026-001-A1, title: Gate rollouts on the refund eval, type: prevent, priority: P0,
     owner: bo.chen, created: 2026-05-02, due: 2026-05-14, status: open, success_criteria: eval >= 99%}
  - {id: PM-2026-001-A2, title: Alert on uncited refund answers, type: detect, priority: P1,
     owner: bo.chen, created: 2026-05-02, due: 2026-06-01, status: done, completed_at: 2026-05-30,
     success_criteria: alert fires in replay, evidence: [{type: alert, url: "https://grafana.example/a/1"}]}
  - {id: PM-2026-001-A3, title: Retrain the intent model, type: repair, priority: P1, owner: alice.ng,
     created: 2026-05-02, due: 2026-05-30, status: wont_do, success_criteria: accuracy >= 95%}
  - {id: PM-2026-001-A4, title: Document the refund policy source, type: process, priority: P1,
     owner: alice.ng, created: 2026-05-02, due: 2026-06-10, status: in_progress, success_criteria: page published}
"""


@pytest.fixture(scope="module")
def decisions_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("decisions"), {"PM-2026-001": DECISIONS_PM})


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("hostile"), hostile_documents())


def logs(decisions_repo: Path, hostile_repo: Path) -> list[tuple[str, Path, dt.date, str]]:
    return [
        ("sample", SAMPLE, SAMPLE_AS_OF, (SAMPLE / "RELIABILITY_LOG.md").read_text(encoding="utf-8")),
        ("hostile", hostile_repo, AS_OF, log_of(hostile_repo, AS_OF)),
        ("decisions", decisions_repo, AS_OF, log_of(decisions_repo, AS_OF)),
    ]


@pytest.fixture(params=["sample", "hostile", "decisions"])
def log(request: pytest.FixtureRequest, decisions_repo: Path, hostile_repo: Path) -> tuple[Path, dt.date, str]:
    for name, root, as_of, text in logs(decisions_repo, hostile_repo):
        if name == request.param:
            return root, as_of, text
    raise AssertionError(request.param)


# -- order and width ---------------------------------------------------------------------------


def test_sections_come_in_the_order_of_the_spec(log: tuple[Path, dt.date, str]) -> None:
    _, _, text = log
    tokens = md().parse(text)
    assert sections(tokens) == SECTIONS
    # The header states the state in one sentence before anything else.
    first = next(t for t in tokens if t.type == "inline" and t.content.startswith("**State:**"))
    assert tokens.index(first) < next(i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2")


def test_no_table_is_wider_than_six_columns(log: tuple[Path, dt.date, str]) -> None:
    _, _, text = log
    found = tables(md().parse(text))
    assert found
    for head, rows in found:
        assert len(head) <= MAX_COLUMNS, head
        assert all(len(row) == len(head) for row in rows), head


def test_ids_and_dates_in_tables_start_a_line_of_their_cell(log: tuple[Path, dt.date, str]) -> None:
    # What keeps an id or a date from breaking at its hyphens on GitHub, measured in Chromium:
    # it is a code span at the start of a line of its cell (the cell's start or after <br>),
    # in a column at least as wide as it (a wide title column, or a header joined with &nbsp;).
    _, _, text = log
    for head, rows in tables(md().parse(text)):
        for row in rows:
            for cell in row:
                # A link or bold around an id (the index links each postmortem) does not move it.
                children = [
                    c for c in cell.children if c.type not in ("link_open", "link_close", "strong_open", "strong_close") and not (c.type == "text" and not c.content.strip())
                ]
                for n, child in enumerate(children):
                    if child.type != "code_inline" or not ID_OR_DATE.match(child.content):
                        continue
                    before = children[n - 1] if n else None
                    assert before is None or (before.type == "html_inline" and before.content == "<br>"), (cell.header, child.content)
                    assert "\u00a0" in cell.header, (cell.header, child.content)


def test_only_line_breaks_are_raw_html(log: tuple[Path, dt.date, str]) -> None:
    _, _, text = log
    tokens = md().parse(text)
    inline = [c for t in tokens if t.type == "inline" for c in t.children or []]
    assert {c.content for c in inline if c.type == "html_inline"} <= {"<br>"}
    assert [t.content.strip() for t in tokens if t.type == "html_block"] == [text.splitlines()[2]]


# -- the log says what check says ----------------------------------------------------------------


def test_every_finding_at_or_above_warning_is_linked_to_its_line(log: tuple[Path, dt.date, str]) -> None:
    root, as_of, text = log
    findings = [f for f in check_findings(root, as_of) if f.severity >= Severity.WARNING and not f.notice]
    assert findings
    section = section_tokens(md().parse(text), "Governance findings")
    items = [t for t in section if t.type == "inline" and t.children and "#L" in str(t.children[0].attrs.get("href", ""))]
    hrefs = [item.children[0].attrs["href"] for item in items]  # type: ignore[index]
    wanted = [f"{f.path}#L{f.line}" for f in findings]
    assert sorted(hrefs) == sorted(wanted)
    for f in findings:
        assert any(item.children[0].attrs["href"] == f"{f.path}#L{f.line}" and f.code in item.content for item in items), f  # type: ignore[index]


def test_findings_below_warning_are_counted_not_listed(log: tuple[Path, dt.date, str]) -> None:
    root, as_of, text = log
    infos = [f for f in check_findings(root, as_of) if f.severity < Severity.WARNING and not f.notice]
    hrefs = links(section_tokens(md().parse(text), "Governance findings"))
    for f in infos:
        assert f"{f.path}#L{f.line}" not in hrefs or any(
            g.path == f.path and g.line == f.line and g.severity >= Severity.WARNING for g in check_findings(root, as_of)
        )


def decided(view: LogView, kind: str) -> list[str]:
    return sorted(d.action or d.postmortem or "" for d in view.decisions if d.kind == kind)


def reported(findings: list[Finding], code: str, done: bool | None = None, view_root: Path | None = None) -> list[str]:
    return sorted({f.action or f.postmortem or "" for f in findings if f.code == code and not f.notice})


def test_decisions_equal_what_the_rules_report(log: tuple[Path, dt.date, str]) -> None:
    root, as_of, _ = log
    view = view_of(root, as_of)
    findings = check_findings(root, as_of)
    statuses = {a.id: a.status for pm in _postmortems(root) for a in pm.actions}
    assert decided(view, "escalation") == reported(findings, "PM206")
    # A done action past its due date waits for verification: PM305's line, not PM205's.
    assert decided(view, "overdue") == [a for a in reported(findings, "PM205") if statuses.get(a) != "done"]
    assert decided(view, "verification") == reported(findings, "PM305")
    assert decided(view, "closure") == reported(findings, "PM306")
    assert decided(view, "review") == reported(findings, "PM401")


def _postmortems(root: Path) -> list[object]:
    from pmcheck.engine import load_context
    from pmcheck.repository import discover, load_repository

    root, policy = load_context(str(root), None, None)
    return list(load_repository(root, policy, discover(root, policy)).corpus.postmortems)


def test_every_kind_of_decision_is_listed_with_who_decides(decisions_repo: Path) -> None:
    view = view_of(decisions_repo, AS_OF)
    assert [(d.kind, d.action or d.postmortem) for d in view.decisions] == [
        ("escalation", "PM-2026-001-A1"),
        # A2 is done and awaits verification: PM305's alone, neither overdue nor owed an escalation.
        ("overdue", "PM-2026-001-A1"),
        ("overdue", "PM-2026-001-A4"),
        ("verification", "PM-2026-001-A2"),
        ("closure", "PM-2026-001-A3"),
        ("waiver", "PM-2026-001"),
        ("review", "PM-2026-001"),
    ]
    lines = {d.kind: f"{d.verb} {d.subject}: {d.detail}; {d.who}" for d in reversed(view.decisions)}
    assert lines["escalation"] == (
        "Escalate `PM-2026-001-A1` (P0, 32 days overdue): to `dana.kim` (executive sponsor), owed since "
        "`2026-05-15`; then update the mitigation timeline; owner `bo.chen`"
    )
    assert lines["overdue"].endswith("decides: `carol.wu` (owner's manager)")
    assert lines["verification"].endswith("by `alice.ng` (postmortem owner) or another verifier, not the owner")
    assert lines["closure"] == (
        "Decide the closure of `PM-2026-001-A3` (P1): wont_do without a complete closure decision; "
        "decides: `dana.kim` (executive sponsor, or an approver)"
    )
    assert lines["waiver"] == (
        "Renew or let lapse the PM403 waiver on `PM-2026-001`: expires `2026-06-20` (in 5 days); decides: `dana.kim` (approved it)"
    )
    assert lines["review"].startswith("Review `PM-2026-001` (SEV-1): last reviewed `2026-05-20`, review was due `2026-05-27`")


def test_decisions_needed_reads_one_numbered_line_each(decisions_repo: Path) -> None:
    text = log_of(decisions_repo, AS_OF)
    section = section_tokens(md().parse(text), "Decisions needed")
    items = [t for t in section if t.type == "list_item_open"]
    assert len(items) == len(view_of(decisions_repo, AS_OF).decisions) == 7
    assert "**7** decisions are needed" in text


def test_a_waived_or_disabled_rule_leaves_no_decision(tmp_path: Path) -> None:
    policy = "trend: {weeks: 2}\nrules: {PM206: off, PM305: off, PM306: off, PM401: off, PM205: off}\n"
    root = make_repo(tmp_path, {"PM-2026-001": DECISIONS_PM}, policy=policy)
    assert [d.kind for d in view_of(root, AS_OF).decisions] == ["waiver"]


def test_agenda_flags_say_what_is_wrong_in_words() -> None:
    view = view_of(SAMPLE, SAMPLE_AS_OF)
    flags = {row.action.split()[0].strip("`"): row.flags for group in view.agenda for row in group.rows}
    assert flags["PM-2026-043-A1"] == "**overdue**, **escalation missing**"
    assert flags["PM-2026-041-A1"] == "**awaiting verification**"
    assert flags["PM-2026-041-A2"] == "**no owner**"
    assert flags["PM-2026-038-A4"] == "**several owners**"


def test_owner_load_counts_open_and_overdue_per_owner() -> None:
    view = view_of(SAMPLE, SAMPLE_AS_OF)
    top = view.owners[0]
    assert (top.owner, top.open, top.overdue, top.actions) == ("`sam.patel`", 3, 1, "`PM-2026-043-A1`")
    assert sum(o.open for o in view.owners) == view.counts.open_actions
    assert sum(o.overdue for o in view.owners) == view.counts.overdue


def test_the_chart_tells_its_series_apart_and_leaves_headroom() -> None:
    text = (SAMPLE / "RELIABILITY_LOG.md").read_text(encoding="utf-8")
    chart = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert '"plotColorPalette": "#d73a49, #0366d6"' in chart
    assert 'title "Critical actions: overdue (red bars), open (blue line)"' in chart
    top = int(re.search(r"y-axis \"actions\" 0 --> (\d+)", chart)[1])  # type: ignore[index]
    values = [int(v) for line in chart.splitlines() if line.strip().startswith(("bar", "line")) for v in re.findall(r"\d+", line)]
    assert top > max(values)
    assert '"Sep 11 \'26"' in chart


def test_trend_words_name_only_what_changed() -> None:
    text = (SAMPLE / "RELIABILITY_LOG.md").read_text(encoding="utf-8")
    section = text.split("## Risk trend", 1)[1].split("## Decisions needed", 1)[0]
    assert "unchanged" not in section
    assert "Against the week before: overdue critical actions rose from 0 to 1; actions closed fell from 2 to 0. No change in the rest." in section


def test_links_to_lines_are_relative_to_the_log_folder(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"PM-2026-001": textwrap.dedent(DECISIONS_PM)}, policy="log: docs/ops/LOG.md\n")
    view = view_of(root, AS_OF)
    wheres = [line.where for group in view.findings for line in group.lines]
    assert wheres and all("](../../postmortems/PM-2026-001.yaml#L" in w for w in wheres)
