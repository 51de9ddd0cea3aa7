"""``pmcheck init`` and ``pmcheck new``: start a postmortem repository, start a postmortem.

The files written are templates packaged under ``pmcheck/templates/scaffold/``. ``init`` writes
a policy with every key explained, a roster, one example postmortem that passes every rule,
the pre-commit configuration, a pull-request workflow and a copy of the postmortem schema in
``.pmcheck/`` for editors (the ``# yaml-language-server: $schema=`` line of each postmortem
points at it with a relative path, so completion works offline and follows the version of
pmcheck that wrote it). ``init`` refuses to overwrite anything without ``--force`` and then
writes nothing at all.

``new`` takes the next free number of the year: one more than the highest id of the year found
in postmortem file names (any ``PM-YYYY-NNN.*`` in the folder new files go to), their ``id:``
lines or the operating log's postmortem index (which still lists postmortems whose files were
deleted), so an id is never reused. Other ids the log mentions (a dangling link quoted in a
finding) take no number. The file name has the extension the first ``postmortems:`` glob wants. Its template passes the schema
and fails the check only on what the author must still decide: the owners and the dates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

import click
import jinja2

from pmcheck import __version__
from pmcheck.engine import load_context
from pmcheck.errors import UsageError
from pmcheck.files import LOG_LIMIT, Refused, glob_matches, read_bytes, refuse_symlinks, write_atomically
from pmcheck.loader import DEFAULT_LIMITS
from pmcheck.policy import Policy
from pmcheck.repository import discover
from pmcheck.schema import schema_text

SCHEMA_FILE = ".pmcheck/postmortem.schema.json"
_ID = re.compile(r"\bPM-(\d{4})-(\d{3,})\b")
# A file name that takes a number, whatever its extension (`PM-2026-007.yml.bak` too).
_FILE_ID = re.compile(r"(PM-\d{4}-\d{3,})\.")
# The operating log's postmortem index: the id opening the first cell of each row.
_INDEX_HEADING = "## Postmortem index"
_INDEX_ROW = re.compile(r"^\|\s*\[?`?(PM-\d{4}-\d{3,})\b", re.M)
# The names `new` may write, in order of preference.
_SUFFIXES = (".yaml", ".yml")
# Ids carry a four-digit year; the schema's dates stay within these years too (SPEC section 2).
MIN_YEAR, MAX_YEAR = 1900, 9999


@dataclass(frozen=True)
class Planned:
    """One file ``init`` writes: repo-relative target and its content."""

    target: str
    text: str


def _template_text(name: str) -> str:
    return resources.files("pmcheck").joinpath("templates", "scaffold", name).read_text(encoding="utf-8")


# A value YAML reads back as the same string when written bare: no quoting needed.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*\Z")
_YAML_WORDS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n"})


def yaml_scalar(value: object) -> str:
    """``value`` as one YAML scalar that reads back as the same string.

    The policy is repository content: a failure mode or a path holding a newline or a colon
    must not become keys of the new postmortem. Plain names stay bare; anything else is a JSON
    string, which is a YAML double-quoted scalar.
    """
    text = str(value)
    if _PLAIN.match(text) and text.casefold() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def yaml_comment(value: object) -> str:
    """``value`` for the inside of a ``#`` comment: one line, control characters escaped."""
    text = str(value)
    if text.isprintable():
        return text
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_template_text),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yaml"] = yaml_scalar
    env.filters["comment"] = yaml_comment
    return env


def init_plan() -> list[Planned]:
    """Every file ``pmcheck init`` writes, in the order it writes them."""
    env = _environment()
    return [
        Planned("pmcheck.yaml", _template_text("pmcheck.yaml")),
        Planned("people.yaml", _template_text("people.yaml")),
        Planned("postmortems/PM-2026-001.yaml", _template_text("example-postmortem.yaml")),
        Planned(SCHEMA_FILE, schema_text("postmortem")),
        Planned(".pre-commit-config.yaml", env.get_template("pre-commit-config.yaml.j2").render(version=__version__)),
        Planned(".github/workflows/pmcheck.yml", _template_text("workflow.yml")),
    ]


