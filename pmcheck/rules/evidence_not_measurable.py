"""An evidence item points at nothing checkable.

## What it does
Reports an `evidence` item that has neither a well-formed `url` (`http` or `https`, with a host
and no spaces) or a non-empty `ref` (a commit SHA, a config path), nor a complete `metric` with
`query`, `threshold`, `window` and `observed` all filled in. A summary alone is a statement, not
evidence. When the item has a malformed `url`, the finding points at the url.

## Why it matters
Evidence exists so that someone other than the owner can check the work: open the pull request,
rerun the query, compare the observed value with the threshold. "Dashboard looks good" cannot be
checked, and a metric without its threshold or window proves nothing.

## Example
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: done
    completed_at: 2026-06-10
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
    evidence:
      - type: eval
        summary: the canary looks good
        metric: {query: refund_policy_eval_pass_rate, observed: 99.4%}
```

## Use instead
```yaml
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: done
    completed_at: 2026-06-10
    success_criteria: canary blocks any prompt change whose refund-policy eval pass rate drops below 99%
    evidence:
      - type: eval
        summary: the canary blocked a regressed prompt in staging
        metric: {query: refund_policy_eval_pass_rate, threshold: ">= 99%", window: 500 prompts, observed: 99.4%}
```

## Options
None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from pmcheck.context import Context
from pmcheck.findings import Severity, Violation
from pmcheck.model import Evidence, Postmortem

CODE = "PM303"
NAME = "evidence-not-measurable"
SEVERITY = Severity.ERROR
SCOPE = "document"
READS = ("action.evidence",)

METRIC_KEYS = ("query", "threshold", "window", "observed")


# The usual link, which urlsplit would accept with a host: checked without it (a repository has
# tens of thousands of links). Anything else (a port, user info, non-ASCII) goes through urlsplit.
_PLAIN_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(?:[/?#][!-~]*)?\Z")


def well_formed_url(url: str | None) -> bool:
    """An http(s) URL with a host and no whitespace."""
    if not url:
        return False
    if _PLAIN_URL.match(url):
        return True
    if re.search(r"\s", url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def _filled(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and not isinstance(value, bool)


def missing_metric_keys(metric: dict[str, Any] | None) -> list[str]:
    """The metric keys that are absent or empty (all of them when there is no metric)."""
    if not metric:
        return list(METRIC_KEYS)
    return [key for key in METRIC_KEYS if not _filled(metric.get(key))]


def _problem(item: Evidence) -> str | None:
    if well_formed_url(item.url) or (item.ref is not None and item.ref.strip()):
        return None
    missing = missing_metric_keys(item.metric)
    if not missing:
        return None
    if item.url is not None:
        return f"its url {item.url!r} is not an http(s) link with a host"
    if item.metric is not None:  # an empty `metric: {}` still lacks its keys
        return f"its metric lacks {', '.join(missing)}"
    return "it has no url, ref or metric"


def check(pm: Postmortem, ctx: Context) -> Iterator[Violation]:
    for action in pm.actions:
        for n, item in enumerate(action.evidence):
            problem = _problem(item)
            if problem is None:
                continue
            at = item.at + ("url",) if item.url is not None else item.at
            yield Violation(
                CODE,
                at,
                f"evidence {n + 1} ({item.type}) of action {action.id} is not checkable: {problem}",
                hint="give a link (https://...), a `ref` such as a commit SHA, or a metric with query, threshold, window and observed",
                action=action.id,
            )
