"""SPEC section 11: outputs are written atomically and a link at the target is replaced, never
followed (``pmcheck.files.write_atomically``). Issue 9 items 3 and 11."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from pmcheck import files
from pmcheck.files import temp_pattern, write_atomically
from tests.cli_runner import invoke
from tests.test_view import PM1, make_repo

AS_OF = "2026-06-15"


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {"PM-2026-001": PM1})


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write of a temporary file fails as a full disk does."""
    real_fsync = os.fsync

    def no_space(fd: int) -> None:
        real_fsync(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", no_space)


# -- item 3: command-line outputs replace a link -------------------------------------------------


@pytest.mark.parametrize("how", ["--output", "--report"])
def test_an_output_file_that_is_a_committed_link_is_replaced_not_followed(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("the user's own file\n")
    (repo / "pmcheck.sarif").symlink_to(victim)
    monkeypatch.chdir(repo)
    option = ["--output", "pmcheck.sarif", "--format", "sarif"] if how == "--output" else ["--report", "sarif=pmcheck.sarif"]
    code, _, err = invoke(["check", "--as-of", AS_OF, *option], capsys)
    assert code in (0, 1), err
    assert victim.read_text() == "the user's own file\n"
    assert not (repo / "pmcheck.sarif").is_symlink()
    assert '"version": "2.1.0"' in (repo / "pmcheck.sarif").read_text()


def test_output_keeps_the_mode_of_the_file_it_replaces(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = repo / "report.json"
    out.write_text("old\n")
    out.chmod(0o640)
    invoke(["--repo", str(repo), "check", "--as-of", AS_OF, "--format", "json", "--output", str(out)], capsys)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_text().startswith("{")


# -- item 11: a full disk leaves the old file and no temporary file ------------------------------


def test_output_on_a_full_disk_leaves_the_old_report_whole(repo: Path, capsys: pytest.CaptureFixture[str], full_disk: None) -> None:
    out = repo / "report.json"
    out.write_text("previous report\n")
    code, _, err = invoke(["--repo", str(repo), "check", "--as-of", AS_OF, "--format", "json", "--output", str(out)], capsys)
    assert code == 2 and err == f"pmcheck: error: cannot write {out}: No space left on device\n"
    assert out.read_text() == "previous report\n"
    assert temps(repo) == []


def test_render_on_a_full_disk_leaves_the_old_log_whole(repo: Path, capsys: pytest.CaptureFixture[str], full_disk: None) -> None:
    (repo / "RELIABILITY_LOG.md").write_text("old log\n")
    code, _, err = invoke(["render", str(repo), "--as-of", AS_OF], capsys)
    assert code == 2 and "No space left on device" in err
    assert (repo / "RELIABILITY_LOG.md").read_text() == "old log\n"
    assert temps(repo) == []


def test_new_on_a_full_disk_leaves_no_empty_postmortem(repo: Path, capsys: pytest.CaptureFixture[str], full_disk: None) -> None:
    code, _, err = invoke(["--repo", str(repo), "new", "--as-of", AS_OF], capsys)
    assert code == 2 and "No space left on device" in err
    assert sorted(p.name for p in (repo / "postmortems").iterdir()) == ["PM-2026-001.yaml"]


def test_init_on_a_full_disk_leaves_no_empty_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str], full_disk: None) -> None:
    code, _, err = invoke(["init", str(tmp_path / "new")], capsys)
    assert code == 2 and "No space left on device" in err
    assert not (tmp_path / "new" / "pmcheck.yaml").exists()
    assert temps(tmp_path / "new") == []


def test_new_never_overwrites_a_postmortem_created_meanwhile(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # Another author's PM-2026-002 appears between choosing the number and writing the file.
    real_link = os.link

    def racing_link(src: str, dst: str) -> None:
        Path(dst).write_text("someone else's postmortem\n")
        real_link(src, dst)

    monkeypatch.setattr(files.os, "link", racing_link)
    code, _, err = invoke(["--repo", str(repo), "new", "--as-of", AS_OF], capsys)
    assert (code, err) == (2, "pmcheck: error: postmortems/PM-2026-002.yaml already exists\n")
    assert (repo / "postmortems" / "PM-2026-002.yaml").read_text() == "someone else's postmortem\n"
    assert temps(repo / "postmortems") == []


def test_new_replaces_nothing_at_a_link(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "postmortems" / "PM-2026-002.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    code, _, _ = invoke(["--repo", str(repo), "new", "--as-of", AS_OF], capsys)
    # The dangling link is listed as a postmortem, so the next number is taken instead.
    assert code == 0
    assert (repo / "postmortems" / "PM-2026-003.yaml").is_file()
    assert not (tmp_path / "elsewhere.yaml").exists()


def test_init_refuses_a_linked_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "new"
    target.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (target / ".github").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = invoke(["init", str(target)], capsys)
    assert code == 2 and "refusing to write through the symlink .github" in err
    assert list(elsewhere.iterdir()) == []


def test_a_killed_render_leaves_temporaries_the_next_render_removes(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stray = repo / ".RELIABILITY_LOG.md.abcd1234.tmp"
    stray.write_text("half a log")
    keep = repo / ".RELIABILITY_LOG.md.notours.tmp"
    keep.write_text("not a name pmcheck makes")
    outside = tmp_path / "precious"
    outside.write_text("precious\n")
    linked = repo / ".RELIABILITY_LOG.md.zzzz9999.tmp"
    linked.symlink_to(outside)
    code, _, err = invoke(["render", str(repo), "--as-of", AS_OF], capsys)
    assert code == 0, err
    assert not stray.exists()
    assert keep.exists() and linked.is_symlink() and outside.read_text() == "precious\n"


def test_temp_names_match_what_mkstemp_makes(tmp_path: Path) -> None:
    import tempfile

    fd, name = tempfile.mkstemp(dir=tmp_path, prefix=".LOG.md.", suffix=".tmp")
    os.close(fd)
    assert temp_pattern("LOG.md").match(Path(name).name)


def test_write_atomically_reports_unchanged_content(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    assert write_atomically(target, "same\n") is True
    assert write_atomically(target, "same\n") is False
    assert write_atomically(target, "other\n") is True
    assert target.read_text() == "other\n"
    assert temps(tmp_path) == []


def test_exclusive_write_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "pm.yaml"
    target.write_text("first\n")
    with pytest.raises(FileExistsError):
        write_atomically(target, "second\n", exclusive=True)
    assert target.read_text() == "first\n"
    assert temps(tmp_path) == []


def test_init_force_replaces_a_link_without_following_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "new"
    assert invoke(["init", str(target)], capsys)[0] == 0
    victim = tmp_path / "victim"
    victim.write_text("mine\n")
    (target / "people.yaml").unlink()
    (target / "people.yaml").symlink_to(victim)
    assert invoke(["init", str(target), "--force"], capsys)[0] == 0
    assert victim.read_text() == "mine\n"
    assert not (target / "people.yaml").is_symlink()


def test_output_to_dev_null_writes_through_the_device(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `--output /dev/null` is how benchmarks discard a report; renaming over it (as root)
    # would turn the device into a regular file for every process on the machine.
    code, out, err = invoke(["--repo", str(repo), "check", "--as-of", AS_OF, "--format", "json", "--output", "/dev/null"], capsys)
    assert code in (0, 1) and (out, err) == ("", "")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_write_atomically_never_replaces_a_device_or_a_fifo(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="not a regular file"):
        write_atomically(Path("/dev/null"), "x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(OSError, match=r"not a regular file \(a FIFO\)"):
        write_atomically(tmp_path / "fifo", "x")
    assert stat.S_ISFIFO(os.stat(tmp_path / "fifo").st_mode)


def test_an_output_link_outside_the_repository_is_the_users_and_written_through(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "reports"
    mine.mkdir()
    (mine / "2026-06-15.json").write_text("")
    (mine / "latest.json").symlink_to(mine / "2026-06-15.json")
    invoke(["--repo", str(repo), "check", "--as-of", AS_OF, "--format", "json", "--output", str(mine / "latest.json")], capsys)
    assert (mine / "latest.json").is_symlink()
    assert (mine / "2026-06-15.json").read_text().startswith("{")


def test_init_that_fails_midway_removes_what_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    real = files.os.fsync
    calls = {"n": 0}

    def third_fails(fd: int) -> None:
        calls["n"] += 1
        real(fd)
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", third_fails)
    target = tmp_path / "new"
    code, out, err = invoke(["init", str(target)], capsys)
    assert code == 2 and "No space left on device" in err and out == ""
    assert [p for p in target.rglob("*") if p.is_file()] == []
    monkeypatch.setattr(files.os, "fsync", real)
    assert invoke(["init", str(target)], capsys)[0] == 0
    assert (target / "pmcheck.yaml").is_file()
