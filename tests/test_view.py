"""The operating log's view: agenda order, the weekly risk trend, escalations, closures, repeats."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pmcheck.context import Context
from pmcheck.engine import check_repository, load_context
from pmcheck.render import build_log
from pmcheck.repository import discover, load_repository
from pmcheck.view import History, LogView, build_view

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample-repo"
ROSTER = ROOT / "tests" / "data" / "people.yaml"
AS_OF = dt.date(2026, 6, 15)

PM1 = """
schema_version: 1
id: PM-2026-001
title: Support assistant invented a refund policy
severity: SEV-1
status: in_review
workflow: support-assistant
failure_modes: [hallucination]
incident: {started_at: 2026-06-01T09:00:00Z, resolved_at: 2026-06-01T12:00:00Z}
owner: alice.ng
executive_sponsor: dana.kim
actions:
  - {id: PM-2026-001-A1, title: Gate rollouts on the refund eval, type: prevent, priority: P0,
     owner: bo.chen, created: 2026-06-03, due: 2026-06-10, status: open, success_criteria: eval >= 99%}
  - id: PM-2026-001-A2
    title: Fall back to the policy page when the answer cites no source
    type: mitigate
    priority: P0
    owner: bo.chen
    created: 2026-06-03
    due: 2026-06-20
    status: in_progress
    success_criteria: no uncited refund answer in 500 prompts
    deadline_changes:
      - {from: 2026-06-05, to: 2026-06-20, at: 2026-06-04, reason: vendor fix, approved_by: dana.kim}
  - id: PM-2026-001-A3
    title: Alert on refund answers without a policy citation
    type: detect
    priority: P1
    owner: bo.chen
    created: 2026-06-03
    due: 2026-06-14
    status: verified
    success_criteria: alert fires in replay
    evidence: [{type: alert, url: "https://grafana.example/alert/1"}]
    completed_at: 2026-06-11
    verification: {by: carol.wu, at: 2026-06-12, result: pass}
  - {id: PM-2026-001-A4, title: Document the refund policy source, type: prevent, priority: P2,
     owner: alice.ng, created: 2026-06-03, due: 2026-06-30, status: done, completed_at: 2026-06-10,
     evidence: [{type: doc, url: "https://wiki.example/refunds"}]}
"""

PM2 = """
schema_version: 1
id: PM-2026-002
title: Support assistant invented a refund policy again
severity: SEV-2
status: draft
workflow: support-assistant
failure_modes: [hallucination]
incident: {started_at: 2026-06-10T09:00:00Z, resolved_at: 2026-06-10T10:00:00Z}
owner: alice.ng
executive_sponsor: dana.kim
related_incidents: [{id: PM-2026-001, relation: recurrence}]
actions:
  - {id: PM-2026-002-A1, title: Pin the refund prompt version, type: prevent, priority: P1,
     owner: alice.ng, due: 2026-07-01, status: open, success_criteria: pinned in all regions}
