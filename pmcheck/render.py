"""``pmcheck render``: the reliability operating log, in stages.

discover and load the repository once -> check it with the same rules as ``pmcheck check`` ->
build the view (``pmcheck.view``) -> render the packaged Jinja template, or the repository's
``log_template:`` in a sandbox -> write atomically.

The output depends only on the files and the as-of date, which the log records in a comment
(``<!-- pmcheck:as-of 2026-11-27 -->``) so ``render --check`` can render it again a day later
and still agree. Writing never follows a symlink, keeps the mode of the log it replaces, and
either replaces the whole file or leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shutil
from dataclasses import fields
from pathlib import Path

import click
import jinja2

from pmcheck.context import Context, Corpus
from pmcheck.decide import START, Selection, decide, finding
from pmcheck.engine import as_of_date, check_repository, load_context, nothing_found
from pmcheck.errors import ConfigError, UsageError
from pmcheck.files import LOG_LIMIT, Refused, read_bytes, refuse_symlinks, write_atomically
from pmcheck.findings import Finding, Severity, Violation
from pmcheck.policy import Policy
from pmcheck.reporters.text import finding_lines, shown_path
from pmcheck.repository import collector_paused, discover, load_repository
from pmcheck.sandbox import ENV_OPTIONS, TemplateFailure, render_repository_template
from pmcheck.view import History, LogView, build_view, marker

TEMPLATE = "reliability_log.md.j2"
MARKER = re.compile(r"<!-- pmcheck:as-of (\d{4}-\d{2}-\d{2}) -->")
DIFF_LINES = 40
# A template is a page of Jinja; the log of a very large repository is a few megabytes.
TEMPLATE_LIMIT = 1024 * 1024


def recorded_as_of(text: str) -> dt.date | None:
    """The as-of date a log records in its marker comment, if any."""
    match = MARKER.search(text)
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match[1])
    except ValueError:
        return None


def _tidy(text: str) -> str:
    """No trailing spaces, no runs of blank lines, one final newline: templates stay readable."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def _packaged_template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.PackageLoader("pmcheck", "templates"), **ENV_OPTIONS)
    return env.get_template(TEMPLATE)


def _repository_template(root: Path, name: str) -> str:
    # The policy vetted the path; the read still refuses a FIFO, a device or a link out.
    try:
        return read_bytes(os.path.join(root, name), TEMPLATE_LIMIT, root).decode("utf-8")
    except Refused as refused:
        raise ConfigError(f"log_template: cannot read {name}: {refused.reason}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"log_template: cannot read {name}: not UTF-8 text") from None


def render_log(view: LogView, root: Path, policy: Policy) -> str:
    """The log's text for ``view``, through the packaged template or ``log_template:``.

    A repository's own template is code from the repository: it runs in ``pmcheck.sandbox``
    (sandboxed, in a child process with bounded time, memory and output), sees only the view,
    and cannot include other files. Any failure of it is a configuration error.
    """
    variables = {f.name: getattr(view, f.name) for f in fields(view)}
    if policy.log_template is None:
        text = _tidy(_packaged_template().render(variables))
    else:
        source = _repository_template(root, policy.log_template)
        try:
            text = _tidy(render_repository_template(policy.log_template, source, variables))
        except TemplateFailure as failure:
            raise ConfigError(str(failure)) from None
        if marker(view.as_of) not in text:
            raise ConfigError(f"{policy.log_template}: the template must print {{{{ marker }}}} (render --check reads the date from it)")
    return text


@collector_paused()
def build_log(
    root: Path,
    policy: Policy,
    as_of: dt.date,
    history: History | None = None,
    use_cache: bool = True,
    files: list[str] | None = None,
) -> str:
    """Load, check, build the view and render: the whole log as of ``as_of``.

    ``history`` (``pmcheck.history.load_history``) adds the due-date moves git shows without a
    record to the trend's deadline slips; ``files`` are the postmortems (default: discovered).
    """
    repository = load_repository(root, policy, discover(root, policy) if files is None else files, use_cache=use_cache)
    result = check_repository(repository, Context(policy, repository.roster, as_of))
    return render_log(build_view(repository, result.findings, as_of, history), root, policy)


def load_log_history(root: Path, policy: Policy, use_cache: bool = True) -> History:
    """The git history the trend's slips come from.

    History that cannot be read for a benign reason (not a git repository, no git executable,
    a shallow clone, postmortems in a submodule) is marked unavailable and the log says so, so
    `render --check` needs the same history as the render that wrote the log (`fetch-depth:
    0`). A git failure (a corrupt object, a repository git refuses) is a GitError, exit 2 with
    git's reason: never a log that quietly differs from one rendered elsewhere.
    """
    from pmcheck.history import History as GitHistory
    from pmcheck.history import load_history  # walks git only when rendering

    if shutil.which("git") is None:
        return GitHistory(shallow=False, unavailable="no git executable")
    history = load_history(root, policy, use_cache=use_cache)
    return history if history is not None else GitHistory(shallow=False, unavailable="not a git repository")


def _report(root: Path, violation: Violation, path: str, policy: Policy, as_of: dt.date) -> Finding | None:
    """``violation`` through the one decision point (the policy may turn it off or change its
    severity) and printed as ``pmcheck check`` prints a finding; None when it is off."""
    decided = decide([finding(violation, path, START)], Corpus([]), Context(policy, None, as_of), Selection(), None)
    for f in decided:
        click.echo("\n".join(finding_lines(f, shown_path(root, f.path, Path.cwd()))))
    return decided[0] if decided else None


def _exit_code(f: Finding | None) -> int:
    return 1 if f is not None and f.severity >= Severity.ERROR else 0


def _stale(root: Path, log: str, old: str | None, new: str, as_of: dt.date, policy: Policy) -> int:
    what = "does not exist" if old is None else f"differs from what the postmortem files give as of {as_of}"
    # PM904 operating-log-stale
    stale = _report(root, Violation("PM904", (), f"{log} {what}", f"run `pmcheck render` and commit {log}"), log, policy, as_of)
    if stale is None:
        return 0
    if old is not None:
        diff = list(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile=f"{log} (committed)",
                tofile=f"{log} (rendered as of {as_of})",
                n=1,
            )
        )
        click.echo("".join(diff[:DIFF_LINES]), nl=False)
        if len(diff) > DIFF_LINES:
            click.echo(f"... {len(diff) - DIFF_LINES} more diff lines")
    return _exit_code(stale)


