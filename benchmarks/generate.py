"""Write a synthetic postmortem repository for benchmarking ``pmcheck``.

    python benchmarks/generate.py OUT_DIR --postmortems 2000 --seed 1

The repository looks like a busy reliability programme: about 60 people in 10 teams, five AI
workflows, twenty services, incidents at a steady rate up to the benchmark's as-of date (2,000
postmortems span three years), about eight corrective actions per postmortem, and every optional field of the format in
use (evidence with URLs, refs and metrics, deadline changes, escalations with mitigation
timelines, reviews, approvers, recurrence links, waivers). Most files are healthy; a small share
carries the governance problems pmcheck exists to catch (ownerless actions, overdue P0 actions
nobody escalated, self-verification, closed postmortems with open actions, ...).

The same seed always gives the same bytes. Only the standard library is used: files are written
by a small emitter so dates and timestamps stay unquoted, as people write them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AS_OF = dt.date(2026, 11, 27)
SPAN_DAYS = 3 * 365

TEAMS = (
    "ml-platform", "sre", "support-eng", "search", "payments",
    "data-eng", "security", "infra", "product-ai", "exec",
)
FIRST = (
    "alice", "bo", "carol", "dana", "erin", "femi", "gus", "hana", "ines", "jon", "kai", "lena",
    "mo", "nia", "omar", "pia", "quinn", "raj", "sara", "tom", "uma", "victor", "wen", "xavi",
    "yara", "zane", "ada", "ben", "cleo", "dev",
)
LAST = (
    "ng", "chen", "wu", "kim", "li", "ade", "park", "sato", "duarte", "berg", "osei", "iyer",
    "okafor", "lund", "reyes", "novak", "haas", "moreau", "tanaka", "silva",
)
WORKFLOWS = (
    "checkout-assistant", "support-assistant", "search-ranking", "doc-summarizer", "fraud-screening",
)
SERVICES = (
    "llm-gateway", "prompt-store", "policy-kb", "vector-index", "embedding-service",
    "checkout-api", "payments-core", "support-assistant", "ranking-service", "feature-store",
    "eval-runner", "model-registry", "rate-limiter", "auth-service", "notification-service",
    "search-api", "summarizer-worker", "fraud-model", "data-pipeline", "cdn-edge",
)
FAILURE_MODES = (
    "hallucination", "prompt_injection", "model_regression", "provider_outage", "data_leak",
    "cost_overrun", "latency", "bad_deploy", "config_change", "capacity", "dependency", "other",
)
SEVERITIES = (("SEV-1", 8), ("SEV-2", 22), ("SEV-3", 45), ("SEV-4", 25))
DEFAULT_PRIORITY = {"SEV-1": "P0", "SEV-2": "P1", "SEV-3": "P2", "SEV-4": "P3"}
PRIORITIES = ("P0", "P1", "P2", "P3")
SLO_DAYS = {"P0": 14, "P1": 30, "P2": 60, "P3": 90}
ACTION_TYPES = ("prevent", "detect", "mitigate", "repair", "process", "investigate")
EVIDENCE_TYPES = (
    "pull_request", "commit", "deploy", "test", "alert", "dashboard", "runbook", "eval",
    "experiment", "metric", "config", "doc",
)
DETECTION = ("alert", "customer_report", "internal_report", "eval", "manual")
VERBS = (
    "Gate", "Add", "Alert on", "Cap", "Pin", "Roll out", "Document", "Backfill", "Rate-limit",
    "Validate", "Monitor", "Retire", "Shard", "Cache", "Replay", "Audit",
)
OBJECTS = (
    "model rollouts on the refund-policy eval suite", "prompt changes behind a canary",
    "token spend per tenant", "the provider failover path", "retrieval freshness",
    "PII redaction in transcripts", "tool-call arguments", "the embedding backfill job",
    "p99 latency of the gateway", "grounding citations in answers", "config pushes to the edge",
    "the on-call runbook for model incidents", "jailbreak prompts in the eval set",
    "feature drift in the fraud model", "queue depth of the summarizer workers",
)
# Share of postmortems carrying one deliberate governance problem.
PROBLEM_SHARE = 0.06


@dataclass(frozen=True)
class Person:
    id: str
    team: str
    roles: tuple[str, ...]
    active: bool


class Text(str):
    """A string to write plainly (ids, dates, timestamps) without quoting."""


def _people(rng: random.Random) -> tuple[list[Person], dict[str, str]]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < 60:
        name = f"{rng.choice(FIRST)}.{rng.choice(LAST)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    people: list[Person] = []
    managers: dict[str, str] = {}
    for i, name in enumerate(names):
        team = TEAMS[i % len(TEAMS)]
        roles: tuple[str, ...]
        if team == "exec":
            roles = ("exec_sponsor", "approver", "manager")
        elif i < 2 * len(TEAMS):
            roles = ("manager", "approver")
        else:
            roles = ("engineer",) if i % 7 else ("engineer", "approver")
        active = not (i >= 2 * len(TEAMS) and i % 19 == 0)
        people.append(Person(name, team, roles, active))
        if "manager" in roles and team not in managers:
            managers[team] = name
    return people, managers


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def _stamp(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(0, 60, 5), tzinfo=dt.timezone.utc)


def _ts(stamp: dt.datetime) -> Text:
    return Text(stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _d(day: dt.date) -> Text:
    return Text(day.isoformat())


def _sentence(rng: random.Random, words: int) -> str:
    vocab = (
        "the", "model", "gateway", "prompt", "eval", "customers", "answers", "retries", "cache",
        "rollout", "alert", "latency", "provider", "index", "policy", "tenant", "budget", "tokens",
        "queue", "threshold", "was", "did", "not", "after", "during", "because", "without",
        "shipped", "dropped", "paged", "regressed", "recovered", "within", "hours", "minutes",
    )
    text = " ".join(rng.choice(vocab) for _ in range(words))
    return text[0].upper() + text[1:] + "."


class _Builder:
    def __init__(self, rng: random.Random, people: list[Person], managers: dict[str, str]) -> None:
        self.rng = rng
        self.people = people
        self.active = [p for p in people if p.active and p.team != "exec"]
        self.by_id = {p.id: p for p in people}
        self.sponsors = [p.id for p in people if "exec_sponsor" in p.roles]
        self.approvers = [p.id for p in people if "approver" in p.roles and p.active]
        self.managers = managers
        # The latest postmortem by (workflow or service, failure mode): id and incident day.
        self.last: dict[tuple[str, str], tuple[str, dt.date]] = {}

    def person(self, exclude: str | None = None) -> str:
        while True:
            pid = self.rng.choice(self.active).id
            if pid != exclude:
                return pid

    def postmortem(self, pm_id: str, day: dt.date, problem: str | None) -> dict[str, Any]:
        rng = self.rng
        severity = _weighted(rng, SEVERITIES)
        age = (AS_OF - day).days
        started = _stamp(day, rng)
        detected = started + dt.timedelta(minutes=rng.randrange(2, 600))
        mitigated = detected + dt.timedelta(minutes=rng.randrange(10, 900))
        resolved = mitigated + dt.timedelta(hours=rng.randrange(1, 72))
        if age > 60:
            status = _weighted(rng, (("closed", 55), ("published", 35), ("reviewed", 10)))
        elif age > 14:
            status = _weighted(rng, (("published", 40), ("reviewed", 35), ("in_review", 25)))
        else:
            status = _weighted(rng, (("in_review", 50), ("draft", 35), ("reviewed", 15)))
        workflow = rng.choice(WORKFLOWS)
        modes = sorted(rng.sample(FAILURE_MODES, rng.choice((1, 1, 1, 1, 1, 1, 1, 2, 2, 3))), key=FAILURE_MODES.index)
        # Each workflow runs on its own four services.
        home = SERVICES[4 * WORKFLOWS.index(workflow) : 4 * WORKFLOWS.index(workflow) + 4]
        services = sorted(rng.sample(home, rng.choice((1, 1, 2, 2, 3))), key=SERVICES.index)
        owner = self.person()
        critical = severity in ("SEV-1", "SEV-2")
        sponsor = rng.choice(self.sponsors)
        doc: dict[str, Any] = {
            "schema_version": 1,
            "id": Text(pm_id),
            "title": f"{workflow.replace('-', ' ').capitalize()} {rng.choice(('served wrong answers', 'timed out', 'overspent its token budget', 'leaked internal notes', 'failed over slowly', 'ranked stale results'))} for {rng.randrange(5, 900)} minutes",
            "severity": Text(severity),
            "status": Text(status),
            "summary": " ".join(_sentence(rng, rng.randrange(8, 18)) for _ in range(rng.randrange(2, 5))),
            "workflow": Text(workflow),
            "services": [Text(s) for s in services],
            "failure_modes": [Text(m) for m in modes],
            "incident": {
                "started_at": _ts(started),
                "detected_at": _ts(detected),
                "mitigated_at": _ts(mitigated),
                "resolved_at": _ts(resolved),
            },
            "detection": {"method": Text(rng.choice(DETECTION)), "notes": _sentence(rng, 8)},
            "owner": Text(owner),
        }
        if critical or rng.random() < 0.2:
            doc["executive_sponsor"] = Text(sponsor)
        if status in ("reviewed", "published", "closed"):
            approvers = [a for a in rng.sample(self.approvers, 2) if a != owner] or [self.approvers[0]]
            doc["approvers"] = [
                {"person": Text(a), "decision": Text("approved"), "at": _ts(resolved + dt.timedelta(days=rng.randrange(2, 12)))}
                for a in approvers
            ]
        factors = [
            {"id": Text(f"CF{i + 1}"), "category": Text(rng.choice(modes + ["other"])), "description": _sentence(rng, 12)}
            for i in range(rng.randrange(1, 4))
        ]
        doc["contributing_factors"] = factors
        related = self._related(pm_id, day, workflow, services, modes)
        if related:
            doc["related_incidents"] = related
        resolved_day = resolved.date()
        actions, escalated = self._actions(pm_id, severity, status, resolved_day, owner, sponsor, [f["id"] for f in factors])
        if status != "draft" or rng.random() < 0.5:
            doc["reviews"] = [
                {"date": _d(resolved_day + dt.timedelta(days=7 + 14 * i)), "attendees": [Text(owner), Text(self.person(owner))], "notes": _sentence(rng, 9)}
                for i in range(rng.randrange(1, 4))
                if resolved_day + dt.timedelta(days=7 + 14 * i) <= AS_OF
            ] or [{"date": _d(min(AS_OF, resolved_day + dt.timedelta(days=1)))}]
        if escalated:
            doc["mitigation_timeline"] = [
                {
                    "at": _d(min(AS_OF, when + dt.timedelta(days=1))),
                    "plan": _sentence(rng, 10),
                    "interim_mitigation": _sentence(rng, 7),
                    "by": Text(owner),
                }
                for when in sorted(escalated)
            ]
        open_critical = any(
            a["priority"] in ("P0", "P1") and a["status"] in ("open", "in_progress", "blocked", "done") for a in actions
        )
        if open_critical and "reviews" in doc:
            gap = rng.random()
            if gap < 0.03:
                doc["waivers"] = [
                    {
                        "rule": Text("PM401"),
                        "reason": "Reviewed in the quarterly programme review instead of weekly.",
                        "approved_by": Text(sponsor),
                        "expires": _d(AS_OF + dt.timedelta(days=rng.randrange(10, 80))),
                    }
                ]
            elif gap > 0.05:
                # Open critical work is on the weekly governance review's agenda.
                doc["reviews"].append({"date": _d(AS_OF - dt.timedelta(days=rng.randrange(0, 6))), "attendees": [Text(owner), Text(sponsor)]})
        doc["actions"] = actions if status != "draft" or rng.random() < 0.7 else []
        if problem is not None:
            self._plant(doc, problem)
        return doc

    def _related(self, pm_id: str, day: dt.date, workflow: str, services: list[str], modes: list[str]) -> list[dict[str, Any]]:
        """Links to earlier incidents: most repeats are traced to the nearest earlier incident of
        the same workflow or service and failure mode."""
        rng = self.rng
        linked: list[str] = []
        keys = [(place, mode) for place in [workflow, *services] for mode in modes]
        for key in keys:
            earlier = self.last.get(key)
            if earlier is not None and (day - earlier[1]).days <= 180 and earlier[0] not in linked and rng.random() < 0.97:
                linked.append(earlier[0])
            self.last[key] = (pm_id, day)
        if rng.random() < 0.003:
            linked.append("PM-2019-001")  # an incident that is not in the repository (PM008)
        return [
            {"id": Text(other), "relation": Text("recurrence" if rng.random() < 0.1 else "related")}
            for other in linked
            if other != pm_id
        ]

    def _actions(
        self, pm_id: str, severity: str, status: str, resolved: dt.date, pm_owner: str, sponsor: str, factors: list[str]
    ) -> tuple[list[dict[str, Any]], list[dt.date]]:
        rng = self.rng
        actions: list[dict[str, Any]] = []
        escalated: list[dt.date] = []
        count = max(1, min(14, int(rng.gauss(8, 2))))
        default = DEFAULT_PRIORITY[severity]
        for n in range(1, count + 1):
            priority = default
            rationale = None
            if rng.random() < 0.2 and default != "P3":
                priority = PRIORITIES[PRIORITIES.index(default) + 1]
                rationale = _sentence(rng, 10)
            owner = self.person()
            team = self.by_id[owner].team
            due = resolved + dt.timedelta(days=rng.randrange(max(3, SLO_DAYS[priority] // 3), SLO_DAYS[priority] + 1))
            action: dict[str, Any] = {
                "id": Text(f"{pm_id}-A{n}"),
                "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}",
                "type": Text(ACTION_TYPES[0] if n == 1 else rng.choice(ACTION_TYPES)),
                "priority": Text(priority),
            }
            if rationale:
                action["priority_rationale"] = rationale
            action["owner"] = Text(owner)
            action["team"] = Text(team)
            if rng.random() < 0.3:
                action["created"] = _d(resolved + dt.timedelta(days=rng.randrange(0, 3)))
            changes: list[dict[str, Any]] = []
            if rng.random() < 0.12:
                new_due = due + dt.timedelta(days=rng.randrange(7, 30))
                changes.append(
                    {
                        "from": _d(due),
                        "to": _d(new_due),
                        "at": _d(min(AS_OF, due - dt.timedelta(days=2))),
                        "reason": _sentence(rng, 8),
                        "approved_by": Text(self.managers.get(team, pm_owner)),
                    }
                )
                due = new_due
            action["due"] = _d(due)
            age = (AS_OF - due).days
            if status == "closed" or age > 60:
                state = _weighted(rng, (("verified", 55), ("done", 30), ("wont_do", 10), ("superseded", 5)))
            elif age > 0:
                state = _weighted(rng, (("verified", 45), ("done", 30), ("in_progress", 9), ("blocked", 3), ("open", 6), ("wont_do", 7)))
            else:
                state = _weighted(rng, (("open", 40), ("in_progress", 35), ("blocked", 5), ("done", 15), ("verified", 5)))
            if state == "superseded" and n == 1:
                state = "verified"
            if state == "done" and priority in ("P0", "P1") and age > 0 and rng.random() < 0.95:
                # Critical actions need verification to close; most teams do verify them.
                state = "verified"
            action["status"] = Text(state)
            action["addresses"] = [Text(rng.choice(factors))]
            if priority in ("P0", "P1") or severity in ("SEV-1", "SEV-2") or rng.random() < 0.5:
                action["success_criteria"] = f"{rng.choice(('Eval pass rate', 'Alert precision', 'p99 latency', 'Cost per request'))} meets {rng.randrange(90, 100)}% on {rng.randrange(100, 1000)} samples over 7 days"
            completed = min(AS_OF, due - dt.timedelta(days=rng.randrange(0, 10)))
            if state in ("done", "verified"):
                action["evidence"] = [self._evidence() for _ in range(rng.randrange(1, 4))]
                action["completed_at"] = _d(completed)
            if state == "verified":
                action["verification"] = {
                    "by": Text(self.person(owner)),
                    "at": _d(min(AS_OF, completed + dt.timedelta(days=rng.randrange(0, 5)))),
                    "result": Text("pass"),
                    "notes": _sentence(rng, 7),
                }
            if state in ("wont_do", "superseded"):
                closure: dict[str, Any] = {
                    "decision": Text("superseded" if state == "superseded" else rng.choice(("wont_do", "risk_accepted"))),
                    "rationale": _sentence(rng, 12),
                    "decided_by": Text(rng.choice(self.approvers)),
                    "decided_at": _d(min(AS_OF, completed)),
                }
                if state == "superseded":
                    closure["superseded_by"] = Text(f"{pm_id}-A{rng.randrange(1, n)}")
                action["closure"] = closure
            if changes:
                action["deadline_changes"] = changes
            if rng.random() < 0.03:
                previous = self.person(owner)
                action["owner_changes"] = [
                    {"from": Text(previous), "to": Text(owner), "at": _d(min(AS_OF, resolved + dt.timedelta(days=5))), "reason": "Moved teams."}
                ]
            overdue_open = age > 0 and state in ("open", "in_progress", "blocked")
            if overdue_open and priority in ("P0", "P1"):
                when = min(AS_OF, due + dt.timedelta(days=1))
                escalations = [
                    {"to": Text(self.managers.get(team, pm_owner)), "at": _d(when), "reason": "Overdue.", "level": Text("manager")}
                ]
                if priority == "P0" or age > 30:
                    escalations.append(
                        {"to": Text(sponsor), "at": _d(when), "reason": "Overdue critical action.", "level": Text("exec_sponsor")}
                    )
                action["escalations"] = escalations
                escalated.append(when)
            if rng.random() < 0.4:
                action["tracker"] = {"url": Text(f"https://tracker.example.com/browse/REL-{rng.randrange(1000, 99999)}")}
            if overdue_open and priority in ("P2", "P3") and rng.random() < 0.1:
                manager = self.managers.get(team, pm_owner)
                action["waivers"] = [
                    {
                        "rule": Text("PM205"),
                        "reason": "Vendor fix lands with the next release train.",
                        "approved_by": Text(manager if manager != owner else sponsor),
                        "expires": _d(AS_OF + dt.timedelta(days=rng.randrange(5, 60))),
                    }
                ]
            actions.append(action)
        return actions, escalated

    def _evidence(self) -> dict[str, Any]:
        rng = self.rng
        kind = rng.choice(EVIDENCE_TYPES)
        item: dict[str, Any] = {"type": Text(kind)}
        if kind == "metric":
            item["metric"] = {
                "query": f"sum(rate(errors_total[5m])) by (workflow)",
                "threshold": "<= 0.5%",
                "window": "7d",
                "observed": f"{rng.randrange(1, 49) / 100}%",
            }
        elif kind in ("commit", "test", "config") and rng.random() < 0.5:
            item["ref"] = f"{rng.getrandbits(48):012x}"
        else:
            item["url"] = Text(f"https://git.example.com/ai/{rng.choice(SERVICES)}/pull/{rng.randrange(100, 9999)}")
        if rng.random() < 0.6:
            item["summary"] = _sentence(rng, 9)
        return item

    def _plant(self, doc: dict[str, Any], problem: str) -> None:
        actions = doc["actions"]
        if not actions:
            return
        action = actions[self.rng.randrange(len(actions))]
        if problem == "ownerless":
            action.pop("owner", None)
        elif problem == "several-owners":
            action["owner"] = [Text(self.person()), Text(self.person())]
        elif problem == "overdue-p0":
            action["priority"] = Text("P0")
            action["status"] = Text("open")
            action["success_criteria"] = "Error rate below 1% for 7 days"
            action["due"] = _d(AS_OF - dt.timedelta(days=self.rng.randrange(3, 40)))
            for key in ("escalations", "evidence", "completed_at", "verification", "closure", "deadline_changes"):
                action.pop(key, None)
        elif problem == "self-verified" and "verification" in action:
            action["verification"]["by"] = action.get("owner", Text(self.person()))
        elif problem == "no-evidence" and action["status"] in ("done", "verified"):
            action.pop("evidence", None)
        elif problem == "closed-with-open":
            doc["status"] = Text("closed")
            action["status"] = Text("open")
            for key in ("completed_at", "verification", "closure", "evidence"):
                action.pop(key, None)
        elif problem == "unknown-owner":
            action["owner"] = Text("someone.else")


PROBLEMS = ("ownerless", "several-owners", "overdue-p0", "self-verified", "no-evidence", "closed-with-open", "unknown-owner")


# --- a small YAML emitter: block style, plain scalars where they read back as the same text ----

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _.,/%()'-]*[A-Za-z0-9.)%]\Z")
_RESERVED = frozenset({"yes", "no", "on", "off", "true", "false", "null", "y", "n"})


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Text):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict) and item:
                out.append(f"{pad}{key}:")
                _emit(item, indent + 2, out)
            elif isinstance(item, list) and item:
                if all(isinstance(x, Text) for x in item) and len(item) <= 4:
                    out.append(f"{pad}{key}: [{', '.join(item)}]")
                else:
                    out.append(f"{pad}{key}:")
                    _emit(item, indent + 2, out)
            elif isinstance(item, list):
                out.append(f"{pad}{key}: []")
            elif isinstance(item, str) and not isinstance(item, Text) and len(item) > 90:
                out.append(f"{pad}{key}: >-")
                _fold(item, indent + 2, out)
            else:
                out.append(f"{pad}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                lines: list[str] = []
                _emit(item, indent + 2, lines)
                out.append(f"{pad}- {lines[0][indent + 2:]}")
                out.extend(lines[1:])
            else:
                out.append(f"{pad}- {_scalar(item)}")


def _fold(text: str, indent: int, out: list[str]) -> None:
    pad = " " * indent
    line = ""
    for word in text.split(" "):
        if line and len(line) + len(word) + 1 > 88:
            out.append(pad + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    out.append(pad + line)


def dump(doc: dict[str, Any]) -> str:
    out: list[str] = []
    _emit(doc, 0, out)
    return "\n".join(out) + "\n"


POLICY = """\
# Policy of a synthetic benchmark repository: pmcheck's defaults, written out.
postmortems: ["postmortems/**/*.yaml", "postmortems/**/*.yml"]
people: people.yaml
log: RELIABILITY_LOG.md
timezone: UTC
trend: {weeks: 12}
"""


def _roster(people: list[Person], managers: dict[str, str]) -> str:
    lines = ["# Synthetic roster for benchmarking.", "people:"]
    for p in people:
        first, last = p.id.split(".")
        extra = "" if p.active else ", active: false"
        lines.append(
            f"  {p.id}: {{name: {first.capitalize()} {last.capitalize()}, team: {p.team}, "
            f"github: {first}{last}, roles: [{', '.join(p.roles)}]{extra}}}"
        )
    lines.append("teams:")
    for team in TEAMS:
        manager = managers.get(team)
        lines.append(f"  {team}: {{manager: {manager}}}" if manager else f"  {team}: {{}}")
    return "\n".join(lines) + "\n"


def _break_schema(doc: dict[str, Any]) -> None:
    """Give ``doc`` exactly one schema error without touching the random stream: a finished
    action without its ``completed_at`` (or, in a postmortem without actions, an unknown
    detection method), so the all-invalid repository has the same content as the valid one."""
    finished = [a for a in doc["actions"] if a["status"] in ("done", "verified")]
    if finished:
        del finished[0]["completed_at"]
    elif doc["actions"]:
        action = doc["actions"][0]
        action["status"] = Text("done")
        action.pop("completed_at", None)
    else:
        doc["detection"]["method"] = Text("carrier_pigeon")


def generate(out: Path, postmortems: int, seed: int, schema_errors: bool = False) -> None:
    """Write the repository into ``out`` (its ``postmortems/`` folder is replaced).

    With ``schema_errors`` every postmortem carries one schema error (the error-path benchmark).
    """
    rng = random.Random(seed)
    people, managers = _people(rng)
    builder = _Builder(rng, people, managers)
    out.mkdir(parents=True, exist_ok=True)
    (out / "pmcheck.yaml").write_text(POLICY, encoding="utf-8")
    (out / "people.yaml").write_text(_roster(people, managers), encoding="utf-8")
    folder = out / "postmortems"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    # A constant incident rate (2,000 postmortems in three years): a larger repository covers a
    # longer history, so every postmortem carries the same work and timings scale with the count.
    span = max(1, SPAN_DAYS * postmortems // 2000)
    start = AS_OF - dt.timedelta(days=span)
    days = sorted(start + dt.timedelta(days=rng.randrange(span)) for _ in range(postmortems))
    numbers: dict[int, int] = {}
    for day in days:
        numbers[day.year] = numbers.get(day.year, 0) + 1
        pm_id = f"PM-{day.year}-{numbers[day.year]:03d}"
        problem = rng.choice(PROBLEMS) if rng.random() < PROBLEM_SHARE else None
        doc = builder.postmortem(pm_id, day, problem)
        if schema_errors:
            _break_schema(doc)
        (folder / f"{pm_id}.yaml").write_text(dump(doc), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the repository into")
    parser.add_argument("--postmortems", type=int, default=2000, help="how many postmortem files (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--schema-errors",
        action="store_true",
        help="give every postmortem one schema error (a done action without completed_at)",
    )
    args = parser.parse_args()
    generate(args.out, args.postmortems, args.seed, args.schema_errors)
    print(f"wrote {args.postmortems} postmortems to {args.out}")


if __name__ == "__main__":
    main()
