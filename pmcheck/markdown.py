"""Escaping text from postmortems for the Markdown of the operating log.

Postmortem files come from many hands, and the log is read on GitHub, so every string taken
from them is made inert before it is printed: it stays on one line, cannot end a table cell,
open a code span, emphasis, a link, an image or raw HTML, cannot start a heading, quote or
list, and cannot ping people (``@name``), reference issues (``#123``) or become an autolink.

Text is made inert, not removed: the reader sees what the author wrote. GitHub hides nothing a
reader would miss: ``&#8203;`` (a zero-width space) between ``@`` and a name is what bots such
as Renovate use to quote a handle without notifying its owner.

``escape`` is safe in a table cell and in running text. The log's templates never have to call
it: ``finalize`` (installed as Jinja's ``finalize`` hook) escapes every string a template
prints unless the view marked it as ``Markdown`` it built itself.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from pmcheck.display import clean

# Zero-width space as a character reference: visible in the source, invisible on the page.
ZWSP = "&#8203;"

# Punctuation that always means something to CommonMark or GFM inline parsing.
_BACKSLASHED = frozenset("\\`*[]|~$!")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_SPECIAL = re.compile(r"[\\`*\[\]|~$!<>&@#_]|:(?=//)|(?<=[wW]{3})\.")
# A block marker at the start of a line: heading, quote, list item, thematic break, table.
_LEADING = re.compile(r"(?:#|>|[-+=]|\d+[.)])")
# Line breaks CommonMark or browsers honour, plus other separators, all become one space.
_SPACES = re.compile(r"[\s\u2028\u2029\u0085]+")


class Markdown(str):
    """Markdown the view built from escaped parts: printed as is."""

    __slots__ = ()


def one_line(text: str) -> str:
    """``text`` on one line: control and format characters removed, whitespace runs one space,
    a file name's undecodable bytes shown as ``\\xff``."""
    if not text.isprintable():
        # Control and format characters go: bidirectional overrides can make a row read
        # differently from what it says, zero-width ones can hide a mention from this module.
        text = "".join(ch for ch in text if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cf"))
        # What is left unprintable is whitespace (made one space below) or a surrogate escape,
        # which no encoder accepts: the log must still be written.
        text = clean(_SPACES.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


def _escape_one(match: re.Match[str]) -> str:
    ch = match[0]
    if ch in _ENTITIES:
        return _ENTITIES[ch]
    if ch in _BACKSLASHED:
        return "\\" + ch
    if ch == "_":
        # Between two letters or digits `_` cannot open or close emphasis; `in_progress`
        # stays readable in the source.
        text, i = match.string, match.start()
        inner = 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
        return "_" if inner else "\\_"
    if ch in "@#":
        # `@name` notifies, `#123` links an issue, `a@b.example` becomes a mail link.
        return ch + ZWSP
    if ch == ":":
        # `https://...` becomes a link on GitHub even without angle brackets; so does `www.`.
        return ":" + ZWSP
    return ZWSP + "."


def escape(text: str) -> str:
    """``text`` as inert Markdown for a table cell or running text, on one line."""
    escaped = _SPECIAL.sub(_escape_one, one_line(text))
    leading = _LEADING.match(escaped)
    if leading:
        # A leading marker must not start a block when the text begins a line.
        escaped = leading[0][:-1] + "\\" + leading[0][-1] + escaped[leading.end() :]
    return escaped


def finalize(value: Any) -> Any:
    """Jinja's ``finalize`` hook: escape every printed string the view did not build."""
    if isinstance(value, Markdown):
        return value
    if isinstance(value, str):
        return escape(value)
    return value


def link(text: str, href: str) -> Markdown:
    """A link the view makes: ``text`` escaped unless it is ``Markdown``, ``href`` percent-encoded."""
    # Only the view's own absolute links keep their scheme; any other colon is encoded so a
    # file name can never become a `javascript:` or other scheme link.
    scheme = "https://" if href.startswith("https://") else ""
    # A path's surrogate escapes are its real bytes, and the link must name the real file.
    target = href[len(scheme):].encode("utf-8", "surrogateescape")
    return Markdown(f"[{finalize(text)}]({scheme}{quote(target, safe='/#.-_~')})")


def file_link(text: str, path: str, line: int | None = None) -> Markdown:
    """A link to a file of the repository (relative ``path``), at ``line`` on GitHub (``#L62``)."""
    # The path is encoded whole, `#` included, so only the line anchor is a fragment; its
    # surrogate escapes are the file name's real bytes.
    anchor = f"#L{line}" if line else ""
    return Markdown(f"[{finalize(text)}]({quote(path.encode('utf-8', 'surrogateescape'), safe='/.-_~')}{anchor})")


def emphasis(text: str) -> Markdown:
    return Markdown(f"*{escape(text)}*")


def join(parts: list[str], separator: str = ", ") -> Markdown:
    """Parts joined, each escaped unless it is already ``Markdown``."""
    return Markdown(separator.join(finalize(p) for p in parts))


# What may go inside a code span unchanged: no backtick to end it, no `|` to end a table cell,
# nothing GitHub would turn into a mention or link there.
_CODE_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/+-]*")


# A line break inside a table cell, which GitHub keeps: it starts an id or a date on its own
# line, so the line never breaks inside it at a hyphen.
BR = Markdown("<br>")


def code(text: str) -> Markdown:
    """An id, date or person as a code span (monospaced, easy to copy); other text escaped."""
    text = one_line(text)
    if _CODE_SAFE.fullmatch(text) and "://" not in text:
        return Markdown(f"`{text}`")
    return Markdown(escape(text))
