"""The operating log's view: every number, sort and grouping the log shows, computed in Python.

``build_view`` turns a loaded repository, the decided findings of the same run and the as-of
date into a tree of frozen records (``records``); the template only loops over them and
prints. Each section of the log has its module here; ``lifetimes`` works out each action's
life once so the view stays linear in the number of actions.
"""

from __future__ import annotations

from pmcheck.view.build import build_view
from pmcheck.view.findings import rule_link
from pmcheck.view.records import History, HistoryChange, LogView, marker

__all__ = ["History", "HistoryChange", "LogView", "build_view", "marker", "rule_link"]
