"""The policy in force: ``pmcheck.yaml`` merged over the packaged defaults.

Every rule reads its thresholds from here, never from constants: a team that renames its
levels (``S1``..``S4``, ``P1``..``P4``) or changes its SLOs gets correct results.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pmcheck.errors import ConfigError
from pmcheck.files import Inputs, Refused, glob_problem, log_problem, path_problem, read_bytes
from pmcheck.findings import Severity
from pmcheck.loader import DEFAULT_LIMITS, Loaded, load_bytes, load_text
from pmcheck.schema import compile_validator, iter_schema_errors, load_schema

POLICY_FILE = "pmcheck.yaml"
TERMINAL_STATUSES = frozenset({"verified", "wont_do", "superseded"})
ESCALATION_TARGETS = ("manager", "exec_sponsor")


@dataclass(frozen=True)
class Rung:
    """One step of an escalation ladder: past this many days overdue, tell ``to``."""

    after_days_overdue: int
    to: str


@dataclass(frozen=True)
class SeverityLevel:
    name: str
    rank: int
    critical: bool
    review_every_days: int
    postmortem_review_within_days: int | None
    default_priority: str


@dataclass(frozen=True)
class PriorityLevel:
    name: str
    rank: int
    critical: bool
    slo_days: int
    requires_verification: bool
    escalate: tuple[Rung, ...]
    max_extensions: int | None
    done_is_terminal: bool


@dataclass(frozen=True)
class Policy:
    root: Path
    source: str | None
    postmortems: tuple[str, ...]
    people: str
    log: str
    log_template: str | None
    timezone: str
    severities: dict[str, SeverityLevel]
    priorities: dict[str, PriorityLevel]
    slo_clock_start: str
    due_soon_days: int
    repeat_window_days: int
    waiver_max_days: int
    rules: dict[str, str]
    failure_modes: tuple[str, ...]
    trend_weeks: int
    raw: dict[str, Any] = field(compare=False, repr=False)

    def is_terminal(self, status: str, priority: str) -> bool:
        """Whether an action in ``status`` needs no further work at ``priority``."""
        if status in TERMINAL_STATUSES:
            return True
        if status == "done":
            level = self.priorities.get(priority)
            return level is not None and level.done_is_terminal
        return False

    def is_critical_priority(self, priority: str) -> bool:
        level = self.priorities.get(priority)
        return level is not None and level.critical

    def is_critical_severity(self, severity: str) -> bool:
        level = self.severities.get(severity)
        return level is not None and level.critical

    def priority_rank(self, priority: str) -> int:
        level = self.priorities.get(priority)
        return level.rank if level is not None else len(self.priorities)

    def severity_rank(self, severity: str) -> int:
        level = self.severities.get(severity)
        return level.rank if level is not None else len(self.severities)

    def today(self) -> dt.date:
        """Today's date in the policy's time zone: the default as-of date."""
        return dt.datetime.now(zoneinfo.ZoneInfo(self.timezone)).date()

    def severity_override(self, code: str) -> Severity | None | str:
        """The ``rules:`` override for ``code``: a Severity, "off", or None when not overridden."""
        value = self.rules.get(code)
        if value is None:
            return None
        return "off" if value == "off" else Severity.parse(value)


def _default_raw() -> dict[str, Any]:
    text = resources.files("pmcheck").joinpath("presets", "default-policy.yaml").read_text("utf-8")
    loaded = load_text(text, "default-policy.yaml")
    assert isinstance(loaded.data, dict), loaded.problems
    return loaded.data


def find_root(repo: str | None, first_path: str | None) -> Path:
    """The repository root, in the order SPEC section 1 gives."""
    if repo is not None:
        root = Path(repo)
        if not root.is_dir():
            raise ConfigError(f"--repo {repo}: not a directory")
        return root.resolve()
    # abspath, not resolve(): a PATH that is a symbolic link must not move the root to wherever
    # its target lives (which would make an outside file look like part of the repository).
    start = Path(os.path.abspath(first_path)) if first_path else Path.cwd().resolve()
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if (folder / POLICY_FILE).is_file():
            return folder
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    cwd = Path.cwd().resolve()
    # A PATH outside the working directory cannot be reported relative to it.
    return cwd if start.is_relative_to(cwd) else start


def _config_error(loaded: Loaded, at: tuple[Any, ...], message: str) -> ConfigError:
    line, column, _, _ = loaded.spans.locate(at)
    return ConfigError(f"{loaded.path}:{line}:{column}: {message}")


def load_policy(root: Path, config: str | None = None, known_codes: Collection[str] | None = None) -> Policy:
    """The policy for ``root``: ``config`` (or ``root/pmcheck.yaml``) over the defaults.

    ``known_codes`` are the rule codes ``rules:`` may name; the commands pass the registry's
    (``engine.load_context``). The policy sits below the rules, so it cannot look them up itself.
    """
    raw = _default_raw()
    source: str | None = None
    user: Loaded | None = None
    if config is not None:
        # The command line is trusted: --config may live anywhere and be a link, but it is
        # still read as a regular file (`--config /dev/stdin` must not hang the run).
        source = config
        config_path = os.path.abspath(config)
        try:
            data = read_bytes(config_path, DEFAULT_LIMITS.max_bytes)
        except Refused as refused:
            raise ConfigError(f"--config {config}: {refused.reason}") from None
        user = _load_config(data, config, known_codes)
    else:
        config_path = os.path.join(root, POLICY_FILE)
        try:
            data = read_bytes(config_path, DEFAULT_LIMITS.max_bytes, root)
        except Refused as refused:
            if not refused.missing:
                raise ConfigError(f"{POLICY_FILE}:1:1: {refused.reason}") from None
        else:
            source = POLICY_FILE
            user = _load_config(data, POLICY_FILE, known_codes)
    if user is not None:
        raw.update(user.data)
    return _build(root, source, raw, user, config_path)


def _load_config(data: bytes, display: str, known_codes: Collection[str] | None) -> Loaded:
    loaded = load_bytes(data, display)
    if loaded.problems:
        problem = loaded.problems[0]
        raise ConfigError(f"{display}:{problem.line}:{problem.column}: {problem.message}")
    if loaded.data is None:
        loaded.data = {}
    validator = compile_validator(load_schema("policy"))
    for error in iter_schema_errors(validator, loaded.data, loaded.spans.yaml11_bools):
        hint = f" ({error.hint})" if error.hint else ""
        raise _config_error(loaded, error.at, error.message + hint)
    for code in loaded.data.get("rules") or {}:
        if known_codes is not None and code not in known_codes:
            raise _config_error(loaded, ("rules", code), f"rules.{code}: unknown rule code (see `pmcheck rules`)")
    return loaded


def _vet_paths(root: Path, raw: dict[str, Any], config_path: str | None, fail: Callable[[tuple[Any, ...], str], ConfigError]) -> None:
    """Every path the repository configures, vetted once (``pmcheck.files``): a bad one is a
    configuration error at its line, before anything is read or written."""
    for n, pattern in enumerate(raw["postmortems"]):
        problem = glob_problem(pattern)
        if problem is not None:
            raise fail(("postmortems", n), f"postmortems: {problem}")
    for key in ("people", "log_template", "log"):
        value = raw.get(key)
        if value is None and key == "log_template":
            continue
        problem = path_problem(root, value, key)
        if problem is not None:
            raise fail((key,), problem)
    inputs = Inputs(config_path, str(raw["people"]), raw.get("log_template"), tuple(raw["postmortems"]))
    problem = log_problem(root, str(raw["log"]), inputs)
    if problem is not None:
        raise fail(("log",), problem)


def _build(root: Path, source: str | None, raw: dict[str, Any], user: Loaded | None, config_path: str | None = None) -> Policy:
    def fail(at: tuple[Any, ...], message: str) -> ConfigError:
        if user is None:
            return ConfigError(f"built-in policy: {message}")
        return _config_error(user, at, message)

    priorities: dict[str, PriorityLevel] = {}
    for rank, (name, spec) in enumerate(raw["priorities"].items()):
        requires_verification = bool(spec.get("requires_verification", False))
        priorities[name] = PriorityLevel(
            name=name,
            rank=rank,
            critical=bool(spec.get("critical", False)),
            slo_days=int(spec.get("slo_days", 90)),
            requires_verification=requires_verification,
            escalate=tuple(
                sorted(
                    (Rung(int(r["after_days_overdue"]), str(r["to"])) for r in spec.get("escalate", [])),
                    key=lambda r: r.after_days_overdue,
                )
            ),
            max_extensions=spec.get("max_extensions"),
            done_is_terminal=bool(spec.get("done_is_terminal", not requires_verification)),
        )
    if not priorities:
        raise fail(("priorities",), "priorities: at least one priority is needed")
    least_urgent = list(priorities)[-1]
    severities: dict[str, SeverityLevel] = {}
    for rank, (name, spec) in enumerate(raw["severities"].items()):
        default_priority = str(spec.get("default_priority", least_urgent))
        if default_priority not in priorities:
            if user is not None and "severities" not in user.data:
                # The built-in severities name the built-in priorities; a `priorities:` table
                # replaces those whole, so point at it rather than at a line the user never wrote.
                raise fail(
                    ("priorities",),
                    f"priorities: the built-in severity {name} expects priority {default_priority!r}, "
                    f"which this table does not define ({', '.join(priorities)}); a `priorities:` "
                    "table replaces the built-in one, so list every level or set `severities:` too",
                )
            raise fail(
                ("severities", name, "default_priority"),
                f"severities.{name}.default_priority: {default_priority!r} is not a priority "
                f"({', '.join(priorities)})",
            )
        within = spec.get("postmortem_review_within_days")
        severities[name] = SeverityLevel(
            name=name,
            rank=rank,
            critical=bool(spec.get("critical", False)),
            review_every_days=int(spec.get("review_every_days", 30)),
            postmortem_review_within_days=int(within) if within is not None else None,
            default_priority=default_priority,
        )
    if not severities:
        raise fail(("severities",), "severities: at least one severity is needed")
    timezone = str(raw["timezone"])
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise fail(("timezone",), f"timezone: unknown time zone {timezone!r}") from None
    _vet_paths(root, raw, config_path, fail)
    return Policy(
        root=root,
        source=source,
        postmortems=tuple(raw["postmortems"]),
        people=str(raw["people"]),
        log=str(raw["log"]),
        log_template=raw.get("log_template"),
        timezone=timezone,
        severities=severities,
        priorities=priorities,
        slo_clock_start=str(raw["slo_clock_start"]),
        due_soon_days=int(raw["due_soon_days"]),
        repeat_window_days=int(raw["repeat_window_days"]),
        waiver_max_days=int(raw["waiver_max_days"]),
        # YAML 1.1 reads a bare `off` as false; the schema allows it for that reason.
        rules={str(k): "off" if v is False else str(v) for k, v in raw.get("rules", {}).items()},
        failure_modes=tuple(raw["failure_modes"]),
        trend_weeks=int(raw.get("trend", {}).get("weeks", 12)),
        raw=raw,
    )
