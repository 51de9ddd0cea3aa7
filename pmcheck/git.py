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

Failures are never silent: a git command that fails (a corrupt object, a repository git refuses
to trust) is a ``GitError`` naming git's own reason, so pmcheck exits 2 rather than working
from an empty history. Only "there is no such commit" and "no common ancestor", which git says
with exit status 1, are answers rather than failures. Files inside a
submodule or a nested repository cannot be compared from the superproject: pull-request and
pre-commit mode check them as changed, and history says it cannot read them.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TypeVar

# A missing git executable must become pmcheck's own one-line error, not an ImportError.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import git  # noqa: E402

from pmcheck.context import GitFacts  # noqa: E402
from pmcheck.display import clean, display_path  # noqa: E402
from pmcheck.errors import GitError, UsageError  # noqa: E402
from pmcheck.files import fixed_folder, glob_matches  # noqa: E402
from pmcheck.loader import DEFAULT_LIMITS, Limits, load_text  # noqa: E402

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


def git_failure(what: str, error: git.GitCommandError | str, top: Path | None = None) -> GitError:
    """A GitError for ``what`` with git's own reason: the first line of its stderr, cleaned.

    A repository owned by another user (``safe.directory``, common in CI containers) also
    gets the command that trusts it.
    """
    raw = error if isinstance(error, str) else _stderr(error)
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    first = lines[0] if lines else (str(error) if isinstance(error, str) else f"exit status {error.status}")
    for prefix in ("fatal: ", "error: "):
        if first.startswith(prefix):
            first = first[len(prefix):]
    message = f"{what}: git failed: {clean(first)}"
    if "dubious ownership" in raw:
        hint = [line for line in lines if "safe.directory" in line]
        directory = hint[0].split("safe.directory", 1)[1].strip() if hint else str(top or ".")
        message += f"; if you trust this repository, run `git config --global --add safe.directory {clean(directory)}`"
    return GitError(message)


def _stderr(error: git.GitCommandError) -> str:
    # GitPython formats stderr as "\n  stderr: '<text>'".
    text = str(error.stderr or "").strip()
    if text.startswith("stderr:"):
        text = text[len("stderr:"):].strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        text = text[1:-1]
    return text


def _answered(error: git.GitCommandError) -> bool:
    """Whether a failed command only answered "no": ``rev-parse --verify`` and ``merge-base``
    exit 1 for "no such commit" and "no common ancestor", and 128 when git itself fails."""
    return error.status == 1


def user_email(root: Path) -> str | None:
    """``git config user.email`` as seen from ``root`` (the person recording a decision), or
    None when git or the setting is missing. Asked of the git executable, so every config file
    git itself would read (and ``GIT_CONFIG_GLOBAL``) counts."""
    try:
        email = git.Git(os.fspath(root)).config("user.email")
    except (git.GitCommandError, git.GitCommandNotFound, OSError):
        return None
    return email.strip() or None


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
    except git.GitCommandError as error:
        if _answered(error):
            return None
        raise
    return _object_id(out)


def is_shallow(wt: Worktree) -> bool:
    return bool(wt.repo.git.rev_parse("--is-shallow-repository").strip() == "true")


def merge_base(wt: Worktree, one: str, two: str) -> str | None:
    try:
        out = wt.repo.git.merge_base(_checked(one), _checked(two))
    except git.GitCommandError as error:
        if _answered(error):
            return None
        raise
    return _object_id(out)


def _checked(object_id: str) -> str:
    if _object_id(object_id) is None:
        raise AssertionError(f"not an object id: {object_id!r}")
    return object_id


