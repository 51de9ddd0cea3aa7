from __future__ import annotations

from pmcheck.decide import Selection


def test_the_longest_matching_prefix_wins() -> None:
    selection = Selection(select=("PM2",), ignore=("PM205",))
    assert selection.wants("PM201") and not selection.wants("PM205") and not selection.wants("PM101")
    assert Selection(select=("PM205",), ignore=("PM2",)).wants("PM205")
    assert Selection().wants("PM101") and not Selection(ignore=("PM1",)).wants("PM101")


def test_ignore_wins_a_tie_with_select() -> None:
    assert not Selection(select=("PM205",), ignore=("PM205",)).wants("PM205")
    assert not Selection(select=("PM2",), ignore=("PM2",)).wants("PM201")
