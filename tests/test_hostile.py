"""Hostile input: every file an attacker or an accident could commit is a located finding.

Each case is checked through the real entry point (``python -m pmcheck check``) in a repository
of its own, with the file named ``PM-2026-001.yaml``. Every case must give exactly the expected
PM0xx finding at the expected line and column, nothing on stderr, stay under 1 s of CPU and
200 MB of memory in the pmcheck process, and load in under 1 s in a warm process.

Small cases are files in ``tests/hostile/`` whose first line says what they must produce
(``# expect: PM001 at 3:4``); large, binary and file-system cases are built here at test time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from pmcheck.loader import DEFAULT_LIMITS, load_file

TESTS = Path(__file__).resolve().parent
HOSTILE = TESTS / "hostile"
BASE = TESTS / "rules" / "example_base.yaml"
ROSTER = TESTS / "data" / "people.yaml"
AS_OF = "2026-06-15"
TARGET = "postmortems/PM-2026-001.yaml"
CPU_LIMIT_SECONDS = 1.0
RSS_LIMIT_KB = 200 * 1024
SECRET = "TOPSECRET-7f3a9c-never-echo-me"

EXPECT = re.compile(r"^#\s*expect:\s*(PM\d{3}) at (\d+):(\d+)\s*$")
FINDING = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<column>\d+): \[(?P<level>error|warning|info|notice)\] (?P<code>PM\d{3}) [a-z0-9-]+: \S.*$")
SUMMARY = re.compile(r"^\d+ errors?, \d+ warnings?, \d+ info in \d+ files? .*\(as of \d{4}-\d{2}-\d{2}\)$")


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float
    max_rss_kb: int


def _drain(stream: IO[bytes], sink: list[bytes]) -> None:
    sink.append(stream.read())


def run_pmcheck(args: list[str], cwd: Path) -> Run:
    """Run ``python -m pmcheck ARGS`` and measure that one process with wait4()."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PMCHECK_CONFIG")}
    env["NO_COLOR"] = "1"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pmcheck", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    out: list[bytes] = []
    err: list[bytes] = []
    readers = [
        threading.Thread(target=_drain, args=(proc.stdout, out)),
        threading.Thread(target=_drain, args=(proc.stderr, err)),
    ]
    for reader in readers:
        reader.start()
    # Popen.wait() discards the child's resource usage; wait4() returns it for this child only.
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    return Run(
        returncode=proc.returncode,
        stdout=b"".join(out).decode("utf-8", "replace"),
        stderr=b"".join(err).decode("utf-8", "replace"),
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        max_rss_kb=usage.ru_maxrss,
    )


def make_repo(root: Path) -> Path:
    (root / "postmortems").mkdir(parents=True)
    (root / "pmcheck.yaml").write_text("{}\n")
    (root / "people.yaml").write_text(ROSTER.read_text())
    return root


def base_text() -> str:
    return BASE.read_text()


@dataclass(frozen=True)
class Case:
    name: str
    content: bytes
    code: str
    line: int
    column: int
    # A fragment the message must contain, so the test proves the right reason was found.
    says: str = ""


def committed_cases() -> list[Case]:
    cases = []
    for path in sorted(HOSTILE.glob("*.yaml")):
        content = path.read_bytes()
        match = EXPECT.match(content.decode("utf-8").splitlines()[0])
        assert match, f"{path.name}: the first line must be '# expect: PMnnn at LINE:COL'"
        cases.append(Case(path.stem, content, match[1], int(match[2]), int(match[3])))
    return cases


