"""The committed operating log differs from what the postmortem files produce.

## What it does
`pmcheck render --check` renders the reliability operating log again, as of the date the
committed log records in its header (`<!-- pmcheck:as-of 2026-11-27 -->`), and reports the log
when its bytes differ from that rendering, or when it does not exist. It prints a short unified
diff and never writes. Because the check uses the recorded date, a log does not go stale just
because a day passed; it goes stale when a postmortem, the roster or the policy changed and
nobody rendered the log again.

## Why it matters
The operating log is what reviewers read at the governance review: the agenda, the risk trend,
the missing escalations. A log that lags the files shows an action as open after it was
verified, or hides a new overdue P0. Checking it in CI keeps the one published view of the
programme equal to the files it claims to summarise.

## Example
```yaml
# .pre-commit-config.yaml: postmortems are checked, but the log is never re-rendered,
# so a commit that verifies an action leaves RELIABILITY_LOG.md listing it as open.
repos:
  - repo: local
    hooks:
      - id: pmcheck
        name: pmcheck
        entry: pmcheck check
        language: python
        files: ^postmortems/.*[.]ya?ml$
```

## Use instead
```yaml
# .pre-commit-config.yaml: render the log in the same commit, and check it in CI
# with `pmcheck render --check`.
repos:
  - repo: local
    hooks:
      - id: pmcheck
        name: pmcheck
        entry: pmcheck check
        language: python
        files: ^postmortems/.*[.]ya?ml$
      - id: pmcheck-render
        name: pmcheck render
        entry: pmcheck render
        language: python
        pass_filenames: false
        files: ^(postmortems/.*[.]ya?ml|people[.]yaml|pmcheck[.]yaml)$
```

## Options
`log` in `pmcheck.yaml` names the log file (default `RELIABILITY_LOG.md`), `log_template` a
template of the repository's own (rendered in a sandbox; it must print `{{ marker }}`), and
`trend: {weeks: N}` the length of the risk trend. `rules: {PM904: warning}` reports a stale log
without failing.
"""

from __future__ import annotations

from pmcheck.findings import Severity

CODE = "PM904"
NAME = "operating-log-stale"
SEVERITY = Severity.ERROR
# Reported by `pmcheck render --check` (pmcheck.render), which alone renders the log.
SCOPE = "engine"
