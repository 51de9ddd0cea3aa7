"""The command line: options in, one engine call, output and exit code out. No domain logic."""

from __future__ import annotations

import datetime as dt
import errno
import gc
import io
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import click

from pmcheck import __version__
from pmcheck.dates import RANGE, in_range
from pmcheck.display import clean, display_path
from pmcheck.errors import PmcheckError, UsageError
from pmcheck.reporters import REPORTERS

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# 128 + SIGINT, as shells report a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130


class DateType(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)
        if not in_range(day):
            self.fail(f"{value!r} is outside the years {RANGE}", param, ctx)
        return day


DATE = DateType()


def _write(text: str, output: str | None, root: Path | None = None) -> None:
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    from pmcheck.files import write_output

    # Atomic, and a link inside the repository is replaced: a repository may commit
    # `pmcheck.sarif` as a link to a file of the user's, and CI writes the report there.
    try:
        write_output(Path(output), text, root)
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror or error}") from None


def _refuse_shared_destinations(output: str | None, extra: list[tuple[str, str]]) -> None:
    """Two reports never share a file or standard output: the second would clobber or
    interleave with the first (a JSON report mixed into the text one is no longer JSON)."""
    claimed: dict[str, str] = {}
    for option, target in [("--output", output or "-"), *((f"--report {name}", target) for name, target in extra)]:
        if target != "-" and os.path.abspath(target) == os.devnull:
            continue  # discarding twice loses nothing
        key = "-" if target == "-" else os.path.abspath(target)
        first = claimed.setdefault(key, option)
        if first != option:
            where = "standard output" if key == "-" else target
            raise UsageError(f"{first} and {option} both write {where}; give each report its own file")


def _use_color() -> bool:
    # no-color.org: only a non-empty NO_COLOR turns colour off.
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pmcheck")
@click.option("--repo", metavar="DIR", help="Repository root (default: nearest folder with pmcheck.yaml).")
@click.option("--config", metavar="FILE", help="Policy file to use instead of <root>/pmcheck.yaml.")
@click.pass_context
def cli(ctx: click.Context, repo: str | None, config: str | None) -> None:
    """Policy-as-code checks and a reliability operating log for incident postmortems."""
    ctx.ensure_object(dict)
    ctx.obj["repo"] = repo
    ctx.obj["config"] = config


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--as-of", type=DATE, help="Date the time-dependent rules use (default: today in the policy time zone).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(REPORTERS)),
    help="Output format (default: text; github when GITHUB_ACTIONS=true).",
)
@click.option("--output", metavar="FILE", help="Write the report here instead of standard output.")
@click.option("--report", "reports", multiple=True, metavar="FORMAT=FILE", help="Also write FORMAT to FILE (repeatable).")
@click.option("--select", multiple=True, metavar="CODES", help="Only these codes or prefixes (e.g. PM1,PM205).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Leave out these codes or prefixes.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="error",
    show_default=True,
    help="Lowest severity that fails the run.",
)
@click.option("--changed-since", metavar="REF", help="Pull-request mode: check what changed since the merge base with REF.")
@click.option("--statistics", is_flag=True, help="Print a count per rule code after the report.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache (.pmcheck_cache/).")
@click.pass_context
def check(
    ctx: click.Context,
    paths: tuple[str, ...],
    as_of: dt.date | None,
    fmt: str | None,
    output: str | None,
    reports: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str,
    changed_since: str | None,
    statistics: bool,
    no_cache: bool,
) -> None:
    """Check postmortem files (all of the repository when no PATHS are given)."""
    from pmcheck.decide import Selection, parse_codes
    from pmcheck.engine import CheckOptions, run_check
    from pmcheck.reporters import get_reporter

    try:
        selection = Selection(parse_codes(select), parse_codes(ignore))
    except ValueError as error:
        raise UsageError(str(error)) from None
    extra: list[tuple[str, str]] = []
    for spec in reports:
        name, sep, target = spec.partition("=")
        if not sep or not target or name not in REPORTERS:
            raise UsageError(f"--report {spec!r}: expected FORMAT=FILE with FORMAT one of {', '.join(sorted(REPORTERS))}")
        extra.append((name, target))
    _refuse_shared_destinations(output, extra)
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" and "github" in REPORTERS else "text"
    options = CheckOptions(
        repo=ctx.obj["repo"],
        config=ctx.obj["config"],
        paths=paths,
        as_of=as_of,
        selection=selection,
        fail_on=fail_on,
        changed_since=changed_since,
        use_cache=not no_cache,
    )
    result = run_check(options)
    # Text paths are relative to where the user stands (SPEC section 7); the other formats keep
    # repository-relative paths for the tools that read them.
    for name, target in extra:
        _write(get_reporter(name)(result, cwd=Path.cwd()) if name == "text" else get_reporter(name)(result), target, result.root)
    render = get_reporter(fmt)
    text = render(result, color=_use_color() and output is None, cwd=Path.cwd()) if fmt == "text" else render(result)
    _write(text, output, result.root)
    if statistics:
        counts = result.by_code()
        from pmcheck.rules import REGISTRY

        lines = [f"{counts[code]:6d}  {code} {REGISTRY[code].name}" for code in counts]
        click.echo("\n".join(lines) or "no findings", err=output is None and fmt != "text")
    ctx.exit(result.exit_code)