def init_command(directory: str, force: bool) -> int:
    """Scaffold a postmortem repository in ``directory``; exit code (UsageError: exit 2)."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{directory}: not a directory")
    plan = init_plan()
    if not force:
        for item in plan:
            if (root / item.target).exists() or (root / item.target).is_symlink():
                shown = (root / item.target).as_posix()
                raise UsageError(f"{shown} already exists; nothing was written (use --force to overwrite)")
    created: list[Path] = []
    try:
        for item in plan:
            path = root / item.target
            try:
                # Folders inside the repository must not be links (`.github -> ~/.config`); a
                # link at the file itself is replaced, and a full disk leaves no 0-byte file.
                refuse_symlinks(path, root, target=False)
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(path, item.text, root, exclusive=not force)
            except FileExistsError:
                raise UsageError(f"{path.as_posix()} already exists (use --force to overwrite)") from None
            except OSError as error:
                raise UsageError(f"cannot write {path.as_posix()}: {error.strerror or error}") from None
            created.append(path)
    except BaseException:
        if not force:
            # All or nothing: a second `init` must not find half a scaffold and refuse to run.
            for path in created:
                with contextlib.suppress(OSError):
                    path.unlink()
        raise
    for path in created:
        click.echo(f"wrote {path.as_posix()}")
    click.echo("next: `pmcheck check`, `pmcheck render`, then `pre-commit install` and commit")
    return 0


def used_numbers(root: Path, policy: Policy, year: int) -> set[int]:
    """Numbers of ``year`` already taken by a postmortem file, an ``id:`` or the log."""
    numbers: set[int] = set()
    texts: list[str] = []
    for rel in discover(root, policy):
        texts.append(PurePosixPath(rel).stem)
        try:
            head = read_bytes(root / rel, DEFAULT_LIMITS.max_bytes, root).decode("utf-8", errors="replace")
        except Refused:
            continue
        texts += re.findall(r"^id:\s*['\"]?(\S+?)['\"]?\s*$", head, re.M)
    try:
        folder = root / postmortem_folder(policy)
        with os.scandir(folder) as entries:
            texts += [match[1] for entry in entries if (match := _FILE_ID.match(entry.name))]
    except OSError:
        pass
    try:
        texts += logged_ids(read_bytes(root / policy.log, LOG_LIMIT, root).decode("utf-8", errors="replace"))
    except Refused:
        pass
    for text in texts:
        for match in _ID.finditer(text):
            if int(match[1]) == year:
                numbers.add(int(match[2]))
    return numbers


def logged_ids(log: str) -> list[str]:
    """The postmortem ids of the log's index rows; nothing else in the log names a postmortem
    that existed (a finding may quote a dangling link)."""
    start = log.find(_INDEX_HEADING)
    if start < 0:
        return []
    section = log[start + len(_INDEX_HEADING):]
    end = section.find("\n## ")
    return _INDEX_ROW.findall(section if end < 0 else section[:end])


def postmortem_file(policy: Policy, pm_id: str) -> str:
    """The repository-relative name ``new`` writes ``pm_id`` to: one the first ``postmortems:``
    glob matches, so ``check`` sees it (UsageError when no name fits)."""
    pattern = policy.postmortems[0]
    folder = postmortem_folder(policy)
    for suffix in _SUFFIXES:
        rel = f"{folder}/{pm_id}{suffix}" if folder else f"{pm_id}{suffix}"
        if glob_matches(pattern, rel):
            return rel
    where = f"{folder}/" if folder else ""
    raise UsageError(
        f"the first `postmortems:` glob {pattern!r} matches neither {where}{pm_id}.yaml nor {where}{pm_id}.yml; "
        "nothing was written (put a glob new postmortems fit first)"
    )


def postmortem_folder(policy: Policy) -> str:
    """The folder new postmortems go to: the fixed part of the first ``postmortems:`` glob."""
    fixed: list[str] = []
    for part in PurePosixPath(policy.postmortems[0]).parts[:-1]:
        if any(ch in part for ch in "*?["):
            break
        fixed.append(part)
    return "/".join(fixed)


def new_command(repo: str | None, config: str | None, severity: str | None, title: str | None, as_of: dt.date | None) -> int:
    """Create the next ``PM-YYYY-NNN.yaml``; exit code (UsageError: exit 2)."""
    root, policy = load_context(repo, config, None)
    day = as_of if as_of is not None else policy.today()
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise UsageError(f"--as-of {day.isoformat()}: a postmortem id needs a year from {MIN_YEAR} to {MAX_YEAR} (PM-YYYY-NNN)")
    levels = list(policy.severities)
    chosen = severity if severity is not None else levels[min(1, len(levels) - 1)]
    if chosen not in policy.severities:
        raise UsageError(f"--severity {chosen!r}: the policy defines {', '.join(levels)}")
    if title is not None and (not title.strip() or "\n" in title or "\r" in title):
        raise UsageError("--title must be one non-empty line")
    level = policy.severities[chosen]
    priority = level.default_priority
    number = max(used_numbers(root, policy, day.year), default=0) + 1
    pm_id = f"PM-{day.year}-{number:03d}"
    path = root / postmortem_file(policy, pm_id)
    folder = path.parent
    schema_ref = PurePosixPath(os.path.relpath(root / SCHEMA_FILE, folder).replace(os.sep, "/")).as_posix()
    text = _environment().get_template("postmortem.yaml.j2").render(
        id=pm_id,
        # A JSON string is a YAML double-quoted scalar: any title stays one safe value.
        title=json.dumps(title.strip() if title else "Say what failed, for whom, in one line", ensure_ascii=False),
        # The remaining values come from the policy (repository content) and pass through the
        # template's `yaml` and `comment` filters.
        severity=chosen,
        as_of=day.isoformat(),
        priority=priority,
        critical=level.critical,
        needs_criteria=level.critical or policy.is_critical_priority(priority),
        people=policy.people,
        failure_mode=policy.failure_modes[0] if policy.failure_modes else "other",
        schema_ref=schema_ref,
    )
    try:
        refuse_symlinks(path, root, target=False)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text, root, exclusive=True)
    except FileExistsError:
        raise UsageError(f"{path.relative_to(root).as_posix()} already exists") from None
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    click.echo(f"wrote {path.relative_to(root).as_posix()}")
    if not (root / SCHEMA_FILE).is_file():
        click.echo(f"tip: `pmcheck schema > {SCHEMA_FILE}` gives editors completion for it", err=True)
    return 0
