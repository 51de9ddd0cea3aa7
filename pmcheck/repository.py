"""Discover, load, validate and model every postmortem of a repository, once.

Both ``check`` and ``render`` start here, so a repository is parsed once per run and the schema
validator is compiled once per run.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import glob
import os
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from pmcheck import files
from pmcheck.cache import Cache, Entry, IndexRecord, fingerprint, open_cache, stat_signature
from pmcheck.context import Corpus, Document
from pmcheck.errors import UsageError
from pmcheck.findings import DataPath, Violation
from pmcheck.loader import DEFAULT_LIMITS, Limits, Loaded, load_bytes, read_source
from pmcheck.model import build_postmortem, zone
from pmcheck.summary import Summary
from pmcheck.people import Roster, load_roster
from pmcheck.policy import Policy
from pmcheck.schema import SchemaError, compile_validator, iter_schema_errors, postmortem_schema

if TYPE_CHECKING:
    from pmcheck.schema import SchemaValidator


# Up to this many reported files are parsed without looking up their cache entries.
FEW_FILES = 16


@dataclass(frozen=True)
class LoadIssue:
    """A PM001/PM002/PM003 finding from loading or validating a file, before deciding."""

    path: str
    code: str
    message: str
    hint: str
    line: int
    column: int
    end_line: int
    end_column: int
    at: DataPath = ()

    @property
    def violation(self) -> Violation:
        return Violation(self.code, self.at, self.message, self.hint, path=self.path)

    @property
    def span(self) -> tuple[int, int, int, int]:
        """Where the loader or the schema stage located it (a syntax error has no data path)."""
        return (self.line, self.column, self.end_line, self.end_column)


@dataclass
class Repository:
    root: Path
    policy: Policy
    roster: Roster | None
    corpus: Corpus
    issues: list[LoadIssue] = field(default_factory=list)


def discover(root: Path, policy: Policy) -> list[str]:
    """Repo-relative paths of every postmortem file the policy's globs match, sorted.

    ``pmcheck.files.discover`` walks them: never into ``.git``, never out of the work tree.
    """
    return files.discover(root, policy.postmortems)


def relative(root: Path, given: str) -> str:
    """``given`` (relative to the working directory) as a repo-relative posix path."""
    absolute = Path(os.path.abspath(given))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        raise UsageError(f"{given}: not inside the repository {root}") from None


def select(root: Path, all_files: list[str], paths: Iterable[str], policy: Policy) -> list[str]:
    """The files a run reports on: every postmortem under a folder PATH, each file PATH."""
    selected: set[str] = set()
    skip = {policy.people, policy.log, "pmcheck.yaml"}
    # Sorted, so the files under a folder are one slice: PATHS x files would be quadratic.
    ordered = sorted(all_files)
    for given in paths:
        rel = relative(root, given)
        full = root / rel
        if full.is_dir():
            prefix = "" if rel == "." else rel.rstrip("/") + "/"
            start = bisect.bisect_left(ordered, prefix)
            end = bisect.bisect_left(ordered, prefix + "\U0010ffff", lo=start)
            under = ordered[start:end]
            if not under:
                # A folder outside the policy's globs: every YAML file in it is a postmortem.
                under = [
                    p
                    for p in files.discover(root, (f"{glob.escape(prefix)}**/*.yaml", f"{glob.escape(prefix)}**/*.yml"))
                    if p not in skip
                ]
            selected.update(under)
        elif full.is_file() or full.is_symlink():
            if rel not in skip:
                selected.add(rel)
        else:
            raise UsageError(f"{given}: no such file or directory")
    return sorted(selected)


def load_repository(
    root: Path,
    policy: Policy,
    files: Iterable[str],
    limits: Limits = DEFAULT_LIMITS,
    use_cache: bool = True,
    full: Collection[str] | None = None,
) -> Repository:
    """Load, validate and model ``files`` (repo-relative).

    With ``use_cache`` what loading and validating a file gives is reused from the result cache
    (``pmcheck.cache``) while the file's bytes and everything they are judged by are unchanged;
    the model, the rules and the decisions always run.

    ``full`` names the files a run reports on, when it reports on some only: every other file
    whose summary the cache's index holds for its current bytes is not loaded; cross-file rules
    read its summary (``pmcheck.summary``), and a rule that needs its postmortem loads it then.
    """
    roster = load_roster(root, policy.people)
    schema = postmortem_schema(list(policy.severities), list(policy.priorities), policy.failure_modes)
    validator = compile_validator(schema)
    cache = open_cache(root, fingerprint(policy.raw, roster, schema, limits)) if use_cache else None
    loader = _Loader(root, limits, validator, zone(policy.timezone))
    started = time.time_ns()
    files = list(files)
    if full is not None and not set(files) - set(full):
        full = None  # every file is reported on
    targets_cache = cache
    if cache is not None and full is not None:
        cache.partial = True
        # A few reported files are parsed directly: cheaper than reading every pack for their
        # entries.
        if len(full) <= FEW_FILES:
            targets_cache = None
    index = cache.read_index() if cache is not None else {}
    records: dict[str, IndexRecord] = {}
    # Whether the index on disk differs from what this run saw (or holds racy records).
    stale = False
    documents: list[Document] = []
    summaries: list[Summary] = []
    issues: list[LoadIssue] = []
    with collector_paused(), _published(cache):
        for rel in files:
            stat = _stat(root, rel) if cache is not None else None
            if full is not None and cache is not None and rel not in full:
                record = index.get(rel)
                if record is not None and stat is not None and _still(record, stat, root, rel, limits, cache):
                    stale = stale or not record.unchanged(stat)
                    records[rel] = IndexRecord(stat, record.name, record.summary)
                    summaries.append(record.summary)
                    continue
            document, content = loader.load(rel, targets_cache if full is not None and rel in full else cache, issues)
            documents.append(document)
            summary = document.summary
            summaries.append(summary)
            if cache is not None and stat is not None and content is not None:
                record = IndexRecord(stat, cache.content_name(content), summary)
                old = index.get(rel)
                stale = stale or old is None or (old.stat, old.name, old.summary) != (stat, record.name, summary) or not old.unchanged(stat)
                records[rel] = record
    corpus = Corpus(documents, given_summaries=summaries)
    if full is not None and len(documents) < len(summaries):
        corpus.load = loader.document
        _load_namesakes(corpus)
    for pm in corpus.postmortems:
        corpus.by_id.setdefault(pm.id, pm)
    if cache is not None and (stale or records.keys() != index.keys()):
        cache.write_index(records, started)
    return Repository(root, policy, roster, corpus, issues)


def _load_namesakes(corpus: Corpus) -> None:
    """Load in full every file sharing the id of a file loaded in full: waivers act on their
    postmortem's id, so a namesake's waivers can waive a reported file's findings."""
    ids = {d.postmortem.id for d in corpus.documents if d.postmortem is not None}
    loaded = {d.path for d in corpus.documents}
    for summary in corpus.summaries:
        if summary.id in ids and summary.path not in loaded:
            corpus.documents.append(corpus.document(summary.path))
    corpus.documents.sort(key=lambda d: d.path)