class BlobReader:
    """Blobs by id, many per round trip through one ``git cat-file --batch`` (ids go to stdin).

    A non-blob or a blob over the size limit reads as None. A missing or unreadable object is
    a GitError with git's reason: history and the audit rules must not go on without it.
    """

    # Ids written to cat-file at once: their 41 bytes each must fit the pipe buffer (64 KiB) so
    # writing them all before reading any answer cannot deadlock.
    BATCH = 1000

    def __init__(self, wt: Worktree, limits: Limits = DEFAULT_LIMITS) -> None:
        self._wt = wt
        self._limits = limits
        self._cat: Any = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._cat is not None:
            raw = self._cat.proc
            for stream in (raw.stdin, raw.stdout, raw.stderr):
                if stream is not None:
                    stream.close()
            raw.wait()
            self._cat = None

    def _failed(self) -> GitError:
        """cat-file stopped answering: git's reason from its stderr."""
        raw = self._cat.proc
        try:
            raw.stdin.close()
        except OSError:
            pass
        raw.wait()
        reason = raw.stderr.read().decode("utf-8", "replace") if raw.stderr is not None else ""
        return git_failure("reading git objects", reason or "git cat-file ended early", self._wt.top)

    def _missing(self, object_id: str) -> GitError:
        """An object git listed but cannot read: ask for it alone to get git's reason."""
        try:
            self._wt.repo.git.cat_file("-t", object_id)
        except git.GitCommandError as error:
            return git_failure(f"reading git object {object_id}", error, self._wt.top)
        return GitError(f"reading git object {object_id}: git failed: the object is missing")

    def blobs(self, object_ids: Iterable[str]) -> dict[str, bytes | None]:
        ids = [_checked(i) for i in dict.fromkeys(object_ids)]
        out: dict[str, bytes | None] = {}
        if self._cat is None and ids:
            self._cat = self._wt.repo.git.cat_file("--batch", as_process=True, istream=subprocess.PIPE)
        for start in range(0, len(ids), self.BATCH):
            chunk = ids[start:start + self.BATCH]
            stdin, stdout = self._cat.proc.stdin, self._cat.proc.stdout
            try:
                stdin.write("".join(f"{i}\n" for i in chunk).encode("ascii"))
                stdin.flush()
            except BrokenPipeError:
                raise self._failed() from None
            for object_id in chunk:
                line = stdout.readline()
                header = line.split()
                if not line.endswith(b"\n") or not header:
                    raise self._failed()
                if len(header) != 3:  # "<id> missing": absent, or too damaged to read its header
                    raise self._missing(object_id)
                size = int(header[2])
                keep = header[1] == b"blob" and size <= self._limits.max_bytes
                data = _read_exactly(stdout, size, keep)
                if data is None or stdout.read(1) != b"\n":  # the newline after each object
                    raise self._failed()
                out[object_id] = data if keep else None
        return out


@dataclass(frozen=True)
class Parsed:
    """A postmortem blob as comparisons need it: its id, its actions by id and, when asked for
    whole, all its plain data. None and empty for a blob that does not load."""

    postmortem: str | None
    actions: Mapping[str, Mapping[str, Any]]
    data: Any = None


T = TypeVar("T")


class SummaryStore(Protocol):
    """Where what history derives from git outlives a run (``pmcheck.cache.SummaryCache``):
    plain JSON under keys that name their content for ever (blob and commit ids)."""

    def get_value(self, key: str, decode: Callable[[Any], T | None]) -> T | None: ...

    def put_value(self, key: str, value: Any) -> None: ...


# The shape of a kept summary; part of the store's fingerprint, so a change of it finds nothing.
SUMMARY_FORMAT = "postmortem blob summary 1"


