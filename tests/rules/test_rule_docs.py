"""Every rule's documentation is executable: the bad example fires the rule, the good one nothing."""

from __future__ import annotations

import pytest

from pmcheck.rules import REGISTRY, Rule
from tests.rules.conftest import RunCheck, codes, split_documents

SECTIONS = ("What it does", "Why it matters", "Example", "Use instead", "Options")
# Examples that are not postmortems: PM904 is about the generated log, PM905 about the policy.
# PM106 and PM203 compare a change with its base revision, which one file cannot show; their
# examples are the head side of a change and are executed against git in their own tests.
NOT_POSTMORTEM = {"PM106", "PM203", "PM904", "PM905"}


@pytest.mark.parametrize("rule", list(REGISTRY.values()), ids=lambda r: r.code)
def test_rule_doc_has_every_section(rule: Rule) -> None:
    assert list(rule.sections()) == list(SECTIONS), rule.code
    assert rule.summary.endswith("."), rule.code
    bad, good = rule.examples()
    assert bad and good, rule.code


def _run_example(run: RunCheck, example: str) -> list[str]:
    docs = {}
    for n, part in enumerate(split_documents(example)):
        import re

        # `# file: PM-2026-001.yaml` names the file; else the example's `id` does.
        named = re.search(r"^# file: (\S+)\.yaml", part, re.M)
        found = named or re.search(r"^id:\s*(\S+)", part, re.M)
        docs[found[1] if found else ("PM-2026-001" if n == 0 else f"PM-2026-00{n + 1}")] = part
    return codes(run(docs))


@pytest.mark.parametrize(
    "rule", [r for r in REGISTRY.values() if r.code not in NOT_POSTMORTEM], ids=lambda r: r.code
)
def test_bad_example_fires_exactly_the_rule(rule: Rule, run: RunCheck) -> None:
    bad, _ = rule.examples()
    assert bad is not None
    assert _run_example(run, bad) == [rule.code]


@pytest.mark.parametrize(
    "rule", [r for r in REGISTRY.values() if r.code not in NOT_POSTMORTEM], ids=lambda r: r.code
)
def test_good_example_fires_nothing(rule: Rule, run: RunCheck) -> None:
    _, good = rule.examples()
    assert good is not None
    assert _run_example(run, good) == []
