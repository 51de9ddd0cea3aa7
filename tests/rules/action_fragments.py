"""Builders for the `actions:` fragments the PM1xx/PM2xx rule tests merge onto example_base.yaml.

With a fragment that only replaces `actions:`, the merged file keeps the base's first 16 lines,
so `actions:` is line 17 and the first action's `- id:` line 18 (column 5 for its keys).
"""

from __future__ import annotations

import textwrap

from pmcheck.findings import Finding

ACTIONS_LINE = 17


def action(
    n: int = 1,
    *,
    pm: str = "PM-2026-001",
    owner: str | None = "alice.ng",
    priority: str = "P2",
    due: str | None = "2026-07-15",
    status: str = "open",
    created: str | None = None,
    extra: str = "",
) -> str:
    """One action item; `owner`/`due` None leave the key out, `extra` is YAML of more keys."""
    lines = [
        f"  - id: {pm}-A{n}",
        "    title: Add a canary stage to the prompt rollout pipeline",
        "    type: prevent",
        f"    priority: {priority}",
    ]
    if owner is not None:
        lines.append(f"    owner: {owner}")
    if created is not None:
        lines.append(f"    created: {created}")
    if due is not None:
        lines.append(f"    due: {due}")
    lines.append(f"    status: {status}")
    if status in ("done", "verified"):
        lines.append("    completed_at: 2026-06-05")
        lines.append("    evidence: [{type: pull_request, url: 'https://git.example.com/pr/1'}]")
    if status == "verified":
        lines.append("    verification: {by: carol.wu, at: 2026-06-06, result: pass}")
    if status in ("wont_do", "superseded"):
        lines.append(
            "    closure: {decision: risk_accepted, rationale: covered by the rollback switch,"
            " decided_by: carol.wu, decided_at: 2026-06-05}"
        )
    lines.append("    success_criteria: canary blocks prompt changes whose eval pass rate drops below 99%")
    if extra:
        lines.extend("    " + line for line in textwrap.dedent(extra).strip("\n").splitlines())
    return "\n".join(lines) + "\n"


def actions(*items: str, tail: str = "") -> str:
    """An `actions:` fragment, optionally followed by more top-level keys."""
    return "actions:\n" + "".join(items) + textwrap.dedent(tail)


def of(findings: list[Finding], code: str) -> list[Finding]:
    """The findings of one rule (other rules may report on the same fragment)."""
    return [f for f in findings if f.code == code]
