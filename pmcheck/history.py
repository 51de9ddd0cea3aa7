"""Every due-date and owner change in the git history of the postmortem files.

One ``git log`` pass lists the commits that touched postmortem files, with the blob of each file
before and after the commit. Each distinct blob is parsed once (cached by blob id) with the
hardened loader, and the two versions of every action are compared by action id: a moved
``due`` or a new ``owner`` is a change, recorded when the commit appended the matching
``deadline_changes``/``owner_changes`` entries (the same judgement as PM203 and PM106).

A shallow clone has no usable history: git would present the shallow boundary as the commit
that created every file. ``load_history`` then says so (``History.shallow``) and reports nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pmcheck.cache import Cache, fingerprint, open_summaries
from pmcheck.dates import local_date
from pmcheck.display import clean, display_path, inert_json
from pmcheck.errors import GitError
from pmcheck.judgements import judge_handover, judge_move
from pmcheck.loader import DEFAULT_LIMITS
from pmcheck.policy import Policy
from pmcheck.repository import collector_paused

if TYPE_CHECKING:
    from pmcheck.git import Commit, Parsed

Progress = Callable[[int, int], None]
# Commits whose blobs are fetched in one round trip to git.
_BATCH = 200


@dataclass(frozen=True, order=True)
class Change:
    """One due-date or owner change of one action in one commit."""

    timestamp: dt.datetime
    date: dt.date  # the author date in the policy's time zone
    commit: str
    path: str
    postmortem: str
    action: str
    field: str  # "due" or "owner"
    old: str
    new: str
    recorded: bool
    author: str
    author_email: str


@dataclass(frozen=True)
class History:
    shallow: bool
    changes: tuple[Change, ...] = ()
    commits: int = 0
    blobs: int = 0
    # Why there is no history to read although git works ("shallow clone", a submodule, "not a
    # git repository"); None when the history was read.
    unavailable: str | None = None

    @property
    def unrecorded(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if not c.recorded)


def load_history(
    root: Path,
    policy: Policy,
    since: dt.date | None = None,
    progress: Progress | None = None,
    use_cache: bool = True,
) -> History | None:
    """The history of the postmortem files under ``root``; None outside a git work tree.

    With ``use_cache`` what each blob gives (its postmortem id and actions) is kept in the
    result cache by blob id, so a later walk reads from git only the blobs it has not seen.
    """
    from pmcheck import git  # GitPython is imported by that module only

    reader = git.open_history(root, DEFAULT_LIMITS)
    if reader is None:
        return None
    store = open_summaries(root, fingerprint(git.SUMMARY_FORMAT, DEFAULT_LIMITS)) if use_cache else None
    if store is not None and since is not None:
        # A walk since a date reads few of the kept summaries; the rest are still wanted.
        store.partial = True
    # The summaries and the walk build many long-lived containers and no cycles (see
    # collector_paused).
    with reader, _published(store), collector_paused():
        try:
            if reader.shallow:
                return History(shallow=True)
            nested = reader.nested(policy.postmortems)
            if nested:
                shown = ", ".join(display_path(folder) for folder in nested)
                return History(shallow=False, unavailable=f"{shown} is a git submodule or nested repository")
            tz = zoneinfo.ZoneInfo(policy.timezone)
            total = reader.count(policy.postmortems, since) if progress is not None else 0
            parser = git.BlobParser(DEFAULT_LIMITS, store)
            changes: list[Change] = []

            def compare(batch: list[Commit]) -> None:
                # Fetch every blob the batch needs and neither this run nor the cache has seen in
                # one exchange with cat-file, then parse each once (history compares actions
                # only: the parser's fast path).
                wanted = [
                    (blob, path or "")
                    for commit in batch
                    for file in commit.files
                    if file.old_blob and file.new_blob
                    for blob, path in ((file.old_blob, file.old_path), (file.new_blob, file.new_path))
                    if not parser.recall(blob)
                ]
                fetched = reader.blobs(blob for blob, _ in wanted)
                for blob, path in wanted:
                    parser.parse(blob, fetched[blob], path, whole=False)
                for commit in batch:
                    for file in commit.files:
                        if file.old_blob is None or file.new_blob is None or file.new_path is None:
                            continue
                        before, after = parser[file.old_blob, False], parser[file.new_blob, False]
                        changes.extend(_compare(commit, file.new_path, before, after, policy, tz))

            commits = 0
            walked = 0
            batch: list[Commit] = []
            for commit in reader.commits(policy.postmortems, since, store):
                walked += 1
                if since is not None and local_date(commit.author_date, tz) < since:
                    continue
                commits += 1
                batch.append(commit)
                if len(batch) == _BATCH:
                    compare(batch)
                    batch = []
                    if progress is not None:
                        progress(min(walked, total), total)
            compare(batch)
            if progress is not None:
                progress(total, total)
        except git.GitCommandNotFound:
            raise GitError("history needs git, and no git executable was found") from None
        except git.GitCommandError as error:
            raise git.git_failure("reading the history", error, reader.top) from None
    return History(shallow=False, changes=tuple(sorted(changes)), commits=commits, blobs=len(parser))


@contextmanager
def _published(store: Cache | None) -> Iterator[None]:
    """Publish the summaries kept during the walk, even when it stops early: each stands alone."""
    try:
        yield
    finally:
        if store is not None:
            store.flush()


def _compare(
    commit: Commit, path: str, before: Parsed, after: Parsed, policy: Policy, tz: dt.tzinfo
) -> Iterator[Change]:
    """The due-date and owner changes between two versions of one postmortem file."""
    stamp = commit.author_date
    for action_id, head in after.actions.items():
        base = before.actions.get(action_id)
        if base is None or base == head:
            continue  # an action the commit did not touch moved nothing

        def change(field: str, old: str, new: str, recorded: bool) -> Change:
            return Change(
                timestamp=stamp,
                date=local_date(stamp, tz),
                commit=commit.sha,
                path=path,
                postmortem=after.postmortem or before.postmortem or "",
                action=action_id,
                field=field,
                old=old,
                new=new,
                recorded=recorded,
                author=commit.author_name,
                author_email=commit.author_email,
            )

        priority = head.get("priority")
        critical = isinstance(priority, str) and policy.is_critical_priority(priority)
        move = judge_move(base, head, critical)
        if move is not None:
            yield change("due", move.old.isoformat(), move.new.isoformat(), move.recorded)
        handover = judge_handover(base, head)
        if handover is not None:
            yield change("owner", handover.old, handover.new, handover.recorded)


def progress_bar(stream: TextIO, environ: Mapping[str, str]) -> ProgressBar | None:
    """A progress bar on ``stream`` when it is a terminal that understands one: ``TERM`` set
    and not ``dumb`` (the bar redraws with a carriage return and erases with ``ESC[K``)."""
    if not stream.isatty() or environ.get("TERM", "dumb") in ("", "dumb"):
        return None
    return ProgressBar(stream)


class ProgressBar:
    """A progress bar on stderr, shown only on a terminal and only once a walk takes over a second."""

    def __init__(self, stream: TextIO, delay: float = 1.0, width: int = 30) -> None:
        self._stream = stream
        self._start = time.monotonic()
        self._delay = delay
        self._width = width
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self._shown and time.monotonic() - self._start < self._delay:
            return
        self._shown = True
        filled = self._width * done // total if total else self._width
        bar = "#" * filled + "-" * (self._width - filled)
        self._stream.write(f"\rhistory [{bar}] {done}/{total} commits")
        if done >= total:
            self._stream.write("\r\033[K")
        self._stream.flush()


def render_text(history: History) -> str:
    lines = []
    for c in history.changes:
        state = "recorded" if c.recorded else "UNRECORDED"
        lines.append(
            f"{c.date.isoformat()}  {c.commit[:12]}  {clean(c.action)}  {c.field:<5}  "
            f"{clean(c.old)} -> {clean(c.new)}  {state}  {clean(c.author)} <{clean(c.author_email)}>  {clean(c.path)}"
        )
    unrecorded = len(history.unrecorded)
    noun = "change" if len(history.changes) == 1 else "changes"
    lines.append(
        f"{len(history.changes)} {noun} ({unrecorded} unrecorded) in {history.commits} "
        f"commit{'' if history.commits == 1 else 's'} touching postmortems"
    )
    return "\n".join(lines) + "\n"


def render_json(history: History, since: dt.date | None) -> str:
    payload: dict[str, Any] = {
        "version": 1,
        "since": since.isoformat() if since else None,
        "changes": [],
        "summary": {
            "commits": history.commits,
            "changes": len(history.changes),
            "unrecorded": len(history.unrecorded),
            "by_field": {f: sum(1 for c in history.changes if c.field == f) for f in ("due", "owner")},
        },
    }
    # Thousands of flat records: written here as `json.dumps(..., indent=2)` writes them, whose
    # indenting encoder is pure Python and costs more than the rest of a warm history run.
    head, tail = json.dumps(payload, indent=2, ensure_ascii=False).split('"changes": []', 1)
    records = ",\n".join(_json_record(change_record(c)) for c in history.changes)
    changes = f"[\n{records}\n  ]" if records else "[]"
    return inert_json(f'{head}"changes": {changes}{tail}') + "\n"


def change_record(c: Change) -> dict[str, str | bool | None]:
    """One change as ``--format json`` lists it."""
    return {
        "date": c.date.isoformat(),
        "timestamp": c.timestamp.isoformat(),
        "commit": c.commit,
        "author": c.author,
        "author_email": c.author_email,
        "path": c.path,
        "postmortem": c.postmortem or None,
        "action": c.action,
        "field": c.field,
        "old": c.old,
        "new": c.new,
        "recorded": c.recorded,
    }


def _json_record(record: dict[str, str | bool | None]) -> str:
    fields = ",\n".join(f"      {_json_string(k)}: {_json_scalar(v)}" for k, v in record.items())
    return f"    {{\n{fields}\n    }}"


def _json_scalar(value: str | bool | None) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    return _json_string(value)


_json_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a str


def history_command(root: Path, policy: Policy, since: dt.date | None, fmt: str, use_cache: bool = True) -> int:
    """``pmcheck history``: print every due-date and owner change; exit 0 (2 without history)."""
    import click

    progress = progress_bar(sys.stderr, os.environ)
    history = load_history(root, policy, since, progress, use_cache)
    if history is None:
        raise GitError(f"{root} is not inside a git repository; `pmcheck history` reads the git history")
    if history.shallow:
        raise GitError("history unavailable (shallow clone): fetch the full history (actions/checkout: `fetch-depth: 0`)")
    if history.unavailable:
        raise GitError(f"history unavailable: {history.unavailable}; run `pmcheck history` in that repository")
    click.echo(render_json(history, since) if fmt == "json" else render_text(history), nl=False)
    return 0
