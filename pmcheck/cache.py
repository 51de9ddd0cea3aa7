"""The per-file result cache of ``check`` and ``render`` (SPEC section 12).

What is kept is what loading and schema validation make of one file's bytes: the plain data, the
load problems, the schema errors (every field of ``SchemaError``) and the span table. Rules,
the model and the decisions always run live, so a cached run gives exactly the output of an
uncached one. An entry is found by the hash of the file's bytes together with a fingerprint of
everything else the result depends on (pmcheck's code and version, the policy, the roster, the
schema and the loader's limits), so editing any of them simply finds no entry.

The cache lives in the repository (``.pmcheck_cache/`` at its root, or ``PMCHECK_CACHE_DIR``),
and everything in a repository is untrusted (SPEC section 11): a pull request can commit a
cache folder. Hence:

- entries are JSON, never pickle, so reading one cannot run code;
- every entry is signed with an HMAC (BLAKE2b) under a per-user secret key kept outside the
  repository, over the entry's name and body; an entry that fails verification -- forged,
  copied from another machine or another file, truncated, corrupted -- is ignored and rebuilt.
  Knowing the content hash (anyone can compute it) is not enough to forge a result;
- the in-repository folder is used only when it is a real directory inside the work tree (not a
  symlink); entries are read with ``O_NOFOLLOW`` and only when regular files of bounded size,
  and written to a fresh temporary file that replaces the entry atomically, so concurrent runs
  never see half an entry and a planted symlink is replaced, not followed.

Any failure to use the cache (read-only checkout, no home folder for the key) only makes the run
uncached; it never changes the result and never stops the run.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

from pmcheck import __version__
from pmcheck.findings import DataPath
from pmcheck.loader import Loaded, Problem, Spans
from pmcheck.schema import SchemaError

FOLDER = ".pmcheck_cache"
ENV_FOLDER = "PMCHECK_CACHE_DIR"
FORMAT = b"pmcheck-cache 1"
KEY_BYTES = 32
# An entry describes one file of at most a megabyte; anything far larger is not ours.
MAX_ENTRY_BYTES = 64 * 1024 * 1024
_SUFFIX = ".json"


@dataclass(frozen=True)
class Entry:
    """The cached outcome of loading and validating one file's bytes (``schema_errors`` is None
    when the file could not be loaded, so it was not validated)."""

    loaded: Loaded
    schema_errors: tuple[SchemaError, ...] | None


class Cache:
    """Entries of one repository under one fingerprint; get and put never raise."""

    def __init__(self, folder: Path, fingerprint: str, key: bytes) -> None:
        self._folder = folder
        self._fingerprint = fingerprint.encode()
        self._key = key

    def get(self, content: bytes, path: str) -> Entry | None:
        """The entry for a file of these bytes (reported as ``path``), or None."""
        name = self._name(content)
        raw = _read_entry(self._folder / name)
        if raw is None:
            return None
        try:
            header, mac, main, span_text = raw.split(b"\n", 3)
        except ValueError:
            return None
        if header != FORMAT or not hmac.compare_digest(mac, self._sign(name, main, span_text)):
            return None
        try:
            return _decode(main, span_text, path)
        except (ValueError, TypeError, KeyError, IndexError, RecursionError):
            # Signed by us yet unreadable: written by another version of the format.
            return None

    def put(self, content: bytes, entry: Entry) -> None:
        """Store ``entry`` for a file of these bytes; silently does nothing when it cannot."""
        try:
            main, span_text = _encode(entry)
        except (ValueError, TypeError, RecursionError):
            return  # not plain data (cannot happen for loaded YAML): leave it uncached
        name = self._name(content)
        body = b"\n".join((FORMAT, self._sign(name, main, span_text), main, span_text))
        try:
            _write_atomic(self._folder, name, body)
        except OSError:
            return

    def _name(self, content: bytes) -> str:
        digest = hashlib.blake2b(content, digest_size=32).digest()
        return hashlib.blake2b(self._fingerprint + b"\0" + digest, digest_size=20).hexdigest() + _SUFFIX

    def _sign(self, name: str, main: bytes, span_text: bytes) -> bytes:
        message = name.encode() + b"\0" + main + b"\n" + span_text
        return hmac.new(self._key, message, hashlib.blake2b).hexdigest().encode()


def open_cache(root: Path, fingerprint: str) -> Cache | None:
    """The cache of the repository at ``root``, or None when it cannot be used safely."""
    configured = os.environ.get(ENV_FOLDER)
    try:
        if configured:
            # The environment is trusted (SPEC section 11): the folder may be anywhere.
            folder: Path | None = Path(configured)
            os.makedirs(configured, exist_ok=True)
        else:
            folder = _repository_folder(root)
        if folder is None:
            return None
        _ensure_gitignore(folder)
        key = _secret_key()
    except OSError:
        return None
    if key is None:
        return None
    return Cache(folder, fingerprint, key)


def fingerprint(*parts: object) -> str:
    """A digest of pmcheck's own code and of ``parts`` (policy, roster, schema, limits)."""
    digest = hashlib.blake2b(digest_size=32)
    digest.update(__version__.encode())
    digest.update(_code_stamp().encode())
    digest.update(json.dumps(parts, sort_keys=True, default=_plain, separators=(",", ":")).encode())
    return digest.hexdigest()


