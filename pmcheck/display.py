"""Showing repository text on terminals, in logs and in JSON, inert and always encodable.

Everything shown comes from the repository: file names, messages quoting file content, owner
ids, author names from git. Three things in such text can hurt a reader:

- control characters (C0, DEL, C1): an escape sequence moves the cursor, retitles the window
  or makes a link that says something else; a newline forges a line of output;
- invisible format characters: bidirectional overrides make a line read differently from
  what it says, zero-width and tag characters hide text;
- surrogate escapes: a file name that is not UTF-8 reaches Python as lone surrogates
  (``os.fsdecode``), which no encoder accepts, so printing it would crash the run.

``clean`` shows each of them as a Python-style escape (``\\x1b``, ``\\u202e``), a file name's
undecodable bytes as the bytes (``\\xff``), and leaves all other text alone. ``display_path``
is the same for paths, the one form every reporter and the log show. ``inert_json`` makes a
JSON document safe to print without changing the data it decodes to.
"""

from __future__ import annotations

import re

# Unicode categories Cc, Cf, Zl, Zp and Cs (surrogates), as ranges (Unicode 14): the C0
# controls, which JSON escapes itself, and the rest.
_C0 = "\x00-\x1f"
_OTHERS = (
    "\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_HIDDEN = re.compile(f"[{_C0}{_OTHERS}]")
# The same without tab, LF and CR, for formats that encode line breaks themselves.
_HIDDEN_BUT_LINES = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_OTHERS}]")
_HIDDEN_IN_JSON = re.compile(f"[{_OTHERS}]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match[0])
    if 0xDC80 <= code <= 0xDCFF:
        # os.fsdecode's surrogate escape of one undecodable byte: show the byte.
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}.get(code, f"\\x{code:02x}")
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def clean(text: str, lines: bool = False) -> str:
    """``text`` with control, format and surrogate characters shown as escapes; with
    ``lines``, tabs and line breaks are left for the caller's format to encode."""
    return (_HIDDEN_BUT_LINES if lines else _HIDDEN).sub(_shown, text)


def display_path(path: str) -> str:
    """A repo-relative path as every report shows it: ``clean``, so a non-UTF-8 byte from the
    file system reads ``\\xff`` and a control character in a name cannot reach a terminal.
    The real path, not this, is what opens the file."""
    return path if path.isascii() and path.isprintable() else clean(path)


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """``text`` with only its surrogate escapes shown (``\\xff``): for text a report keeps as
    data, such as a message quoting a file name, which must still be encodable."""
    return _SURROGATE.sub(_shown, text) if not text.isascii() else text


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def inert_json(document: str) -> str:
    """A JSON text (from ``json.dumps(..., ensure_ascii=False)``) with C1 controls, format
    characters and lone surrogates written as ``\\u`` escapes: the same data, safe to print
    and always encodable as UTF-8."""
    return document if document.isascii() else _HIDDEN_IN_JSON.sub(_json_escape, document)
