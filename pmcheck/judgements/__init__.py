"""The domain judgements that rules, the operating log, history and decide share.

A rule module turns a judgement into a finding; the log turns the same judgement into a row.
Keeping them here, and only here, is what makes the log and the check agree: an action the log
calls overdue is the action PM205 reports. Nothing in this package imports a rule module.
"""

from __future__ import annotations

from pmcheck.judgements.audit_trail import appended, entries, first_rewritten, rewritten_entry
from pmcheck.judgements.closure import awaits_verification, closed_on
from pmcheck.judgements.deadlines import Move, clock_start, days_overdue, is_overdue, judge_move, slo_limit
from pmcheck.judgements.escalation import Step, passed_rungs, rung_person
from pmcheck.judgements.owners import Handover, has_no_owner, judge_handover, several_owners
from pmcheck.judgements.recurrence import FIX_TYPES, shared_modes, unshipped_fixes

__all__ = [
    "FIX_TYPES",
    "Handover",
    "Move",
    "Step",
    "appended",
    "awaits_verification",
    "clock_start",
    "closed_on",
    "days_overdue",
    "entries",
    "first_rewritten",
    "has_no_owner",
    "is_overdue",
    "judge_handover",
    "judge_move",
    "passed_rungs",
    "rewritten_entry",
    "rung_person",
    "several_owners",
    "shared_modes",
    "slo_limit",
    "unshipped_fixes",
]
