"""Everything pmcheck asks git. This is the only module that imports GitPython.

Safety: GitPython hands every positional string to git's argv unchanged, so a string that looks
like an option *is* one (``repo.git.log("--output=../x")`` writes a file outside the
repository). Therefore:

- a ref from the command line is refused when it starts with ``-`` or holds control characters,
  and is resolved with ``git rev-parse --verify --end-of-options REF^{commit}``; only the
  resulting object id is passed on;
- object ids from git's own output are checked to be hexadecimal before they are used again,
  and blobs are read through ``cat-file --batch`` (stdin, not argv);
- paths and pathspecs only ever follow ``--``.

In a shallow clone git reports the shallow boundary as the commit that created every file, so
nothing here infers dates or history from a shallow repository.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

# A missing git executable must become pmcheck's own one-line error, not an ImportError.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import git  # noqa: E402

from pmcheck.context import GitFacts  # noqa: E402
from pmcheck.errors import GitError, UsageError  # noqa: E402
from pmcheck.loader import DEFAULT_LIMITS, Limits, load_file, load_text  # noqa: E402

FETCH_DEPTH = "this is a shallow clone without the base commit; fetch the full history (actions/checkout: `fetch-depth: 0`)"
_OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_NULL_ID = re.compile(r"0+")
_COMMIT_MARK = "\x01"
_YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Worktree:
    """A git work tree and where the pmcheck root sits inside it."""

    repo: git.Repo
    top: Path
    # The root relative to the top level, "" or ending in "/".
    prefix: str

    def to_root(self, top_path: str) -> str | None:
        """A top-level-relative path as root-relative, or None when it is outside the root."""
        if not top_path.startswith(self.prefix):
            return None
        return top_path[len(self.prefix):]

    def to_top(self, root_path: str) -> str:
        return self.prefix + root_path

    def close(self) -> None:
        self.repo.close()

    def __enter__(self) -> Worktree:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def open_worktree(root: Path) -> Worktree | None:
    """The work tree holding ``root``, or None when ``root`` is not inside one."""
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.bare or repo.working_tree_dir is None:
        repo.close()
        return None
    top = Path(os.path.realpath(repo.working_tree_dir))
    try:
        rel = Path(os.path.realpath(root)).relative_to(top)
    except ValueError:
        repo.close()
        return None
    prefix = "" if rel == Path(".") else rel.as_posix() + "/"
    return Worktree(repo, top, prefix)


def check_ref(ref: str) -> str:
    """``ref`` when it may be passed to git at all; UsageError otherwise."""
    if not ref or ref.startswith("-") or any(ord(c) < 0x20 or ord(c) == 0x7F for c in ref) or ref != ref.strip():
        shown = ref.encode("unicode_escape").decode("ascii")
        raise UsageError(f"--changed-since {shown!r}: not a valid git revision")
    return ref


def _object_id(text: str) -> str | None:
    text = text.strip()
    return text if _OBJECT_ID.fullmatch(text) and not _NULL_ID.fullmatch(text) else None


def resolve_commit(wt: Worktree, ref: str) -> str | None:
    """The commit id ``ref`` names, or None when there is no such commit."""
    check_ref(ref)
    try:
        out = wt.repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    except git.GitCommandError:
        return None
    return _object_id(out)


def is_shallow(wt: Worktree) -> bool:
    return bool(wt.repo.git.rev_parse("--is-shallow-repository").strip() == "true")


def merge_base(wt: Worktree, one: str, two: str) -> str | None:
    try:
        out = wt.repo.git.merge_base(_checked(one), _checked(two))
    except git.GitCommandError:
        return None
    return _object_id(out)


def _checked(object_id: str) -> str:
    if _object_id(object_id) is None:
        raise AssertionError(f"not an object id: {object_id!r}")
    return object_id


def _read_blob(wt: Worktree, object_id: str, limits: Limits) -> bytes | None:
    """A blob's bytes through ``cat-file --batch``; None when it is not a blob or too large."""
    _, kind, size = wt.repo.git.get_object_header(_checked(object_id))
    # GitPython annotates the type as str but hands over the bytes git printed.
    kind_text: Any = kind
    if (kind_text.decode("ascii") if isinstance(kind_text, bytes) else kind_text) != "blob":
        return None
    if int(size) > limits.max_bytes:
        return None
    _, _, _, data = wt.repo.git.get_object_data(object_id)
    return bytes(data)


