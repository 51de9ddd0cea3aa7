"""History's blob parser loads a postmortem's actions piece by piece, each distinct action text
once; it must give exactly what loading the id line and the actions block whole gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pmcheck import git
from pmcheck.loader import DEFAULT_LIMITS, Limits
from tests.test_pr_mode import BASE, OVERDUE

TESTS = Path(__file__).resolve().parent
CORPUS = sorted((TESTS.parent / "sample-repo" / "postmortems").glob("*.yaml")) + sorted((TESTS / "hostile").glob("*.yaml"))

ACTIONS = """\
id: PM-2026-001
title: Search outage
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage
    owner: bo.chen
    due: 2026-07-15
    deadline_changes:
      - {from: 2026-07-08, to: 2026-07-15, at: 2026-06-02, reason: vendor, approved_by: dana.kim}
  - id: PM-2026-001-A2
    title: Alert on p99
    owner: femi.ade
    due: 2026-08-20
summary: text after the actions
"""

A2 = "  - id: PM-2026-001-A2\n    title: Alert on p99\n    owner: femi.ade\n    due: 2026-08-20\n"
INDENTLESS = "".join(line[2:] + "\n" for line in ACTIONS[ACTIONS.index("  - id") : ACTIONS.index("summary")].splitlines())

# Each: (what it exercises, the text from ACTIONS it replaces, its replacement).
VARIANTS = [
    ("comments and blank lines", "  - id: PM-2026-001-A2\n", "\n# a comment\n  # another\n\n  - id: PM-2026-001-A2\n"),
    ("indentless items", ACTIONS[ACTIONS.index("  - id"):ACTIONS.index("summary")], INDENTLESS),
    ("items at two indents", "  - id: PM-2026-001-A2\n", "   - id: PM-2026-001-A2\n"),
    ("a flow item", A2, "  - {id: PM-2026-001-A2, title: Alert on p99,\n     owner: femi.ade, due: 2026-08-20}\n"),
    ("a flow item ending left of the items", A2, "  - {id: PM-2026-001-A2, title: Alert on p99,\n owner: femi.ade}\n"),
    ("a block scalar", "    title: Add a canary stage\n", "    title: |\n      Add a\n\n      - canary stage\n"),
    ("a multi-line plain scalar", "    title: Add a canary stage\n", "    title: Add a\n      canary stage\n"),
    ("a quoted scalar over lines", "    title: Add a canary stage\n", '    title: "Add a\n  - canary stage"\n'),
    ("an unclosed quote", "    title: Add a canary stage\n", '    title: "Add a canary stage\n'),
    ("an anchor in one item", "    title: Alert on p99\n", "    title: &t Alert on p99\n"),
    ("an alias to another item", "    title: Alert on p99\n", "    title: *t\n"),
    ("a tag", "    owner: femi.ade\n", "    owner: !!python/name:os.system femi.ade\n"),
    ("a duplicate key", "    owner: femi.ade\n", "    owner: femi.ade\n    owner: bo.chen\n"),
    ("a tab", "    owner: femi.ade\n", "\towner: femi.ade\n"),
    ("a carriage return", "    owner: femi.ade\n", "    owner: femi.ade\r\n"),
    ("a lone carriage return", "    owner: femi.ade\n", "    owner: femi\r.ade\n"),
    ("a form feed", "    owner: femi.ade\n", "    owner: femi\x0c  - id: X\n"),
    ("a line separator", "    owner: femi.ade\n", "    owner: femi\u2028  - id: X\n"),
    ("flow actions", "actions:\n", "actions: []\nother:\n"),
    ("a comment on the actions line", "actions:\n", "actions:  # the actions\n"),
    ("no items", "  - id: PM-2026-001-A1\n", "  x: 1\n  - id: PM-2026-001-A1\n"),
    ("a document end", "summary: text", "...\nsummary: text"),
    ("a second document", "summary: text", "---\nsummary: text"),
    ("a dash line in the block", "  - id: PM-2026-001-A2\n", "-\n  - id: PM-2026-001-A2\n"),
    ("an empty item", "  - id: PM-2026-001-A2\n", "  -\n  - id: PM-2026-001-A2\n"),
    ("a nested list item", "  - id: PM-2026-001-A2\n", "  - - nested\n  - id: PM-2026-001-A2\n"),
    ("an id with more on its line", "id: PM-2026-001\n", "id: PM-2026-001 # first\n"),
    ("a quoted id", "id: PM-2026-001\n", "id: 'PM-2026-001'\n"),
    ("an id over two lines", "id: PM-2026-001\n", "id: PM-2026-\n  001\n"),
    ("a list id", "id: PM-2026-001\n", "id: [a, b]\n"),
    ("a key after the items", "summary: text", "  also: 1\nsummary: text"),
    ("an indentless list under a key", "      - {from: 2026-07-08", "    - {from: 2026-07-08"),
    ("a complex key", "    owner: femi.ade\n", "    ? owner\n    : femi.ade\n"),
    ("a quoted key", "    owner: femi.ade\n", "    'owner': femi.ade\n"),
    ("a comment at the keys' column", "    owner: femi.ade\n", "    # handed over\n    owner: femi.ade\n"),
    ("a continuation left of the keys", "    title: Add a canary stage\n", "    title: Add a\n   canary stage\n"),
    ("spaces after the dash", "  - id: PM-2026-001-A1\n", "  -   id: PM-2026-001-A1\n"),
    ("a block scalar holding key lines", "    title: Alert on p99\n", "    title: |\n      due: 2030-01-01\n\n      owner: x\n"),
    ("a key without its space", "    owner: femi.ade\n", "    owner:femi.ade\n"),
    ("a value on the next line", "    owner: femi.ade\n", "    owner:\n      femi.ade\n"),
    ("a key ending a line", "    owner: femi.ade\n", "    owner:\n"),
    ("a sequence item first", "  - id: PM-2026-001-A2\n", "  - - x\n    - y\n  - id: PM-2026-001-A2\n"),
    ("a mapping in a mapping", "    owner: femi.ade\n", "    owner:\n      name: femi.ade\n      team: search\n"),
    ("yaml 1.1 booleans and numbers", "    owner: femi.ade\n", "    owner: yes\n    effort: 0755\n    weight: 1.5e3\n"),
]


def deep(levels: int) -> str:
    """ACTIONS with mappings nested ``levels`` deep in the last action."""
    nested = "".join(f"{' ' * (6 + 2 * n)}k{n}:\n" for n in range(levels))
    return ACTIONS.replace("    due: 2026-08-20\n", "    due: 2026-08-20\n    deep:\n" + nested)


def both(text: str, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, Any]:
    raw = text.encode("utf-8")
    return git._parse(raw, "p.yaml", limits, False, {}), git._parse(raw, "p.yaml", limits, False)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_the_corpus_loads_the_same_piece_by_piece(path: Path) -> None:
    pieced, whole = both(path.read_text(encoding="utf-8"))
    assert pieced == whole


@pytest.mark.parametrize(("name", "old", "new"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_unusual_shapes_load_the_same_piece_by_piece(name: str, old: str, new: str) -> None:
    assert old in ACTIONS
    text = ACTIONS.replace(old, new, 1)
    pieced, whole = both(text)
    assert pieced == whole
    # With a postmortem's ordinary prefix and suffix too.
    pieced, whole = both(BASE + OVERDUE.replace("PM-2026-001-A1", "PM-2026-001-A9") + "\n" + text.split("actions:", 1)[-1])
    assert pieced == whole


def test_the_ordinary_shape_takes_the_piece_path() -> None:
    pieces: dict[str, Any] = {}
    data = git._essentials_by_piece(ACTIONS, "p.yaml", DEFAULT_LIMITS, pieces)
    assert data is not None and [a["id"] for a in data["actions"]] == ["PM-2026-001-A1", "PM-2026-001-A2"]
    # The id line, and each member of each action (five and four).
    assert len(pieces) == 10 and "    owner: femi.ade\n" in pieces


@pytest.mark.parametrize("levels", [57, 58, 59, 60, 61, 62])
def test_nesting_near_the_limit_loads_the_same(levels: int) -> None:
    pieced, whole = both(deep(levels), Limits(max_depth=64))
    assert pieced == whole


def test_only_the_changed_member_of_a_new_version_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[str] = []
    load_text = git.load_text

    def loading(text: str, path: str, limits: Limits = DEFAULT_LIMITS) -> Any:
        loaded.append(text)
        return load_text(text, path, limits)

    monkeypatch.setattr(git, "load_text", loading)
    parser = git.BlobParser()
    first = parser.parse("a" * 40, ACTIONS.encode(), "p.yaml", whole=False)
    loaded.clear()
    second = parser.parse("b" * 40, ACTIONS.replace("due: 2026-07-15", "due: 2026-07-22").encode(), "p.yaml", whole=False)
    assert loaded == ["    due: 2026-07-22\n"]
    assert first.actions["PM-2026-001-A2"] == second.actions["PM-2026-001-A2"]
    assert first.actions["PM-2026-001-A1"]["due"] == "2026-07-15" and second.actions["PM-2026-001-A1"]["due"] == "2026-07-22"
