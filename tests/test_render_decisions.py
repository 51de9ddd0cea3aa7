"""What `pmcheck render` reports goes through the same decision step as `pmcheck check`.

PM904 (a stale log under `render --check`) and PM905 (no postmortem to render) are findings:
the policy's `rules:` can change their severity or turn them off, and they print exactly as
`pmcheck check` prints a finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pmcheck.cli import main


def nothing(level: str) -> str:
    return (
        f".:1:1: [{level}] PM905 no-postmortems-found: no postmortem files found in postmortems/**/*.yaml, postmortems/**/*.yml\n"
        "  hint: check the paths given, or `postmortems:` in pmcheck.yaml\n"
    )


def pmcheck(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as raised:
        main(list(args))
    out, err = capsys.readouterr()
    code = raised.value.code
    assert isinstance(code, int)
    return code, out, err


@pytest.fixture(autouse=True)
def in_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Text output names paths from the working directory: from the root, "." and the log's path.
    monkeypatch.chdir(tmp_path)


def empty_repo(root: Path, policy: str = "") -> Path:
    (root / "pmcheck.yaml").write_text(policy)
    (root / "postmortems").mkdir()
    return root


@pytest.mark.parametrize("mode", [[], ["--stdout"], ["--check"]])
def test_render_without_postmortems_is_pm905_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: list[str]
) -> None:
    root = empty_repo(tmp_path)
    code, out, err = pmcheck(capsys, "--repo", str(root), "render", "--as-of", "2026-06-15", *mode)
    assert (code, out, err) == (1, nothing("error"), "")
    assert sorted(p.name for p in root.iterdir()) == ["pmcheck.yaml", "postmortems"]


def test_pm905_turned_off_renders_the_empty_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = empty_repo(tmp_path, "rules: {PM905: off}\n")
    code, out, _ = pmcheck(capsys, "--repo", str(root), "render", "--as-of", "2026-06-15")
    assert (code, out) == (0, "wrote RELIABILITY_LOG.md (as of 2026-06-15)\n")
    assert "Postmortem index" in (root / "RELIABILITY_LOG.md").read_text(encoding="utf-8")


def test_pm905_as_a_warning_is_printed_and_the_log_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = empty_repo(tmp_path, "rules: {PM905: warning}\n")
    code, out, _ = pmcheck(capsys, "--repo", str(root), "render", "--as-of", "2026-06-15")
    assert code == 0
    assert out == nothing("warning") + "wrote RELIABILITY_LOG.md (as of 2026-06-15)\n"


def repo_with_a_postmortem(root: Path, policy: str) -> Path:
    empty_repo(root, policy)
    sample = Path(__file__).resolve().parent.parent / "sample-repo"
    (root / "people.yaml").write_text((sample / "people.yaml").read_text(encoding="utf-8"))
    name = "PM-2026-043.yaml"
    (root / "postmortems" / name).write_text((sample / "postmortems" / name).read_text(encoding="utf-8"))
    return root


@pytest.mark.parametrize(
    ("policy", "expected_code", "level"),
    [
        ("", 1, "error"),
        ("rules: {PM904: warning}\n", 0, "warning"),
        ("rules: {PM904: off}\n", 0, None),
    ],
)
def test_a_stale_log_is_decided_by_the_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], policy: str, expected_code: int, level: str | None
) -> None:
    root = repo_with_a_postmortem(tmp_path, policy)
    code, out, _ = pmcheck(capsys, "--repo", str(root), "render", "--check", "--as-of", "2026-11-27")
    assert code == expected_code
    line = f"RELIABILITY_LOG.md:1:1: [{level}] PM904 operating-log-stale: RELIABILITY_LOG.md does not exist\n"
    hint = "  hint: run `pmcheck render` and commit RELIABILITY_LOG.md\n"
    assert out == (line + hint if level else "")
    assert not (root / "RELIABILITY_LOG.md").exists()
