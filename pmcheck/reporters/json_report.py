"""JSON output, version 1.

``{"version": 1, "as_of": "YYYY-MM-DD", "findings": [...], "summary": {...}}`` with each
finding's keys in a fixed order: path, line, column, end_line, end_column, code, name, severity,
message, hint, pointer, postmortem, action, notice. Paths are repo-relative with ``/``.
Key order and finding order are stable, so two runs on the same files diff cleanly.
"""

from __future__ import annotations

import json

from pmcheck.display import inert_json
from pmcheck.findings import Result


def render(result: Result, color: bool = False) -> str:
    document = {
        "version": 1,
        "as_of": result.as_of.isoformat(),
        "findings": [f.to_dict() for f in result.findings],
        "summary": {
            "files": result.files,
            "postmortems": result.postmortems,
            "actions": result.actions,
            "by_severity": result.by_severity(),
            "by_code": result.by_code(),
            "notices": sum(1 for f in result.findings if f.notice),
            "failed": result.exit_code != 0,
        },
        "notes": list(result.notes),
    }
    return inert_json(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
