"""SPEC section 11: a repository template renders sandboxed with bounded time, memory and
output, and every failure is exit 2 with one line (``pmcheck.sandbox``). Issue 9 item 7."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from pmcheck import sandbox
from pmcheck.sandbox import Limits, TemplateFailure, render_in_child
from tests.cli_runner import invoke
from tests.test_view import PM1, make_repo

AS_OF = "2026-06-15"
HEAD = "{{ marker }}\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A one-second budget keeps the endless cases short; the shipped limit is TIME_LIMIT.
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 1.0)
    return make_repo(tmp_path / "repo", {"PM-2026-001": PM1}, policy="log_template: t.j2\n")


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("{{ 1/0 }}", "t.j2:2: ZeroDivisionError: division by zero"),
        ("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", "t.j2:2: the template recursed too deeply"),
        ("{{ range(10**9) }}", "t.j2:2: OverflowError: Range too big"),
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "t.j2: the template ran longer than the 1-second limit"),
        (
            "{% set r = range(100000)|list %}{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}",
            "t.j2: the template ran longer than the 1-second limit",
        ),
        (
            "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
            # Whichever bound it meets first on this machine.
            ("t.j2: the template used more than the 512 MiB memory limit", "t.j2: the template ran longer than the 1-second limit"),
        ),
        (
            "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
            "t.j2:2: the template built a value over the 16,777,216-item limit",
        ),
        ("{{ 'x' * 10**10 }}", "t.j2:2: the template built a value over the 16,777,216-item limit"),
        (
            "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
            ("t.j2: the template printed more than the 16,777,216-character limit", "t.j2: the template ran longer than the 1-second limit"),
        ),
        ("{{ '{:>999999999}'.format(1) }}", "t.j2: the template used more than the 512 MiB memory limit"),
    ],
)
def test_every_template_failure_is_one_line_and_exit_2_within_seconds(
    repo: Path, capsys: pytest.CaptureFixture[str], body: str, says: str | tuple[str, ...]
) -> None:
    (repo / "t.j2").write_text(HEAD + body)
    started = time.monotonic()
    code, out, err = invoke(["render", str(repo), "--stdout", "--as-of", AS_OF], capsys)
    elapsed = time.monotonic() - started
    assert (code, out) == (2, "")
    assert err.startswith(tuple(f"pmcheck: error: {one}" for one in ((says,) if isinstance(says, str) else says))), err
    assert err.count("\n") == 1
    assert elapsed < 60  # bounded by the 1-second budget plus start-up; a hang would be forever
    assert not (repo / "RELIABILITY_LOG.md").exists()
    # The child that ran the template stayed small: kilobytes, as getrusage reports on Linux.
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1024 * 1024


def test_a_good_repository_template_still_renders(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "t.j2").write_text(HEAD + "{% for p in index %}- {{ p.id }} {{ 'ab' * 3 }} {{ 2 ** 10 }}\n{% endfor %}")
    code, out, err = invoke(["render", str(repo), "--as-of", AS_OF], capsys)
    assert (code, err) == (0, "")
    text = (repo / "RELIABILITY_LOG.md").read_text()
    assert "PM-2026-001" in text and "ababab 1024" in text


def test_the_child_never_imports_from_the_repository(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # A module named like one the child imports, in the working directory, is not picked up.
    (repo / "jinja2.py").write_text("raise SystemExit('imported from the repository')\n")
    (repo / "t.j2").write_text(HEAD + "ok\n")
    monkeypatch.chdir(repo)
    code, out, err = invoke(["render", "--stdout", "--as-of", AS_OF], capsys)
    assert (code, err) == (0, "") and "ok" in out


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("{% include 'x' %}", "1: TypeError: no loader for this environment specified"),
        ("\n{{ no_such_thing }}", "2: UndefinedError: 'no_such_thing' is undefined"),
        ("{% for %}", "1: Expected an expression, got 'end of statement block'"),
        ("{{ ''.__class__.__mro__ }}", "1: SecurityError: access to attribute '__class__' of 'str' object is unsafe."),
        ("{{ 2 ** 100000 }}", "1: the template computed a number over the 65,536-bit limit"),
        ("{{ [1] * 2000 }}", "1: the template built a value over the 1,000-item limit"),
        ("{{ 'ab'.center(5000) }}", "1: the template built a value over the 1,000-item limit"),
    ],
)
def test_template_failures_are_described_in_one_line(source: str, says: str) -> None:
    with pytest.raises(TemplateFailure) as failed:
        render_in_child(source, {}, Limits(seconds=5, output=1000, value=1000, memory=1 << 30))
    assert str(failed.value) == says


def test_the_in_process_bounds_stop_a_loop_of_calls() -> None:
    limits = Limits(seconds=0.2, output=1000, value=1000, memory=1 << 30)
    with pytest.raises(TemplateFailure, match="longer than the 0.2-second limit"):
        render_in_child("{% for i in range(100000) %}{% for j in range(100000) %}{% if range(1) %}{% endif %}{% endfor %}{% endfor %}", {}, limits)
    with pytest.raises(TemplateFailure, match="printed more than the 1,000-character limit"):
        render_in_child("{% for i in range(10000) %}xx{% endfor %}", {}, limits)
    assert render_in_child("{{ 'a' + 'b' }}", {}, limits) == "ab"