# --- the folder and the key -------------------------------------------------------------------


def _repository_folder(root: Path) -> Path | None:
    """``root/.pmcheck_cache`` when it is (or can become) a real folder inside the work tree."""
    folder = root / FOLDER
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        mode = os.lstat(folder).st_mode
    if not stat.S_ISDIR(mode):
        return None  # a symlink (or a file) planted where the cache goes: do not write through it
    real_root = os.path.realpath(root)
    if os.path.commonpath([os.path.realpath(folder), real_root]) != real_root:
        return None
    return folder


def _ensure_gitignore(folder: Path) -> None:
    """The folder's own ``.gitignore``, so the cache is never committed by accident."""
    wanted = b"# Written by pmcheck: this folder is a cache.\n*\n"
    if _read_entry(folder / ".gitignore", limit=1024) != wanted:
        _write_atomic(folder, ".gitignore", wanted)


def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pmcheck" / "key"


def _secret_key() -> bytes | None:
    """The per-user signing key, created (0600, atomically) on first use; None when unavailable."""
    path = _key_file()
    key = _read_entry(path, limit=1024)
    if key is not None and len(key) >= KEY_BYTES:
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # created 0600
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(secrets.token_bytes(KEY_BYTES))
                out.flush()
                os.fsync(out.fileno())
            try:
                # link, not replace: a concurrent first run may have created its key already,
                # and both must then sign with the same one.
                os.link(temporary, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
    except OSError:
        return None
    key = _read_entry(path, limit=1024)
    return key if key is not None and len(key) >= KEY_BYTES else None


def _read_entry(path: Path, limit: int = MAX_ENTRY_BYTES) -> bytes | None:
    """The bytes of a regular file not reached through a final symlink, or None."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read(limit + 1)
    except OSError:
        return None
    finally:
        os.close(handle)


def _write_atomic(folder: Path, name: str, body: bytes) -> None:
    """Write ``folder/name`` through a fresh temporary file and ``os.replace``."""
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.replace(temporary, folder / name)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError as error:
            if error.errno != errno.ENOENT:
                raise
        raise


_CODE_STAMP: str | None = None


def _code_stamp() -> str:
    """Names, sizes and modification times of pmcheck's modules: a changed pmcheck (an upgrade,
    or a developer's edit without a version bump) finds none of the old entries."""
    global _CODE_STAMP
    if _CODE_STAMP is None:
        package = Path(__file__).resolve().parent
        parts = []
        for module in sorted(package.rglob("*.py")):
            info = module.stat()
            parts.append(f"{module.relative_to(package).as_posix()}:{info.st_size}:{info.st_mtime_ns}")
        _CODE_STAMP = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return _CODE_STAMP


def _plain(value: Any) -> Any:
    """JSON for the parts of a fingerprint that are not JSON already, deterministically."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, Path):
        return value.as_posix()
    return repr(value)


# --- entries ----------------------------------------------------------------------------------


def _encode(entry: Entry) -> tuple[bytes, bytes]:
    loaded = entry.loaded
    main = {
        "data": loaded.data,
        "problems": [[p.code, p.message, p.line, p.column, p.hint] for p in loaded.problems],
        "schema": None
        if entry.schema_errors is None
        else [{f.name: getattr(error, f.name) for f in fields(error)} for error in entry.schema_errors],
    }
    tables = {f.name: _encode_table(getattr(loaded.spans, f.name)) for f in fields(loaded.spans)}
    return _dumps(main), _dumps(tables)


def _encode_table(table: Mapping[DataPath, Any]) -> list[list[Any]]:
    if not isinstance(table, dict):
        raise TypeError("a span table is a mapping")
    return [[list(path), list(value) if isinstance(value, tuple) else value] for path, value in table.items()]


def _dumps(value: Any) -> bytes:
    # ASCII escapes keep every byte of an entry printable and free of raw newlines.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _decode(main_text: bytes, span_text: bytes, path: str) -> Entry:
    main = json.loads(main_text)
    problems = [Problem(code, message, line, column, hint) for code, message, line, column, hint in main["problems"]]
    errors = (
        None
        if main["schema"] is None
        else tuple(
            # Every field as stored (data paths come back from JSON as lists).
            SchemaError(**_tuples(error))
            for error in main["schema"]
        )
    )
    return Entry(Loaded(path, main["data"], _StoredSpans(span_text), problems), errors)


def _tuples(stored: dict[str, Any]) -> dict[str, Any]:
    return {name: tuple(value) if isinstance(value, list) else value for name, value in stored.items()}


class _StoredSpans(Spans):
    """A span table decoded on first use: most files never have a finding to locate."""

    def __init__(self, encoded: bytes) -> None:  # the dataclass fields come from __getattr__
        object.__setattr__(self, "_encoded", encoded)

    def __getattr__(self, name: str) -> Any:
        encoded = self.__dict__.get("_encoded")
        if encoded is None or name.startswith("__"):
            raise AttributeError(name)
        tables = json.loads(encoded)
        for table in fields(Spans):
            rows: Iterable[Sequence[Any]] = tables[table.name]
            decoded = {tuple(path): tuple(value) if isinstance(value, list) else value for path, value in rows}
            object.__setattr__(self, table.name, decoded)
        del self.__dict__["_encoded"]
        return object.__getattribute__(self, name)
