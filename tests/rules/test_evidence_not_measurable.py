from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmcheck.findings import Finding
from pmcheck.rules.evidence_not_measurable import missing_metric_keys, well_formed_url
from tests.rules.conftest import RunCheck
from tests.rules.where import where


def action(evidence: str) -> str:
    return f"""
actions:
  - id: PM-2026-001-A1
    title: Add a canary stage to the prompt rollout pipeline
    type: prevent
    priority: P2
    owner: alice.ng
    due: 2026-07-15
    status: done
    completed_at: 2026-06-10
    evidence:
{evidence}"""


def pm303(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "PM303"]


def test_summary_only_points_at_the_item(run: RunCheck, repo: Path) -> None:
    findings = pm303(run(action("      - type: dashboard\n        summary: looks good")))
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "type: dashboard")
    assert "no url, ref or metric" in findings[0].message


def test_a_bad_url_is_pointed_at(run: RunCheck, repo: Path) -> None:
    findings = pm303(run(action("      - type: dashboard\n        url: grafana/d/refunds")))
    assert len(findings) == 1
    assert (findings[0].line, findings[0].column) == where(repo, "PM-2026-001", "url: grafana")
    assert "grafana/d/refunds" in findings[0].message


def test_an_incomplete_metric_names_what_is_missing(run: RunCheck) -> None:
    findings = pm303(run(action('      - type: metric\n        metric: {query: pass_rate, threshold: "", observed: 99.1}')))
    assert len(findings) == 1
    assert "threshold, window" in findings[0].message


def test_each_bad_item_is_reported(run: RunCheck) -> None:
    items = "      - {type: doc, summary: a}\n      - {type: commit, ref: 9f1c2ab}\n      - {type: doc, summary: b}"
    findings = pm303(run(action(items)))
    assert [f.pointer for f in findings] == ["/actions/0/evidence/0", "/actions/0/evidence/2"]


@pytest.mark.parametrize(
    "item",
    [
        "      - {type: pull_request, url: 'https://git.example.com/ml/pipeline/pull/88'}",
        "      - {type: commit, ref: 9f1c2ab}",
        "      - {type: dashboard, url: 'not a url', ref: dash-42}",
        "      - {type: metric, metric: {query: q, threshold: 0, window: 7d, observed: 0.2}}",
    ],
)
def test_measurable_items_do_not_fire(run: RunCheck, item: str) -> None:
    assert not pm303(run(action(item)))


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://example.com/x", True),
        ("HTTP://example.com", True),
        ("ftp://example.com/x", False),
        ("https://", False),
        ("https:///path", False),
        ("https://exa mple.com", False),
        ("https://[::1", False),
        ("example.com/x", False),
        ("", False),
        (None, False),
    ],
)
def test_well_formed_url(url: str | None, ok: bool) -> None:
    assert well_formed_url(url) is ok


def test_missing_metric_keys() -> None:
    assert missing_metric_keys(None) == ["query", "threshold", "window", "observed"]
    assert missing_metric_keys({"query": "q", "threshold": 0, "window": " ", "observed": True}) == ["window", "observed"]


def test_an_empty_metric_is_named_as_incomplete(run: RunCheck) -> None:
    found = pm303(run(action("      - {type: metric, metric: {}}")))
    assert found[0].message.endswith("its metric lacks query, threshold, window, observed")


def _by_urlsplit(url: str | None) -> bool:
    """The definition: what urlsplit makes of it."""
    import re
    from urllib.parse import urlsplit

    if not url or re.search(r"\s", url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


_URL_CHARS = "hHtTpPsS:/.-aZ09[]@?#% \t\né:_~\u3000"


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=_URL_CHARS, max_size=30)
    | st.builds(
        lambda scheme, rest: scheme + rest,
        st.sampled_from(["http://", "https://", "HTTP://", "hTTps://", "ftp://", "http:/"]),
        st.text(alphabet=_URL_CHARS, max_size=25),
    )
)
def test_the_plain_link_shortcut_agrees_with_urlsplit(url: str) -> None:
    assert well_formed_url(url) == _by_urlsplit(url)
