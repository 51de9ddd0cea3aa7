"""Escaping postmortem text for the operating log: inert in table cells and in running text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pmcheck.markdown import ZWSP, Markdown, escape, finalize, join, link, one_line

HOSTILE = [
    "Break | the | table",
    "<script>alert(1)</script> <img src=x onerror=alert(1)>",
    "[click me](https://evil.example/phish) ![x](https://evil.example/x.png) [ref]: https://evil.example",
    "`code` and ``` fence",
    "# Forged heading",
    "## Review agenda",
    "> quoted",
    "- listed",
    "+ listed",
    "1. numbered",
    "3) numbered",
    "===",
    "ping @alice.ng and @octo-org/team, fixes #123 and owner/repo#9",
    "visit www.evil.example or https://evil.example or x@evil.example",
    "<!-- comment --> &lt;b&gt; &amp; \\| \\",
    "**bold** _em_ ~~strike~~ $x^2$ <https://evil.example>",
    "\u202eright-to-left override\u200b zero\u2060width",
    "line one\r\nline two\u2028line three\u2029four\x85five\tsix",
    "trailing backslash \\",
    "   indented code block",
    "",
]


def md() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _inline_text(children: list[Token]) -> str:
    return "".join(t.content for t in children)


def _row(text: str) -> list[Token]:
    return md().parse(f"| a | b |\n|---|---|\n| {escape(text)} | end |\n")


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_cell_keeps_the_table_shape(text: str) -> None:
    tokens = _row(text)
    assert [t.type for t in tokens].count("tr_open") == 2
    assert [t.type for t in tokens].count("td_open") == 2
    cells = [t for t in tokens if t.type == "inline"][2:]
    assert _inline_text(cells[1].children or []) == "end"
    # The cell holds the author's words literally: no emphasis, code, link or HTML was made.
    assert {c.type for c in cells[0].children or []} <= {"text"}
    assert _inline_text(cells[0].children or []).replace("\u200b", "") == one_line(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_one_paragraph_at_the_start_of_a_line(text: str) -> None:
    tokens = md().parse(escape(text) + "\n")
    if not one_line(text):
        assert tokens == []
        return
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert {c.type for c in tokens[1].children or []} <= {"text"}
    assert _inline_text(tokens[1].children or []).replace("\u200b", "") == one_line(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_a_list_item_stays_one_item(text: str) -> None:
    tokens = md().parse(f"- {escape(text)}\n")
    assert [t.type for t in tokens].count("list_item_open") == 1
    assert "heading_open" not in [t.type for t in tokens]


def test_mentions_issue_references_and_autolinks_are_broken_with_a_zero_width_space() -> None:
    out = escape("@alice.ng #123 https://evil.example www.evil.example bob@evil.example")
    assert out.count(ZWSP) == 5
    assert "@" + ZWSP + "alice.ng" in out
    # GitHub links `@name`, `#123`, `scheme://` and `www.` only when they are contiguous.
    shown = _inline_text(md().parse(out + "\n")[1].children or [])
    assert not re.search(r"@\w|#\d|://|www\.", shown)
    assert shown.replace("\u200b", "") == "@alice.ng #123 https://evil.example www.evil.example bob@evil.example"


def test_readable_where_nothing_is_special() -> None:
    assert escape("Gate model rollouts on the refund-policy eval suite") == "Gate model rollouts on the refund-policy eval suite"
    assert escape("in_progress") == "in_progress"
    assert escape("_private") == "\\_private"


def test_finalize_escapes_plain_strings_only() -> None:
    assert finalize("a|b") == "a\\|b"
    assert finalize(Markdown("**12**")) == "**12**"
    assert finalize(12) == 12
    assert join(["a|b", Markdown("*c*")]) == "a\\|b, *c*"


def test_link_escapes_text_and_encodes_the_target() -> None:
    tokens = md().parse(link("PM-2026-001 ]x", "postmortems/a b)(.yaml") + "\n")
    opens = [c for c in tokens[1].children or [] if c.type == "link_open"]
    assert len(opens) == 1
    assert opens[0].attrs["href"] == "postmortems/a%20b%29%28.yaml"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_one_literal_table_cell(text: str) -> None:
    tokens = _row(text)
    assert [t.type for t in tokens].count("td_open") == 2
    cells = [t for t in tokens if t.type == "inline"][2:]
    assert {c.type for c in cells[0].children or []} <= {"text"}
    assert _inline_text(cells[0].children or []).replace("\u200b", "") == one_line(text)
    assert _inline_text(cells[1].children or []) == "end"
