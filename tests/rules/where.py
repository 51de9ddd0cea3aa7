"""Find where a piece of text sits in a postmortem written by the `run` fixture."""

from __future__ import annotations

from pathlib import Path


def where(repo: Path, pm_id: str, needle: str, after: str | None = None) -> tuple[int, int]:
    """(line, column), 1-based, of the first ``needle`` (after the first ``after``, if given)."""
    lines = (repo / "postmortems" / f"{pm_id}.yaml").read_text().splitlines()
    start = 0
    if after is not None:
        start = next(n for n, line in enumerate(lines) if after in line)
    for n in range(start, len(lines)):
        column = lines[n].find(needle)
        if column >= 0:
            return n + 1, column + 1
    raise AssertionError(f"{needle!r} not in {pm_id}")
