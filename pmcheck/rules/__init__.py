"""The rule catalogue: an explicit registry of every rule module.

A rule module's docstring is its user documentation; its constants say what it is:
``CODE``, ``NAME`` (kebab-case, naming the bad pattern), ``SEVERITY`` (the default; the engine
stamps the effective one), ``SCOPE`` and, unless the engine itself produces the finding, a
``check`` function yielding ``Violation``s:

- ``"document"``: ``check(pm: Postmortem, ctx: Context)`` for each postmortem with a model (see ``READS``);
- ``"raw"``: ``check(doc: Document, ctx: Context)`` for each loaded file, valid or not;
- ``"corpus"``: ``check(corpus: Corpus, ctx: Context)`` once, over the whole repository;
- ``"engine"``: produced by the loader, the schema stage, the decision step or a command.

``READS`` lists the fields a document or corpus rule reads (``"severity"``, ``"action.due"``,
``"actions.type"``); the engine holds the rule back from exactly the postmortems and actions
where one of them is unknown because it breaks the schema (``pmcheck.reads``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from pmcheck.findings import Severity, Violation
# Importing a rule module registers it (see _MODULES below).
from pmcheck.rules import (  # noqa: F401
    # Files, schema and identity (PM0xx)
    yaml_syntax_error,
    duplicate_key,
    schema_violation,
    id_filename_mismatch,
    duplicate_id,
    action_id_prefix,
    timestamps_out_of_order,
    unknown_reference,
    # -- more PM0xx rules register here --
    # Ownership (PM1xx)
    action_without_owner,
    action_with_several_owners,
    unknown_owner,
    inactive_owner,
    missing_executive_sponsor,
    owner_changed_without_record,
    # -- PM1xx rules register here --
    # Deadlines and escalation (PM2xx)
    action_without_due_date,
    due_date_beyond_slo,
    deadline_moved_without_record,
    action_due_soon,
    action_overdue,
    overdue_action_not_escalated,
    escalation_without_timeline_update,
    too_many_extensions,
    # -- PM2xx rules register here --
    # Evidence and closure (PM3xx)
    missing_success_criteria,
    closed_without_evidence,
    evidence_not_measurable,
    self_verified,
    unverified_critical_closure,
    undecided_non_completion,
    closed_postmortem_with_open_actions,
    # -- PM3xx rules register here --
    # Review cadence and approval (PM4xx)
    review_overdue,
    missing_approval,
    no_root_cause_fix,
    priority_below_severity_default,
    # -- PM4xx rules register here --
    # Repeat failures (PM5xx)
    unlinked_repeat_failure,
    repeat_with_open_fix,
    # -- PM5xx rules register here --
    # Waivers and the run itself (PM9xx)
    waiver_expired,
    waiver_too_long_or_self_approved,
    unused_waiver,
    operating_log_stale,
    no_postmortems_found,
    # -- PM9xx rules register here --
)

SCOPES = ("document", "raw", "corpus", "engine")
SECTION_TITLES = ("What it does", "Why it matters", "Example", "Use instead", "Options")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    scope: str
    doc: str
    check: Callable[..., Iterator[Violation]] | None
    # The fields the rule reads (module ``READS``); None reads everything (see pmcheck.reads).
    reads: tuple[str, ...] | None = None

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.strip().splitlines()[0].strip()

    def sections(self) -> dict[str, str]:
        """The documentation split at its ``## `` headings (title -> body)."""
        out: dict[str, str] = {}
        for match in re.finditer(r"^## ([^\n]+)\n(.*?)(?=^## |\Z)", self.doc, re.M | re.S):
            out[match[1].strip()] = match[2].strip()
        return out

    def examples(self) -> tuple[str | None, str | None]:
        """The YAML of the bad example and of the good one."""

        def block(text: str | None) -> str | None:
            if not text:
                return None
            match = re.search(r"```yaml\n(.*?)```", text, re.S)
            return match[1] if match else None

        sections = self.sections()
        return block(sections.get("Example")), block(sections.get("Use instead"))


def _rule(module: ModuleType) -> Rule:
    doc = module.__doc__ or ""
    check: Any = getattr(module, "check", None)
    return Rule(
        code=module.CODE,
        name=module.NAME,
        severity=module.SEVERITY,
        scope=module.SCOPE,
        doc=doc,
        check=check,
        reads=getattr(module, "READS", None),
    )


_MODULES = [
    module
    for module in globals().copy().values()
    # Rule modules are the imported submodules that declare a CODE; shared helpers are not.
    if isinstance(module, ModuleType) and module.__name__.startswith("pmcheck.rules.") and hasattr(module, "CODE")
]

REGISTRY: dict[str, Rule] = {rule.code: rule for rule in sorted(map(_rule, _MODULES), key=lambda r: r.code)}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in REGISTRY.values()}


def get_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    return REGISTRY.get(key.upper()) or BY_NAME.get(key.lower())