"""


def make_repo(root: Path, docs: dict[str, str], policy: str = "trend: {weeks: 2}\n") -> Path:
    (root / "postmortems").mkdir(parents=True)
    (root / "people.yaml").write_text(ROSTER.read_text())
    (root / "pmcheck.yaml").write_text(policy)
    for pm_id, text in docs.items():
        (root / "postmortems" / f"{pm_id}.yaml").write_text(textwrap.dedent(text).lstrip())
    return root


def log_text(root: Path, as_of: dt.date = AS_OF) -> str:
    root, policy = load_context(str(root), None, None)
    return build_log(root, policy, as_of)


def view_of(root: Path, as_of: dt.date, history: History | None = None) -> LogView:
    root, policy = load_context(str(root), None, None)
    repository = load_repository(root, policy, discover(root, policy))
    result = check_repository(repository, Context(policy, repository.roster, as_of))
    return build_view(repository, result.findings, as_of, history)


@pytest.fixture
def two(tmp_path: Path) -> LogView:
    return view_of(make_repo(tmp_path, {"PM-2026-001": PM1, "PM-2026-002": PM2}), AS_OF)


def test_trend_weeks_end_on_the_as_of_date(two: LogView) -> None:
    weeks = two.trend.weeks
    assert [(w.start, w.end) for w in weeks] == [
        (dt.date(2026, 6, 2), dt.date(2026, 6, 8)),
        (dt.date(2026, 6, 9), dt.date(2026, 6, 15)),
    ]
    assert two.trend.start == dt.date(2026, 6, 2)


def test_trend_series_come_from_the_files(two: LogView) -> None:
    first, last = two.trend.weeks
    # A1, A2, A3 open on 06-08; by 06-15 A3 is verified and PM-2026-002-A1 has opened.
    assert (first.open_critical, last.open_critical) == (3, 3)
    # A1 went overdue on 06-11; A2's recorded extension keeps it in time.
    assert (first.overdue_critical, last.overdue_critical) == (0, 1)
    assert (first.opened, last.opened) == (4, 1)
    assert (first.closed, last.closed) == (0, 2)
    assert (first.slips, last.slips) == (1, 0)
    assert (first.repeats, last.repeats) == (0, 1)
    assert (first.critical_incidents, last.critical_incidents) == (0, 1)
    # Headroom above the tallest point, so Mermaid never clips the top bar.
    assert two.trend.y_max == 4


def test_trend_says_only_what_changed(two: LogView) -> None:
    assert two.trend.changes == (
        "overdue critical actions rose from 0 to 1",
        "actions opened fell from 4 to 1",
        "actions closed rose from 0 to 2",
        "deadline slips fell from 1 to 0",
        "repeat failures rose from 0 to 1",
        "SEV-1/SEV-2 incidents rose from 0 to 1",
    )
    assert not any("unchanged" in c for c in two.trend.changes)


def test_trend_says_nothing_changed_once(tmp_path: Path) -> None:
    view = view_of(make_repo(tmp_path, {}), AS_OF)
    assert view.trend.changes == ()
    assert log_text(tmp_path).count("No change against the week before.") == 1


def test_chart_labels_carry_the_year_where_it_changes(tmp_path: Path) -> None:
    view = view_of(make_repo(tmp_path, {}, policy="trend: {weeks: 4}\n"), dt.date(2027, 1, 12))
    assert [w.label for w in view.trend.weeks] == ["Dec 22 '26", "Dec 29", "Jan 5 '27", "Jan 12"]


def test_overdue_is_judged_with_the_due_date_in_force_that_week(tmp_path: Path) -> None:
    # Before its extension was recorded on 06-04, A2 was due 06-05: overdue on 06-08 had the
    # extension not existed; the trend reads the extension as of each week's end.
    view = view_of(make_repo(tmp_path, {"PM-2026-001": PM1}), dt.date(2026, 6, 8))
    assert view.trend.weeks[-1].overdue_critical == 0


def test_agenda_holds_open_actions_of_critical_postmortems_most_urgent_first(two: LogView) -> None:
    first, second = two.agenda
    assert (first.postmortem, first.severity, first.owner, first.sponsor) == ("`PM-2026-001`", "SEV-1", "`alice.ng`", "`dana.kim`")
    assert (second.postmortem, second.last_review, second.next_review) == ("`PM-2026-002`", "none yet", "`2026-06-24`")
    assert [(a.action.split()[0], a.due) for a in first.rows] == [
        ("`PM-2026-001-A1`", "`2026-06-10`<br>5&nbsp;days&nbsp;over"),
        ("`PM-2026-001-A2`", "`2026-06-20`<br>5&nbsp;days&nbsp;left"),
    ]
    assert [a.action.split()[0] for a in second.rows] == ["`PM-2026-002-A1`"]
    assert first.rows[0].flags == "**overdue**, **escalation missing**"
    assert first.rows[1].flags == "—"


def test_escalations_name_the_sponsor_and_the_missing_ones(two: LogView) -> None:
    (row,) = two.escalations
    assert (row.action.split(" ·")[0], row.owner, row.due, row.escalate_to, row.state) == (
        "`PM-2026-001-A1` P0",
        "`bo.chen` / `dana.kim`",
        "`2026-06-10`<br>5&nbsp;days&nbsp;over",
        "`dana.kim` (exec_sponsor when overdue)",
        "**missing**",
    )


def test_closures_in_the_window_newest_first(two: LogView) -> None:
    assert [(c.action.split()[0], c.date, c.outcome, c.decided_by) for c in two.closures] == [
        ("`PM-2026-001-A3`", dt.date(2026, 6, 12), "verified (pass)", "verified by `carol.wu`"),
        ("`PM-2026-001-A4`", dt.date(2026, 6, 10), "done", "—"),
    ]


def test_roadmap_groups_open_fixes_by_due_month(two: LogView) -> None:
    assert [(m.label, [r.action.split()[0] for r in m.rows]) for m in two.roadmap] == [
        ("June 2026", ["`PM-2026-001-A1`", "`PM-2026-001-A2`"]),
        ("July 2026", ["`PM-2026-002-A1`"]),
    ]
    assert two.roadmap[0].rows[0].due == "`2026-06-10`<br>5&nbsp;days&nbsp;over"


def test_recurrence_shows_the_fixes_not_shipped_when_it_started(two: LogView) -> None:
    (row,) = two.recurrences
    assert (row.postmortem, row.earlier, row.days_apart, row.shared) == (
        "`PM-2026-002`<br>`2026-06-10`",
        "`PM-2026-001`<br>`2026-06-01`",
        9,
        "hallucination",
    )
    # A4 was done on 06-10, the day the repeat started; A1 and A2 were still open.
    assert row.fix_not_shipped == "**`PM-2026-001-A1`<br>`PM-2026-001-A2`**"


def test_index_and_counts(two: LogView) -> None:
    assert [(r.id, r.open_actions, r.actions) for r in two.index] == [
        ("[`PM-2026-002`](postmortems/PM-2026-002.yaml)", 1, 1),
        ("[`PM-2026-001`](postmortems/PM-2026-001.yaml)", 2, 4),
    ]
    c = two.counts
    assert (c.postmortems, c.actions, c.open_actions, c.open_critical, c.overdue, c.overdue_critical) == (2, 5, 3, 3, 1, 1)


def test_findings_summary_counts_by_rule_with_doc_links(two: LogView) -> None:
    rows = {r.name: r for r in two.finding_counts}
    assert rows["overdue-action-not-escalated"].code == "[PM206](https://github.com/pmcheck/pmcheck/blob/main/docs/rules.md#pm206-overdue-action-not-escalated)"
    assert rows["overdue-action-not-escalated"].count == 1
    assert two.counts.errors == sum(r.count for r in two.finding_counts if r.severity == "error")


@dataclass(frozen=True)
class Change:
    date: dt.date
    action: str
    field: str
    old: str
    new: str
    recorded: bool
    commit: str = "0" * 40
    author: str = "dev"


@dataclass(frozen=True)
class FakeHistory:
    shallow: bool
    changes: tuple[Change, ...] = field(default=())


def test_unrecorded_slips_from_git_history_are_counted(tmp_path: Path) -> None:
    history = FakeHistory(
        shallow=False,
        changes=(
            Change(dt.date(2026, 6, 13), "PM-2026-001-A1", "due", "2026-06-08", "2026-06-10", recorded=False),
            Change(dt.date(2026, 6, 13), "PM-2026-001-A1", "owner", "alice.ng", "bo.chen", recorded=False),
            Change(dt.date(2026, 6, 4), "PM-2026-001-A2", "due", "2026-06-05", "2026-06-20", recorded=True),
        ),
    )
    view = view_of(make_repo(tmp_path, {"PM-2026-001": PM1}), AS_OF, history)
    assert [w.slips for w in view.trend.weeks] == [1, 1]
    assert "git shows" in view.trend.history_note


def test_shallow_clone_says_history_is_unavailable(tmp_path: Path) -> None:
    view = view_of(make_repo(tmp_path, {"PM-2026-001": PM1}), AS_OF, FakeHistory(shallow=True))
    assert "history unavailable (shallow clone)" in view.trend.history_note


def test_empty_repository_gives_empty_sections(tmp_path: Path) -> None:
    view = view_of(make_repo(tmp_path, {}), AS_OF)
    sections = (view.agenda, view.escalations, view.closures, view.roadmap, view.recurrences, view.index)
    assert [len(s) for s in sections] == [0] * 6
    assert [w.open_critical for w in view.trend.weeks] == [0, 0]


def test_sample_repository_agenda_starts_with_the_overdue_unescalated_p0() -> None:
    view = view_of(SAMPLE, dt.date(2026, 11, 27))
    assert view.agenda[0].rows[0].action.startswith("`PM-2026-043-A1` ")
    assert [e.action.split()[0] for e in view.escalations] == ["`PM-2026-043-A1`"]
    assert len(view.trend.weeks) == 12 and view.trend.weeks[-1].end == dt.date(2026, 11, 27)
    assert view.trend.weeks[-1].overdue_critical == 1
    assert [(r.postmortem, r.earlier) for r in view.recurrences] == [("`PM-2026-027`<br>`2026-07-21`", "`PM-2026-011`<br>`2026-03-17`")]
    assert view.counts.postmortems == 12


def test_the_view_is_deterministic(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"PM-2026-001": PM1, "PM-2026-002": PM2})
    assert view_of(root, AS_OF) == view_of(root, AS_OF)


def test_files_that_do_not_load_are_listed_not_modelled(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"PM-2026-001": PM1, "PM-2026-003": "id: [unclosed\n"})
    view = view_of(root, AS_OF)
    assert [(f.path, f.codes) for f in view.invalid] == [("postmortems/PM-2026-003.yaml", "PM001")]
    assert (view.counts.postmortems, view.counts.invalid_files) == (1, 1)


PM_ESCALATED_PAST_THE_MANAGER = """
schema_version: 1
id: PM-2026-001
title: Checkout assistant timed out
severity: SEV-2
status: in_review
incident: {started_at: 2026-04-01T09:00:00Z, resolved_at: 2026-04-01T12:00:00Z}
owner: alice.ng
executive_sponsor: dana.kim
mitigation_timeline: [{at: 2026-06-14, plan: fall back to the standard checkout, by: alice.ng}]
actions:
  - {id: PM-2026-001-A1, title: Pre-scale the GPU pool, type: prevent, priority: P1, owner: alice.ng,
     created: 2026-04-01, due: 2026-05-01, status: open, success_criteria: p95 under 2 s,
     escalations: [{to: dana.kim, at: 2026-06-13, reason: late, level: exec_sponsor}]}
