"""`pmcheck history` and load_history on real git repositories with pinned dates and authors."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from pathlib import Path

import pytest

from pmcheck.cli import main
from pmcheck.display import inert_json
from pmcheck.history import Change, History, ProgressBar, change_record, load_history, render_json, render_text
from pmcheck.loader import Limits
from pmcheck.policy import load_policy
from tests.gitrepo import GitRepo, git_env
from tests.test_pr_mode import BASE, DATA, OVERDUE, PM

BO = ("Bo Chen", "bo.chen@example.com")
RENAMED = "postmortems/2026/PM-2026-001.yaml"


@pytest.fixture(autouse=True)
def clean_git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in git_env().items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("NO_COLOR", "1")
    # Blob summaries are cached by blob id, and the stories of these tests share blobs.
    monkeypatch.setenv("PMCHECK_CACHE_DIR", str(tmp_path / "cache"))


def pmcheck(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 0), out, err


def build_story(tmp_path: Path) -> GitRepo:
    """Five commits: add, silent slip, recorded slip, recorded hand-over, rename with a slip."""
    repo = GitRepo.init(
        tmp_path / "repo",
        {"pmcheck.yaml": "{}\n", "people.yaml": (DATA / "people.yaml").read_text(), PM: BASE + OVERDUE},
    )
    repo.commit("Add PM-2026-001", date="2026-06-02T10:00:00+00:00")
    repo.replace(PM, "due: 2026-07-15", "due: 2026-07-22")
    repo.commit("Slip A1 quietly", date="2026-06-05T09:30:00+00:00", author=BO)
    repo.replace(PM, "due: 2026-06-10", "due: 2026-06-24")
    (repo.path / PM).write_text(
        repo.read(PM)
        + "    deadline_changes:\n"
        "      - {from: 2026-06-10, to: 2026-06-24, at: 2026-06-08, reason: index rebuild slipped, approved_by: dana.kim}\n"
    )
    repo.commit("Extend A2 with sponsor approval", date="2026-06-08T16:00:00+02:00")
    repo.replace(PM, "owner: bo.chen\n", "owner: femi.ade\n")
    (repo.path / PM).write_text(
        repo.read(PM) + "    owner_changes:\n      - {from: bo.chen, to: femi.ade, at: 2026-06-09, reason: bo.chen is on leave}\n"
    )
    repo.commit("Hand A2 to Femi", date="2026-06-09T11:00:00+00:00")
    repo.move(PM, RENAMED)
    repo.replace(RENAMED, "due: 2026-07-22", "due: 2026-07-29")
    repo.commit("File under 2026 and slip A1 again", date="2026-06-12T08:00:00+00:00", author=BO)
    return repo


@pytest.fixture
def story(tmp_path: Path) -> GitRepo:
    return build_story(tmp_path)


def test_history_lists_every_change_in_order(story: GitRepo) -> None:
    history = load_history(story.path, load_policy(story.path))
    assert history is not None and not history.shallow
    assert history.commits == 5
    rows = [(c.date.isoformat(), c.action, c.field, c.old, c.new, c.recorded, c.author, c.path) for c in history.changes]
    assert rows == [
        ("2026-06-05", "PM-2026-001-A1", "due", "2026-07-15", "2026-07-22", False, "Bo Chen", PM),
        ("2026-06-08", "PM-2026-001-A2", "due", "2026-06-10", "2026-06-24", True, "Alice Ng", PM),
        ("2026-06-09", "PM-2026-001-A2", "owner", "bo.chen", "femi.ade", True, "Alice Ng", PM),
        ("2026-06-12", "PM-2026-001-A1", "due", "2026-07-22", "2026-07-29", False, "Bo Chen", RENAMED),
    ]
    commits = story.git("log", "--format=%H", "--reverse").split()
    assert [c.commit for c in history.changes] == [commits[1], commits[2], commits[3], commits[4]]
    assert all(c.postmortem == "PM-2026-001" for c in history.changes)


def test_history_command_text(story: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = pmcheck(capsys, "--repo", str(story.path), "history")
    assert code == 0, err
    lines = out.splitlines()
    sha = story.git("rev-parse", "HEAD~3").strip()[:12]
    assert lines[0] == (
        f"2026-06-05  {sha}  PM-2026-001-A1  due    2026-07-15 -> 2026-07-22  UNRECORDED  "
        f"Bo Chen <bo.chen@example.com>  {PM}"
    )
    assert lines[-1] == "4 changes (2 unrecorded) in 5 commits touching postmortems"
    assert err == ""


def test_history_command_json_and_since(story: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = pmcheck(capsys, "--repo", str(story.path), "history", "--format", "json", "--since", "2026-06-08")
    assert code == 0
    payload = json.loads(out)
    assert payload["since"] == "2026-06-08"
    assert [(c["action"], c["field"], c["recorded"]) for c in payload["changes"]] == [
        ("PM-2026-001-A2", "due", True),
        ("PM-2026-001-A2", "owner", True),
        ("PM-2026-001-A1", "due", False),
    ]
    assert payload["summary"] == {"commits": 3, "changes": 3, "unrecorded": 1, "by_field": {"due": 2, "owner": 1}}
    assert payload["changes"][0]["timestamp"] == "2026-06-08T16:00:00+02:00"
    assert payload["changes"][0]["date"] == "2026-06-08"


def test_each_blob_is_parsed_once(story: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmcheck import git

    seen: list[int] = []
    original = git._parse

    def counting(data: bytes | None, name: str, limits: Limits, whole: bool, pieces: dict[str, object] | None = None) -> object:
        seen.append(hash(data))
        return original(data, name, limits, whole, pieces)

    # The one blob parser (pmcheck.git.BlobParser) is history's too.
    monkeypatch.setattr(git, "_parse", counting)
    history = load_history(story.path, load_policy(story.path))
    assert history is not None
    # Five versions of one file; the middle ones are both "after" and "before".
    assert len(seen) == len(set(seen)) == 5 == history.blobs


def test_broken_versions_in_history_are_skipped(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo", {"pmcheck.yaml": "{}\n", PM: BASE})
    repo.commit("Add", date="2026-06-02T10:00:00+00:00")
    repo.write(PM, "actions: [&a {id: x}, *a]\n")
    repo.commit("Break", date="2026-06-03T10:00:00+00:00")
    repo.write(PM, BASE.replace("due: 2026-07-15", "due: 2026-07-29"))
    repo.commit("Repair and slip", date="2026-06-04T10:00:00+00:00")
    history = load_history(repo.path, load_policy(repo.path))
    # The broken version hides the slip (nothing to compare with), and nothing crashes.
    assert history is not None and history.changes == ()


def test_root_below_the_top_level(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo", {"governance/pmcheck.yaml": "{}\n", f"governance/{PM}": BASE, PM: BASE})
    repo.commit("Add", date="2026-06-02T10:00:00+00:00")
    repo.replace(f"governance/{PM}", "due: 2026-07-15", "due: 2026-07-29")
    repo.replace(PM, "due: 2026-07-15", "due: 2026-08-29")
    repo.commit("Slip", date="2026-06-04T10:00:00+00:00")
    root = repo.path / "governance"
    history = load_history(root, load_policy(root))
    assert history is not None
    assert [(c.path, c.new) for c in history.changes] == [(PM, "2026-07-29")]


def test_odd_author_names_do_not_derail_parsing(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo", {"pmcheck.yaml": "{}\n", PM: BASE})
    repo.commit("Add", date="2026-06-02T10:00:00+00:00")
    repo.replace(PM, "due: 2026-07-15", "due: 2026-07-29")
    odd = ("Mallory \x01:100644 100644 deadbeef", "m@example.com")
    repo.commit("Slip", date="2026-06-04T10:00:00+00:00", author=odd)
    history = load_history(repo.path, load_policy(repo.path))
    assert history is not None
    assert [(c.author, c.new) for c in history.changes] == [(odd[0], "2026-07-29")]
    # Control characters are shown as escapes, as every report shows them.
    assert "Mallory \\x01:100644 100644 deadbeef" in render_text(history)


def test_shallow_clone_has_no_history(story: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{story.path}", str(clone)], env=git_env(), check=True)
    assert load_history(clone, load_policy(clone)) == History(shallow=True)
    code, out, err = pmcheck(capsys, "--repo", str(clone), "history")
    assert code == 2 and out == ""
    assert "history unavailable (shallow clone)" in err and "fetch-depth: 0" in err


def test_outside_git(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pmcheck.yaml").write_text("{}\n")
    assert load_history(tmp_path, load_policy(tmp_path)) is None
    code, _, err = pmcheck(capsys, "--repo", str(tmp_path), "history")
    assert code == 2
    assert "is not inside a git repository" in err


def test_repository_without_commits(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "repo", {"pmcheck.yaml": "{}\n", PM: BASE})
    assert load_history(repo.path, load_policy(repo.path)) == History(shallow=False)


def test_pathspec_from_the_policy_cannot_be_an_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "victim.txt"
    repo = GitRepo.init(tmp_path / "repo", {"pmcheck.yaml": f"postmortems: ['--output={victim}']\n", PM: BASE})
    repo.commit("Add", date="2026-06-02T10:00:00+00:00")
    code, out, err = pmcheck(capsys, "--repo", str(repo.path), "history")
    assert code == 0, err
    assert out.endswith("0 changes (0 unrecorded) in 0 commits touching postmortems\n")
    assert not victim.exists()


def test_progress_bar_waits_a_second_then_draws() -> None:
    stream = io.StringIO()
    quiet = ProgressBar(stream, delay=60)
    quiet(1, 10)
    assert stream.getvalue() == ""
    bar = ProgressBar(stream, delay=0, width=10)
    bar(5, 10)
    assert stream.getvalue() == "\rhistory [#####-----] 5/10 commits"
    bar(10, 10)
    assert stream.getvalue().endswith("\r\033[K")


def test_changes_sort_by_time() -> None:
    def at(hour: int) -> Change:
        stamp = dt.datetime(2026, 6, 1, hour, tzinfo=dt.timezone.utc)
        return Change(stamp, stamp.date(), "c", "p", "PM-2026-001", "PM-2026-001-A1", "due", "a", "b", False, "x", "y")

    assert sorted([at(3), at(1), at(2)]) == [at(1), at(2), at(3)]


def test_json_is_written_byte_for_byte_as_json_dumps_writes_it() -> None:
    stamp = dt.datetime(2026, 6, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    odd = Change(
        stamp, stamp.date(), "a" * 40, 'postmortems/"q"\\x.yaml', "", "PM-2026-001-A1", "due",
        "2026-07-15", "2026-07-22", False, 'Zoë "Z" \x01\u2028\u202e\ud800', "z@example.com",
    )
    plain = Change(stamp, stamp.date(), "b" * 40, "p.yaml", "PM-2026-001", "PM-2026-001-A2", "owner", "bo", "femi", True, "B", "b@x")
    for history in (History(shallow=False), History(shallow=False, changes=(odd, plain), commits=2)):
        for since in (None, dt.date(2026, 1, 1)):
            payload = {
                "version": 1,
                "since": since.isoformat() if since else None,
                "changes": [change_record(c) for c in history.changes],
                "summary": {
                    "commits": history.commits,
                    "changes": len(history.changes),
                    "unrecorded": len(history.unrecorded),
                    "by_field": {f: sum(1 for c in history.changes if c.field == f) for f in ("due", "owner")},
                },
            }
            expected = inert_json(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n"
            assert render_json(history, since) == expected
