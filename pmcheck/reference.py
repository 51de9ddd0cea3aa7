"""Where a rule's documentation lives: the rule reference's URL and each rule's heading anchor.

Kept apart from the catalogue so the operating log can link a finding to its rule without
importing the rule registry: a finding carries its code and name, which is all a link needs.
"""

from __future__ import annotations

from typing import Protocol

PROJECT_URL = "https://github.com/pmcheck/pmcheck"
# Absolute, so the links in a generated log and in SARIF work from any repository.
DOCS_URL = f"{PROJECT_URL}/blob/main/docs/rules.md"


class Named(Protocol):
    """A rule or a finding: anything with a rule code and a rule name."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...


def anchor(rule: Named) -> str:
    """The Markdown heading anchor of a rule in docs/rules.md."""
    return f"{rule.code.lower()}-{rule.name}"
