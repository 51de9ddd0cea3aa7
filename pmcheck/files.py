"""Repository files: the one place that vets configured paths, reads files and writes outputs.

Everything in a repository is untrusted (SPEC section 11): ``pmcheck.yaml`` may name any path,
any file may be a symbolic link, a FIFO or a device. So:

- every path the repository configures (``postmortems:`` globs, ``people:``, ``log:``,
  ``log_template:``) is vetted here once, when the policy is loaded: relative, no ``..``, no
  ``.git`` component (in any spelling a case-insensitive file system treats as ``.git``),
  inside the work tree after symbolic links are resolved, and the log is never an input;
- ``discover`` walks the globs without entering ``.git``, without following a folder link out
  of the work tree and without recursing through folder links at all;
- ``read_bytes`` is the one way to read a repository file: ``lstat`` first (a FIFO or a device
  is never opened), a link only when it resolves inside the work tree, ``O_NONBLOCK`` and
  ``fstat`` on the descriptor to close the race, and never more than a size limit;
- ``write_atomically`` is the one way to write: a temporary file in the same folder, fsync,
  then one rename, so a symlink at the target is replaced rather than followed and a full disk
  leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import functools
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pmcheck.errors import UsageError

# Characters HFS+ ignores in file names: `.g\u200cit` is `.git` there (git's CVE-2014-9390).
_IGNORED = dict.fromkeys(
    [*range(0x200C, 0x2010), *range(0x202A, 0x202F), *range(0x206A, 0x2070), 0xFEFF],
)
# The result cache at the root (SPEC section 12) holds pmcheck's own files, never postmortems.
CACHE_FOLDER = ".pmcheck_cache"
# The operating log of a very large repository is a few megabytes.
LOG_LIMIT = 64 * 1024 * 1024
_WILDCARD = re.compile(r"[*?\[]")
_O_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class Refused(Exception):
    """A file pmcheck will not read, and why in one line (never any of its content)."""

    def __init__(self, reason: str, hint: str = "", missing: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint
        self.missing = missing


# -- names ---------------------------------------------------------------------------------------


def is_git_name(name: str) -> bool:
    """Whether a path component is ``.git`` as some file system would read it.

    Case-insensitive (macOS, Windows), ignoring the characters HFS+ drops, the trailing dots and
    spaces Windows drops, and the 8.3 short name ``GIT~1``.
    """
    if "g" not in name and "G" not in name:
        return False  # the common case, without normalising every file name of a large tree
    folded = unicodedata.normalize("NFC", name.translate(_IGNORED)).casefold().rstrip(". ")
    return folded in (".git", "git~1")


def has_git_part(parts: Iterable[str]) -> bool:
    return any(is_git_name(part) for part in parts)


@functools.lru_cache(maxsize=64)
def _real(path: str) -> str:
    return os.path.realpath(path)


def real_root(root: Path) -> str:
    """The work tree with its own symbolic links resolved (cached: asked once per file)."""
    return _real(os.fspath(root))


def _inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _resolved_parts(real: str, root_real: str) -> tuple[str, ...]:
    return PurePosixPath(Path(os.path.relpath(real, root_real)).as_posix()).parts if real != root_real else ()


def _kind(mode: int) -> str | None:
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


# -- reading -------------------------------------------------------------------------------------


def read_bytes(path: Path | str, limit: int, root: Path | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them; else Refused.

    With ``root`` (a repository file), a symbolic link is followed only when it resolves inside
    the work tree and outside ``.git``. Without it (a file the command line names) any link is
    followed. Either way a FIFO, socket or device is never opened, and the descriptor is checked
    again after opening in case the file was swapped in between.
    """
    name = os.fspath(path)
    try:
        info = os.lstat(name)
    except FileNotFoundError:
        raise Refused("no such file", missing=True) from None
    except OSError as error:
        raise Refused(f"cannot read file: {error.strerror or error}") from None
    flags = _O_READ | _O_NOFOLLOW
    if stat.S_ISLNK(info.st_mode):
        target = os.path.realpath(name)
        if root is not None:
            root_real = real_root(root)
            if not _inside(target, root_real) or has_git_part(_resolved_parts(target, root_real)):
                raise Refused(
                    "file is a symbolic link that points outside the repository; it was not read",
                    hint="replace the link with the file itself",
                )
        try:
            info = os.stat(target)
        except FileNotFoundError:
            raise Refused("file is a symbolic link to nothing (its target does not exist)") from None
        except OSError as error:
            raise Refused(f"cannot read file: {error.strerror or error}") from None
        name = target
        flags = _O_READ
    kind = _kind(info.st_mode)
    if kind is not None:
        raise Refused(f"not a regular file ({kind})" if kind != "not a regular file" else kind)
    _check_size(info.st_size, limit)
    try:
        fd = os.open(name, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Refused("file changed into a symbolic link while it was read") from None
        raise Refused(f"cannot read file: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind is not None:
            raise Refused(f"not a regular file ({kind})" if kind != "not a regular file" else kind)
        _check_size(info.st_size, limit)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as error:
        raise Refused(f"cannot read file: {error.strerror or error}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise Refused(f"file is over the {limit:,}-byte limit")
    return data


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        raise Refused(
            f"file is {size:,} bytes, over the {limit:,}-byte limit",
            hint="a postmortem is a few kilobytes; split attachments out of the YAML",
        )


# -- writing -------------------------------------------------------------------------------------


def refuse_symlinks(path: Path, root: Path, target: bool = True) -> None:
    """Raise when a folder between ``root`` and ``path`` (or, with ``target``, ``path``) is a link."""
    current = root
    parts = path.relative_to(root).parts
    for n, part in enumerate(parts):
        current = current / part
        if (target or n < len(parts) - 1) and current.is_symlink():
            raise UsageError(
                f"{path.relative_to(root).as_posix()}: refusing to write through the symlink {current.relative_to(root).as_posix()}"
            )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def temp_pattern(name: str) -> re.Pattern[str]:
    """The names of the temporary files ``write_atomically`` makes for a target called ``name``."""
    return re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp\Z")


def sweep_temps(path: Path) -> None:
    """Remove temporary files a killed write of ``path`` left behind.

    Only names ``write_atomically`` itself makes, only regular files (never a link or a folder
    someone placed there), only in the target's own folder.
    """
    pattern = temp_pattern(path.name)
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        if pattern.match(entry.name) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def write_atomically(path: Path, data: str | bytes, root: Path | None = None, exclusive: bool = False) -> bool:
    """Replace ``path`` with ``data`` in one rename; False when it already holds exactly that.

    A symbolic link at ``path`` is replaced, never followed. With ``root`` (a file inside the
    repository) a linked folder between the two is refused. The temporary file lives in the
    same folder so the rename cannot cross file systems; on any failure it is removed and the
    old file is untouched. An existing file keeps its permission bits; a new one gets what any
    file the user creates gets. With ``exclusive`` an existing file is never replaced
    (FileExistsError), and the new one still appears whole or not at all.
    """
    if root is not None:
        refuse_symlinks(path, root, target=False)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    mode = 0o666 & ~_umask()
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        # Never rename over a device, a FIFO or a folder: run as root, replacing /dev/null
        # with a regular file breaks the whole machine.
        raise OSError(errno.EINVAL, f"not a regular file ({_kind(info.st_mode)})", os.fspath(path))
    if info is not None and stat.S_ISREG(info.st_mode):
        if exclusive:
            raise FileExistsError(errno.EEXIST, "File exists", os.fspath(path))
        mode = stat.S_IMODE(info.st_mode) & 0o777
        if info.st_size == len(raw) and _holds(path, raw):
            return False
    elif info is not None and exclusive:
        raise FileExistsError(errno.EEXIST, "File exists", os.fspath(path))
    sweep_temps(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if exclusive:
            _link_new(tmp, path)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return True


def write_output(path: Path, data: str | bytes, root: Path | None) -> None:
    """Write an output file the command line names (``--output``, ``--report``).

    A link inside the repository ``root`` is repository content (a committed
    ``pmcheck.sarif -> ~/.bashrc``): it is replaced, never followed. Anything else the user
    named is theirs and is written through as named: a link outside the repository
    (``/dev/stdout``), a device (``/dev/null``) or a FIFO is opened and written, never replaced.
    A regular file, or a new one, is written atomically.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        write_atomically(path, raw)
        return
    if stat.S_ISLNK(info.st_mode):
        folder = os.path.realpath(path.parent)
        if root is not None and _inside(folder, real_root(root)):
            write_atomically(path, raw)
            return
    elif stat.S_ISREG(info.st_mode):
        write_atomically(path, raw)
        return
    elif stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", os.fspath(path))
    with open(path, "wb") as handle:
        handle.write(raw)


def _holds(path: Path, raw: bytes) -> bool:
    try:
        return read_bytes(path, len(raw)) == raw
    except Refused:
        return False


def _link_new(tmp: str, path: Path) -> None:
    """Give the finished temporary file its final name, failing if that name exists."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
            raise
        # No hard links here (some network and FUSE file systems): an exclusive create, then
        # the content; a failure removes the partial file again.
        with open(tmp, "rb") as source:
            content = source.read()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(path, stat.S_IMODE(os.stat(tmp).st_mode))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(path)
            raise


# -- configured paths ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """The files a run reads, which the log must never overwrite."""

    config: str | None
    people: str
    log_template: str | None
    postmortems: tuple[str, ...]


def path_problem(root: Path, value: object, key: str) -> str | None:
    """Why the configured path ``value`` is unusable, or None (a file path, not a glob)."""
    if not isinstance(value, str) or not value.strip():
        return f"{key}: must be a non-empty path"
    if "\0" in value:
        return f"{key}: {value!r} holds a NUL character"
    if _absolute(value) or ".." in _parts(value):
        return f"{key}: {value!r} must be a path inside the repository"
    parts = _parts(value)
    if not parts:
        return f"{key}: {value!r} names the repository itself, not a file"
    if has_git_part(parts):
        return f"{key}: {value!r} is inside .git; pmcheck never reads or writes git's own files"
    full = os.path.join(root, *parts)
    root_real = real_root(root)
    real = os.path.realpath(full)
    if not _inside(real, root_real):
        return f"{key}: {value!r} leads outside the repository through a symbolic link"
    if has_git_part(_resolved_parts(real, root_real)):
        return f"{key}: {value!r} leads into .git through a symbolic link"
    if os.path.isdir(real):
        return f"{key}: {value!r} is a folder, not a file"
    return None


def glob_problem(value: object) -> str | None:
    """Why a ``postmortems:`` pattern is unusable, or None."""
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty pattern"
    if "\0" in value:
        return f"{value!r} holds a NUL character"
    if _absolute(value) or ".." in _parts(value):
        return f"{value!r} must be a pattern inside the repository (relative, without '..')"
    parts = _parts(value)
    if not parts or parts[-1] == "**":
        return f"{value!r} must name files, e.g. 'postmortems/**/*.yaml'"
    if has_git_part(parts):
        return f"{value!r} reaches into .git; pmcheck never reads git's own files"
    return None


def log_problem(root: Path, log: str, inputs: Inputs) -> str | None:
    """Why ``log`` may not be written, beyond ``path_problem``: it is an input or hidden."""
    parts = _parts(log)
    if any(part.startswith(".") for part in parts):
        return f"log: {log!r} is a hidden path; the log is a document for people, not tool configuration"
    target = _identity(root, log)
    named: list[tuple[str | None, str]] = [
        (inputs.config, "the policy file"),
        (inputs.people, "the roster (people:)"),
        (inputs.log_template, "the log template (log_template:)"),
    ]
    for other, what in named:
        if other is not None and _identity(root, other) == target:
            return f"log: {log!r} is also {what}; the log must never overwrite an input"
    for pattern in inputs.postmortems:
        if matches(pattern, log, fold=True):
            return f"log: {log!r} matches postmortems: {pattern!r}; the log must never overwrite a postmortem"
        folder = fixed_folder(pattern)
        if folder and _under(target, _identity(root, folder)):
            return f"log: {log!r} is inside the postmortem folder {folder!r}; the log must never overwrite a postmortem"
    return None


def _identity(root: Path, value: str) -> str:
    """A comparable name for a path: resolved, case-folded (for case-insensitive file systems)."""
    full = value if os.path.isabs(value) else os.path.join(root, *_parts(value))
    return os.path.normcase(os.path.realpath(full)).casefold()


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _absolute(value: str) -> bool:
    # A drive or UNC prefix counts too: the same policy file is read on Windows machines.
    return value.startswith(("/", "\\")) or os.path.isabs(value) or re.match(r"[A-Za-z]:", value) is not None


def _parts(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.replace("\\", "/").split("/") if part not in ("", "."))


def fixed_folder(pattern: str) -> str:
    """The part of a glob before its first wildcard, as a folder: ``postmortems`` for
    ``postmortems/**/*.yaml``, empty for ``*.yaml``."""
    fixed: list[str] = []
    for part in _parts(pattern)[:-1]:
        if _WILDCARD.search(part):
            break
        fixed.append(part)
    return "/".join(fixed)


def matches(pattern: str, rel: str, fold: bool = False) -> bool:
    """Whether the repository path ``rel`` matches the glob ``pattern`` (``**`` spans folders)."""
    pattern_parts = _parts(pattern)
    rel_parts = _parts(rel)
    if fold:
        pattern_parts = tuple(p.casefold() for p in pattern_parts)
        rel_parts = tuple(p.casefold() for p in rel_parts)
    return _match(pattern_parts, rel_parts)


def _match(pattern: Sequence[str], parts: Sequence[str]) -> bool:
    if not pattern:
        return not parts
    head = pattern[0]
    if head == "**":
        return any(_match(pattern[1:], parts[n:]) for n in range(len(parts) + 1))
    return bool(parts) and _segment(head).match(parts[0]) is not None and _match(pattern[1:], parts[1:])


@functools.lru_cache(maxsize=256)
def glob_matches(pattern: str, rel: str) -> bool:
    """Whether ``discover`` would list the repository-relative file ``rel`` for ``pattern``,
    by the same per-part rules (``**`` spans folders only), without touching the disk."""
    if glob_problem(pattern) is not None:
        return False
    return _parts_match(_parts(pattern), _parts(rel))


def _parts_match(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    if not pattern:
        return not parts
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return _parts_match(rest, parts) or (len(parts) > 1 and _parts_match(pattern, parts[1:]))
    if not parts or is_git_name(parts[0]):
        return False
    if _WILDCARD.search(head):
        if not _segment(head).match(parts[0]):
            return False
    elif head != parts[0]:
        return False
    return _parts_match(rest, parts[1:])


def _segment(part: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(part))


# -- discovery -----------------------------------------------------------------------------------


class _Walker:
    """Expands globs below one work tree, listing each folder at most once."""

    def __init__(self, root: Path) -> None:
        self.root = os.fspath(root)
        self.root_real = real_root(root)
        self.listings: dict[str, list[os.DirEntry[str]]] = {}
        self.found: set[str] = set()

    def entries(self, folder: str) -> list[os.DirEntry[str]]:
        listing = self.listings.get(folder)
        if listing is None:
            try:
                with os.scandir(folder) as scan:
                    listing = [
                        entry
                        for entry in scan
                        if not is_git_name(entry.name) and not (folder == self.root and entry.name == CACHE_FOLDER)
                    ]
            except OSError:
                listing = []
            self.listings[folder] = listing
        return listing

    def enterable(self, path: str, link: bool) -> bool:
        """A folder a literal or ``*`` part may enter: a real folder, or a link to one that
        stays inside the work tree and outside ``.git``."""
        if not link:
            return os.path.isdir(path)
        real = os.path.realpath(path)
        return (
            _inside(real, self.root_real)
            and not has_git_part(_resolved_parts(real, self.root_real))
            and os.path.isdir(real)
        )

    def walk(self, folder: str, rel: tuple[str, ...], pattern: tuple[str, ...]) -> None:
        head, rest = pattern[0], pattern[1:]
        if head == "**":
            self.walk(folder, rel, rest)
            for entry in self.entries(folder):
                # Never through a folder link: no loops, no file listed twice.
                if entry.is_dir(follow_symlinks=False):
                    self.walk(entry.path, (*rel, entry.name), pattern)
            return
        if not _WILDCARD.search(head):
            path = os.path.join(folder, head)
            if is_git_name(head) or (folder == self.root and head == CACHE_FOLDER) or not os.path.lexists(path):
                return
            link = os.path.islink(path)
            self.visit(path, link, not link and os.path.isfile(path), (*rel, head), rest)
            return
        regex = _segment(head)
        for entry in self.entries(folder):
            if regex.match(entry.name):
                # DirEntry knows the type from the listing: no stat per file.
                link = entry.is_symlink()
                self.visit(entry.path, link, not link and entry.is_file(follow_symlinks=False), (*rel, entry.name), rest)

    def visit(self, path: str, link: bool, regular: bool, rel: tuple[str, ...], rest: tuple[str, ...]) -> None:
        if rest:
            if self.enterable(path, link):
                self.walk(path, rel, rest)
        elif link or regular:
            # A link to anything is listed: loading it says what is wrong with it.
            self.found.add("/".join(rel))


def discover(root: Path, patterns: Iterable[str]) -> list[str]:
    """Repository-relative paths of every file the (vetted) globs match, sorted.

    Nothing under ``.git`` and nothing reached through a folder link that leaves the work tree
    is listed; ``**`` does not recurse through folder links.
    """
    walker = _Walker(root)
    for pattern in patterns:
        parts = _parts(pattern)
        if glob_problem(pattern) is None:
            walker.walk(walker.root, (), parts)
    return sorted(walker.found)