@cli.command()
@click.argument("directory", required=False, type=click.Path())
@click.option("--check", "check_only", is_flag=True, help="Do not write; exit 1 (PM904) when the log is stale.")
@click.option("--as-of", type=DATE, help="Date of the log (default: today; with --check, the date recorded in the log).")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the log instead of writing it.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache (.pmcheck_cache/).")
@click.pass_context
def render(
    ctx: click.Context, directory: str | None, check_only: bool, as_of: dt.date | None, to_stdout: bool, no_cache: bool
) -> None:
    """Write the reliability operating log (RELIABILITY_LOG.md)."""
    from pmcheck.render import render_command

    ctx.exit(render_command(ctx.obj["repo"], ctx.obj["config"], directory, check_only, as_of, to_stdout, not no_cache))


@cli.command("pre-commit")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--as-of", type=DATE, help="Date the check and the log use (default: today; the log is compared at the date it records).")
@click.pass_context
def pre_commit(ctx: click.Context, paths: tuple[str, ...], as_of: dt.date | None) -> None:
    """Check PATHS, then regenerate the log if they pass and it is stale (the pmcheck-render hook)."""
    from pmcheck.commit_flow import run_commit_hook

    ctx.exit(run_commit_hook(ctx.obj["repo"], ctx.obj["config"], paths, as_of, _use_color()))


@cli.command()
@click.option("--since", type=DATE, help="Only changes committed on or after this date.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache (.pmcheck_cache/).")
@click.pass_context
def history(ctx: click.Context, since: dt.date | None, fmt: str, no_cache: bool) -> None:
    """Every due-date and owner change in the git history of postmortem files."""
    from pmcheck.engine import load_context
    from pmcheck.history import history_command

    root, policy = load_context(ctx.obj["repo"], ctx.obj["config"], None)
    ctx.exit(history_command(root, policy, since, fmt, not no_cache))


@cli.command()
@click.option("--severity", default=None, help="Severity of the new postmortem (default: the policy's second level, e.g. SEV-2).")
@click.option("--title", default=None, help="One-line title.")
@click.option("--as-of", type=DATE, help="Date used for the id's year and the template's dates (default: today).")
@click.pass_context
def new(ctx: click.Context, severity: str | None, title: str | None, as_of: dt.date | None) -> None:
    """Create the next PM-YYYY-NNN.yaml from a template that passes the schema."""
    from pmcheck.scaffold import new_command

    ctx.exit(new_command(ctx.obj["repo"], ctx.obj["config"], severity, title, as_of))


