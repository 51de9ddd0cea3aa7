"""History's blob summaries in the result cache (SPEC section 12): the same output with and
without them, no blob read from git twice, and nothing used that the user's key did not sign.

Every test gets its own signing key and uses the repository's own ``.pmcheck_cache/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from pmcheck import cache as cache_module
from pmcheck import git as pmgit
from pmcheck.cache import FOLDER
from pmcheck.cli import main
from pmcheck.loader import Limits
from tests.gitrepo import GitRepo, git_env
from tests.test_history import RENAMED, build_story

# The story's dates that a forged summary would move.
FORGED_DUE = "2031-01-01"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in git_env().items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv(cache_module.ENV_FOLDER, raising=False)


@pytest.fixture
def story(tmp_path: Path) -> GitRepo:
    """test_history's story (slips recorded and not, a recorded hand-over, a rename with a
    slip), then a broken version."""
    repo = build_story(tmp_path)
    (repo.path / "postmortems" / "broken.yaml").write_text("actions: [&a {id: x}, *a]\n")
    repo.commit("Add a broken file", date="2026-06-13T08:00:00+00:00")
    (repo.path / "postmortems" / "broken.yaml").write_text("actions: [{id: x, due: 2026-07-01}]\n")
    repo.commit("Repair it", date="2026-06-14T08:00:00+00:00")
    return repo


class Reads:
    """Blob ids fetched from git and blobs parsed, over every run of a test."""

    def __init__(self) -> None:
        self.fetched: list[str] = []
        self.parsed = 0


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    counter = Reads()
    fetch, parse = pmgit.BlobReader.blobs, pmgit._parse

    def fetching(self: pmgit.BlobReader, object_ids: Iterable[str]) -> dict[str, bytes | None]:
        ids = list(object_ids)
        counter.fetched.extend(ids)
        return fetch(self, ids)

    def parsing(raw: bytes | None, path: str, limits: Limits, whole: bool, pieces: dict[str, object] | None = None) -> object:
        counter.parsed += 1
        return parse(raw, path, limits, whole, pieces)

    monkeypatch.setattr(pmgit.BlobReader, "blobs", fetching)
    monkeypatch.setattr(pmgit, "_parse", parsing)
    return counter


def history(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> str:
    with pytest.raises(SystemExit) as done:
        main(["--repo", str(root), "history", *args])
    out, err = capsys.readouterr()
    assert done.value.code == 0, err
    return out


def packs(root: Path) -> list[Path]:
    """The pack files of history's blob summaries."""
    return sorted((root / FOLDER).glob(f"{cache_module.SummaryCache.prefix}*.pmc"))


def rewrite_records(root: Path, change: Callable[[str, bytes, bytes], tuple[str, bytes, bytes]]) -> None:
    for pack in packs(root):
        records = [change(*record) for record in cache_module._records(pack.read_bytes())]
        pack.write_bytes(cache_module.FORMAT + b"\n" + b"".join(cache_module._record(*record) for record in records))


def signed(key: bytes, name: str, body: bytes) -> bytes:
    return cache_module.sign(key, name, body)


def user_key() -> bytes:
    return (Path(os.environ["XDG_CACHE_HOME"]) / "pmcheck" / "key").read_bytes()


# --- same output ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cached_history_gives_the_uncached_output_byte_for_byte(
    story: GitRepo, capsys: pytest.CaptureFixture[str], reads: Reads, fmt: str
) -> None:
    uncached = history(capsys, story.path, "--format", fmt, "--no-cache")
    assert "UNRECORDED" in uncached or '"recorded": false' in uncached
    assert not (story.path / FOLDER).exists()
    blobs = len(set(reads.fetched))
    cold = history(capsys, story.path, "--format", fmt)
    assert packs(story.path)
    reads.fetched, reads.parsed = [], 0
    warm = history(capsys, story.path, "--format", fmt)
    assert cold == warm == uncached
    # The warm run knew every blob by its id: nothing read from git, nothing parsed.
    assert blobs > 0 and (reads.fetched, reads.parsed) == ([], 0)
    since = history(capsys, story.path, "--format", fmt, "--since", "2026-06-08")
    assert since == history(capsys, story.path, "--format", fmt, "--since", "2026-06-08", "--no-cache")