def _stat(root: Path, rel: str) -> tuple[int, ...] | None:
    try:
        return stat_signature(os.stat(os.path.join(root, rel)))
    except (OSError, ValueError):
        return None


def _still(record: IndexRecord, stat: tuple[int, ...], root: Path, rel: str, limits: Limits, cache: Cache) -> bool:
    """Whether the file still has the bytes ``record`` summarizes (by stat, else by hash)."""
    if record.unchanged(stat):
        return True
    source = read_source(root, rel, limits)
    return not isinstance(source, Loaded) and cache.content_name(source) == record.name


class _Loader:
    """Loads one file in full: read, parse, validate (through the cache), model."""

    def __init__(self, root: Path, limits: Limits, validator: SchemaValidator, tz: dt.tzinfo) -> None:
        self._root = root
        self._limits = limits
        self._validator = validator
        self._tz = tz

    def document(self, rel: str) -> Document:
        """The document of a file no run reports on (a cross-file rule asked for it)."""
        return self.load(rel, None, [])[0]

    def load(self, rel: str, cache: Cache | None, issues: list[LoadIssue]) -> tuple[Document, bytes | None]:
        """The document, with its load and schema findings added to ``issues``; and the bytes it
        was loaded from (None when the file could not be read)."""
        source = read_source(self._root, rel, self._limits)
        content = None if isinstance(source, Loaded) else source
        loaded, schema_errors = _load_and_validate(source, rel, self._limits, self._validator, cache)
        document = Document(rel, loaded)
        for problem in loaded.problems:
            issues.append(
                LoadIssue(rel, problem.code, problem.message, problem.hint, problem.line, problem.column, problem.line, problem.column)
            )
        if schema_errors is None:
            return document, content
        refused: list[DataPath] = []
        for error in schema_errors:
            # At the value for an error in the value; at the key or the mapping for a key.
            where = loaded.spans.locate if error.refused is None or error.missing else loaded.spans.locate_value
            line, column, end_line, end_column = where(error.at)
            issues.append(LoadIssue(rel, error.code, error.message, error.hint, line, column, end_line, end_column, error.at))
            if error.refused is not None:
                refused.append(error.refused)
        # A schema error hides nothing else: the model holds everything valid, and what the
        # schema refused is unknown there. Only a file without a mapping and a usable id,
        # which nothing could be attached to, has no model.
        data = loaded.data
        if isinstance(data, dict) and isinstance(data.get("id"), str) and not any(p[:1] == ("id",) for p in refused):
            document.postmortem = build_postmortem(rel, data, self._tz, refused, source=loaded)
        # From here on the model, the ids and the summary are what the run reads of every file;
        # the plain data, several times their size, is kept packed for the few checks that read it.
        document.summary  # noqa: B018 - computed while the data is at hand
        loaded.pack()
        return document, content