def generated_cases() -> list[Case]:
    limit = DEFAULT_LIMITS.max_depth
    deep_block = "".join(f"{'  ' * i}k{i}:\n" for i in range(1000)) + "  " * 1000 + "leaf\n"
    return [
        Case("empty_file", b"", "PM003", 1, 1, "holds no data"),
        Case("only_comments", b"# nothing here yet\n", "PM003", 1, 1, "holds no data"),
        Case("null_document", b"~\n", "PM003", 1, 1, "holds no data"),
        Case(
            "latin1_bytes",
            b"id: PM-2026-001\ntitle: caf\xe9 checkout outage\n",
            "PM001", 2, 11, "not valid UTF-8",
        ),
        Case("utf16_with_bom", "id: PM-2026-001\n".encode("utf-16"), "PM001", 1, 1, "UTF-16"),
        Case("nul_byte", b"id: PM-2026-001\ntitle: a\x00b\n", "PM001", 2, 9, "U+0000"),
        Case(
            "over_one_mib",
            b"summary: " + b"x" * (1024 * 1024) + b"\n",
            "PM001", 1, 1, "over the 1,048,576-byte limit",
        ),
        # libyaml recurses once per '[' and crashes the interpreter long before 30,000.
        Case(
            "flow_nesting_30000",
            b"title: x\nservices: " + b"[" * 30000 + b"\n",
            "PM001", 2, len("services: ") + limit + 1, "nesting is deeper",
        ),
        # The key that opens level limit+1 is on line limit+1, indented 2*limit spaces.
        Case("block_nesting_1000", deep_block.encode(), "PM001", limit + 1, 2 * limit + 1, "nesting is deeper"),
        Case(
            "integer_5000_digits",
            base_text().replace("schema_version: 1", "schema_version: " + "9" * 5000).encode(),
            "PM003", 3, 17, "schema_version",
        ),
        Case(
            "timestamp_without_offset",
            base_text().replace("started_at: 2026-06-01T09:00:00Z", "started_at: 2026-06-01T09:00:00").encode(),
            "PM003", 12, 15, "RFC 3339",
        ),
    ]


ALL_CASES = committed_cases() + generated_cases()


def parse_findings(stdout: str) -> list[tuple[str, str, int, int]]:
    """(path, code, line, column) of every finding line; every other line must be known."""
    found = []
    for text in stdout.splitlines():
        match = FINDING.match(text)
        if match:
            found.append((match["path"], match["code"], int(match["line"]), int(match["column"])))
        else:
            assert text.startswith("  hint: ") or SUMMARY.match(text), f"unexpected output line: {text!r}"
    return found


def assert_clean(run: Run) -> None:
    assert "Traceback" not in run.stdout + run.stderr
    assert run.cpu_seconds < CPU_LIMIT_SECONDS, f"pmcheck used {run.cpu_seconds:.2f} s of CPU"
    assert run.max_rss_kb < RSS_LIMIT_KB, f"pmcheck peaked at {run.max_rss_kb / 1024:.0f} MB"


def warm_load_seconds(root: Path, rel: str) -> tuple[float, object]:
    load_file(root, rel)
    started = time.perf_counter()
    loaded = load_file(root, rel)
    return time.perf_counter() - started, loaded


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_hostile_postmortem_is_a_located_finding(tmp_path: Path, case: Case) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / TARGET).write_bytes(case.content)

    run = run_pmcheck(["check", "--select", "PM0", "--as-of", AS_OF, TARGET], cwd=repo)

    assert run.stderr == ""
    assert run.returncode == 1, run.stdout
    assert parse_findings(run.stdout) == [(TARGET, case.code, case.line, case.column)], run.stdout
    assert case.says in run.stdout
    # A finding quotes at most a short excerpt of what it found, never a whole hostile value.
    assert len(run.stdout) < 2000
    assert_clean(run)

    seconds, loaded = warm_load_seconds(repo, TARGET)
    assert seconds < 1.0, f"load_file took {seconds:.3f} s"
    problems = getattr(loaded, "problems")
    if case.code in ("PM001", "PM002"):
        assert (problems[0].code, problems[0].line, problems[0].column) == (case.code, case.line, case.column)


def test_whole_repository_run_reports_every_hostile_file_and_the_healthy_one_stays_clean(tmp_path: Path) -> None:
    """One broken file never hides the others: all cases together, one run, one finding each."""
    repo = make_repo(tmp_path / "repo")
    for n, case in enumerate(ALL_CASES, start=2):
        (repo / "postmortems" / f"PM-2026-{n:03d}.yaml").write_bytes(case.content)
    (repo / TARGET).write_text(base_text())

    run = run_pmcheck(["check", "--select", "PM001,PM002,PM003", "--as-of", AS_OF], cwd=repo)

    assert run.stderr == ""
    assert run.returncode == 1
    found = parse_findings(run.stdout)
    expected = [
        (f"postmortems/PM-2026-{n:03d}.yaml", case.code, case.line, case.column)
        for n, case in enumerate(ALL_CASES, start=2)
    ]
    assert found == sorted(expected)
    assert_clean(run)


