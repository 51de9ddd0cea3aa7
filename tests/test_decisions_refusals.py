"""Decisions that would break a rule are refused with the rule's finding and exit 1; bad input is
one line and exit 2. Either way the postmortem file keeps its exact bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.decisions_helpers import MIXED, SAMPLE, copy_fixture, run

AS_OF = "2026-11-27"
PM043 = "postmortems/PM-2026-043.yaml"
PM041 = "postmortems/PM-2026-041.yaml"


@pytest.fixture(autouse=True)
def _no_git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_fixture(tmp_path, SAMPLE)
    # Findings name files from the current directory, as `check` does.
    monkeypatch.chdir(root)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the repository but the result cache (which `check` writes as well)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".pmcheck_cache" not in p.relative_to(root).parts
    }


def refused(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> str:
    before = snapshot(root)
    code, out, err = run(capsys, "--repo", str(root), *args, "--as-of", AS_OF)
    assert code == 1, (out, err)
    assert out == ""
    assert snapshot(root) == before
    return err


def test_extension_of_a_p1_approved_by_its_owner_is_refused_as_pm203(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(
        capsys, sample, "action", "extend", "PM-2026-043-A4", "--to", "2026-12-18",
        "--reason", "dispute windows are long", "--approved-by", "nadia.rahman",
    )
    assert (
        f"{PM043}:129:5: [error] PM203 deadline-moved-without-record: due date of P1 action PM-2026-043-A4 moved from "
        "2026-12-04 to 2026-12-18 with a deadline change approved by its owner\n"
        "  hint: have someone other than the owner (a manager or the executive sponsor) approve the move\n"
    ) in err
    assert err.endswith(f"refused: nothing written to {PM043}\n")


def test_an_extension_past_max_extensions_not_approved_by_the_sponsor_is_refused_as_pm208(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # P0 allows one extension; the sponsor dana.kim approves the first, raj.iyer may not approve the second.
    code, _, err = run(
        capsys, "--repo", str(sample), "action", "extend", "PM-2026-043-A1", "--to", "2026-12-04",
        "--reason", "queue staffing", "--approved-by", "dana.kim", "--as-of", AS_OF,
    )
    assert (code, err) == (0, "")
    err = refused(
        capsys, sample, "action", "extend", "PM-2026-043-A1", "--to", "2026-12-11",
        "--reason", "chaos test slipped", "--approved-by", "raj.iyer",
    )
    assert (
        "PM208 too-many-extensions: action PM-2026-043-A1 has 2 deadline changes, more than the 1 P0 allows, "
        "and the newest is approved by raj.iyer, not the executive sponsor\n"
        "  hint: have the executive sponsor dana.kim approve the extension\n"
    ) in err
    # The sponsor may grant it.
    code, out, err = run(
        capsys, "--repo", str(sample), "action", "extend", "PM-2026-043-A1", "--to", "2026-12-11",
        "--reason", "chaos test slipped", "--approved-by", "dana.kim", "--as-of", AS_OF,
    )
    assert (code, err) == (0, "")
    assert out.endswith("recorded: PM-2026-043-A1 due 2026-12-04 -> 2026-12-11, approved by dana.kim on 2026-11-27\n")


def test_verification_by_the_owner_is_refused_as_pm304(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(capsys, sample, "action", "verify", "PM-2026-041-A1", "--by", "sam.patel", "--result", "pass")
    assert err == (
        f"{PM041}:75:7: [error] PM304 self-verified: action PM-2026-041-A1 is verified by its owner sam.patel\n"
        "  hint: have someone other than the owner check the evidence against the success criteria\n"
        f"refused: nothing written to {PM041}\n"
    )


def test_drop_of_a_p1_decided_by_an_engineer_is_refused_as_pm306(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(
        capsys, sample, "action", "drop", "PM-2026-043-A5", "--decision", "wont_do",
        "--rationale", "checklists are not read", "--decided-by", "sam.patel",
    )
    assert "PM306 undecided-non-completion: action PM-2026-043-A5 (P1) was closed as wont_do by sam.patel, " in err
    assert "who is neither an approver nor an executive sponsor\n" in err


def test_escalation_to_someone_who_is_not_the_rungs_person_is_refused_as_pm206(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(
        capsys, sample, "action", "escalate", "PM-2026-043-A1", "--to", "carol.wu",
        "--reason", "queue not staffed", "--plan", "ship by 2026-12-04", "--by", "raj.iyer",
    )
    assert "PM206 overdue-action-not-escalated: P0 action PM-2026-043-A1 is 7 days overdue: its executive sponsor dana.kim" in err
    # Even once the sponsor was told, a second escalation must still go to a rung's person.
    code, _, _ = run(
        capsys, "--repo", str(sample), "action", "escalate", "PM-2026-043-A1", "--reason", "queue not staffed",
        "--plan", "ship by 2026-12-04", "--by", "raj.iyer", "--as-of", AS_OF,
    )
    assert code == 0
    err = refused(
        capsys, sample, "action", "escalate", "PM-2026-043-A1", "--to", "carol.wu",
        "--reason", "still not staffed", "--plan", "ship by 2026-12-11", "--by", "raj.iyer",
    )
    assert (
        "PM206 overdue-action-not-escalated: escalation of P0 action PM-2026-043-A1 to carol.wu: "
        "the exec_sponsor rung's person is dana.kim\n"
    ) in err


def test_a_waived_rule_does_not_refuse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_fixture(tmp_path)
    path = root / MIXED
    path.write_text(path.read_text().replace(
        "        priority_rationale: A1 removes the risk; retraining is an optimisation\n",
        "        priority_rationale: A1 removes the risk; retraining is an optimisation\n"
        "        waivers: [{rule: PM306, reason: decided in the exec review, approved_by: dana.kim, expires: 2026-07-01}]\n",
    ))
    code, out, err = run(
        capsys, "--repo", str(root), "action", "drop", "PM-2026-101-A6", "--decision", "wont_do",
        "--rationale", "not worth it", "--decided-by", "bo.chen", "--as-of", "2026-06-15",
    )
    assert (code, err) == (0, "")
    assert "+        status: wont_do\n" in out


# Bad input: one line on stderr, exit 2, nothing written.
BAD = [
    (["action", "extend", "PM-2026-043-A9", "--to", "2026-12-04", "--reason", "r", "--approved-by", "dana.kim"],
     "pmcheck: error: action PM-2026-043-A9 is not in any postmortem under postmortems/**/*.yaml, postmortems/**/*.yml\n"),
    (["action", "extend", "PM-2026-043-A1", "--to", "2026-11-13", "--reason", "r", "--approved-by", "dana.kim"],
     "pmcheck: error: --to 2026-11-13 is not after the current due date 2026-11-20 of action PM-2026-043-A1\n"),
    (["action", "extend", "PM-2026-043-A1", "--to", "2026-12-04", "--reason", "r", "--approved-by", "zed.quinn"],
     "pmcheck: error: --approved-by zed.quinn: no such person in people.yaml\n"),
    (["action", "extend", "PM-2026-043-A1", "--to", "2026-12-04", "--reason", "  ", "--approved-by", "dana.kim"],
     "pmcheck: error: --reason is empty\n"),
    (["action", "extend", "PM-2026-043-A2", "--to", "2026-12-04", "--reason", "r", "--approved-by", "dana.kim"],
     "pmcheck: error: action PM-2026-043-A2 is verified; a closed action cannot be extended\n"),
    (["action", "extend", "PM-2026-043-A1", "--to", "2026-12-04", "--reason", "r"],
     "pmcheck: error: --approved-by is required (git config user.email is not set, so the person recording cannot be found)\n"),
    (["action", "reassign", "PM-2026-043-A1", "--to", "sam.patel", "--reason", "r"],
     "pmcheck: error: action PM-2026-043-A1 is already owned by sam.patel\n"),
    (["action", "reassign", "PM-2026-038-A4", "--to", "sam.patel", "--reason", "r"],
     "pmcheck: error: action PM-2026-038-A4 has several owners ('maria.lopez and sam.patel'); give it one owner by hand first (PM102)\n"),
    (["action", "verify", "PM-2026-043-A1", "--by", "dana.kim", "--result", "pass"],
     "pmcheck: error: action PM-2026-043-A1 is in_progress; only a done action is verified (record `action done` first)\n"),
    (["action", "drop", "PM-2026-043-A5", "--decision", "superseded", "--rationale", "r", "--decided-by", "dana.kim"],
     "pmcheck: error: --decision superseded needs --superseded-by ACTION-ID (the action that replaces this one)\n"),
    (["action", "drop", "PM-2026-043-A5", "--decision", "duplicate", "--rationale", "r", "--decided-by", "dana.kim",
      "--superseded-by", "PM-2026-043-A7"],
     "pmcheck: error: --superseded-by PM-2026-043-A7: no such action in the repository\n"),
    (["action", "escalate", "PM-2026-043-A4", "--reason", "r", "--plan", "p", "--by", "raj.iyer"],
     "pmcheck: error: action PM-2026-043-A4 (P1, due 2026-12-04) has passed no rung of its escalation ladder on "
     "2026-11-27; give --to to escalate it anyway\n"),
    (["action", "done", "PM-2026-043-A2", "--evidence", "https://x.example/pull/1"],
     "pmcheck: error: action PM-2026-043-A2 is already verified\n"),
    (["review", "PM-2026-099", "--date", "2026-11-27"],
     "pmcheck: error: postmortem PM-2026-099 is not in any postmortem under postmortems/**/*.yaml, postmortems/**/*.yml\n"),
    (["review", "PM-2026-043", "--date", "2026-11-30"],
     "pmcheck: error: --date 2026-11-30 is after the as-of date 2026-11-27; record a review once it has happened\n"),
    (["review", "PM-2026-043", "--date", "2026-11-27", "--attendees", "dana.kim,zed.quinn"],
     "pmcheck: error: --attendees: zed.quinn not in people.yaml\n"),
    (["action", "extend", "PM-2026-043-A1", "--to", "next week", "--reason", "r", "--approved-by", "dana.kim"],
     "pmcheck: error: Invalid value for '--to': 'next week' is not a date (YYYY-MM-DD) (see `pmcheck action extend --help`)\n"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a[:2]) + f"-{n}" for n, (a, _) in enumerate(BAD)])
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], message: str, sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(sample)
    code, out, err = run(capsys, "--repo", str(sample), *args, "--as-of", AS_OF)
    assert (code, out, err) == (2, "", message)
    assert snapshot(sample) == before


def test_an_id_in_two_files_is_exit_2(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = (sample / PM043).read_text().replace("id: PM-2026-043\n", "id: PM-2026-044\n", 1)
    (sample / "postmortems" / "PM-2026-044.yaml").write_text(copy)
    code, _, err = run(capsys, "--repo", str(sample), "action", "reassign", "PM-2026-043-A1", "--to", "maria.lopez",
                       "--reason", "r", "--as-of", AS_OF)
    assert code == 2
    assert err == (
        "pmcheck: error: action id PM-2026-043-A1 is in more than one place: postmortems/PM-2026-043.yaml (action 1), "
        "postmortems/PM-2026-044.yaml (action 1); fix the duplicate (PM005) first\n"
    )


def test_a_file_that_does_not_load_is_refused(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = sample / PM043
    path.write_text(path.read_text().replace("    status: in_progress\n", "    status: [in_progress\n", 1))
    before = snapshot(sample)
    code, out, err = run(capsys, "--repo", str(sample), "action", "reassign", "PM-2026-043-A1", "--to", "maria.lopez",
                         "--reason", "r", "--as-of", AS_OF)
    assert (code, out) == (2, "")
    assert err.startswith("pmcheck: error: action PM-2026-043-A1 is not in any postmortem under postmortems/**/*.yaml, "
                          "postmortems/**/*.yml; 1 file(s) could not be read: postmortems/PM-2026-043.yaml\n")
    assert snapshot(sample) == before


def test_a_schema_error_in_the_edited_action_is_refused(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = sample / PM043
    path.write_text(path.read_text().replace("    due: 2026-11-20\n", "    due: 2026-11-31\n", 1))
    before = snapshot(sample)
    code, out, err = run(capsys, "--repo", str(sample), "action", "reassign", "PM-2026-043-A1", "--to", "maria.lopez",
                         "--reason", "r", "--as-of", AS_OF)
    assert (code, out) == (2, "")
    assert err.startswith(f"pmcheck: error: {PM043}:68:")
    assert "PM003" in err and err.endswith("fix the file before recording a decision in it\n")
    assert err.count("\n") == 1
    assert snapshot(sample) == before


def test_the_git_users_roster_person_is_the_default(tmp_path: Path, sample: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "gitconfig"
    # dana.kim's GitHub handle, through GitHub's private commit address.
    config.write_text("[user]\n\temail = 4711+danakim@users.noreply.github.com\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    code, out, err = run(capsys, "--repo", str(sample), "action", "verify", "PM-2026-041-A1", "--result", "pass",
                         "--as-of", AS_OF, "--dry-run")
    assert (code, err) == (0, "")
    assert "+      by: dana.kim\n" in out
    config.write_text("[user]\n\temail = someone@else.example\n")
    code, out, err = run(capsys, "--repo", str(sample), "action", "verify", "PM-2026-041-A1", "--result", "pass",
                         "--as-of", AS_OF)
    assert (code, out) == (2, "")
    assert err == "pmcheck: error: --by is required: nobody in people.yaml has email or GitHub handle matching someone@else.example\n"


def test_the_roster_email_field_names_the_person(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_fixture(tmp_path / "x")
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\temail = Carol.Wu@example.com\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    code, out, err = run(capsys, "--repo", str(root), "action", "extend", "PM-2026-101-A4", "--to", "2026-06-26",
                         "--reason", "runner", "--as-of", "2026-06-15", "--dry-run")
    assert (code, err) == (0, "")
    assert "+            approved_by: carol.wu\n" in out


def test_a_schema_error_in_another_action_does_not_stop_the_decision(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = sample / PM043
    text = path.read_text()
    broken = text.replace("    due: 2026-12-04\n    status: open\n", "    due: 2026-12-32\n    status: open\n", 1)
    assert broken != text
    path.write_text(broken)
    code, out, err = run(capsys, "--repo", str(sample), "action", "escalate", "PM-2026-043-A1", "--reason", "queue not staffed",
                         "--plan", "ship by 2026-12-04", "--by", "raj.iyer", "--as-of", AS_OF)
    assert (code, err) == (0, "")
    assert "due: 2026-12-32" in path.read_text()
    assert out.endswith("recorded: PM-2026-043-A1 escalated to dana.kim (exec_sponsor) on 2026-11-27; mitigation timeline updated by raj.iyer\n")
