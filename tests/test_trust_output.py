"""Hostile text in every output format (issue 9, items 6 and 13; SPEC section 11).

File names, messages, hints, owner values and notes come from the repository. In every format
(text, github, markdown, sarif, junit, json), the history listing and the operating log:

- no control character (C0 but the format's own line breaks, DEL, C1), bidirectional control or
  other invisible format character reaches the output raw;
- a file name that is not UTF-8 never crashes a report: it is shown with escapes (``\\xff``),
  SARIF percent-encodes its real bytes, and the file is still read;
- JSON and SARIF keep the data exactly (escaped in the JSON text, the same after decoding).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from pmcheck.display import clean, display_path, inert_json
from pmcheck.engine import Result
from pmcheck.findings import Finding, Severity
from pmcheck.history import Change, History, render_json, render_text
from pmcheck.markdown import escape, link
from pmcheck.reporters import REPORTERS, get_reporter
from tests.trustrepo import AS_OF, invoke, make_repo, postmortem

# ESC (an OSC 8 hyperlink and a colour), BEL, NUL, other C0, DEL, C1 (NEL and CSI), bidi
# overrides and isolates, zero-width and tag characters, a line separator.
HOSTILE = "x\x1b]8;;https://evil.example\x1b\\y\x1b[31m\x07\x00\x01\x7f\x85\x9b\u202eevil\u2066\u200b\U000e0041\u2028z"
# What must never appear raw in any output (line feeds are the formats' own).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\U000e0000-\U000e007f\ud800-\udfff]")
NON_UTF8_NAME = "postmortems/PM-2026-001\udcff.yaml"  # b"\xff" as os.fsdecode gives it


def hostile_finding(path: str, code: str = "PM102", notice: bool = False) -> Finding:
    return Finding(
        path=path,
        line=3,
        column=5,
        code=code,
        end_line=3,
        end_column=9,
        name="action-with-several-owners",
        severity=Severity.ERROR,
        message=f"action PM-2026-001-A1 has several owners: {HOSTILE}, bo.chen",
        hint=f"keep one of {HOSTILE}",
        pointer="/actions/0/owner",
        postmortem="PM-2026-001",
        action="PM-2026-001-A1",
        notice=notice,
    )


def hostile_result() -> Result:
    findings = (
        hostile_finding(f"postmortems/{HOSTILE}.yaml"),
        hostile_finding(display_path(NON_UTF8_NAME), code="PM101"),
        hostile_finding("postmortems/PM-2026-002.yaml", notice=True),
    )
    return Result(
        root=Path("repo"),
        as_of=dt.date(2026, 6, 15),
        findings=tuple(sorted(findings)),
        files=3,
        postmortems=3,
        actions=3,
        notes=(f"note about {HOSTILE}",),
        changed_paths=frozenset({f"postmortems/{HOSTILE}.yaml"}),
    )


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_no_format_lets_a_control_or_format_character_through(fmt: str) -> None:
    text = get_reporter(fmt)(hostile_result())
    assert not RAW.findall(text), (fmt, sorted(set(RAW.findall(text))))
    text.encode("utf-8")  # strict: no surrogate left
    if fmt == "github":
        # One workflow command per finding and note, then the summary: no forged lines.
        lines = text.splitlines()
        assert sum(line.startswith("::") for line in lines) == 4
        assert all(line.startswith("::") for line in lines[:-1])
        assert "\\x1b]8;;https" in text and "\\u202e" in text


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_keep_the_exact_text_as_data(fmt: str) -> None:
    document = json.loads(get_reporter(fmt)(hostile_result()))
    if fmt == "json":
        messages = [f["message"] for f in document["findings"]]
        notes = document["notes"]
    else:
        run = document["runs"][0]
        messages = [r["message"]["text"].split("\nhint: ")[0] for r in run["results"]]
        notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert all(m == f"action PM-2026-001-A1 has several owners: {HOSTILE}, bo.chen" for m in messages)
    assert notes == [f"note about {HOSTILE}"]


def test_text_and_junit_show_the_same_escapes() -> None:
    text = get_reporter("text")(hostile_result())
    root = ET.fromstring(get_reporter("junit")(hostile_result()).encode("utf-8"))
    shown = clean(HOSTILE)
    assert shown in text
    failures = [f.get("message", "") for f in root.iter("failure")]
    assert failures and all(shown in m for m in failures)
    assert "postmortems/PM-2026-001\\xff.yaml" in text


def test_markdown_summary_stays_an_inert_table() -> None:
    text = get_reporter("markdown")(hostile_result())
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert not [t for t in tokens if t.type in ("html_block", "heading_open") and t.tag != "h2"]
    inline = [c for t in tokens if t.type == "inline" for c in t.children or []]
    assert {c.type for c in inline} <= {"text", "softbreak", "code_inline"}
    rows = [line for line in text.splitlines() if line.startswith("| error") or line.startswith("| notice")]
    assert len(rows) == 3 and all(row.count(" | ") == 3 for row in rows)


def test_one_cleaner_and_one_markdown_escaper() -> None:
    assert clean("a\x1b[31mb\x85\u202e\udcff\t") == "a\\x1b[31mb\\x85\\u202e\\xff\\t"
    assert clean("line\nbreak\x1b", lines=True) == "line\nbreak\\x1b"
    assert display_path("postmortems/a\udcfe\x1b.yaml") == "postmortems/a\\xfe\\x1b.yaml"
    assert display_path("postmortems/PM-2026-001.yaml") == "postmortems/PM-2026-001.yaml"
    assert json.loads(inert_json(json.dumps(HOSTILE + "\udcff", ensure_ascii=False))) == HOSTILE + "\udcff"
    from pmcheck.reporters.markdown_report import cell

    for text in (HOSTILE, "@team #1 www.x.example https://x.example in_progress _a_"):
        assert cell(text) == escape(text)
    assert escape("a\udcffb") == "a\\\\xffb"
    assert link("PM-1", "postmortems/a\udcff b.yaml") == "[PM-1](postmortems/a%FF%20b.yaml)"


def test_history_listing_escapes_authors_and_paths() -> None:
    change = Change(
        timestamp=dt.datetime(2026, 6, 4, tzinfo=dt.timezone.utc),
        date=dt.date(2026, 6, 4),
        commit="0" * 40,
        path=NON_UTF8_NAME,
        postmortem="PM-2026-001",
        action="PM-2026-001-A1",
        field="owner",
        old="alice.ng",
        new=HOSTILE,
        recorded=False,
        author=HOSTILE,
        author_email="m@example.com",
    )
    history = History(shallow=False, changes=(change,), commits=1)
    text = render_text(history)
    assert not RAW.findall(text)
    assert "PM-2026-001\\xff.yaml" in text
    data = render_json(history, None)
    data.encode("utf-8")
    assert json.loads(data)["changes"][0]["author"] == HOSTILE


# -- end to end: hostile file names on disk ------------------------------------------------------

NAMES = {
    "non-utf8": b"postmortems/PM-2026-001\xff.yaml",
    "controls": "postmortems/PM-2026-001\x1b]0;pwn\x07\x85\u202e.yaml".encode(),
}


@pytest.mark.parametrize("kind", sorted(NAMES))
def test_hostile_file_names_are_shown_escaped_in_every_format(tmp_path: Path, kind: str) -> None:
    root = make_repo(tmp_path / "repo", {})
    real = root / os.fsdecode(NAMES[kind])
    real.write_text(postmortem(1, ("    owner: alice.ng", "    owner: [alice.ng, bo.chen]")))
    shown = display_path(os.fsdecode(NAMES[kind]))
    out = tmp_path / "out"
    out.mkdir()
    reports = [f"--report={fmt}={out / fmt}" for fmt in sorted(REPORTERS)]
    done = invoke("check", "--as-of", AS_OF, *reports, "--format", "markdown", "--output", str(out / "main"), cwd=root)
    assert done.returncode == 1, done.stderr
    assert done.stderr == b""
    for fmt in [*sorted(REPORTERS), "main"]:
        data = (out / fmt).read_bytes()
        text = data.decode("utf-8")  # strict
        assert not RAW.findall(text), (fmt, RAW.findall(text))
        # The file was read (PM102 fired on it) and is named in display form.
        assert "PM102" in text, fmt
        if fmt == "sarif":
            continue  # the location is a URI: checked below
        if fmt == "json":
            assert json.dumps(shown)[1:-1] in text, fmt
        elif fmt in ("markdown", "main"):
            assert escape(shown) in text, fmt
        else:
            assert shown in text or shown.replace("&", "&amp;") in text, fmt
    sarif = json.loads((out / "sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    from urllib.parse import quote

    assert uris == {quote(NAMES[kind], safe="/")}
    json_paths = {f["path"] for f in json.loads((out / "json").read_text())["findings"]}
    assert json_paths == {shown}


@pytest.mark.parametrize("kind", sorted(NAMES))
def test_render_shows_a_hostile_file_name_escaped(tmp_path: Path, kind: str) -> None:
    root = make_repo(tmp_path / "repo")
    (root / os.fsdecode(NAMES[kind])).write_text("id: [unclosed\n")  # a file that does not load
    done = invoke("render", "--as-of", AS_OF, cwd=root)
    assert done.returncode == 0, done.stderr
    log = (root / "RELIABILITY_LOG.md").read_bytes().decode("utf-8")
    assert not RAW.findall(log)
    assert escape(display_path(os.fsdecode(NAMES[kind]))) in log
    assert invoke("render", "--check", cwd=root).returncode == 0
    for fmt in ("text", "json", "sarif", "markdown", "github", "junit"):
        checked = invoke("check", "--as-of", AS_OF, "--format", fmt, cwd=root)
        assert checked.returncode == 1 and checked.stderr == b"", (fmt, checked.stderr)