@pytest.mark.parametrize("how", ["file", "folder", "whole repository"])
def test_symlink_outside_the_repository_is_refused_and_never_echoed(tmp_path: Path, how: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.yaml"
    secret.write_text(f"id: {SECRET}\ntitle: {SECRET}\n{SECRET}: [{SECRET}]\n")
    repo = make_repo(tmp_path / "repo")
    (repo / TARGET).symlink_to(secret)
    args = {"file": [TARGET], "folder": ["postmortems"], "whole repository": []}[how]

    run = run_pmcheck(["check", "--as-of", AS_OF, *args], cwd=repo)

    assert SECRET not in run.stdout + run.stderr
    assert run.stderr == ""
    assert run.returncode == 1
    assert (TARGET, "PM001", 1, 1) in parse_findings(run.stdout)
    assert "points outside the repository" in run.stdout
    assert_clean(run)


def test_symlink_inside_the_repository_is_followed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "drafts").mkdir()
    (repo / "drafts" / "PM-2026-001.yaml").write_text(base_text())
    (repo / TARGET).symlink_to(repo / "drafts" / "PM-2026-001.yaml")

    run = run_pmcheck(["check", "--select", "PM0", "--as-of", AS_OF, TARGET], cwd=repo)

    assert (run.returncode, run.stderr) == (0, ""), run.stdout
    assert parse_findings(run.stdout) == []


ConfigWriter = Callable[[Path], None]


def _write(rel: str, text: str | bytes) -> ConfigWriter:
    def write(repo: Path) -> None:
        data = text.encode() if isinstance(text, str) else text
        (repo / rel).write_bytes(data)

    return write


CONFIG_CASES: list[tuple[str, ConfigWriter, str]] = [
    (
        "policy_alias_bomb",
        _write("pmcheck.yaml", (HOSTILE / "billion_laughs.yaml").read_text()),
        "pmcheck.yaml:3:4: anchors and aliases are not allowed",
    ),
    (
        "policy_flow_nesting_30000",
        _write("pmcheck.yaml", "due_soon_days: " + "[" * 30000 + "\n"),
        f"pmcheck.yaml:1:{len('due_soon_days: ') + DEFAULT_LIMITS.max_depth + 1}: nesting is deeper",
    ),
    (
        "policy_python_tag",
        _write("pmcheck.yaml", "timezone: !!python/object/apply:os.system [id]\n"),
        "pmcheck.yaml:1:11: YAML tags are not allowed",
    ),
    (
        "policy_latin1",
        _write("pmcheck.yaml", b"# caf\xe9\n"),
        "pmcheck.yaml:1:6: file is not valid UTF-8",
    ),
    (
        "people_python_tag",
        _write("people.yaml", "people: !!python/object/new:dict {}\n"),
        "people.yaml:1:9: YAML tags are not allowed",
    ),
    (
        "people_over_one_mib",
        _write("people.yaml", "# " + "x" * (1024 * 1024) + "\n"),
        "people.yaml:1:1: file is 1,048,579 bytes, over the 1,048,576-byte limit",
    ),
]


@pytest.mark.parametrize("case", CONFIG_CASES, ids=lambda c: c[0])
def test_hostile_configuration_exits_2_with_one_located_line(tmp_path: Path, case: tuple[str, ConfigWriter, str]) -> None:
    _, write, says = case
    repo = make_repo(tmp_path / "repo")
    (repo / TARGET).write_text(base_text())
    write(repo)

    run = run_pmcheck(["check", "--as-of", AS_OF], cwd=repo)

    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stdout == ""
    assert run.stderr.startswith(f"pmcheck: error: {says}"), run.stderr
    assert run.stderr.count("\n") == 1 and run.stderr.endswith("\n")
    assert_clean(run)


def test_a_valid_postmortem_just_under_the_size_limit_loads_fast(tmp_path: Path) -> None:
    """The limit is not a cliff: a 1 MB postmortem with thousands of actions is checked normally."""
    head, action = base_text().split("actions:\n")
    parts = [head, "actions:\n"]
    size, n = len(head), 0
    while size < DEFAULT_LIMITS.max_bytes - 2 * len(action):
        n += 1
        piece = action.replace("PM-2026-001-A1", f"PM-2026-001-A{n}")
        parts.append(piece)
        size += len(piece.encode())
    repo = make_repo(tmp_path / "repo")
    (repo / TARGET).write_text("".join(parts))

    seconds, loaded = warm_load_seconds(repo, TARGET)
    assert getattr(loaded, "problems") == []
    assert seconds < 1.0, f"load_file took {seconds:.3f} s"

    run = run_pmcheck(["check", "--select", "PM0", "--as-of", AS_OF, TARGET], cwd=repo)
    assert (run.returncode, run.stderr) == (0, ""), run.stdout
    assert f"1 postmortem, {n} actions" in run.stdout
    assert run.max_rss_kb < RSS_LIMIT_KB
