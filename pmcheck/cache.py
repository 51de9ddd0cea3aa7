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
- every entry is signed (keyed BLAKE2b, a MAC) under a per-user secret key kept outside the
  repository, over the entry's name and body; an entry that fails verification -- forged,
  copied from another machine or another file, truncated, corrupted -- is ignored and rebuilt.
  Knowing the content hash (anyone can compute it) is not enough to forge a result;
- the in-repository folder is used only when it is a real directory inside the work tree (not a
  symlink); packs are read with ``O_NOFOLLOW`` and only when regular files of bounded size, and
  written to a fresh temporary file renamed to a new, random pack name, so concurrent runs never
  see half a pack, never overwrite each other, and never write through a planted symlink.

Any failure to use the cache (read-only checkout, no home folder for the key) only makes the run
uncached; it never changes the result and never stops the run.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import tempfile
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from sys import intern
from typing import Any, BinaryIO, TypeVar

from pmcheck import __version__
from pmcheck.files import CACHE_FOLDER, write_atomically
from pmcheck.loader import ROW_WIDTH, Loaded, Problem, Spans
from pmcheck.schema import SchemaError
from pmcheck.summary import Summary
from pmcheck.summary import from_plain as summary_from_plain
from pmcheck.summary import to_plain as summary_to_plain

FOLDER = CACHE_FOLDER
ENV_FOLDER = "PMCHECK_CACHE_DIR"
FORMAT = b"pmcheck-cache 4"
KEY_BYTES = 32
# A pack holds a repository's entries, each describing a file of at most a megabyte.
MAX_ENTRY_BYTES = 1024 * 1024 * 1024
# A run that reads this many packs, or packs holding more than twice what it used (plus the
# slack), writes what it used as one pack and removes the others.
MAX_PACKS = 8
COMPACT_SLACK_BYTES = 1024 * 1024
_PACK_PREFIX = "pack-"
INDEX_NAME = "index.pmc"
INDEX_FORMAT = b"pmcheck-index 2"
# Two seconds: the coarsest timestamps file systems in use keep (FAT) are that wide.
RACY_NS = 2_000_000_000
_PACK_SUFFIX = ".pmc"
T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    """The cached outcome of loading and validating one file's bytes (``schema_errors`` is None
    when the file could not be loaded, so it was not validated)."""

    loaded: Loaded
    schema_errors: tuple[SchemaError, ...] | None


