"""``pmcheck new`` names the file so ``check`` finds it, and numbers past every postmortem that
existed, but not past ids the log merely mentions (QA D21, D8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmcheck.cli import main
from pmcheck.files import glob_matches
from pmcheck.scaffold import logged_ids

AS_OF = "2026-06-15"


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def repo_with_glob(path: Path, glob: str) -> Path:
    (path / "incidents").mkdir(parents=True)
    (path / "pmcheck.yaml").write_text(f'postmortems: ["{glob}"]\n')
    return path


@pytest.mark.parametrize(
    ("pattern", "rel", "expected"),
    [
        ("incidents/*.yml", "incidents/PM-2026-001.yml", True),
        ("incidents/*.yml", "incidents/PM-2026-001.yaml", False),
        ("postmortems/**/*.yaml", "postmortems/PM-2026-001.yaml", True),
        ("postmortems/**/*.yaml", "postmortems/2026/PM-2026-001.yaml", True),
        ("postmortems/**/*.yaml", "PM-2026-001.yaml", False),
        ("*/pm/*.yaml", "pm/PM-2026-001.yaml", False),
        ("incidents/PM-*.y*ml", "incidents/PM-2026-001.yml", True),
        ("../x/*.yaml", "x/PM-2026-001.yaml", False),
    ],
)
def test_glob_matches_agrees_with_discovery(tmp_path: Path, pattern: str, rel: str, expected: bool) -> None:
    from pmcheck.files import discover

    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / rel).write_text("x\n")
    assert glob_matches(pattern, rel) is expected
    assert (rel in discover(tmp_path, (pattern,))) is expected


def test_new_writes_the_extension_the_glob_wants_and_check_sees_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with_glob(tmp_path / "repo", "incidents/*.yml")
    code, out, err = invoke(capsys, "--repo", str(repo), "new", "--title", "x", "--as-of", AS_OF)
    assert code == 0, err
    assert "wrote incidents/PM-2026-001.yml" in out
    assert not (repo / "incidents" / "PM-2026-001.yaml").exists()

    code, out, err = invoke(capsys, "--repo", str(repo), "check", "--as-of", AS_OF, "--format", "json")
    assert '"PM905"' not in out
    assert '"files": 1' in out

    code, out, err = invoke(capsys, "--repo", str(repo), "new", "--title", "y", "--as-of", AS_OF)
    assert code == 0, err
    assert "wrote incidents/PM-2026-002.yml" in out


def test_new_numbers_past_files_the_glob_does_not_match(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with_glob(tmp_path / "repo", "incidents/*.yml")
    (repo / "incidents" / "PM-2026-004.yaml").write_text("left from an older glob\n")
    code, out, err = invoke(capsys, "--repo", str(repo), "new", "--as-of", AS_OF)
    assert code == 0, err
    assert "wrote incidents/PM-2026-005.yml" in out


def test_new_refuses_when_no_name_fits_the_glob(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with_glob(tmp_path / "repo", "incidents/*.json")
    code, out, err = invoke(capsys, "--repo", str(repo), "new", "--as-of", AS_OF)
    assert code == 2
    assert "'incidents/*.json' matches neither incidents/PM-2026-001.yaml nor incidents/PM-2026-001.yml" in err
    assert "Traceback" not in err
    assert list((repo / "incidents").iterdir()) == []


def link_to_missing(repo: Path) -> None:
    pm = repo / "postmortems" / "PM-2026-001.yaml"
    pm.write_text(pm.read_text() + "related_incidents:\n  - {id: PM-2026-999, relation: recurrence}\n")


def test_a_dangling_link_in_the_log_takes_no_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    assert invoke(capsys, "init", str(repo))[0] == 0
    link_to_missing(repo)
    invoke(capsys, "--repo", str(repo), "render", "--as-of", AS_OF)
    log = (repo / "RELIABILITY_LOG.md").read_text()
    assert "PM-2026-999" in log
    assert logged_ids(log) == ["PM-2026-001"]

    code, out, err = invoke(capsys, "--repo", str(repo), "new", "--as-of", AS_OF)
    assert code == 0, err
    assert "wrote postmortems/PM-2026-002.yaml" in out


def test_a_deleted_postmortem_in_the_log_index_keeps_its_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    assert invoke(capsys, "init", str(repo))[0] == 0
    invoke(capsys, "--repo", str(repo), "render", "--as-of", AS_OF)
    (repo / "postmortems" / "PM-2026-001.yaml").unlink()

    code, out, err = invoke(capsys, "--repo", str(repo), "new", "--as-of", AS_OF)
    assert code == 0, err
    assert "wrote postmortems/PM-2026-002.yaml" in out
