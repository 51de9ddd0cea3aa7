"""Policy in force: the rules the log measures against, in words."""

from __future__ import annotations

from pmcheck.markdown import Markdown, join
from pmcheck.policy import Policy, PriorityLevel
from pmcheck.view.records import PolicyView, PriorityRow, SeverityRow
from pmcheck.view.text import DASH, days, rung_words


def policy_view(policy: Policy) -> PolicyView:
    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    def ladder(level: PriorityLevel) -> str:
        if not level.escalate:
            return "none"
        return "; ".join(rung_words(r) for r in level.escalate)

    priorities = list(policy.priorities.values())
    done_closes = [p.name for p in priorities if p.done_is_terminal]
    verified = [p.name for p in priorities if p.requires_verification]
    critical = [p.name for p in priorities if p.critical]
    capped = [p.name for p in priorities if p.max_extensions is not None]
    criteria = [
        Markdown(
            "An action is closed when it is `verified`, `wont_do` or `superseded`"
            + (f"; `done` also closes {join(done_closes)}." if done_closes else ".")
        ),
        Markdown(
            f"{join(verified)} actions need a `verification` with result `pass` by someone other than the owner."
            if verified
            else "No priority requires verification."
        ),
        Markdown("`done` and `verified` need at least one evidence item; a tracker link alone is not evidence."),
        # What PM306 accepts: for critical priorities the decider holds either role.
        Markdown(
            "`wont_do` and `superseded` need a `closure` decision with a rationale and who decided"
            + (f"; for {join(critical)} a person with the `approver` or `exec_sponsor` role decides." if critical else ".")
        ),
        # PM203 asks for an approver other than the owner only on critical priorities, and
        # PM208 for the sponsor's approval past the extension limit.
        Markdown(
            "A moved due date is recorded in `deadline_changes`"
            + (f"; for {join(critical)} it is approved by someone other than the owner" if critical else "")
            + (
                "; a move beyond the priority's max extensions is approved by the executive sponsor."
                if capped
                else "."
            )
        ),
    ]
    return PolicyView(
        source=policy.source or "built-in defaults",
        timezone=policy.timezone,
        slo_clock_start=Markdown("the action's `created` date" if policy.slo_clock_start == "created" else "the incident's `resolved_at`"),
        severities=tuple(
            SeverityRow(
                name=f"{s.name} (critical)" if s.critical else s.name,
                critical=yes(s.critical),
                review_every=days(s.review_every_days),
                postmortem_review_within=days(s.postmortem_review_within_days) if s.postmortem_review_within_days is not None else DASH,
                default_priority=s.default_priority,
            )
            for s in policy.severities.values()
        ),
        priorities=tuple(
            PriorityRow(
                name=f"{p.name} (critical)" if p.critical else p.name,
                critical=yes(p.critical),
                slo=days(p.slo_days),
                verification="required" if p.requires_verification else "not required",
                escalation=ladder(p),
                max_extensions=str(p.max_extensions) if p.max_extensions is not None else "no limit",
                done_closes=yes(p.done_is_terminal),
            )
            for p in priorities
        ),
        closure_criteria=tuple(criteria),
        due_soon_days=policy.due_soon_days,
        repeat_window_days=policy.repeat_window_days,
        waiver_max_days=policy.waiver_max_days,
        due_soon=days(policy.due_soon_days),
        repeat_window=days(policy.repeat_window_days),
        waiver_max=days(policy.waiver_max_days),
    )