def parse_blob(data: bytes | None, name: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """A blob's YAML as plain data, through the hardened loader; None when it does not load."""
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    loaded = load_text(text, name, limits)
    return loaded.data if loaded.ok else None


def actions_by_id(data: Any) -> dict[str, Mapping[str, Any]]:
    """The raw actions of a postmortem's plain data, by id (malformed entries are skipped)."""
    actions = data.get("actions") if isinstance(data, dict) else None
    out: dict[str, Mapping[str, Any]] = {}
    for action in actions if isinstance(actions, list) else ():
        if isinstance(action, dict) and isinstance(action.get("id"), str):
            out.setdefault(action["id"], action)
    return out


def _without_actions(data: Any) -> Any:
    return {k: v for k, v in data.items() if k != "actions"} if isinstance(data, dict) else data


@dataclass(frozen=True)
class _Entry:
    status: str
    old: str | None  # top-level-relative
    new: str | None


def _diff_entries(raw: str) -> Iterator[_Entry]:
    """Entries of ``git diff --name-status -z`` output."""
    tokens = raw.split("\0")
    i = 0
    while i < len(tokens):
        status = tokens[i].strip()
        i += 1
        if not status:
            continue
        if status[0] in "RC":
            old, new = tokens[i], tokens[i + 1]
            i += 2
            yield _Entry(status[0], old, new)
        else:
            path = tokens[i]
            i += 1
            yield _Entry(status[0], None if status[0] == "A" else path, None if status[0] == "D" else path)


def _changes_against(wt: Worktree, base: str, untracked: bool) -> list[_Entry]:
    # The working tree against the base: committed, staged and unstaged changes together.
    raw = wt.repo.git.diff("--name-status", "-z", "-M", "--no-color", "--no-ext-diff", _checked(base), "--")
    entries = list(_diff_entries(raw))
    if untracked:
        others = wt.repo.git.ls_files("--others", "--exclude-standard", "-z", "--", ".")
        entries.extend(_Entry("A", None, path) for path in others.split("\0") if path)
    return entries


def _facts(
    wt: Worktree,
    root: Path,
    base: str,
    files: Iterable[str],
    pull_request: bool,
    limits: Limits,
) -> GitFacts:
    wanted = set(files)
    entries = _changes_against(wt, base, untracked=pull_request)
    commit = wt.repo.commit(base)
    changed: set[str] = set()
    base_paths: dict[str, str] = {}
    base_data: list[Any] = []
    for entry in entries:
        new = wt.to_root(entry.new) if entry.new is not None else None
        old = wt.to_root(entry.old) if entry.old is not None else None
        if new is not None and new in wanted:
            changed.add(new)
            if old is not None and old != new:
                base_paths[new] = old
        elif not (entry.status == "D" and old is not None and old.endswith(_YAML_SUFFIXES)):
            # A deleted postmortem may have moved its actions elsewhere: keep its base version.
            continue
        if entry.old is None:
            continue
        try:
            blob = commit.tree / entry.old
        except KeyError:
            continue
        base_data.append(parse_blob(_read_blob(wt, blob.hexsha, limits), entry.old, limits))

    base_actions: dict[str, Mapping[str, Any]] = {}
    base_postmortems: dict[str, Mapping[str, Any]] = {}
    for data in base_data:
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            base_postmortems.setdefault(data["id"], data)
        for action_id, action in actions_by_id(data).items():
            base_actions.setdefault(action_id, action)

    touched_actions: set[str] = set()
    touched_postmortems: set[str] = set()
    for path in sorted(changed):
        loaded = load_file(root, path, limits)
        data = loaded.data if loaded.ok else None
        pm_id = data.get("id") if isinstance(data, dict) else None
        if isinstance(pm_id, str):
            before = base_postmortems.get(pm_id)
            if before is None or _without_actions(before) != _without_actions(data):
                touched_postmortems.add(pm_id)
        for action_id, action in actions_by_id(data).items():
            if base_actions.get(action_id) != action:
                touched_actions.add(action_id)
    return GitFacts(
        base=base,
        changed_paths=frozenset(changed),
        touched_postmortems=frozenset(touched_postmortems),
        touched_actions=frozenset(touched_actions),
        base_actions=base_actions,
        base_postmortems=base_postmortems,
        base_paths=base_paths,
        pull_request=pull_request,
    )


def changed_since(root: Path, ref: str, files: Iterable[str], limits: Limits = DEFAULT_LIMITS) -> GitFacts:
    """Pull-request mode: what changed between the merge base of ``ref`` and HEAD, plus the
    uncommitted, staged and untracked changes of the work tree."""
    check_ref(ref)
    wt = open_worktree(root)
    if wt is None:
        raise GitError(
            f"--changed-since needs a git repository, and {root} is not inside one "
            "(run `pmcheck check` without --changed-since to check the files as they are)"
        )
    with wt:
        try:
            head = resolve_commit(wt, "HEAD")
            if head is None:
                raise GitError("--changed-since: HEAD has no commit yet")
            target = resolve_commit(wt, ref)
            base = merge_base(wt, target, head) if target is not None else None
            if base is None:
                if is_shallow(wt):
                    raise GitError(f"--changed-since {ref}: {FETCH_DEPTH}")
                if target is None:
                    raise GitError(f"--changed-since {ref}: no such commit in this repository")
                raise GitError(f"--changed-since {ref}: it has no common ancestor with HEAD")
            return _facts(wt, root, base, files, pull_request=True, limits=limits)
        except git.GitCommandNotFound:
            raise GitError("--changed-since needs git, and no git executable was found") from None


def staged_against_head(root: Path, files: Iterable[str], limits: Limits = DEFAULT_LIMITS) -> GitFacts | None:
    """Pre-commit mode: the files as they are (pre-commit stashes unstaged edits, so that is the
    staged content) against HEAD. None outside a work tree or before the first commit."""
    wt = open_worktree(root)
    if wt is None:
        return None
    with wt:
        try:
            head = resolve_commit(wt, "HEAD")
            if head is None:
                return None
            return _facts(wt, root, head, files, pull_request=False, limits=limits)
        except (git.GitCommandNotFound, git.GitCommandError):
            # The audit is a bonus in this mode; the check itself must still run.
            return None


# -- history -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileChange:
    """One postmortem file in one commit: its blobs before and after (None when absent)."""

    status: str
    old_path: str | None
    new_path: str | None
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True)
class Commit:
    sha: str
    author_name: str
    author_email: str
    author_date: dt.datetime
    files: tuple[FileChange, ...]


