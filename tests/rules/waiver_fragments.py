"""Fragments for the waiver rule tests (PM901, PM902, PM903): P1 actions without success criteria.

PM301 fires on such an action, so a waiver of PM301 has something to suppress.
"""

from __future__ import annotations

from pmcheck.findings import Finding


def waiver(rule: str = "PM301", approved_by: str = "carol.wu", expires: str = "2026-06-30", indent: int = 6) -> str:
    pad = " " * indent
    return (
        f"{pad}- rule: {rule}\n{pad}  reason: the pass-rate bar waits for the eval baseline\n"
        f"{pad}  approved_by: {approved_by}\n{pad}  expires: {expires}\n"
    )


def fragment(action_waivers: str = "", pm_waivers: str = "", owners: tuple[str, ...] = ("alice.ng",)) -> str:
    """One P1 action per owner (A1, A2, ...); the first holds ``action_waivers``."""
    text = "waivers:\n" + pm_waivers if pm_waivers else ""
    text += "actions:\n"
    for n, owner in enumerate(owners, 1):
        text += (
            f"  - id: PM-2026-001-A{n}\n    title: Gate prompt rollouts on eval suite {n}\n    type: prevent\n"
            f"    priority: P1\n    owner: {owner}\n    due: 2026-06-30\n    status: open\n"
        )
        if n == 1 and action_waivers:
            text += "    waivers:\n" + action_waivers
    return text


def summary(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return sorted((f.code, f.action) for f in findings)
