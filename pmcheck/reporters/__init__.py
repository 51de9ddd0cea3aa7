"""Output formats: each a pure function ``render(result) -> str``; text also takes ``color`` and ``cwd``.

Reporters never filter, never print and never exit; the command line writes what they return.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

# render(result: pmcheck.findings.Result, ...) -> str; the text reporter also takes `color` and `cwd`.
Reporter = Callable[..., str]

# Format name -> module under pmcheck.reporters; imported on use.
REPORTERS: dict[str, str] = {
    "text": "text",
    "json": "json_report",
    "github": "github",
    "sarif": "sarif",
    "junit": "junit",
    "markdown": "markdown_report",
}


def get_reporter(name: str) -> Reporter:
    module = importlib.import_module(f"pmcheck.reporters.{REPORTERS[name]}")
    render: Reporter = module.render
    return render
