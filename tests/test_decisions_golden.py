"""Each decision command on a hand-kept file full of comments and mixed styles: the printed diff
is byte-for-byte the golden under ``tests/golden/decisions/``, and it is exactly what changed in
the file. Refresh with ``PMCHECK_UPDATE_GOLDEN=1 python -m pytest tests/test_decisions_golden.py``
and review the diff.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from tests.decisions_helpers import AS_OF, MIXED, TESTS, copy_fixture, run

GOLDEN = TESTS / "golden" / "decisions"
UPDATE = os.environ.get("PMCHECK_UPDATE_GOLDEN") == "1"

COMMANDS = {
    "escalate": [
        "action", "escalate", "PM-2026-101-A1", "--reason", "refunds service freeze until 2026-06-22",
        "--plan", "cap ships 2026-06-24; gateway cap stays on", "--by", "carol.wu",
    ],
    "extend": [
        "action", "extend", "PM-2026-101-A4", "--to", "2026-06-26", "--reason", "eval runner still blocked",
        "--approved-by", "dana.kim",
    ],
    "reassign": [
        "action", "reassign", "PM-2026-101-A3", "--to", "bo.chen", "--reason", "femi.ade moved to the SRE on-call rotation",
    ],
    "done": [
        "action", "done", "PM-2026-101-A5", "--evidence", "https://git.example/refunds/pull/9",
        "--metric", "share of refund decisions with rationale", ">= 100%", "7d", "100%",
    ],
    "verify": [
        "action", "verify", "PM-2026-101-A2", "--by", "carol.wu", "--result", "pass",
        "--notes", "replayed 3 over-cap refunds; the alert fired within 2 minutes",
    ],
    "drop": [
        "action", "drop", "PM-2026-101-A6", "--decision", "superseded", "--superseded-by", "PM-2026-101-A1",
        "--rationale", "the server-side cap (A1) removes the risk", "--decided-by", "dana.kim",
    ],
    "review": [
        "review", "PM-2026-101", "--date", AS_OF, "--attendees", "carol.wu,dana.kim,alice.ng",
        "--notes", "A1 escalated to the sponsor; A4 extended",
    ],
}


@pytest.fixture(autouse=True)
def _no_git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def _diff(before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"a/{MIXED}", f"b/{MIXED}"))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_decision_diff_matches_golden(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_fixture(tmp_path)
    before = (root / MIXED).read_bytes()
    code, out, err = run(capsys, "--repo", str(root), *COMMANDS[name], "--as-of", AS_OF)
    assert (code, err) == (0, "")
    diff, _, summary = out.rpartition("\n@@")[0], None, out.splitlines()[-1]
    assert summary.startswith("recorded: ")
    printed = out[: -len(summary) - 1]
    after = (root / MIXED).read_bytes()
    # What was printed is exactly what changed in the file.
    assert printed == _diff(before.decode(), after.decode())
    golden = GOLDEN / f"{name}.diff"
    if UPDATE:
        golden.write_bytes(printed.encode())
    assert printed.encode() == golden.read_bytes(), f"{golden.name} is out of date; run with PMCHECK_UPDATE_GOLDEN=1 and review"
    assert diff is not None


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_dry_run_prints_the_same_diff_and_writes_nothing(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_fixture(tmp_path)
    before = (root / MIXED).read_bytes()
    code, out, err = run(capsys, "--repo", str(root), *COMMANDS[name], "--as-of", AS_OF, "--dry-run")
    assert (code, err) == (0, "")
    assert out.encode() == (GOLDEN / f"{name}.diff").read_bytes()
    assert (root / MIXED).read_bytes() == before
    assert sorted(p.name for p in (root / "postmortems").iterdir()) == ["PM-2026-101.yaml"]  # no temporary file left


def test_windows_line_endings_and_a_missing_final_newline_survive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_fixture(tmp_path)
    path = root / MIXED
    text = path.read_text()
    path.write_bytes(text.rstrip("\n").replace("\n", "\r\n").encode())
    code, out, err = run(capsys, "--repo", str(root), *COMMANDS["drop"], "--as-of", AS_OF)
    assert (code, err) == (0, "")
    after = path.read_bytes()
    assert not after.endswith(b"\n")
    assert after.count(b"\n") == after.count(b"\r\n")
    # The same lines changed as with Unix endings.
    expected = (GOLDEN / "drop.diff").read_text()
    changed = [line for line in out.replace("\r\n", "\n").splitlines() if line[:1] in "+-"]
    assert changed == [line for line in expected.splitlines() if line[:1] in "+-"]
    assert "\\ No newline at end of file" in out
