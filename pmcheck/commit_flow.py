"""The pre-commit flow: check the postmortem files a commit touches, then regenerate the log.

One hook does both, in that order, so the log is never rewritten from files the same commit
is refused for. That matters because of how pre-commit works: it stashes unstaged changes
before the hooks run and applies them back afterwards. A log rewritten by a refused commit is
an unstaged change on the next attempt; the render hook rewrites the log again; the stash no
longer applies, and pre-commit prints "Stashed changes conflicted with hook auto-fixes...
Rolling back fixes" and makes the user try again. Checking first leaves the log alone until
the files pass, so a fixed postmortem lands in two attempts at most: the one that regenerates
the log and the one that adds it.
"""

from __future__ import annotations

import datetime as dt

import click

from pmcheck.engine import CheckOptions, run_check
from pmcheck.reporters import get_reporter


def run_commit_hook(repo: str | None, config: str | None, paths: tuple[str, ...], as_of: dt.date | None, color: bool) -> int:
    """The ``pmcheck-render`` hook's exit code: the check's when it fails, else the refresh's."""
    from pmcheck.render import refresh_command

    if paths:
        result = run_check(CheckOptions(repo=repo, config=config, paths=paths, as_of=as_of))
        click.echo(get_reporter("text")(result, color=color), nl=False)
        if result.exit_code != 0:
            click.echo("pmcheck: the operating log is left as it is until these files pass the check")
            return result.exit_code
    return refresh_command(repo, config, as_of)