class BlobParser:
    """The one parser of postmortem blobs, for pull-request mode and for history.

    A blob id names its content for ever, so each blob is parsed once, through the hardened
    loader. Pull-request mode compares a base version whole; history compares actions only and
    asks for ``whole=False``, the fast path: the ``id:`` line and the ``actions:`` block of a
    block-style file, without its prose. Given a ``store``, those summaries also outlive the
    run: ``recall`` finds one by blob id alone, so its blob need not even be read from git.
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS, store: SummaryStore | None = None) -> None:
        self._limits = limits
        self._store = store
        self._parsed: dict[tuple[str, bool], Parsed] = {}
        # The id lines and action items of the blobs parsed so far, by text.
        self._pieces: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self._parsed)

    def __contains__(self, key: tuple[str, bool]) -> bool:
        return key in self._parsed

    def __getitem__(self, key: tuple[str, bool]) -> Parsed:
        return self._parsed[key]

    def recall(self, blob_id: str) -> bool:
        """Whether the summary of ``blob_id`` (``whole=False``) is at hand without its content:
        parsed in this run already, or kept in the store."""
        if (blob_id, False) in self._parsed:
            return True
        if self._store is None:
            return False
        parsed = self._store.get_value(blob_id, _summary)
        if parsed is None:
            return False
        self._parsed[blob_id, False] = parsed
        return True

    def parse(self, blob_id: str, raw: bytes | None, path: str, whole: bool = True) -> Parsed:
        """Blob ``blob_id`` (content ``raw``, read by ``BlobReader``), parsed once."""
        parsed = self._parsed.get((blob_id, whole))
        if parsed is None:
            data = _parse(raw, path, self._limits, whole, self._pieces)
            pm_id = data.get("id") if isinstance(data, dict) else None
            parsed = Parsed(pm_id if isinstance(pm_id, str) else None, actions_by_id(data), data if whole else None)
            self._parsed[blob_id, whole] = parsed
            if not whole and self._store is not None:
                self._store.put_value(blob_id, [parsed.postmortem, parsed.actions])
        return parsed


def _summary(value: Any) -> Parsed | None:
    """A kept summary (``[postmortem id, actions by id]``) as ``Parsed``; None unless it has
    exactly the shape ``BlobParser.parse`` keeps."""
    if type(value) is not list or len(value) != 2:
        return None
    pm_id, actions = value
    if pm_id is not None and type(pm_id) is not str or type(actions) is not dict:
        return None
    for action_id, action in actions.items():
        if type(action) is not dict or action.get("id") != action_id:
            return None
    return Parsed(pm_id, actions)


def _parse(raw: bytes | None, path: str, limits: Limits, whole: bool, pieces: dict[str, Any] | None = None) -> Any:
    """A blob's YAML as plain data; with ``whole=False`` possibly only its id and actions (each
    action parsed once per distinct text when given ``pieces``, the memo of those texts)."""
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not whole and pieces is not None:
        data = _essentials_by_piece(text, path, limits, pieces)
        if data is not None:
            return data
    part = None if whole else _essentials(text)
    if part is not None:
        loaded = load_text(part, path, limits)
        if loaded.ok and isinstance(loaded.data, dict):
            return loaded.data
    loaded = load_text(text, path, limits)
    return loaded.data if loaded.ok else None


def _essentials(text: str) -> str | None:
    """The ``id:`` line and the ``actions:`` block of a block-style postmortem, or None.

    History only compares actions, and the prose around them (summary, factors, timeline) is
    most of a postmortem: parsing just these lines keeps the walk within a small multiple of
    ``git log -p``. Anything unusual (flow style, a repeated key) gets a full parse instead.
    """
    lines = text.splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.startswith("actions:")]
    ids = [n for n, line in enumerate(lines) if line.startswith("id:")]
    if len(starts) != 1 or len(ids) != 1:
        return None
    end = starts[0] + 1
    # The block goes on while lines are indented, blank, comments or indentless items.
    while end < len(lines) and (not lines[end][:1].strip() or lines[end][0] in "#-"):
        end += 1
    return lines[ids[0]] + "".join(lines[starts[0]:end])


_UNLOADABLE = object()


def _essentials_by_piece(text: str, path: str, limits: Limits, pieces: dict[str, Any]) -> dict[str, Any] | None:
    """What the ``_essentials`` text loads to, built from its pieces: the ``id:`` line and each
    item of the ``actions:`` block, each piece loaded once per distinct text (``pieces``).

    A commit usually changes one action of a postmortem; the other actions of the new version
    are then the same text as in the old one, and are not parsed again. A block sequence split
    at its items loads to the same items, one at a time. Anything out of the ordinary (an
    ``actions:`` line with more on it, a line at or left of the items that starts none, a tab,
    a line break other than ``\\n``, a piece that does not load to exactly one item) gives
    None, and the caller loads the ``_essentials`` text as before.
    """
    lines = text.splitlines(keepends=True)
    if len(lines) != text.count("\n") + (not text.endswith("\n")):
        return None  # a line break other than "\n" (a lone "\r", a form feed, U+2028...)
    starts: list[int] = []
    ids: list[int] = []
    for match in _ID_OR_ACTIONS.finditer(text):
        (ids if match.group(1) == "id" else starts).append(text.count("\n", 0, match.start()))
    if len(starts) != 1 or len(ids) != 1 or lines[starts[0]].rstrip() != "actions:":
        return None
    items: list[list[str]] = []
    indent = -1
    for line in lines[starts[0] + 1 :]:
        # The block ends where _essentials ends it.
        if line[:1].strip() and line[0] not in "#-":
            break
        content = line.lstrip(" ")
        if not content.strip() or content.startswith("#"):
            if items:
                items[-1].append(line)
            continue
        column = len(line) - len(content)
        if content[0] == "\t":
            return None
        starts_item = content.startswith("- ") or content.rstrip() == "-"
        if indent < 0 and starts_item:
            indent = column
        if column == indent and starts_item:
            items.append([line])
        elif column > indent >= 0:
            items[-1].append(line)
        else:
            return None
    if not items:
        return None
    # A piece alone is less deep than within the file: keep the file's bound.
    item_bound, member_bound = _shallower(limits, 1), _shallower(limits, 2)
    head = _load_piece(lines[ids[0]], path, item_bound, pieces)
    if not isinstance(head, dict) or list(head) != ["id"]:
        return None
    actions = []
    for item in items:
        action = _load_item(item, indent, path, item_bound, member_bound, pieces)
        if action is _UNLOADABLE:
            return None
        actions.append(action)
    return {"id": head["id"], "actions": actions}


_ID_OR_ACTIONS = re.compile(r"^(id|actions):", re.MULTILINE)
# A plain key history can split an action at: letters, digits, "_" and "-", then ": " or the end.
_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*:(?: |\r?\n|\Z)")


def _load_item(
    item: list[str], indent: int, path: str, item_bound: Limits, member_bound: Limits, pieces: dict[str, Any]
) -> Any:
    """One item of the actions block (its lines; its ``-`` at ``indent``), loaded.

    A commit usually changes one key of one action (a due date, an owner and its record), so
    an item that is a block mapping of plain keys is loaded key by key, each ``key: value``
    text once (``pieces``): a block mapping split at its keys loads to the same members, and
    the item's first key, after its ``- ``, is the same text with the dash turned into a space.
    Any other shape is loaded as one item; ``_UNLOADABLE`` when that does not give exactly one.
    """
    members = _split_at_keys(item, indent + 2)
    if members is not None:
        action: dict[str, Any] = {}
        for text in members:
            member = _load_piece(text, path, member_bound, pieces)
            if not isinstance(member, dict) or len(member) != 1:
                break
            action.update(member)
        else:
            return action
    loaded = _load_piece("".join(item), path, item_bound, pieces)
    return loaded[0] if isinstance(loaded, list) and len(loaded) == 1 else _UNLOADABLE


def _split_at_keys(item: list[str], column: int) -> list[str] | None:
    """The ``key: value`` texts of an item whose content is a block mapping at ``column`` with
    plain keys only; None for anything else."""
    first = item[0]
    if first[column - 2 : column] != "- " or not _SIMPLE_KEY.match(first, column):
        return None
    members = [[" " * column + first[column:]]]
    for line in item[1:]:
        content = line.lstrip(" ")
        if not content.strip():
            members[-1].append(line)
            continue
        at = len(line) - len(content)
        if at > column or (at == column and content[0] == "#"):
            members[-1].append(line)
        elif at == column and _SIMPLE_KEY.match(content):
            members.append([line])
        else:
            return None
    return ["".join(member) for member in members]


@functools.lru_cache(maxsize=16)
def _shallower(limits: Limits, levels: int) -> Limits:
    """``limits`` for a piece that sits ``levels`` deeper in the file than it does alone."""
    return replace(limits, max_depth=limits.max_depth - levels)


def _load_piece(text: str, path: str, limits: Limits, pieces: dict[str, Any]) -> Any:
    """``text`` loaded (memoised in ``pieces``); ``_UNLOADABLE`` when it does not load."""
    found = pieces.get(text)
    if found is None:
        loaded = load_text(text, path, limits)
        found = pieces[text] = loaded.data if loaded.ok else _UNLOADABLE
    return found


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
    old_blob: str | None = None


def _raw_entries(raw: str) -> Iterator[_Entry]:
    """Entries of ``git diff --raw -z --no-abbrev`` output (the base's blob ids included)."""
    tokens = iter(raw.split("\0"))
    for token in tokens:
        token = token.lstrip("\n")
        if not token.startswith(":"):
            continue
        meta = token[1:].split()
        status = meta[4][0]
        first = next(tokens, "")
        second = next(tokens, "") if status in "RC" else first
        yield _Entry(
            status,
            None if status == "A" else first,
            None if status == "D" else second,
            _object_id(meta[2]) if meta[0] != "160000" else None,
        )


def _changes_against(wt: Worktree, base: str) -> tuple[list[_Entry], list[str]]:
    """The work tree against the base (committed, staged and unstaged changes together), and
    the untracked paths (a nested repository is one entry ending in ``/``)."""
    options = ["--raw", "-z", "--no-abbrev", "-M", "--no-color", "--no-ext-diff"]
    entries = list(_raw_entries(wt.repo.git.diff(*options, _checked(base), "--")))
    others = wt.repo.git.ls_files("--others", "--exclude-standard", "-z", "--", ".")
    return entries, [path for path in others.split("\0") if path]


def nested_repositories(wt: Worktree, untracked: Iterable[str] | None = None) -> list[str]:
    """Top-level-relative folders (ending in ``/``) under the pmcheck root that are submodules
    or nested repositories: git in the superproject sees a commit id there, not the files."""
    scope = f":(top){wt.prefix}" if wt.prefix else "."
    staged = wt.repo.git.ls_files("--stage", "-z", "--", scope)
    found = [entry.split("\t", 1)[1] + "/" for entry in staged.split("\0") if entry.startswith("160000 ")]
    if untracked is None:
        listing = wt.repo.git.ls_files("--others", "--exclude-standard", "-z", "--", scope)
        untracked = [path for path in listing.split("\0") if path]
    found += [path for path in untracked if path.endswith("/") and (wt.top / path / ".git").exists()]
    return sorted(set(found))


def _facts(
    wt: Worktree,
    base: str,
    current: Mapping[str, Any],
    pull_request: bool,
    limits: Limits,
) -> GitFacts:
    wanted = set(current)
    entries, untracked = _changes_against(wt, base)
    if pull_request:
        entries.extend(_Entry("A", None, path) for path in untracked if not path.endswith("/"))
    changed: set[str] = set()
    base_paths: dict[str, str] = {}
    base_blobs: list[tuple[str, str]] = []
    base_roots: dict[str, str] = {}
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
        if entry.old is not None and entry.old_blob is not None:
            base_blobs.append((entry.old_blob, entry.old))
            base_roots[entry.old] = old if old is not None else entry.old

    # Git cannot say what changed inside a submodule or nested repository from here, so every
    # postmortem in one is checked as changed: failing closed, never passing an unseen edit.
    notes: list[str] = []
    for folder in nested_repositories(wt, untracked):
        inside = sorted(p for p in wanted if wt.to_top(p).startswith(folder))
        if inside:
            changed.update(inside)
            shown = display_path(wt.to_root(folder) or folder)
            notes.append(
                f"{shown} is a git submodule or nested repository, which git cannot compare from here: "
                f"its {len(inside)} postmortem file{'s are' if len(inside) != 1 else ' is'} checked as changed"
            )

    with BlobReader(wt, limits) as reader:
        fetched = reader.blobs(blob for blob, _ in base_blobs)
    parser = BlobParser(limits)
    base_data = [parser.parse(blob, fetched[blob], path).data for blob, path in base_blobs]

    base_actions: dict[str, Mapping[str, Any]] = {}
    base_postmortems: dict[str, Mapping[str, Any]] = {}
    base_postmortem_paths: dict[str, str] = {}
    for (_, base_path), data in zip(base_blobs, base_data):
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            base_postmortems.setdefault(data["id"], data)
            base_postmortem_paths.setdefault(data["id"], base_roots[base_path])
        for action_id, action in actions_by_id(data).items():
            base_actions.setdefault(action_id, action)

    touched_actions: set[str] = set()
    touched_postmortems: set[str] = set()
    for path in sorted(changed):
        data = current.get(path)
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
        base_postmortem_paths=base_postmortem_paths,
        pull_request=pull_request,
        notes=tuple(notes),
    )


