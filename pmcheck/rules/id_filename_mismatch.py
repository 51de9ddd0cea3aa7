"""The postmortem's `id` differs from its file name.

## What it does
Reports a postmortem whose `id` is not the file name without its extension
(`postmortems/PM-2026-014.yaml` must hold `id: PM-2026-014`).

## Why it matters
People and tools find a postmortem by its id. When the file name says one thing and the content
another, links in the operating log, `pmcheck new` numbering and repeat detection disagree.

## Example
```yaml
# file: PM-2026-001.yaml
id: PM-2026-002
```

## Use instead
```yaml
# file: PM-2026-001.yaml
id: PM-2026-001
```

## Options
None.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from pmcheck.context import Context, Document
from pmcheck.display import display_path
from pmcheck.findings import Severity, Violation

CODE = "PM004"
NAME = "id-filename-mismatch"
SEVERITY = Severity.ERROR
SCOPE = "raw"


def check(doc: Document, ctx: Context) -> Iterator[Violation]:
    pm_id = doc.ids.postmortem
    if pm_id is None:
        return
    stem = PurePosixPath(doc.path).stem
    if pm_id != stem:
        name = PurePosixPath(display_path(doc.path))
        yield Violation(
            CODE,
            ("id",),
            f"id {pm_id} does not match the file name {name.name}",
            hint=f"rename the file to {pm_id}{name.suffix} or set `id: {name.stem}`",
            postmortem=pm_id,
        )