def test_a_new_commit_reads_only_its_new_blob(story: GitRepo, capsys: pytest.CaptureFixture[str], reads: Reads) -> None:
    history(capsys, story.path)
    story.replace(RENAMED, "due: 2026-07-29", "due: 2026-08-05")
    story.commit("Slip A1 once more", date="2026-06-15T08:00:00+00:00")
    reads.fetched, reads.parsed = [], 0
    out = history(capsys, story.path)
    assert reads.fetched == [story.git("rev-parse", f"HEAD:{RENAMED}").strip()] and reads.parsed == 1
    assert out == history(capsys, story.path, "--no-cache")


def test_render_uses_the_same_summaries(story: GitRepo, capsys: pytest.CaptureFixture[str], reads: Reads) -> None:
    history(capsys, story.path)
    reads.fetched, reads.parsed = [], 0
    with pytest.raises(SystemExit) as done:
        main(["--repo", str(story.path), "render", "--stdout", "--as-of", "2026-06-20"])
    assert done.value.code == 0
    assert reads.fetched == []


# --- damaged, foreign or forged ---------------------------------------------------------------


def _damage(root: Path, how: str) -> None:
    [pack] = packs(root)
    raw = pack.read_bytes()
    if how == "corrupt":
        middle = len(raw) // 2
        pack.write_bytes(raw[:middle] + bytes([raw[middle] ^ 0x55]) + raw[middle + 1 :])
    elif how == "truncate":
        pack.write_bytes(raw[: len(raw) // 2])
    elif how == "empty":
        pack.write_bytes(b"")
    elif how == "foreign-format":
        pack.write_bytes(b"pmcheck-cache 999\n" + raw[len(cache_module.FORMAT) + 1 :])
    elif how == "foreign-summary":
        # Signed with the user's own key, in a shape this pmcheck does not keep.
        key = user_key()
        body = b'{"version":2,"actions":[]}'
        rewrite_records(root, lambda name, mac, old: (name, signed(key, name, body), body))
    elif how == "pickle":
        pack.write_bytes(b"\x80\x04\x95" + raw)


@pytest.mark.parametrize("how", ["corrupt", "truncate", "empty", "foreign-format", "foreign-summary", "pickle"])
def test_a_damaged_summary_cache_is_ignored_and_rebuilt(
    story: GitRepo, capsys: pytest.CaptureFixture[str], reads: Reads, how: str
) -> None:
    expected = history(capsys, story.path, "--format", "json", "--no-cache")
    history(capsys, story.path, "--format", "json")
    parsed = reads.parsed
    _damage(story.path, how)
    reads.parsed = 0
    assert history(capsys, story.path, "--format", "json") == expected
    assert reads.parsed >= 1
    if how not in ("corrupt", "truncate"):
        assert reads.parsed == parsed // 2  # every summary rebuilt (the first run parsed twice)
    reads.parsed = 0
    assert history(capsys, story.path, "--format", "json") == expected
    assert reads.parsed == 0


def test_summaries_of_another_pmcheck_version_are_not_used(
    story: GitRepo, capsys: pytest.CaptureFixture[str], reads: Reads, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = history(capsys, story.path)
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    reads.parsed = 0
    assert history(capsys, story.path) == expected
    assert reads.parsed > 0


def _forge(root: Path, key: bytes) -> None:
    """Rewrite every summary to move A1's due date, signed with ``key``: what a pull request
    committing ``.pmcheck_cache/`` could try."""

    def forge(name: str, mac: bytes, body: bytes) -> tuple[str, bytes, bytes]:
        body = body.replace(b'"due":"2026-07-', f'"due":"{FORGED_DUE[:8]}'.encode())
        return name, signed(key, name, body), body

    rewrite_records(root, forge)


def test_a_summary_planted_without_the_users_key_is_ignored(
    story: GitRepo, capsys: pytest.CaptureFixture[str], reads: Reads
) -> None:
    expected = history(capsys, story.path, "--format", "json", "--no-cache")
    history(capsys, story.path, "--format", "json")
    _forge(story.path, b"an attacker's guess at the key.!")
    reads.parsed = 0
    assert history(capsys, story.path, "--format", "json") == expected
    assert reads.parsed > 0


def test_the_summary_signature_really_is_checked(story: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """The forgery above would pass vacuously if the edit broke the summaries: signed with the
    user's own key, the same edit is used, and shows."""
    expected = history(capsys, story.path, "--format", "json")
    _forge(story.path, user_key())
    forged = history(capsys, story.path, "--format", "json")
    assert forged != expected and FORGED_DUE[:8] in forged


def test_a_summary_copied_to_another_blobs_name_is_ignored(
    story: GitRepo, capsys: pytest.CaptureFixture[str], reads: Reads
) -> None:
    expected = history(capsys, story.path)
    [pack] = packs(story.path)
    first = next(cache_module._records(pack.read_bytes()))
    rewrite_records(story.path, lambda name, mac, body: (name, first[1], first[2]))
    reads.parsed = 0
    assert history(capsys, story.path) == expected
    assert reads.parsed > 0


# --- where summaries go, and when they do not -------------------------------------------------


def _cli(*args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env.update(extra)
    return subprocess.run([sys.executable, "-m", "pmcheck", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_no_cache_history_writes_nothing(story: GitRepo, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    plain = _cli("history", "--no-cache", cwd=story.path)
    moved = _cli("history", "--no-cache", cwd=story.path, PMCHECK_CACHE_DIR=str(elsewhere))
    rendered = _cli("render", "--no-cache", "--stdout", "--as-of", "2026-06-20", cwd=story.path)
    assert (plain.returncode, moved.returncode, rendered.returncode) == (0, 0, 0), plain.stderr + moved.stderr
    assert not (story.path / FOLDER).exists() and not elsewhere.exists()
    assert not (Path(os.environ["XDG_CACHE_HOME"]) / "pmcheck").exists()
    assert story.git("status", "--porcelain", "--ignored") == ""
    cached = _cli("history", cwd=story.path)
    assert (cached.returncode, cached.stdout) == (0, plain.stdout)
    assert packs(story.path)


def test_pmcheck_cache_dir_moves_the_summaries(story: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere" / "cache"
    monkeypatch.setenv(cache_module.ENV_FOLDER, str(elsewhere))
    history(capsys, story.path)
    assert not (story.path / FOLDER).exists()
    assert len(list(elsewhere.glob(f"{cache_module.SummaryCache.prefix}*.pmc"))) == 1


def test_check_and_history_keep_their_own_packs(story: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # Compaction removes the packs a run read: check must never read (and so drop) history's.
    monkeypatch.setattr(cache_module, "COMPACT_SLACK_BYTES", 0)
    history(capsys, story.path)
    summaries = packs(story.path)
    for _ in range(3):
        with pytest.raises(SystemExit):
            main(["--repo", str(story.path), "check", "--as-of", "2026-06-20"])
        capsys.readouterr()
    assert packs(story.path) == summaries
    assert list((story.path / FOLDER).glob("pack-*.pmc"))
    history(capsys, story.path)
    assert list((story.path / FOLDER).glob("pack-*.pmc"))


# --- what each commit changed -----------------------------------------------------------------


class Walks:
    """How history asked git for its commits: full ``--raw`` walks, and commits diffed alone."""

    def __init__(self) -> None:
        self.raw = 0
        self.listed = 0
        self.diffed: list[str] = []


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> Walks:
    counter = Walks()
    log, diff = pmgit.HistoryReader._log, pmgit.HistoryReader._diff_commits

    def logging(self: pmgit.HistoryReader, arguments: list[str], changes: bool = True) -> Iterator[pmgit.Commit]:
        if changes:
            counter.raw += 1
        else:
            counter.listed += 1
        return log(self, arguments, changes)

    def diffing(self: pmgit.HistoryReader, shas: list[str], pathspecs: list[str]) -> dict[str, tuple[pmgit.FileChange, ...]]:
        counter.diffed.extend(shas)
        return diff(self, shas, pathspecs)

    monkeypatch.setattr(pmgit.HistoryReader, "_log", logging)
    monkeypatch.setattr(pmgit.HistoryReader, "_diff_commits", diffing)
    return counter


def test_a_warm_walk_lists_the_commits_without_diffing_them(
    story: GitRepo, capsys: pytest.CaptureFixture[str], walks: Walks
) -> None:
    expected = history(capsys, story.path, "--no-cache")
    assert history(capsys, story.path) == expected
    assert (walks.raw, walks.listed) == (2, 0)
    assert history(capsys, story.path) == expected
    assert (walks.raw, walks.listed, walks.diffed) == (2, 1, [])


def test_only_new_commits_are_diffed(story: GitRepo, capsys: pytest.CaptureFixture[str], walks: Walks) -> None:
    history(capsys, story.path)
    story.move(RENAMED, "postmortems/archive/PM-2026-001.yaml")
    story.replace("postmortems/archive/PM-2026-001.yaml", "owner: femi.ade\n", "owner: dana.kim\n")
    first = story.commit("Archive, and hand A2 over without a record", date="2026-06-15T08:00:00+00:00")
    story.replace("postmortems/archive/PM-2026-001.yaml", "due: 2026-07-29", "due: 2026-08-05")
    second = story.commit("Slip A1", date="2026-06-16T08:00:00+00:00")
    out = history(capsys, story.path)
    assert sorted(walks.diffed) == sorted([first, second])
    assert out == history(capsys, story.path, "--no-cache")
    assert "dana.kim" in out and "2026-08-05" in out
    walks.diffed = []
    assert history(capsys, story.path) == out
    assert walks.diffed == []


def _swap_blobs(root: Path, key: bytes) -> None:
    """Rewrite every kept commit to claim its change went the other way, signed with ``key``."""

    def forge(name: str, mac: bytes, body: bytes) -> tuple[str, bytes, bytes]:
        if body.startswith(b'[["'):
            changes = [[status, old, new, after, before] for status, old, new, before, after in json.loads(body)]
            body = json.dumps(changes, separators=(",", ":")).encode()
        return name, signed(key, name, body), body

    rewrite_records(root, forge)


def test_a_commit_planted_without_the_users_key_is_ignored(
    story: GitRepo, capsys: pytest.CaptureFixture[str], walks: Walks
) -> None:
    expected = history(capsys, story.path, "--no-cache")
    history(capsys, story.path)
    _swap_blobs(story.path, b"an attacker's guess at the key.!")
    assert history(capsys, story.path) == expected
    assert walks.raw == 3  # nothing kept is genuine, not even that a walk was kept


def test_the_commit_signature_really_is_checked(story: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    expected = history(capsys, story.path)
    _swap_blobs(story.path, user_key())
    swapped = history(capsys, story.path)
    assert swapped != expected and "2026-07-22 -> 2026-07-15" in swapped


def test_a_walk_since_a_date_keeps_the_summaries_it_did_not_read(
    story: GitRepo, capsys: pytest.CaptureFixture[str], reads: Reads, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compacting as a large repository would: a run that used few of the packs' entries keeps those.
    monkeypatch.setattr(cache_module, "COMPACT_SLACK_BYTES", 0)
    history(capsys, story.path)
    history(capsys, story.path, "--since", "2026-06-14")
    reads.fetched, reads.parsed = [], 0
    history(capsys, story.path)
    assert reads.fetched == [] and reads.parsed == 0