@cli.command()
@click.argument("directory", required=False, default=".", type=click.Path())
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.pass_context
def init(ctx: click.Context, directory: str, force: bool) -> None:
    """Scaffold pmcheck.yaml, people.yaml, postmortems/, pre-commit and GitHub workflow files."""
    from pmcheck.scaffold import init_command

    ctx.exit(init_command(directory, force))


@cli.command(name="rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def rules_command(fmt: str) -> None:
    """List every rule with its code, name, default severity and summary."""
    from pmcheck.catalogue import render_catalogue

    click.echo(render_catalogue(fmt), nl=False)


@cli.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print the documentation of one rule (by code or name)."""
    from pmcheck.catalogue import explain_rule

    click.echo(explain_rule(code), nl=False)


@cli.command()
@click.argument("name", required=False, default="postmortem", type=click.Choice(["postmortem", "people", "policy"]))
def schema(name: str) -> None:
    """Print a packaged JSON Schema (for editors and other tools)."""
    from pmcheck.schema import schema_text

    click.echo(schema_text(name), nl=False)


class Interrupted(BaseException):
    """Ctrl-C. Not a KeyboardInterrupt: click turns that into an Abort after printing a blank
    line, and the run must end with exit 130 and at most one short line."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted


def _prepare_streams() -> None:
    """Make standard output and error safe to write whatever the environment.

    A terminal or pipe that cannot encode a character (``PYTHONIOENCODING=ascii``, an old
    locale) gets a backslash escape instead of a crash; a closed standard output (``>&-``)
    makes writing to it an I/O error (exit 2) rather than an attribute error.
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, _ClosedStream(name))
        elif isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


class _ClosedStream(io.TextIOBase):
    """Stands in for a standard stream the process was started without."""

    def __init__(self, name: str) -> None:
        self._name = name

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, f"standard {'output' if self._name == 'stdout' else 'error'} is closed")


def _say(line: str) -> None:
    """One line on standard error, if there is any way to show it."""
    try:
        click.echo(clean(line, lines=True), err=True)
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """Point a failed standard output at /dev/null, so the interpreter's last flush of what is
    still buffered cannot fail again (and turn exit 2 into 120)."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


def _decision_options(command: Any) -> Any:
    """`--as-of` and `--dry-run`, shared by every decision command."""
    command = click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")(command)
    return click.option("--as-of", type=DATE, help="Date recorded (default: today in the policy time zone).")(command)


def _emit(ctx: click.Context, decide: Any, dry_run: bool) -> None:
    """Print each diff and, unless dry-running, write the files and say what was recorded.

    A refused decision prints the findings it would cause and exits 1, as `check` would.
    """
    from pmcheck.decisions.recording import Refused, write_edit

    try:
        edits = decide()
    except Refused as refused:
        click.echo(clean(str(refused), lines=True), err=True)
        ctx.exit(EXIT_FINDINGS)
    edits = edits if isinstance(edits, list) else [edits]
    for edit in edits:
        click.echo(edit.diff, nl=False)
    if dry_run:
        return
    for edit in edits:
        write_edit(edit, edit.root)
        click.echo(edit.summary)


def _common(ctx: click.Context, as_of: dt.date | None, dry_run: bool) -> Any:
    from pmcheck.decisions.commands import Common

    return Common(ctx.obj["repo"], ctx.obj["config"], as_of, dry_run)


@cli.group()
def action() -> None:
    """Record a governance decision on one action (edits its postmortem file)."""


@action.command()
@click.argument("action_id", metavar="ACTION-ID")
@click.option("--reason", required=True, help="Why the action is escalated.")
@click.option("--plan", "plan_text", required=True, help="The mitigation plan agreed (goes to mitigation_timeline).")
@click.option("--interim", help="The interim mitigation until the plan lands.")
@click.option("--to", "to", metavar="PERSON", help="Escalate to this person (default: the highest rung passed).")
@click.option("--by", metavar="PERSON", help="Who set the plan (default: the roster person of `git config user.email`).")
@_decision_options
@click.pass_context
def escalate(ctx: click.Context, action_id: str, reason: str, plan_text: str, interim: str | None, to: str | None, by: str | None, as_of: dt.date | None, dry_run: bool) -> None:
    """Escalate an overdue action and update the mitigation timeline, in one write."""
    from pmcheck.decisions import commands

    _emit(ctx, lambda: commands.escalate(_common(ctx, as_of, dry_run), action_id, reason, plan_text, interim, to, by), dry_run)


@action.command()
@click.argument("action_id", metavar="ACTION-ID")
@click.option("--to", "to", type=DATE, required=True, help="The new due date.")
@click.option("--reason", required=True, help="Why the deadline moves.")
@click.option("--approved-by", metavar="PERSON", help="Who approved the move (default: the git user's roster person).")
@_decision_options
@click.pass_context
def extend(ctx: click.Context, action_id: str, to: dt.date, reason: str, approved_by: str | None, as_of: dt.date | None, dry_run: bool) -> None:
    """Move an action's due date and record the deadline change."""
    from pmcheck.decisions import commands

    _emit(ctx, lambda: commands.extend(_common(ctx, as_of, dry_run), action_id, to, reason, approved_by), dry_run)


@action.command()
@click.argument("action_id", metavar="ACTION-ID")
@click.option("--to", "to", metavar="PERSON", required=True, help="The new owner.")
@click.option("--reason", required=True, help="Why the action changes hands.")
@_decision_options
@click.pass_context
def reassign(ctx: click.Context, action_id: str, to: str, reason: str, as_of: dt.date | None, dry_run: bool) -> None:
    """Hand an action to a new owner and record the owner change."""
    from pmcheck.decisions import commands

    _emit(ctx, lambda: commands.reassign(_common(ctx, as_of, dry_run), action_id, to, reason), dry_run)


@action.command()
@click.argument("action_id", metavar="ACTION-ID")
@click.option("--evidence", multiple=True, metavar="[TYPE=]URL-OR-REF", help="Evidence of completion (repeatable); TYPE is guessed from a URL when left out.")
@click.option("--metric", "metrics", multiple=True, nargs=4, metavar="QUERY THRESHOLD WINDOW OBSERVED", help="A measured result (repeatable).")
@_decision_options
@click.pass_context
def done(ctx: click.Context, action_id: str, evidence: tuple[str, ...], metrics: tuple[tuple[str, str, str, str], ...], as_of: dt.date | None, dry_run: bool) -> None:
    """Mark an action done with its completion evidence."""
    from pmcheck.decisions import commands

    _emit(ctx, lambda: commands.done(_common(ctx, as_of, dry_run), action_id, evidence, metrics), dry_run)


@action.command()
@click.argument("action_id", metavar="ACTION-ID")
@click.option("--by", metavar="PERSON", help="The verifier, not the owner (default: the git user's roster person).")
@click.option("--result", type=click.Choice(["pass", "fail"]), required=True)
@click.option("--notes", help="How it was verified.")
@_decision_options
@click.pass_context
def verify(ctx: click.Context, action_id: str, by: str | None, result: str, notes: str | None, as_of: dt.date | None, dry_run: bool) -> None:
    """Record the verification of a done action (status verified on a pass)."""
    from pmcheck.decisions import commands

    _emit(ctx, lambda: commands.verify(_common(ctx, as_of, dry_run), action_id, by, result, notes), dry_run)


@action.command()
@click.argument("action_id", metavar="ACTION-ID")
@click.option("--decision", type=click.Choice(["wont_do", "risk_accepted", "superseded", "duplicate"]), required=True)
@click.option("--rationale", required=True, help="Why the action is not done.")
@click.option("--decided-by", metavar="PERSON", help="Who decided (default: the git user's roster person).")
@click.option("--superseded-by", metavar="ACTION-ID", help="The action that replaces this one (superseded, duplicate).")
@_decision_options
@click.pass_context
def drop(ctx: click.Context, action_id: str, decision: str, rationale: str, decided_by: str | None, superseded_by: str | None, as_of: dt.date | None, dry_run: bool) -> None:
    """Close an action without doing it, recording the decision."""
    from pmcheck.decisions import commands

    _emit(ctx, lambda: commands.drop(_common(ctx, as_of, dry_run), action_id, decision, rationale, decided_by, superseded_by), dry_run)


@cli.command()
@click.argument("postmortem_ids", nargs=-1, required=True, metavar="POSTMORTEM-ID...")
@click.option("--date", "date", type=DATE, required=True, help="Date of the review.")
@click.option("--attendees", metavar="P,...", help="Person ids of the attendees, separated by commas.")
@click.option("--notes", help="What the review decided.")
@_decision_options
@click.pass_context
def review(ctx: click.Context, postmortem_ids: tuple[str, ...], date: dt.date, attendees: str | None, notes: str | None, as_of: dt.date | None, dry_run: bool) -> None:
    """Record a governance review on each postmortem."""
    from pmcheck.decisions import commands

    _emit(ctx, lambda: commands.review(_common(ctx, as_of, dry_run), postmortem_ids, date, attendees, notes), dry_run)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point: turns expected errors into one line and exit 2, Ctrl-C into exit 130, the
    unexpected into exit 3."""
    # A run builds hundreds of thousands of small objects and almost no reference cycles, so
    # the default collection thresholds spend about a tenth of a large check walking them.
    gc.set_threshold(50_000, 20, 20)
    _prepare_streams()
    previous = signal.signal(signal.SIGINT, _interrupt)
    try:
        try:
            os.getcwd()
        except FileNotFoundError:
            raise UsageError("the current directory no longer exists; change to one that does") from None
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="pmcheck", standalone_mode=False)
        # Write out what is buffered while an error can still be reported.
        sys.stdout.flush()
    except PmcheckError as error:
        _say(f"pmcheck: error: {error}")
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        # One line, like every other exit-2 error: click's own form spends four on usage text.
        see = ""
        if isinstance(error, click.UsageError) and error.ctx is not None:
            see = f" (see `{error.ctx.command_path} --help`)"
        _say(f"pmcheck: error: {error.format_message()}{see}")
        sys.exit(EXIT_USAGE)
    except (Interrupted, KeyboardInterrupt):
        _say("pmcheck: interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except click.exceptions.Abort as error:
        if isinstance(error.__cause__, KeyboardInterrupt):
            sys.exit(EXIT_INTERRUPTED)
        _say("pmcheck: aborted")
        sys.exit(EXIT_USAGE)
    except BrokenPipeError:
        # The reader went away (`pmcheck check | head`): nothing left to tell anyone.
        _silence_stdout()
        sys.exit(EXIT_FINDINGS)
    except OSError as error:
        # pmcheck's own reads and writes name their file; an OSError without one comes from
        # a standard stream (a full disk, a closed descriptor).
        if error.filename is None:
            _silence_stdout()
            _say(f"pmcheck: error: cannot write the output: {error.strerror or error}")
        else:
            _say(f"pmcheck: error: {display_path(os.fsdecode(error.filename))}: {error.strerror or error}")
        sys.exit(EXIT_USAGE)
    except Exception as error:  # noqa: BLE001 - the error boundary
        _say(
            f"pmcheck: internal error: {type(error).__name__}: {error}\n"
            f"This is a bug in pmcheck {__version__}; please report it to the pmcheck issue "
            "tracker with the command you ran and the file that triggered it."
        )
        sys.exit(EXIT_INTERNAL)
    finally:
        signal.signal(signal.SIGINT, previous)
    # Without standalone mode, click returns the code given to ctx.exit().
    sys.exit(code if isinstance(code, int) else EXIT_OK)
