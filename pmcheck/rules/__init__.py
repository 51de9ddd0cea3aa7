"""The rule catalogue: an explicit registry of every rule module.

A rule module's docstring is its user documentation; its constants say what it is:
``CODE``, ``NAME`` (kebab-case, naming the bad pattern), ``SEVERITY`` (the default; the engine
stamps the effective one), ``SCOPE``, ``TIME_DRIVEN = True`` when the passing of time alone can
produce the finding (default False), and, unless the engine itself produces the finding, a
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
from pmcheck.rules import (
    action_due_soon,
    action_id_prefix,
    action_overdue,
    action_with_several_owners,
    action_without_due_date,
    action_without_owner,
    closed_postmortem_with_open_actions,
    closed_without_evidence,
    deadline_moved_without_record,
    due_date_beyond_slo,
    duplicate_id,
    duplicate_key,
    escalation_without_timeline_update,
    evidence_not_measurable,
    id_filename_mismatch,
    inactive_owner,
    missing_approval,
    missing_executive_sponsor,
    missing_success_criteria,
    no_postmortems_found,
    no_root_cause_fix,
    operating_log_stale,
    overdue_action_not_escalated,
    owner_changed_without_record,
    priority_below_severity_default,
    repeat_with_open_fix,
    review_overdue,
    schema_violation,
    self_verified,
    timestamps_out_of_order,
    too_many_extensions,
    undecided_non_completion,
    unknown_owner,
    unknown_reference,
    unlinked_repeat_failure,
    unused_waiver,
    unverified_critical_closure,
    waiver_expired,
    waiver_too_long_or_self_approved,
    yaml_syntax_error,
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
    # Whether the passing of time alone can produce the finding on an unchanged file (the
    # module's TIME_DRIVEN; pull-request mode demotes such findings outside the change).
    time_driven: bool = False

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
        time_driven=bool(getattr(module, "TIME_DRIVEN", False)),
    )


# Every rule module, listed by hand as yamllint does: a new rule is registered here, and
# nothing else in this package is a rule.
RULE_MODULES: dict[str, ModuleType] = {
    # Files, schema and identity (PM0xx)
    yaml_syntax_error.CODE: yaml_syntax_error,
    duplicate_key.CODE: duplicate_key,
    schema_violation.CODE: schema_violation,
    id_filename_mismatch.CODE: id_filename_mismatch,
    duplicate_id.CODE: duplicate_id,
    action_id_prefix.CODE: action_id_prefix,
    timestamps_out_of_order.CODE: timestamps_out_of_order,
    unknown_reference.CODE: unknown_reference,
    # Ownership (PM1xx)
    action_without_owner.CODE: action_without_owner,
    action_with_several_owners.CODE: action_with_several_owners,
    unknown_owner.CODE: unknown_owner,
    inactive_owner.CODE: inactive_owner,
    missing_executive_sponsor.CODE: missing_executive_sponsor,
    owner_changed_without_record.CODE: owner_changed_without_record,
    # Deadlines and escalation (PM2xx)
    action_without_due_date.CODE: action_without_due_date,
    due_date_beyond_slo.CODE: due_date_beyond_slo,
    deadline_moved_without_record.CODE: deadline_moved_without_record,
    action_due_soon.CODE: action_due_soon,
    action_overdue.CODE: action_overdue,
    overdue_action_not_escalated.CODE: overdue_action_not_escalated,
    escalation_without_timeline_update.CODE: escalation_without_timeline_update,
    too_many_extensions.CODE: too_many_extensions,
    # Evidence and closure (PM3xx)
    missing_success_criteria.CODE: missing_success_criteria,
    closed_without_evidence.CODE: closed_without_evidence,
    evidence_not_measurable.CODE: evidence_not_measurable,
    self_verified.CODE: self_verified,
    unverified_critical_closure.CODE: unverified_critical_closure,
    undecided_non_completion.CODE: undecided_non_completion,
    closed_postmortem_with_open_actions.CODE: closed_postmortem_with_open_actions,
    # Review cadence and approval (PM4xx)
    review_overdue.CODE: review_overdue,
    missing_approval.CODE: missing_approval,
    no_root_cause_fix.CODE: no_root_cause_fix,
    priority_below_severity_default.CODE: priority_below_severity_default,
    # Repeat failures (PM5xx)
    unlinked_repeat_failure.CODE: unlinked_repeat_failure,
    repeat_with_open_fix.CODE: repeat_with_open_fix,
    # Waivers and the run itself (PM9xx)
    waiver_expired.CODE: waiver_expired,
    waiver_too_long_or_self_approved.CODE: waiver_too_long_or_self_approved,
    unused_waiver.CODE: unused_waiver,
    operating_log_stale.CODE: operating_log_stale,
    no_postmortems_found.CODE: no_postmortems_found,
}

REGISTRY: dict[str, Rule] = {code: _rule(RULE_MODULES[code]) for code in sorted(RULE_MODULES)}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in REGISTRY.values()}


def get_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    return REGISTRY.get(key.upper()) or BY_NAME.get(key.lower())
