"""Each report of one run has its own destination (`--output`, repeated `--report`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import run_pmcheck

SAMPLE = Path(__file__).resolve().parent.parent / "sample-repo"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--report", "json=out.json", "--report", "sarif=out.json"], "--report json and --report sarif both write out.json"),
        (["--output", "out.json", "--report", "json=./out.json"], "--output and --report json both write ./out.json"),
        (["--report", "json=-"], "--output and --report json both write standard output"),
        (["--output", "-", "--report", "sarif=-"], "--output and --report sarif both write standard output"),
    ],
)
def test_two_reports_on_one_destination_are_a_usage_error(tmp_path: Path, args: list[str], message: str) -> None:
    code, out, err = run_pmcheck("check", str(SAMPLE), "--as-of", "2026-11-27", *args, cwd=tmp_path)
    assert code == 2
    assert out == ""
    assert err == f"pmcheck: error: {message}; give each report its own file\n"
    assert not (tmp_path / "out.json").exists()


def test_separate_destinations_and_the_null_device_are_fine(tmp_path: Path) -> None:
    code, out, err = run_pmcheck(
        "check", str(SAMPLE), "--as-of", "2026-11-27", "--format", "json", "--output", "/dev/null",
        "--report", "sarif=/dev/null", "--report", "junit=report.xml", cwd=tmp_path,
    )
    assert (code, err) == (1, "")
    assert (tmp_path / "report.xml").read_text().startswith("<?xml")
