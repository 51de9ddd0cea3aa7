"""Property: for generated postmortems written in many styles (indentation, dash offsets, flow or
block, quoting, comments between and inside everything) and a decision on one of them, the
edited file loads with pmcheck's loader, keeps every comment, and differs from the original only
inside the edited action's lines (or the top-level list a review or escalation appends to)."""

from __future__ import annotations

import datetime as dt
import os
import difflib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmcheck.decisions import commands
from pmcheck.decisions.commands import Common
from pmcheck.loader import load_text
from tests.decisions_helpers import FIXTURE

AS_OF = dt.date(2026, 6, 15)
PM = "PM-2026-201"


@dataclass
class Writer:
    """Emits YAML text in a drawn style, numbering each comment so it can be found again."""

    draw: st.DrawFn
    mapping: int
    offset: int
    gap: int
    lines: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def comment(self, indent: int) -> None:
        if self.draw(st.booleans()):
            token = f"# note {len(self.comments)}"
            self.comments.append(token)
            self.lines.append(" " * self.draw(st.sampled_from([0, indent])) + token)
        if self.draw(st.integers(0, 5)) == 0:
            self.lines.append("")

    def eol(self) -> str:
        if self.draw(st.integers(0, 3)) == 0:
            token = f"# note {len(self.comments)}"
            self.comments.append(token)
            return " " * self.draw(st.integers(1, 4)) + token
        return ""

    def scalar(self, value: str) -> str:
        style = self.draw(st.sampled_from(["plain", "single", "double"]))
        if style == "single":
            return f"'{value}'"
        if style == "double":
            return f'"{value}"'
        return value

    def pairs(self, indent: int, items: list[tuple[str, object]], first_prefix: str = "") -> None:
        for n, (key, value) in enumerate(items):
            if n:
                self.comment(indent)
            lead = first_prefix if n == 0 and first_prefix else " " * indent
            if isinstance(value, list) and value and isinstance(value[0], dict):
                self.lines.append(f"{lead}{key}:{self.eol()}")
                self.block_list(indent, value)
            elif isinstance(value, list):
                self.lines.append(f"{lead}{key}: [{', '.join(str(v) for v in value)}]{self.eol()}")
            elif isinstance(value, dict):
                if self.draw(st.booleans()):
                    inner = ", ".join(f"{k}: {v}" for k, v in value.items())
                    self.lines.append(f"{lead}{key}: {{{inner}}}{self.eol()}")
                else:
                    self.lines.append(f"{lead}{key}:{self.eol()}")
                    self.pairs(indent + self.mapping, list(value.items()))
            else:
                text = self.scalar(str(value)) if key in ("title", "success_criteria", "reason", "plan", "notes") else str(value)
                self.lines.append(f"{lead}{key}: {text}{self.eol()}")

    def block_list(self, indent: int, items: list[dict[str, object]]) -> None:
        dash = indent + self.offset
        for item in items:
            self.comment(dash)
            flat = all(not isinstance(v, (list, dict)) for v in item.values())
            if flat and self.draw(st.integers(0, 3)) == 0:
                inner = ", ".join(f"{k}: {v}" for k, v in item.items())
                self.lines.append(f"{' ' * dash}- {{{inner}}}{self.eol()}")
                continue
            content = dash + 1 + self.gap
            self.pairs(content, list(item.items()), first_prefix=" " * dash + "-" + " " * self.gap)


@dataclass(frozen=True)
class Case:
    text: str
    comments: tuple[str, ...]
    statuses: tuple[str, ...]


@st.composite
def postmortems(draw: st.DrawFn) -> Case:
    writer = Writer(draw, draw(st.sampled_from([2, 3, 4])), draw(st.sampled_from([0, 2, 4])), draw(st.sampled_from([1, 3])))
    statuses = tuple(draw(st.lists(st.sampled_from(["in_progress", "open", "done"]), min_size=1, max_size=4)))
    actions: list[dict[str, object]] = []
    for n, status in enumerate(statuses, start=1):
        action: dict[str, object] = {
            "id": f"{PM}-A{n}", "title": f"Fix step {n} of the rollout", "type": "prevent", "priority": "P1",
            "owner": "alice.ng", "due": "2026-06-01" if status != "open" else "2026-06-20", "status": status,
            "success_criteria": f"eval pass rate at least 99 percent on set {n}",
        }
        if status == "done":
            action["completed_at"] = "2026-06-10"
            action["evidence"] = [{"type": "pull_request", "url": f"https://git.example/pull/{n}"}]
        if draw(st.booleans()):
            action["tracker"] = {"url": f"https://tracker.example/T-{n}"}
        actions.append(action)
    top: list[tuple[str, object]] = [
        ("schema_version", 1), ("id", PM), ("title", "Rollout gate let a bad prompt through"),
        ("severity", "SEV-2"), ("status", "in_review"), ("services", ["gateway"]),
        ("incident", {"started_at": "2026-06-01T09:00:00Z", "resolved_at": "2026-06-01T12:00:00Z"}),
        ("owner", "carol.wu"), ("executive_sponsor", "dana.kim"),
    ]
    if draw(st.booleans()):
        top.append(("reviews", [{"date": "2026-06-02", "attendees": ["carol.wu", "dana.kim"]}]))
    if draw(st.booleans()):
        top.append(("mitigation_timeline", [{"at": "2026-06-02", "plan": "gate rollouts by hand", "by": "carol.wu"}]))
    top.append(("actions", actions))
    writer.comment(0)
    writer.pairs(0, top)
    writer.comment(0)
    return Case("\n".join(writer.lines) + "\n", tuple(writer.comments), statuses)