def changed_since(root: Path, ref: str, current: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> GitFacts:
    """Pull-request mode: what changed between the merge base of ``ref`` and HEAD, plus the
    uncommitted, staged and untracked changes of the work tree. ``current`` maps each postmortem
    file to its plain data as the check loaded it (None when it does not load)."""
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
            return _facts(wt, base, current, pull_request=True, limits=limits)
        except git.GitCommandNotFound:
            raise GitError("--changed-since needs git, and no git executable was found") from None
        except git.GitCommandError as error:
            raise git_failure(f"--changed-since {ref}", error, wt.top) from None


def staged_against_head(root: Path, current: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> GitFacts | None:
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
            return _facts(wt, head, current, pull_request=False, limits=limits)
        except git.GitCommandNotFound:
            # Without git there is nothing to compare with; the check itself still runs.
            return None
        except git.GitCommandError as error:
            # A repository git cannot read is not "nothing changed": the audit rules would
            # pass an unrecorded deadline move.
            raise git_failure("comparing with HEAD", error, wt.top) from None


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

    def __init__(self, wt: Worktree, limits: Limits = DEFAULT_LIMITS) -> None:
        self._wt = wt
        self._reader = BlobReader(wt, limits)

    def __enter__(self) -> HistoryReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._reader.close()
        self._wt.close()

    @property
    def top(self) -> Path:
        return self._wt.top

    def nested(self, patterns: Iterable[str]) -> list[str]:
        """Root-relative submodule or nested-repository folders the globs reach into: their
        history is not in this repository's log."""
        out = []
        for folder in nested_repositories(self._wt):
            rel = self._wt.to_root(folder)
            if rel is None:
                continue
            for pattern in patterns:
                literal = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
                if literal.startswith(rel) or rel.startswith(literal):
                    out.append(rel)
                    break
        return out

    @property
    def shallow(self) -> bool:
        return is_shallow(self._wt)

    def _log_arguments(self, patterns: Iterable[str], since: dt.date | None) -> list[str] | None:
        pathspecs = sorted({self._pathspec(p) for p in patterns})
        if not pathspecs or resolve_commit(self._wt, "HEAD") is None:
            return None
        options = []
        if since is not None:
            # git reads a bare date as that day at the current time of day, in local time; ask
            # for a little more and let the caller filter on the author date exactly.
            options.append(f"--since={(since - dt.timedelta(days=2)).isoformat()}T00:00:00")
        return [*options, "HEAD", "--", *pathspecs]

    def count(self, patterns: Iterable[str], since: dt.date | None = None) -> int:
        """How many commits ``commits`` will yield at most (a second, cheaper pass, for progress
        only): it counts every commit under the globs' folders, including those that touch only
        files the globs then leave out."""
        arguments = self._log_arguments(patterns, since)
        if arguments is None:
            return 0
        return int(self._wt.repo.git.rev_list("--count", "--no-merges", *arguments).strip() or 0)

    def commits(
        self, patterns: Iterable[str], since: dt.date | None = None, store: SummaryStore | None = None
    ) -> Iterator[Commit]:
        """Commits touching files that match the policy's globs, newest first, in one ``git log``.

        The output is parsed while git produces it, so reading blobs and parsing them overlaps
        with git's own walk. Merge commits show no file changes and are left out. Given a
        ``store``, a whole walk keeps each commit's file changes there (see ``_walk``).
        """
        patterns = tuple(patterns)
        arguments = self._log_arguments(patterns, since)
        if arguments is None:
            return
        # A thousand postmortems reappear over thousands of commits: match each path once.
        matched: dict[str, bool] = {}

        def matches(path: str) -> bool:
            found = matched.get(path)
            if found is None:
                found = matched[path] = any(glob_matches(p, path) for p in patterns)
            return found

        walk = self._walk(arguments, store) if store is not None and since is None else self._log(arguments)
        for commit in walk:
            files = tuple(kept for kept in (_matching(change, matches) for change in commit.files) if kept is not None)
            if not files:
                continue
            yield commit if files == commit.files else replace(commit, files=files)

    def _walk(self, arguments: list[str], store: SummaryStore) -> Iterator[Commit]:
        """The walk of ``_log``, with what each commit changed kept in ``store``.

        A commit id names its tree and its parent for ever, so what it changed under the
        pathspecs never changes either. Working out those changes (``--raw``: a diff of the
        postmortem folder for every commit) is most of git's cost; listing the commits alone is
        a third of it. So once a whole walk is kept, the next lists the commits only, takes what
        each changed from the store, and asks ``git diff-tree`` about the commits it has not seen.
        """
        pathspecs = arguments[arguments.index("--") + 1 :]
        done = "\0".join(["walk", *pathspecs])
        if store.get_value(done, _kept_walk) is None:
            for commit in self._log(arguments):
                store.put_value(_commit_key(commit.sha, pathspecs), [list(_plain_change(f)) for f in commit.files])
                yield commit
            store.put_value(done, True)
            return
        listed = list(self._log(arguments, changes=False))
        kept = {c.sha: store.get_value(_commit_key(c.sha, pathspecs), self._kept_changes) for c in listed}
        unseen = self._diff_commits([sha for sha, files in kept.items() if files is None], pathspecs)
        for commit in listed:
            files = kept[commit.sha]
            if files is None:
                files = unseen.get(commit.sha, ())
                store.put_value(_commit_key(commit.sha, pathspecs), [list(_plain_change(f)) for f in files])
            yield Commit(commit.sha, commit.author_name, commit.author_email, commit.author_date, files)

    def _kept_changes(self, value: Any) -> tuple[FileChange, ...] | None:
        """A commit's kept changes, or None unless they have the shape ``_walk`` keeps."""
        if type(value) is not list:
            return None
        out = []
        for item in value:
            if type(item) is not list or len(item) != 5:
                return None
            status, old_path, new_path, old_blob, new_blob = item
            if type(status) is not str or len(status) != 1:
                return None
            for path in (old_path, new_path):
                if path is not None and type(path) is not str:
                    return None
            for blob in (old_blob, new_blob):
                if blob is not None and (type(blob) is not str or _object_id(blob) != blob):
                    return None
            out.append(FileChange(status, old_path, new_path, old_blob, new_blob))
        return tuple(out)

    def _diff_commits(self, shas: list[str], pathspecs: list[str]) -> dict[str, tuple[FileChange, ...]]:
        """What each of ``shas`` changed under ``pathspecs``, as ``_log`` reports it, from one
        ``git diff-tree --stdin`` (ids go to stdin)."""
        if not shas:
            return {}
        options = ["--stdin", "-r", "--root", "--raw", "-z", "--no-abbrev", "-M", "--no-color", "--no-ext-diff"]
        process = self._wt.repo.git.diff_tree(*options, "--", *pathspecs, as_process=True, istream=subprocess.PIPE)
        raw = process.proc
        out, err = raw.communicate("".join(f"{_checked(sha)}\n" for sha in shas).encode("ascii"))
        if raw.returncode:
            raise git_failure("reading the history", err.decode("utf-8", "replace"), self._wt.top)
        changes: dict[str, list[FileChange]] = {}
        current: list[FileChange] = []
        tokens = iter(part.decode("utf-8", "replace") for part in out.split(b"\0"))
        for raw_token in tokens:
            token = raw_token.lstrip("\n")
            if token.startswith(":"):
                current.append(self._file_change(token, tokens))
            elif _object_id(token) is not None:
                current = changes.setdefault(token, [])
        return {sha: tuple(files) for sha, files in changes.items()}

    def _log(self, arguments: list[str], changes: bool = True) -> Iterator[Commit]:
        options = ["--raw", "-z", "--no-abbrev", "-M"] if changes else ["-z"]
        options += ["--no-color", "--no-ext-diff", "--no-merges", f"--format={_COMMIT_MARK}%H%x00%an%x00%ae%x00%aI"]
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
        # git matches a glob pathspec against every path of every commit it walks, a cost that
        # grows with commits times files (5 s instead of 1 s over 5,000 commits). So git is
        # given the glob's fixed folder as a literal pathspec, and `commits` applies the glob
        # itself to the paths git reports, with the matcher discovery uses. `top` anchors the
        # folder at the work tree's top whatever git's working directory.
        folder = self._wt.prefix + fixed_folder(pattern)
        return f":(top,literal){folder.rstrip('/')}" if folder else ":(top)"

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
                files.append(self._file_change(token, tokens))
        commit = done()
        if commit is not None:
            yield commit

    def _file_change(self, token: str, tokens: Iterator[str]) -> FileChange:
        """One ``--raw -z`` entry: ``token`` (``:modes ids status``) and the paths after it."""
        meta = token[1:].split()
        status = meta[4][0]
        old_top = next(tokens, "")
        new_top = next(tokens, "") if status in "RC" else old_top
        old_blob, new_blob = _object_id(meta[2]), _object_id(meta[3])
        return FileChange(
            status,
            self._wt.to_root(old_top) if old_blob else None,
            self._wt.to_root(new_top) if new_blob else None,
            old_blob,
            new_blob,
        )

    def blob(self, object_id: str) -> bytes | None:
        return self.blobs([object_id])[object_id]

    def blobs(self, object_ids: Iterable[str]) -> dict[str, bytes | None]:
        """Blobs by id (see ``BlobReader``)."""
        return self._reader.blobs(object_ids)


def _commit_key(sha: str, pathspecs: list[str]) -> str:
    return "\0".join(["commit", sha, *pathspecs])


def _plain_change(change: FileChange) -> tuple[str, str | None, str | None, str | None, str | None]:
    return (change.status, change.old_path, change.new_path, change.old_blob, change.new_blob)


def _kept_walk(value: Any) -> bool | None:
    return True if value is True else None


def _matching(change: FileChange, matches: Callable[[str], bool]) -> FileChange | None:
    """``change`` as a log limited to the globs (``matches``) would report it, or None when it
    is outside them.

    git pairs a rename only between two paths its pathspec admits, so a rename between a path
    the globs match and one they do not is, under the globs, a deletion or an addition.
    """
    old = change.old_path is not None and matches(change.old_path)
    new = change.new_path is not None and matches(change.new_path)
    if old and new or (change.status not in "RC" and (old or new)):
        return change
    if old:
        return FileChange("D", change.old_path, None, change.old_blob, None)
    if new:
        return FileChange("A", None, change.new_path, None, change.new_blob)
    return None


def _read_exactly(stream: Any, size: int, keep: bool) -> bytes | None:
    """``size`` bytes of ``stream``, discarded in chunks (never held) when not ``keep``; None
    when the stream ends first."""
    parts: list[bytes] = []
    left = size
    while left:
        part = stream.read(min(left, 1 << 20))
        if not part:
            return None
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
