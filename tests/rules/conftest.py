"""Helpers for rule tests: write postmortems into a temporary repository and check them."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
import yaml

from pmcheck.engine import CheckOptions, run_check
from pmcheck.findings import Finding

DATA = Path(__file__).resolve().parent.parent / "data"
BASE = Path(__file__).resolve().parent / "example_base.yaml"
EXAMPLE_AS_OF = dt.date(2026, 6, 15)
_TOP_KEY = r"^([A-Za-z_][A-Za-z0-9_]*):"


def merge_onto_base(fragment: str, pm_id: str | None = None) -> tuple[str, str]:
    """(file id, text): the base postmortem with the fragment's top-level keys replacing its own.

    Works on text, not data, so fragments that are not valid YAML (PM001, PM002 examples) merge
    too. The base's ids are renamed to the fragment's `id` so a second postmortem stays valid.
    """
    import re

    fragment = textwrap.dedent(fragment).strip("\n") + "\n"
    keys = set(re.findall(_TOP_KEY, fragment, re.M))
    id_match = re.search(r"^id:\s*(\S+)", fragment, re.M)
    new_id = id_match[1] if id_match else (pm_id or "PM-2026-001")
    base = BASE.read_text().replace("PM-2026-001", new_id)
    kept: list[str] = []
    skipping = False
    for line in base.splitlines(keepends=True):
        top = re.match(_TOP_KEY, line)
        if top:
            skipping = top[1] in keys
        elif line.startswith("#"):
            skipping = False
        if not skipping:
            kept.append(line)
    return new_id, "".join(kept) + fragment


def split_documents(example: str) -> list[str]:
    """An example may hold several postmortems separated by `---` lines."""
    import re

    return [part for part in re.split(r"^---\s*$", example, flags=re.M) if part.strip()]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with the test roster and no pmcheck.yaml (built-in policy)."""
    (tmp_path / "postmortems").mkdir()
    (tmp_path / "people.yaml").write_text((DATA / "people.yaml").read_text())
    (tmp_path / "pmcheck.yaml").write_text("{}\n")
    return tmp_path


RunCheck = Callable[..., list[Finding]]


@pytest.fixture
def run(repo: Path) -> RunCheck:
    """run({"PM-2026-001": text, ...} or text, as_of=..., policy=...) -> findings."""

    def _run(
        docs: dict[str, str] | str,
        as_of: dt.date = EXAMPLE_AS_OF,
        policy: str | dict[str, object] | None = None,
        merge: bool = True,
    ) -> list[Finding]:
        if isinstance(docs, str):
            docs = {"": docs}
        for given_id, text in docs.items():
            if merge:
                pm_id, body = merge_onto_base(text, given_id or None)
                pm_id = given_id or pm_id
            else:
                pm_id, body = given_id, textwrap.dedent(text)
            (repo / "postmortems" / f"{pm_id}.yaml").write_text(body)
        if policy is not None:
            text = policy if isinstance(policy, str) else yaml.safe_dump(policy, sort_keys=False)
            (repo / "pmcheck.yaml").write_text(textwrap.dedent(text))
        result = run_check(CheckOptions(repo=str(repo), as_of=as_of))
        return list(result.findings)

    return _run


def codes(findings: list[Finding]) -> list[str]:
    return sorted({f.code for f in findings})


def audit_change(
    check: Callable[..., object], tmp_path: Path, base: str, head: str, as_of: dt.date = EXAMPLE_AS_OF
) -> list[tuple[int, int, str, str]]:
    """(line, column, pointer, message) of an audit rule for ``head`` against ``base`` (fragments).

    The base version reaches the rule as git facts, so audit-rule tests need no repository.
    """
    from pmcheck.context import Context, GitFacts
    from pmcheck.findings import pointer
    from pmcheck.loader import load_text
    from pmcheck.model import build_postmortem
    from pmcheck.policy import load_policy

    path = "postmortems/PM-2026-001.yaml"
    base_data = load_text(merge_onto_base(base)[1], "base.yaml").data
    loaded = load_text(merge_onto_base(head)[1], path)
    assert loaded.ok, loaded.problems
    pm = build_postmortem(path, loaded.data, dt.timezone.utc)
    facts = GitFacts(
        base="0" * 40,
        changed_paths=frozenset({path}),
        touched_postmortems=frozenset(),
        touched_actions=frozenset(),
        base_actions={a["id"]: a for a in base_data["actions"]},
    )
    ctx = Context(load_policy(tmp_path), None, as_of, facts)
    violations = check(pm, ctx)
    assert isinstance(violations, Iterable)
    return [(*loaded.spans.locate(v.at)[:2], pointer(v.at), v.message) for v in violations]