"""


def test_a_missing_lower_rung_is_the_one_named(tmp_path: Path) -> None:
    # 45 days overdue, told the sponsor but never the manager: PM206 reports the manager, so
    # the log must not say the sponsor escalation is missing.
    view = view_of(make_repo(tmp_path, {"PM-2026-001": PM_ESCALATED_PAST_THE_MANAGER}), AS_OF)
    (row,) = view.escalations
    assert (row.escalate_to, row.escalated, row.state) == (
        "`carol.wu` (manager after 7 days overdue)",
        "`2026-06-13`<br>`2026-06-14`",
        "**missing**",
    )
    assert view.agenda[0].rows[0].flags == "**overdue**, **escalation missing**"


def test_an_escalation_waiver_the_check_honours_is_shown(tmp_path: Path) -> None:
    waived = PM_ESCALATED_PAST_THE_MANAGER.replace(
        "level: exec_sponsor}]}",
        "level: exec_sponsor}],\n     waivers: [{rule: PM206, reason: briefed in person, approved_by: dana.kim, expires: 2026-06-30}]}",
    )
    view = view_of(make_repo(tmp_path, {"PM-2026-001": waived}), AS_OF)
    assert not any("PM206" in row.code for row in view.finding_counts)
    (row,) = view.escalations
    assert row.state == "missing, PM206 waived until<br>`2026-06-30`"
    assert view.agenda[0].rows[0].flags == "**overdue**, **escalation waived**"
    # The waiver expires in 15 days: past the 14 the decisions look ahead.
    assert [d.kind for d in view.decisions] == ["overdue", "review"]


def test_recurrence_without_a_shared_failure_mode_has_no_unshipped_fix(tmp_path: Path) -> None:
    # PM502 judges a fix by the failure modes both incidents share; the log must agree with it.
    other = PM2.replace("failure_modes: [hallucination]", "failure_modes: [latency]")
    view = view_of(make_repo(tmp_path, {"PM-2026-001": PM1, "PM-2026-002": other}), AS_OF)
    (row,) = view.recurrences
    assert row.shared == "—"
    assert row.fix_not_shipped == "no: every fix had shipped"
    codes = {f.code for f in check_repository(*_loaded(tmp_path)).findings}
    assert "PM502" not in codes


def _loaded(root: Path) -> tuple[object, Context]:
    root, policy = load_context(str(root), None, None)
    repository = load_repository(root, policy, discover(root, policy))
    return repository, Context(policy, repository.roster, AS_OF)
