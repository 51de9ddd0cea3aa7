from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from pmcheck.context import Context, Corpus, Document
from pmcheck.findings import Finding
from pmcheck.loader import Loaded, Spans
from pmcheck.model import build_postmortem, zone
from pmcheck.policy import load_policy
from pmcheck.rules import unlinked_repeat_failure
from tests.rules.conftest import RunCheck
from tests.rules.where import where


def pm(pm_id: str, started: str, extra: str = "", workflow: str = "support-assistant", modes: str = "[hallucination]", services: str = "[support-api]") -> str:
    return f"""id: {pm_id}
workflow: {workflow}
services: {services}
failure_modes: {modes}
incident:
  started_at: {started}T09:00:00Z
{extra}"""


def pm501(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "PM501"]


def test_the_newer_postmortem_is_reported_at_the_root(run: RunCheck) -> None:
    findings = pm501(run({"PM-2026-001": pm("PM-2026-001", "2026-03-01"), "PM-2026-002": pm("PM-2026-002", "2026-06-01")}))
    assert len(findings) == 1
    f = findings[0]
    assert (f.path, f.pointer, f.postmortem) == ("postmortems/PM-2026-002.yaml", "", "PM-2026-002")
    assert f.message == (
        "postmortem PM-2026-002 repeats PM-2026-001 (workflow support-assistant, failure mode hallucination, "
        "92 days apart) and neither links the other"
    )


def test_a_link_in_either_direction_is_enough(run: RunCheck) -> None:
    link = "related_incidents:\n  - {id: PM-2026-002, relation: related}\n"
    assert not pm501(run({"PM-2026-001": pm("PM-2026-001", "2026-03-01", link), "PM-2026-002": pm("PM-2026-002", "2026-06-01")}))


def test_an_unrelated_link_is_pointed_at(run: RunCheck, repo: Path) -> None:
    link = "related_incidents:\n  - {id: PM-2026-003, relation: related}\n"
    findings = pm501(run({
        "PM-2026-001": pm("PM-2026-001", "2026-03-01"),
        "PM-2026-002": pm("PM-2026-002", "2026-06-01", link),
        "PM-2026-003": pm("PM-2026-003", "2026-01-01", modes="[latency]"),
    }))
    assert [f.postmortem for f in findings] == ["PM-2026-002"]
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-002", "related_incidents:")


def test_both_a_place_and_a_failure_mode_must_match(run: RunCheck) -> None:
    docs = {
        "PM-2026-001": pm("PM-2026-001", "2026-03-01"),
        "PM-2026-002": pm("PM-2026-002", "2026-06-01", modes="[latency]"),
        "PM-2026-003": pm("PM-2026-003", "2026-06-02", workflow="checkout-assistant", services="[checkout-api]"),
    }
    assert not pm501(run(docs))


def test_a_shared_service_alone_is_a_match(run: RunCheck) -> None:
    docs = {
        "PM-2026-001": pm("PM-2026-001", "2026-03-01", workflow="checkout-assistant", services="[llm-gateway]"),
        "PM-2026-002": pm("PM-2026-002", "2026-06-01", services="[llm-gateway, support-api]"),
    }
    findings = pm501(run(docs))
    assert len(findings) == 1 and "service llm-gateway" in findings[0].message


def test_the_window_is_inclusive_and_from_the_policy(run: RunCheck) -> None:
    docs = {"PM-2026-001": pm("PM-2026-001", "2026-01-01"), "PM-2026-002": pm("PM-2026-002", "2026-06-30")}
    assert pm501(run(docs))  # 180 days
    assert not pm501(run(docs, policy={"repeat_window_days": 179}))


def test_a_chain_that_links_its_predecessor_is_traced(run: RunCheck) -> None:
    docs = {
        "PM-2026-001": pm("PM-2026-001", "2026-03-01"),
        "PM-2026-002": pm("PM-2026-002", "2026-04-01", "related_incidents:\n  - {id: PM-2026-001, relation: recurrence}\n"),
        "PM-2026-003": pm("PM-2026-003", "2026-05-01", "related_incidents:\n  - {id: PM-2026-001, relation: recurrence}\n"),
        "PM-2026-004": pm("PM-2026-004", "2026-06-01"),
    }
    findings = pm501(run(docs))
    # 3 links 1, an earlier match in the window; only 4, linked to nothing, is reported, once.
    assert [(f.postmortem, "repeats PM-2026-003" in f.message) for f in findings] == [("PM-2026-004", True)]


def _corpus(n: int) -> list[Document]:
    tz = zone("UTC")
    pms = []
    for i in range(n):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=i % 150)
        raw = {
            "schema_version": 1, "id": f"PM-2026-{i:05d}", "title": "t", "severity": "SEV-3", "status": "draft",
            "owner": "alice.ng", "workflow": "support-assistant", "services": ["a", "b"],
            "failure_modes": ["hallucination", "latency"], "incident": {"started_at": f"{day}T09:00:00Z"}, "actions": [],
        }
        path = f"postmortems/PM-2026-{i:05d}.yaml"
        pms.append(Document(path, Loaded(path, raw, Spans(), []), build_postmortem(path, raw, tz)))
    return pms


def test_a_large_bucket_costs_linear_time(tmp_path: Path) -> None:
    ctx = Context(load_policy(tmp_path), None, dt.date(2026, 6, 15))
    pms = _corpus(20_000)
    corpus = Corpus(pms)
    begin = time.perf_counter()
    found = list(unlinked_repeat_failure.check(corpus, ctx))
    elapsed = time.perf_counter() - begin
    # Every postmortem but the first repeats its nearest predecessor, reported once.
    assert len(found) == len(pms) - 1
    # Comparing every pair of one bucket would be 2e8 steps per key: minutes, not seconds.
    assert elapsed < 5, elapsed


def test_an_empty_related_incidents_list_is_pointed_at(run: RunCheck, repo: Path) -> None:
    newer = pm("PM-2026-002", "2026-06-01", "related_incidents: []\n")
    findings = pm501(run({"PM-2026-001": pm("PM-2026-001", "2026-03-01"), "PM-2026-002": newer}))
    assert [(f.line, f.column, f.pointer) for f in findings] == [
        (*where(repo, "PM-2026-002", "related_incidents:"), "/related_incidents")
    ]
