"""A scripted weekly review of the sample repository, recorded with the decision commands in a
real git repository at the README's date, then checked the way CI would check the commit."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.decisions_helpers import SAMPLE, run
from tests.gitrepo import GitRepo

AS_OF = "2026-11-27"
REVIEWED = {
    "PM-2026-043-A1": ("escalate, then extend", {"PM202", "PM203", "PM205", "PM206", "PM207", "PM208"}),
    "PM-2026-041-A2": ("reassign (a first owner)", {"PM101", "PM102", "PM103", "PM104", "PM106"}),
    "PM-2026-041-A1": ("verify", {"PM302", "PM303", "PM304", "PM305"}),
    "PM-2026-043-A4": ("extend", {"PM202", "PM203", "PM205", "PM208"}),
    "PM-2026-041-A3": ("reassign", {"PM101", "PM102", "PM103", "PM104", "PM106"}),
    "PM-2026-041-A5": ("drop", {"PM306", "PM008"}),
}
SCRIPT = [
    ["action", "escalate", "PM-2026-043-A1", "--reason", "manual-review queue needs two more analysts",
     "--plan", "fail-closed routing ships by 2026-12-04 once trust and safety staffs the queue",
     "--interim", "orders above USD 200 go to manual review whenever the unscored-approval alert fires",
     "--by", "raj.iyer"],
    # The sponsor, told, agrees the new date: a P0's one extension, approved by the sponsor.
    ["action", "extend", "PM-2026-043-A1", "--to", "2026-12-04", "--reason", "fail-closed routing waits for two more analysts",
     "--approved-by", "dana.kim"],
    ["action", "reassign", "PM-2026-041-A2", "--to", "alice.ng", "--reason", "ml-platform names its one accountable owner"],
    ["action", "verify", "PM-2026-041-A1", "--by", "raj.iyer", "--result", "pass",
     "--notes", "replayed the incident traffic; no duplicate charges"],
    ["action", "extend", "PM-2026-043-A4", "--to", "2026-12-18", "--reason", "card networks extended the dispute window",
     "--approved-by", "jonas.berg"],
    ["action", "reassign", "PM-2026-041-A3", "--to", "lucas.meyer", "--reason", "kenji.mori moved to the database team"],
    ["action", "drop", "PM-2026-041-A5", "--decision", "risk_accepted", "--rationale", "the legacy path is retired in January",
     "--decided-by", "dana.kim"],
    ["review", "PM-2026-043", "PM-2026-041", "--date", AS_OF, "--attendees", "raj.iyer,dana.kim,sam.patel",
     "--notes", "A1 escalated to the sponsor; A4 extended"],
]


@pytest.fixture(autouse=True)
def _no_git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def findings(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    code, out, err = run(capsys, "--repo", str(root), "check", "--format", "json", "--as-of", AS_OF, *args)
    assert err == ""
    return code, json.loads(out)["findings"]


def test_a_recorded_review_leaves_no_finding_of_its_rules_and_passes_pull_request_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    repo = GitRepo.init(root)
    base = repo.commit("Sample repository before the review", date="2026-11-26T09:00:00+00:00")

    _, before = findings(capsys, root)
    assert any(f["code"] == "PM206" and f["action"] == "PM-2026-043-A1" for f in before)

    for args in SCRIPT:
        code, out, err = run(capsys, "--repo", str(root), *args, "--as-of", AS_OF)
        assert (code, err) == (0, ""), args
        assert out.splitlines()[-1].startswith("recorded: ")
    changed = repo.git("status", "--porcelain").split()
    assert changed == ["M", "postmortems/PM-2026-041.yaml", "M", "postmortems/PM-2026-043.yaml"]
    repo.commit("Record the weekly review of 2026-11-27", date="2026-11-27T16:00:00+00:00")

    # A full check: none of the rules a decision is about fires on the action it was about.
    _, after = findings(capsys, root)
    for action, (command, codes) in REVIEWED.items():
        left = [f for f in after if f["action"] == action and f["code"] in codes]
        assert left == [], (command, left)
    # Only findings that were already there remain; the review added none.
    key = lambda f: (f["code"], f["action"], f["message"])  # noqa: E731
    assert {key(f) for f in after} - {key(f) for f in before} == set()
    assert ("PM206", "PM-2026-043-A1") not in {(f["code"], f["action"]) for f in after}

    # Pull-request mode against the commit before, as CI checks the review's commit: the audit
    # rules (PM106, PM203) see the base and accept the recorded changes, and nothing fails.
    code, pr = findings(capsys, root, "--changed-since", base)
    failing = [f for f in pr if f["severity"] == "error" and not f.get("notice")]
    assert not [f for f in pr if f["code"] in {"PM106", "PM203", "PM206", "PM207", "PM208", "PM304", "PM306"}]
    assert failing == []
    assert code == 0

    code, out, _ = run(capsys, "--repo", str(root), "check", "--as-of", AS_OF, "--changed-since", base)
    assert code == 0, out