def _load_and_validate(
    source: bytes | Loaded, rel: str, limits: Limits, validator: SchemaValidator, cache: Cache | None
) -> tuple[Loaded, tuple[SchemaError, ...] | None]:
    """The loaded file and its schema errors (None when it could not be loaded at all)."""
    if isinstance(source, Loaded):
        return source, None
    if cache is not None:
        hit = cache.get(source, rel)
        if hit is not None:
            return hit.loaded, hit.schema_errors
    loaded = load_bytes(source, rel, limits)
    schema_errors: tuple[SchemaError, ...] | None = None
    if not any(problem.code == "PM001" for problem in loaded.problems):
        # An empty file (data None, no load problem) still goes to the schema, which says so.
        schema_errors = tuple(iter_schema_errors(validator, loaded.data, loaded.spans.yaml11_bools))
    if cache is not None:
        cache.put(source, Entry(loaded, schema_errors))
    return loaded, schema_errors


@contextmanager
def _published(cache: Cache | None) -> Iterator[None]:
    """Publish the cache entries written while loading, even when loading is interrupted
    (every entry written so far is whole)."""
    try:
        yield
    finally:
        if cache is not None:
            cache.flush()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while files are loaded (and, used by the
    pipelines around loading, while the loaded repository is checked).

    Loading allocates hundreds of long-lived containers per file and no reference cycles, so
    the collector would only traverse the growing heap again and again (about a tenth of the
    time of a check on a large repository); once it is loaded, every collection the rules'
    short-lived objects trigger would traverse it once more (a fifth of a warm check).
    Reference counting still frees everything. Nested uses leave the collector as the
    outermost found it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # What was allocated meanwhile would all wait in the youngest generation, and the
            # next few collections would traverse it generation by generation: move it to the
            # oldest at once (freeze then unfreeze), where only a full collection looks.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def stem(path: str) -> str:
    return PurePosixPath(path).stem
