"""Output formats: each a pure function ``render(result, color=False) -> str``.

Reporters never filter, never print and never exit; the command line writes what they return.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmcheck.engine import Result

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


def get_reporter(name: str) -> Callable[["Result"], str]:
    module = importlib.import_module(f"pmcheck.reporters.{REPORTERS[name]}")
    render: Callable[["Result"], str] = module.render
    return render