def render_command(
    repo: str | None,
    config: str | None,
    directory: str | None,
    check_only: bool,
    as_of: dt.date | None,
    to_stdout: bool,
    use_cache: bool = True,
) -> int:
    """Run ``pmcheck render``; the exit code (PmcheckError for usage and I/O problems)."""
    if check_only and to_stdout:
        raise UsageError("--check and --stdout cannot be combined")
    root, policy = load_context(repo, config, directory)
    path = root / policy.log
    log = policy.log
    old: str | None = None
    if check_only:
        old = committed_log(path, root, log)
        if as_of is None and old is not None:
            as_of = recorded_as_of(old)
    day = as_of_date(policy, as_of)
    files = discover(root, policy)
    if not files:
        # A log of nothing would pass review as "no open actions"; like `check`, say so and fail.
        nothing = _report(root, nothing_found(", ".join(policy.postmortems)), ".", policy, day)
        if _exit_code(nothing):
            return 1
    text = build_log(root, policy, day, load_log_history(root, policy, use_cache), use_cache, files)
    if to_stdout:
        click.echo(text, nl=False)
        return 0
    if check_only:
        if old is not None and old == text:
            click.echo(f"{log} is up to date (as of {day})")
            return 0
        return _stale(root, log, old, text, day, policy)
    # A committed link at the log is refused rather than replaced: someone put it there.
    refuse_symlinks(path, root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        wrote = write_atomically(path, text, root)
    except OSError as error:
        raise UsageError(f"cannot write {log}: {error.strerror or error}") from None
    click.echo(f"{'wrote' if wrote else 'unchanged:'} {log} (as of {day})")
    return 0


def committed_log(path: Path, root: Path, log: str) -> str | None:
    """The log as the work tree has it, None when there is none.

    Line endings are compared as ``\n``: pmcheck writes the log with ``\n``, and a checkout
    with ``core.autocrlf`` (Git for Windows' default) turns them into ``\r\n`` without changing
    what the log says.
    """
    try:
        data = read_bytes(path, LOG_LIMIT, root)
    except Refused as refused:
        if refused.missing:
            return None
        raise UsageError(f"cannot read {log}: {refused.reason}") from None
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n")


def refresh_command(repo: str | None, config: str | None, as_of: dt.date | None) -> int:
    """Regenerate the log only when it is stale: 0 when it was current, 1 when it was rewritten.

    The pre-commit flow's second half. The log is compared at the date it records (as
    ``render --check`` does), so a new day alone never rewrites it; a stale log is rendered as
    of ``as_of`` (default: today) and the commit stops once so the new log can be added.
    """
    root, policy = load_context(repo, config, None)
    path = root / policy.log
    log = policy.log
    old = committed_log(path, root, log)
    history = load_log_history(root, policy)
    recorded = as_of or (recorded_as_of(old) if old is not None else None)
    if old is not None and recorded is not None and build_log(root, policy, recorded, history) == old:
        return 0
    day = as_of_date(policy, as_of)
    text = build_log(root, policy, day, history)
    refuse_symlinks(path, root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text, root)
    except OSError as error:
        raise UsageError(f"cannot write {log}: {error.strerror or error}") from None
    click.echo(f"{log} regenerated (as of {day}): add it with `git add {log}` and commit again")
    return 1