class Cache:
    """Entries of one repository under one fingerprint; no method raises.

    Entries live in pack files (``pack-*.pmc``): a run reads every pack once, and writes the
    entries it had to compute as one new pack at ``flush`` (one file per run, not one per
    postmortem: creating two thousand small files costs more than parsing them). When packs pile
    up or mostly hold entries nobody asked for, ``flush`` writes the entries of this run as one
    pack and removes the packs it read.
    """

    # Pack files of this kind of entry; another kind keeps its own packs in the same folder.
    prefix = _PACK_PREFIX

    def __init__(self, folder: Path, fingerprint: str, key: bytes) -> None:
        self._folder = folder
        self._fingerprint = fingerprint.encode()
        self._key = key
        self._index: dict[str, list[tuple[bytes, bytes]]] | None = None
        self._packs: list[Path] = []
        self._stored_bytes = 0
        self._used: dict[str, tuple[bytes, bytes]] = {}
        # This run's new entries go straight to a temporary file (not held in memory).
        self._fresh: set[str] = set()
        self._fresh_bytes = 0
        self._pending: tuple[BinaryIO, str] | None = None
        # A run that reports on some files only looks up few entries: what it did not use is
        # still wanted, so it never compacts.
        self.partial = False
        self._last_name: tuple[bytes, str] | None = None
        self.index_name = INDEX_NAME

    def get(self, content: bytes, path: str) -> Entry | None:
        """The entry for a file of these bytes (reported as ``path``), or None."""
        if self._index is None:
            self._index = self._read_packs()
        name = self._name(content)
        # Several packs may hold the name (runs that missed it at the same time, or a damaged copy
        # and its rebuilt one): the first genuine one counts.
        for found in self._index.get(name, ()):
            mac, body = found
            if not hmac.compare_digest(mac, self._sign(name, body)):
                continue
            try:
                main, span_text = body.split(b"\n", 1)
                entry = _decode(main, span_text, path)
            except (ValueError, TypeError, KeyError, IndexError, RecursionError):
                continue  # signed by us yet unreadable: another version of the format
            self._used[name] = found
            return entry
        return None

    def put(self, content: bytes, entry: Entry) -> None:
        """Keep ``entry`` for a file of these bytes, to be written at ``flush``."""
        try:
            main, span_text = _encode(entry)
        except (ValueError, TypeError, RecursionError):
            return  # not plain data (cannot happen for loaded YAML): leave it uncached
        self._keep(self._name(content), main + b"\n" + span_text)

    def _keep(self, name: str, body: bytes) -> None:
        """Write the entry ``name`` to this run's new pack (once), signed."""
        if name in self._fresh:
            return
        record = _record(name, self._sign(name, body), body)
        try:
            if self._pending is None:
                handle, temporary = tempfile.mkstemp(dir=self._folder, prefix=".tmp-")
                self._pending = (os.fdopen(handle, "wb"), temporary)
                self._pending[0].write(FORMAT + b"\n")
            self._pending[0].write(record)
        except OSError:
            self._discard()
            return
        self._fresh.add(name)
        self._fresh_bytes += len(record)

    def flush(self) -> None:
        """Publish the entries ``put`` so far as one pack; silently does nothing when it cannot."""
        live = self._fresh_bytes + sum(len(_record(name, mac, body)) for name, (mac, body) in self._used.items())
        crowded = not self.partial and (len(self._packs) >= MAX_PACKS or self._stored_bytes >= 2 * live + COMPACT_SLACK_BYTES)
        try:
            if crowded and self._packs:
                if self._pending is None:
                    handle, temporary = tempfile.mkstemp(dir=self._folder, prefix=".tmp-")
                    self._pending = (os.fdopen(handle, "wb"), temporary)
                    self._pending[0].write(FORMAT + b"\n")
                out = self._pending[0]
                for name, (mac, body) in self._used.items():
                    if name not in self._fresh:
                        out.write(_record(name, mac, body))
            if self._pending is not None:
                out, temporary = self._pending
                out.close()
                os.replace(temporary, self._folder / _pack_name(self.prefix))
                self._pending = None
                if crowded:
                    for pack in self._packs:
                        with contextlib.suppress(OSError):
                            os.unlink(pack)  # another run may have removed it already
                    self._packs = []
                    self._stored_bytes = 0
        except OSError:
            self._discard()
        self._fresh = set()
        self._fresh_bytes = 0

    def _discard(self) -> None:
        if self._pending is not None:
            out, temporary = self._pending
            self._pending = None
            with contextlib.suppress(OSError):
                out.close()
            with contextlib.suppress(OSError):
                os.unlink(temporary)

    def _read_packs(self) -> dict[str, list[tuple[bytes, bytes]]]:
        index: dict[str, list[tuple[bytes, bytes]]] = {}
        try:
            names = sorted(entry.name for entry in os.scandir(self._folder) if _is_pack_name(entry.name, self.prefix))
        except OSError:
            return index
        for pack_name in names:
            raw = _read_entry(self._folder / pack_name)
            if raw is None:
                continue
            self._packs.append(self._folder / pack_name)
            self._stored_bytes += len(raw)
            for name, mac, body in _records(raw):
                index.setdefault(name, []).append((mac, body))
        return index

    def _name(self, content: bytes) -> str:
        # The same bytes are named twice in a row (the entry, then the index record): hash once.
        last = self._last_name
        if last is not None and last[0] is content:
            return last[1]
        digest = hashlib.blake2b(content, digest_size=32).digest()
        name = hashlib.blake2b(self._fingerprint + b"\0" + digest, digest_size=20).hexdigest()
        self._last_name = (content, name)
        return name

    def _sign(self, name: str, body: bytes) -> bytes:
        return sign(self._key, name, body)

    # --- the repository index ---------------------------------------------------------------

    def content_name(self, content: bytes) -> str:
        """What the index records of a file's bytes: their entry name under this fingerprint."""
        return self._name(content)

    def read_index(self) -> dict[str, IndexRecord]:
        """The index of the last run under this fingerprint (path -> record); empty when there is
        none, or when it is damaged, forged or another fingerprint's."""
        raw = _read_entry(self._folder / self.index_name)
        if raw is None:
            return {}
        try:
            head, mac, body = raw.split(b"\n", 2)
            if head != INDEX_FORMAT or not hmac.compare_digest(mac, self._sign(self.index_name, body)):
                return {}
            stored = json.loads(body)
            if stored["fingerprint"] != self._fingerprint.decode():
                return {}
            written = stored["written"]
            return {
                path: IndexRecord(tuple(stat), name, summary_from_plain(path, plain), written)
                for path, (stat, name, plain) in stored["files"].items()
            }
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            return {}

    def write_index(self, records: Mapping[str, IndexRecord], started_ns: int) -> None:
        """Replace the index with ``records`` (taken by a run that started at ``started_ns``);
        silently does nothing when it cannot."""
        body = _dumps(
            {
                "fingerprint": self._fingerprint.decode(),
                "written": started_ns,
                "files": {
                    path: [list(record.stat), record.name, summary_to_plain(record.summary)]
                    for path, record in records.items()
                },
            }
        )
        try:
            handle, temporary = tempfile.mkstemp(dir=self._folder, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(INDEX_FORMAT + b"\n" + self._sign(self.index_name, body) + b"\n" + body)
                os.replace(temporary, self._folder / self.index_name)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            pass


@dataclass(frozen=True)
class IndexRecord:
    """What the index keeps of one file: its stat signature when its bytes had entry ``name``,
    and its summary; ``written`` is when the run that recorded it started (nanoseconds)."""

    stat: tuple[int, ...]
    name: str
    summary: Summary
    written: int = 0

    def unchanged(self, stat: tuple[int, ...]) -> bool:
        """Whether a file with this stat signature certainly still has the recorded bytes.

        A file written within a file-system timestamp tick of the run that recorded it can change
        again without changing its stat: like git's index, such a racy record is trusted only
        after its bytes are hashed again.
        """
        return stat == self.stat and stat[1] < self.written - RACY_NS


def sign(key: bytes, name: str, body: bytes) -> bytes:
    """The signature of entry ``name`` with ``body`` under ``key``: keyed BLAKE2b, a MAC by
    design (one pass, no HMAC construction around it: a warm run verifies thousands).

    The name is signed with the body: a genuine entry moved to another file's name fails.
    """
    mac = hashlib.blake2b(key=key[:64], digest_size=32)
    mac.update(name.encode("utf-8", "surrogateescape"))
    mac.update(b"\0")
    mac.update(body)
    return mac.hexdigest().encode()


def stat_signature(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def _pack_name(prefix: str = _PACK_PREFIX) -> str:
    return f"{prefix}{secrets.token_hex(8)}{_PACK_SUFFIX}"


def _is_pack_name(name: str, prefix: str = _PACK_PREFIX) -> bool:
    return name.startswith(prefix) and name.endswith(_PACK_SUFFIX)


def _record(name: str, mac: bytes, body: bytes) -> bytes:
    return b"%s %d %s\n" % (name.encode(), len(body), mac) + body


def _records(raw: bytes) -> Iterator[tuple[str, bytes, bytes]]:
    """The (name, mac, body) records of a pack, up to the first that does not parse."""
    if not raw.startswith(FORMAT + b"\n"):
        return
    position = len(FORMAT) + 1
    while position < len(raw):
        end = raw.find(b"\n", position, position + 256)
        if end < 0:
            return
        parts = raw[position:end].split(b" ")
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[0]) != 40:
            return
        start, length = end + 1, int(parts[1])
        if start + length > len(raw):
            return
        yield parts[0].decode("ascii", "replace"), parts[2], raw[start : start + length]
        position = start + length


def open_cache(root: Path, fingerprint: str, kind: type[Cache] = Cache) -> Cache | None:
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
        if not _ensure_gitignore(folder, adopt=bool(configured)):
            return None
        key = _secret_key()
    except OSError:
        return None
    if key is None:
        return None
    cache = kind(folder, fingerprint, key)
    if configured:
        # A folder shared by several repositories (PMCHECK_CACHE_DIR) keeps an index for each:
        # their paths are relative to different roots.
        where = os.path.realpath(root).encode("utf-8", "surrogateescape")
        cache.index_name = f"index-{hashlib.blake2b(where, digest_size=8).hexdigest()}.pmc"
    return cache


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


def _ensure_gitignore(folder: Path, adopt: bool) -> bool:
    """The folder's own ``.gitignore``, so the cache is never committed by accident.

    False when the folder in the repository already holds another ``.gitignore``: then it is
    not pmcheck's (a committed folder of that name, say), and a check must neither use it nor
    rewrite a tracked file. A folder the environment names (``adopt``) is the user's choice.
    """
    wanted = b"# Written by pmcheck: this folder is a cache.\n*\n"
    path = folder / ".gitignore"
    if _read_entry(path, limit=1024) == wanted:
        return True
    if not adopt and os.path.lexists(path):
        # Either someone else's file, or ours, just written by a run started at the same time.
        return _read_entry(path, limit=1024) == wanted
    write_atomically(path, wanted)
    return True


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
    return _dumps(main), _dumps(_encode_spans(loaded.spans))


def _encode_spans(spans: Spans) -> list[Any]:
    """The span table as it is held (keys, and its rows as little-endian numbers in base64):
    no per-node JSON to write or to read back."""
    nodes = spans.nodes
    if sys.byteorder != "little":  # pragma: no cover - every supported platform is little-endian
        nodes = array(nodes.typecode, nodes)
        nodes.byteswap()
    return [
        list(spans.keys),
        nodes.typecode,
        base64.b64encode(nodes.tobytes()).decode("ascii"),
        list(spans.yaml11_bools.items()),
    ]


# ASCII escapes keep every byte of an entry printable and free of raw newlines. Loaded YAML has
# no cycles (and a depth limit), so the encoder need not look for them.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, check_circular=False)


def _dumps(value: Any) -> bytes:
    return _ENCODER.encode(value).encode("ascii")


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
    return Entry(Loaded(path, main["data"], _decode_spans(span_text), problems), errors)


def _decode_spans(span_text: bytes) -> Spans:
    keys, typecode, encoded, yaml11 = json.loads(span_text)
    if typecode not in ("H", "I") or not all(isinstance(key, str) for key in keys):
        raise ValueError("not a span table")
    nodes = array(typecode, base64.b64decode(encoded, validate=True))
    if sys.byteorder != "little":  # pragma: no cover
        nodes.byteswap()
    if len(nodes) % ROW_WIDTH:
        raise ValueError("not a span table")
    # The same key strings every other document holds.
    return Spans(tuple(map(intern, keys)), nodes, {tuple(at): text for at, text in yaml11})


def _tuples(stored: dict[str, Any]) -> dict[str, Any]:
    return {name: tuple(value) if isinstance(value, list) else value for name, value in stored.items()}


# --- values by content id ---------------------------------------------------------------------


class SummaryCache(Cache):
    """Plain JSON values under keys that name their content for ever (git blob ids), in packs of
    their own (``blobs-*.pmc``) beside the per-file entries, signed, verified and compacted as
    they are. ``history`` keeps what it derives from each postmortem blob here, so a later walk
    over the same commits neither fetches nor parses a blob it has seen."""

    prefix = "blobs-"

    def get_value(self, key: str, decode: Callable[[Any], T | None]) -> T | None:
        """The value kept under ``key`` as ``decode`` makes it, or None. ``decode`` returns None
        for a value of another shape (signed by us, yet from another version): the next copy,
        if any, is tried, as ``Cache.get`` does."""
        if self._index is None:
            self._index = self._read_packs()
        name = self._name(key.encode())
        for found in self._index.get(name, ()):
            mac, body = found
            if not hmac.compare_digest(mac, self._sign(name, body)):
                continue
            try:
                value = decode(json.loads(body))
            except (ValueError, RecursionError):
                continue
            if value is None:
                continue
            self._used[name] = found
            return value
        return None

    def put_value(self, key: str, value: Any) -> None:
        """Keep ``value`` (plain JSON data) under ``key``, to be written at ``flush``."""
        try:
            body = _dumps(value)
        except (ValueError, TypeError, RecursionError):
            return
        self._keep(self._name(key.encode()), body)


def open_summaries(root: Path, fingerprint: str) -> SummaryCache | None:
    """The summary cache of the repository at ``root`` (see ``open_cache``)."""
    cache = open_cache(root, fingerprint, SummaryCache)
    return cache if isinstance(cache, SummaryCache) else None