def decide(case: Case, choice: int, root: Path) -> tuple[commands.Edit, tuple[str, ...]]:
    """A decision that fits the drawn action, and the top-level lists it may touch."""
    index = choice % len(case.statuses)
    action_id = f"{PM}-A{index + 1}"
    status = case.statuses[index]
    common = Common(str(root), None, AS_OF, True)
    kind = choice // len(case.statuses) % 6
    if kind == 5:
        edits = commands.review(common, [PM], AS_OF, "carol.wu,dana.kim", "weekly review")
        return edits[0], ("reviews",)
    if status == "done":
        return commands.verify(common, action_id, "carol.wu", "pass", "checked the eval run"), ()
    if kind == 0 and status == "in_progress":
        return commands.escalate(common, action_id, "blocked on the eval runner", "ship by 2026-06-26", None, None, "carol.wu"), ("mitigation_timeline",)
    if kind == 1:
        return commands.extend(common, action_id, dt.date(2026, 6, 28), "eval runner late", "carol.wu"), ()
    if kind == 2:
        return commands.reassign(common, action_id, "bo.chen", "alice.ng moved teams"), ()
    if kind == 3:
        return commands.done(common, action_id, ["https://git.example/pull/99"], []), ()
    return commands.drop(common, action_id, "risk_accepted", "the gate is retired", "dana.kim", None), ()


def allowed_ranges(text: str, index: int | None, lists: tuple[str, ...]) -> tuple[list[tuple[int, int]], tuple[str, ...]]:
    """0-based line ranges the edit may change: the action up to the next one, and top-level lists."""
    loaded = load_text(text, "x")
    spans = loaded.spans.spans
    lines = text.splitlines()
    ranges: list[tuple[int, int]] = []
    if index is not None:
        start = spans[("actions", index)][0] - 1
        following = spans.get(("actions", index + 1))
        ranges.append((start, following[0] - 1 if following else len(lines)))
    top_starts = sorted(span[0] - 1 for path, span in spans.items() if len(path) == 1)
    for key in lists:
        if (key,) in spans:
            begin = spans[(key,)][0] - 1
            after = [s for s in top_starts if s > begin]
            ranges.append((begin, after[0] if after else len(lines)))
    return ranges, lists


SETTINGS = settings(max_examples=int(os.environ.get("PMCHECK_DECISION_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("prop") / "repo"
    shutil.copytree(FIXTURE, base)
    for old in (base / "postmortems").iterdir():
        old.unlink()
    return base


@SETTINGS
@given(postmortems(), st.integers(0, 1000))
def test_an_edit_changes_only_the_decisions_lines(root: Path, case: Case, choice: int) -> None:
    path = root / "postmortems" / f"{PM}.yaml"
    path.write_text(case.text)
    assert load_text(case.text, "x").problems == []
    edit, lists = decide(case, choice, root)
    after = edit.after
    loaded = load_text(after, "x")
    assert loaded.problems == [] and isinstance(loaded.data, dict)
    for token in case.comments:
        assert after.count(token + "\n") + after.count(token + " ") == case.text.count(token + "\n") + case.text.count(token + " "), token
    index = None if lists == ("reviews",) else (choice % len(case.statuses))
    ranges, keys = allowed_ranges(case.text, index, lists)
    before_lines, after_lines = case.text.splitlines(), after.splitlines()
    for tag, o1, o2, j1, j2 in difflib.SequenceMatcher(None, before_lines, after_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        inside = any(lo <= o1 and o2 <= hi and (o1 < hi or tag == "insert") for lo, hi in ranges)
        # A list the file did not have yet is one inserted block starting with its key.
        new_list = tag == "insert" and any(after_lines[j1].startswith(f"{key}:") for key in keys)
        assert inside or new_list, (tag, before_lines[o1:o2], after_lines[j1:j2], ranges)