class HistoryReader:
    """Reads the commits that touched postmortem files, and their blobs, from one work tree."""

    # Ids written to cat-file at once: their 41 bytes each must fit the pipe buffer (64 KiB) so
    # writing them all before reading any answer cannot deadlock.
    BATCH = 1000

    def __init__(self, wt: Worktree, limits: Limits = DEFAULT_LIMITS) -> None:
        self._wt = wt
        self._limits = limits
        self._cat: Any = None

    def __enter__(self) -> HistoryReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._cat is not None:
            raw = self._cat.proc
            for stream in (raw.stdin, raw.stdout, raw.stderr):
                if stream is not None:
                    stream.close()
            raw.wait()
            self._cat = None
        self._wt.close()

    @property
    def shallow(self) -> bool:
        return is_shallow(self._wt)

    def _log_arguments(self, patterns: Iterable[str], since: dt.date | None) -> list[str] | None:
        pathspecs = [self._pathspec(p) for p in patterns]
        if not pathspecs or resolve_commit(self._wt, "HEAD") is None:
            return None
        options = []
        if since is not None:
            # git reads a bare date as that day at the current time of day, in local time; ask
            # for a little more and let the caller filter on the author date exactly.
            options.append(f"--since={(since - dt.timedelta(days=2)).isoformat()}T00:00:00")
        return [*options, "HEAD", "--", *pathspecs]

    def count(self, patterns: Iterable[str], since: dt.date | None = None) -> int:
        """How many commits ``commits`` will yield (a second, cheaper pass, for progress only)."""
        arguments = self._log_arguments(patterns, since)
        if arguments is None:
            return 0
        return int(self._wt.repo.git.rev_list("--count", "--no-merges", *arguments).strip() or 0)

    def commits(self, patterns: Iterable[str], since: dt.date | None = None) -> Iterator[Commit]:
        """Commits touching files that match the policy's globs, newest first, in one ``git log``.

        The output is parsed while git produces it, so reading blobs and parsing them overlaps
        with git's own walk. Merge commits show no file changes and are left out.
        """
        arguments = self._log_arguments(patterns, since)
        if arguments is None:
            return
        options = ["--raw", "-z", "--no-abbrev", "-M", "--no-color", "--no-ext-diff", "--no-merges"]
        options.append(f"--format={_COMMIT_MARK}%H%x00%an%x00%ae%x00%aI")
        process = self._wt.repo.git.log(*options, *arguments, as_process=True)
        try:
            yield from self._parse_log(_tokens(process.stdout))
            process.wait()
        finally:
            raw = process.proc
            if raw is not None and raw.poll() is None:
                raw.kill()
                raw.wait()
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()

    def _pathspec(self, pattern: str) -> str:
        if not pattern or "\0" in pattern or pattern.startswith(("/", ":")):
            raise GitError(f"postmortems: {pattern!r} cannot be used as a git pathspec")
        # `top` anchors the glob at the pmcheck root whatever git's working directory.
        return f":(top,glob){self._wt.prefix}{pattern}"

    def _parse_log(self, tokens: Iterator[str]) -> Iterator[Commit]:
        header: list[str] | None = None
        files: list[FileChange] = []

        def done() -> Commit | None:
            if header is None:
                return None
            stamp = dt.datetime.fromisoformat(header[3])
            return Commit(header[0], header[1], header[2], stamp, tuple(files))

        for raw in tokens:
            token = raw.lstrip("\n")
            if token.startswith(_COMMIT_MARK):
                commit = done()
                if commit is not None:
                    yield commit
                # Author fields are taken by position, so nothing in a name can derail parsing.
                header = [token[1:], next(tokens, ""), next(tokens, ""), next(tokens, "")]
                files = []
            elif token.startswith(":"):
                meta = token[1:].split()
                status = meta[4][0]
                old_top = next(tokens, "")
                new_top = next(tokens, "") if status in "RC" else old_top
                old_blob, new_blob = _object_id(meta[2]), _object_id(meta[3])
                files.append(
                    FileChange(
                        status,
                        self._wt.to_root(old_top) if old_blob else None,
                        self._wt.to_root(new_top) if new_blob else None,
                        old_blob,
                        new_blob,
                    )
                )
        commit = done()
        if commit is not None:
            yield commit

    def blob(self, object_id: str) -> bytes | None:
        return self.blobs([object_id])[object_id]

    def blobs(self, object_ids: Iterable[str]) -> dict[str, bytes | None]:
        """Blobs by id, many per round trip through one ``cat-file --batch`` (ids go to stdin).

        A missing object, a non-blob, or a blob over the size limit reads as None.
        """
        ids = [_checked(i) for i in dict.fromkeys(object_ids)]
        out: dict[str, bytes | None] = {}
        if self._cat is None and ids:
            self._cat = self._wt.repo.git.cat_file("--batch", as_process=True, istream=subprocess.PIPE)
        for start in range(0, len(ids), self.BATCH):
            chunk = ids[start:start + self.BATCH]
            stdin, stdout = self._cat.proc.stdin, self._cat.proc.stdout
            stdin.write("".join(f"{i}\n" for i in chunk).encode("ascii"))
            stdin.flush()
            for object_id in chunk:
                header = stdout.readline().split()
                if len(header) != 3:  # "<id> missing"
                    out[object_id] = None
                    continue
                size = int(header[2])
                keep = header[1] == b"blob" and size <= self._limits.max_bytes
                data = _read_exactly(stdout, size, keep)
                stdout.read(1)  # the newline after each object
                out[object_id] = data if keep else None
        return out


def _read_exactly(stream: Any, size: int, keep: bool) -> bytes:
    """``size`` bytes of ``stream``; discarded in chunks (never held) when not ``keep``."""
    parts: list[bytes] = []
    left = size
    while left:
        part = stream.read(min(left, 1 << 20))
        if not part:
            raise GitError("git cat-file ended early")
        left -= len(part)
        if keep:
            parts.append(part)
    return b"".join(parts)


def _tokens(stream: Any) -> Iterator[str]:
    """NUL-separated tokens of a byte stream, as they arrive."""
    pending = b""
    while True:
        chunk = stream.read(1 << 16)
        if not chunk:
            break
        parts = (pending + chunk).split(b"\0")
        pending = parts.pop()
        for part in parts:
            yield part.decode("utf-8", "replace")
    if pending:
        yield pending.decode("utf-8", "replace")


def open_history(root: Path, limits: Limits = DEFAULT_LIMITS) -> HistoryReader | None:
    """A history reader for the work tree holding ``root``; None outside a git work tree."""
    try:
        wt = open_worktree(root)
    except git.GitCommandNotFound:
        return None
    return HistoryReader(wt, limits) if wt is not None else None


GitCommandNotFound = git.GitCommandNotFound
GitCommandError = git.GitCommandError
