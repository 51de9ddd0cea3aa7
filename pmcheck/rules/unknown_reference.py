"""A reference points at something that does not exist.

## What it does
Reports a `related_incidents` id that is no postmortem in the repository, an `addresses` entry
that is not one of the postmortem's `contributing_factors`, a `closure.superseded_by` that is no
action in the repository, and a severity, priority, failure mode or contributing-factor category
that the policy does not define (these are found while validating the schema, which takes its
allowed values from `pmcheck.yaml`).

## Why it matters
Links are how a repeat failure is traced to the fix that did not ship and how a superseded action
hands its risk on. A dangling link looks like governance but leads nowhere, and a level the
policy does not define has no SLO, cadence or escalation ladder.

## Example
```yaml
contributing_factors:
  - id: CF1
    category: hallucination
    description: The prompt had no grounding in the refund-policy document
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: open
    addresses: [CF2]
```

## Use instead
```yaml
contributing_factors:
  - id: CF1
    category: hallucination
    description: The prompt had no grounding in the refund-policy document
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: open
    addresses: [CF1]
```

## Options
`severities`, `priorities` and `failure_modes` in `pmcheck.yaml` define the levels and the
taxonomy.
"""

from __future__ import annotations

from collections.abc import Iterator

from pmcheck.context import Context, Corpus
from pmcheck.findings import Severity, Violation, first_few

CODE = "PM008"
NAME = "unknown-reference"
SEVERITY = Severity.ERROR
SCOPE = "corpus"
READS = ("related_incidents", "contributing_factors", "action.addresses", "action.closure.superseded_by")


def check(corpus: Corpus, ctx: Context) -> Iterator[Violation]:
    # Whether an id exists is asked of every postmortem, whatever this rule may judge.
    # Every file's, loaded in full or not (``pmcheck.summary``).
    pm_ids = {summary.id for summary in corpus.summaries if summary.id is not None}
    action_ids = {action_id for summary in corpus.summaries for action_id in summary.action_ids}
    for pm in corpus.postmortems:
        for link in pm.related_incidents:
            if link.id not in pm_ids:
                yield Violation(
                    CODE,
                    link.at + ("id",),
                    f"postmortem {pm.id} links {link.id}, which is no postmortem in this repository",
                    hint="fix the id, or add the postmortem it refers to",
                    path=pm.path,
                    postmortem=pm.id,
                    on_value=True,
                )
        factors = {factor.id for factor in pm.contributing_factors}
        for action in pm.actions:
            for n, factor_id in enumerate(action.addresses):
                if factor_id not in factors:
                    yield Violation(
                        CODE,
                        action.path("addresses", n),
                        f"action {action.id} addresses {factor_id}, which is not a contributing factor of {pm.id}",
                        hint=f"use one of {first_few(sorted(factors))}" if factors else "add it to `contributing_factors`",
                        action=action.id,
                        path=pm.path,
                        postmortem=pm.id,
                        on_value=True,
                    )
            closure = action.closure
            if closure is not None and closure.superseded_by and closure.superseded_by not in action_ids:
                yield Violation(
                    CODE,
                    closure.at + ("superseded_by",),
                    f"action {action.id} is superseded by {closure.superseded_by}, which is no action in this repository",
                    hint="name the action that replaces this one",
                    action=action.id,
                    path=pm.path,
                    postmortem=pm.id,
                    on_value=True,
                )
