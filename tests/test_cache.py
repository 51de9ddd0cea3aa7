"""The result cache (SPEC section 12): same output with and without it, and safe when hostile.

Every test gets its own signing key (``XDG_CACHE_HOME``) and uses the repository's own
``.pmcheck_cache/`` unless it says otherwise. "Hits" are counted by wrapping ``Cache.get``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from pmcheck import cache as cache_module
from pmcheck.cache import FOLDER, Cache
from pmcheck.engine import CheckOptions, run_check
from pmcheck.reporters import REPORTERS, get_reporter

TESTS = Path(__file__).resolve().parent
SAMPLE = TESTS.parent / "sample-repo"
HOSTILE = TESTS / "hostile"
BASE = (TESTS / "rules" / "example_base.yaml").read_text()
ROSTER = (TESTS / "data" / "people.yaml").read_text()
AS_OF = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv(cache_module.ENV_FOLDER, raising=False)


class Hits:
    """Counts cache lookups that found an entry and those that did not."""

    def __init__(self) -> None:
        self.hits = 0
        self.misses = 0


@pytest.fixture
def hits(monkeypatch: pytest.MonkeyPatch) -> Hits:
    counter = Hits()
    original = Cache.get

    def counted(self: Cache, content: bytes, path: str) -> object:
        found = original(self, content, path)
        if found is None:
            counter.misses += 1
        else:
            counter.hits += 1
        return found

    monkeypatch.setattr(Cache, "get", counted)
    return counter


def outputs(root: Path, use_cache: bool = True, paths: tuple[str, ...] = ()) -> dict[str, str]:
    """Every report format of one check of ``root``."""
    result = run_check(CheckOptions(repo=str(root), as_of=AS_OF, paths=paths, use_cache=use_cache))
    return {name: get_reporter(name)(result) for name in sorted(REPORTERS)}


def entries(root: Path) -> list[Path]:
    """The pack files of the repository's cache."""
    return sorted((root / FOLDER).glob("pack-*.pmc"))


def rewrite_records(pack: Path, change: Callable[[str, bytes, bytes], tuple[str, bytes, bytes]]) -> None:
    """Rewrite every (name, mac, body) record of ``pack`` through ``change``."""
    raw = pack.read_bytes()
    records = [change(*record) for record in cache_module._records(raw)]
    pack.write_bytes(cache_module.FORMAT + b"\n" + b"".join(cache_module._record(*record) for record in records))


def postmortem(number: int, pm_id: str | None = None) -> str:
    text = BASE.replace("PM-2026-001", pm_id or f"PM-2026-{number:03d}")
    text = text.replace("services: [support-api]", f"services: [service-{number}]")
    return text.replace("workflow: support-assistant", f"workflow: flow-{number}")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "postmortems").mkdir(parents=True)
    (root / "pmcheck.yaml").write_text("timezone: UTC\ndue_soon_days: 7\n")
    (root / "people.yaml").write_text(ROSTER)
    for n in range(1, 5):
        (root / "postmortems" / f"PM-2026-{n:03d}.yaml").write_text(postmortem(n))
    return root


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(FOLDER))
    return root


@pytest.fixture
def hostile(repo: Path) -> Path:
    for path in HOSTILE.glob("*.yaml"):
        shutil.copy(path, repo / "postmortems" / path.name)
    (repo / "postmortems" / "not-utf8.yaml").write_bytes(b"id: PM-2026-900\ntitle: caf\xe9\n")
    (repo / "postmortems" / "empty.yaml").write_text("")
    return repo


@pytest.fixture
def odd_spans(repo: Path) -> Path:
    """Findings located through the span table's rarer rows: a duplicated key (both values
    have rows), four-byte rows (a line past 65,535) and a file refused part way through."""
    folder = repo / "postmortems"
    (folder / "PM-2026-001.yaml").write_text(postmortem(1) + "owner: nobody.here\nseverity: SEV-9\n")
    (folder / "PM-2026-002.yaml").write_text(postmortem(2).replace("actions:", "\n" * 70_000 + "actions:", 1) + "severity: SEV-9\n")
    (folder / "PM-2026-003.yaml").write_text(postmortem(3) + "extra:\n  a: [1, 2]\n  b: &x 1\n")
    return repo


# --- same output ------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["sample", "hostile", "repo", "odd_spans"])
def test_cached_runs_give_the_uncached_output_byte_for_byte(fixture: str, request: pytest.FixtureRequest, hits: Hits) -> None:
    root: Path = request.getfixturevalue(fixture)
    uncached = outputs(root, use_cache=False)
    assert not (root / FOLDER).exists()
    cold = outputs(root)
    assert hits.hits == 0 and hits.misses > 0
    assert entries(root)
    warm = outputs(root)
    assert hits.hits == hits.misses  # the second run found every entry the first one wrote
    assert cold == uncached
    assert warm == uncached


def test_a_warm_run_does_not_parse_or_validate(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = outputs(sample)
    from pmcheck import repository

    def refuse(*args: object) -> object:
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(repository, "load_bytes", refuse)
    monkeypatch.setattr(repository, "iter_schema_errors", refuse)
    assert outputs(sample) == expected


def test_render_gives_the_same_log_cached_and_uncached(sample: Path) -> None:
    from pmcheck.engine import load_context
    from pmcheck.render import build_log

    root, policy = load_context(str(sample), None, None)
    uncached = build_log(root, policy, AS_OF, None, use_cache=False)
    assert not (sample / FOLDER).exists()
    assert build_log(root, policy, AS_OF, None) == uncached
    assert build_log(root, policy, AS_OF, None) == uncached


def test_one_file_warm_still_sees_a_duplicate_id_in_an_unchanged_file(repo: Path, hits: Hits) -> None:
    (repo / "postmortems" / "PM-2026-009.yaml").write_text(postmortem(9, pm_id="PM-2026-002"))
    outputs(repo)
    assert (hits.hits, hits.misses) == (0, 5)
    one = str(repo / "postmortems" / "PM-2026-002.yaml")
    warm = outputs(repo, paths=(one,))
    # No entry is looked up: the one reported file is parsed, the others' ids come from the
    # cache's index (and the file sharing the id is then read in full, for its waivers).
    assert (hits.hits, hits.misses) == (0, 5)
    assert warm == outputs(repo, use_cache=False, paths=(one,))
    assert '"code": "PM005"' in warm["json"]


# --- damaged, foreign and forged entries --------------------------------------------------------


def _damage(root: Path, how: str) -> None:
    for entry in entries(root):
        body = entry.read_bytes()
        if how == "corrupt":
            middle = len(body) // 2
            body = body[:middle] + bytes([body[middle] ^ 0x01]) + body[middle + 1 :]
        elif how == "truncate":
            body = body[: len(body) // 2]
        elif how == "empty":
            body = b""
        elif how == "foreign-format":
            body = body.replace(cache_module.FORMAT, b"pmcheck-cache 0", 1)
        elif how == "pickle":
            body = b"\x80\x04\x95" + body
        entry.write_bytes(body)


@pytest.mark.parametrize("how", ["corrupt", "truncate", "empty", "foreign-format", "pickle"])
def test_a_damaged_entry_is_ignored_and_rebuilt(sample: Path, how: str, hits: Hits) -> None:
    expected = outputs(sample, use_cache=False)
    outputs(sample)
    files = hits.misses
    _damage(sample, how)
    hits.hits = hits.misses = 0
    assert outputs(sample) == expected
    assert hits.misses >= 1
    if how in ("empty", "foreign-format", "pickle"):
        assert hits.hits == 0
    hits.hits = hits.misses = 0
    assert outputs(sample) == expected
    assert (hits.hits, hits.misses) == (files, 0)  # rebuilt


def test_entries_of_another_pmcheck_version_are_not_used(sample: Path, hits: Hits, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = outputs(sample)
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    hits.hits = hits.misses = 0
    assert outputs(sample) == expected
    assert hits.hits == 0 and hits.misses > 0


def _clean_result_forged(root: Path, key: bytes) -> None:
    """Rewrite every entry to claim its file has no schema error and another id, signed with
    ``key`` -- what a pull request committing ``.pmcheck_cache/`` could try."""

    def forge(name: str, mac: bytes, body: bytes) -> tuple[str, bytes, bytes]:
        body = body.replace(b'"schema":[{', b'"schema":[],"x":[{').replace(b'"id":"PM-', b'"id":"FORGED-PM-')
        return name, cache_module.sign(key, name, body), body

    for pack in entries(root):
        rewrite_records(pack, forge)


def test_a_forged_entry_signed_without_the_users_key_is_ignored(hostile: Path, hits: Hits) -> None:
    expected = outputs(hostile, use_cache=False)
    outputs(hostile)
    _clean_result_forged(hostile, b"an attacker's guess at the key.!")
    hits.hits = hits.misses = 0
    forged_run = outputs(hostile)
    assert forged_run == expected
    assert "FORGED" not in forged_run["json"]
    assert hits.hits == 0


def test_an_entry_copied_to_another_files_name_is_ignored(repo: Path, hits: Hits) -> None:
    (repo / "postmortems" / "PM-2026-002.yaml").write_text(postmortem(2).replace("title: ", "title: Other ", 1))
    expected = outputs(repo, use_cache=False)
    outputs(repo)
    [pack] = entries(repo)
    first = next(cache_module._records(pack.read_bytes()))
    # A genuine, correctly signed entry, under every other file's name.
    rewrite_records(pack, lambda name, mac, body: (name, first[1], first[2]))
    hits.hits = hits.misses = 0
    assert outputs(repo) == expected
    assert hits.hits == 1


def test_the_signature_really_is_checked(sample: Path, hits: Hits) -> None:
    """The forgery test above would pass vacuously if the attacker's edit broke the JSON: the
    same edit signed with the user's own key is used (and shows)."""
    outputs(sample)
    key = (Path(os.environ["XDG_CACHE_HOME"]) / "pmcheck" / "key").read_bytes()
    _clean_result_forged(sample, key)
    hits.hits = hits.misses = 0
    assert "FORGED" in outputs(sample)["json"]
    assert hits.misses == 0


def test_the_key_is_private_and_outside_the_repository(repo: Path) -> None:
    outputs(repo)
    key = Path(os.environ["XDG_CACHE_HOME"]) / "pmcheck" / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_bytes()) >= 32
    assert not list(repo.rglob("key"))


# --- invalidation -----------------------------------------------------------------------------


def test_editing_one_byte_of_a_file_invalidates_that_file_only(repo: Path, hits: Hits) -> None:
    outputs(repo)
    path = repo / "postmortems" / "PM-2026-003.yaml"
    text = path.read_text()
    assert "severity: SEV-3" in text
    path.write_text(text.replace("severity: SEV-3", "severity: SEV-9", 1))
    hits.hits = hits.misses = 0
    changed = outputs(repo)
    assert (hits.hits, hits.misses) == (3, 1)
    assert changed == outputs(repo, use_cache=False)
    assert "SEV-9" in changed["text"]


@pytest.mark.parametrize(
    ("name", "edit"),
    [
        ("pmcheck.yaml", lambda text: text.replace("7", "8")),  # one byte
        ("pmcheck.yaml", lambda text: text.replace("UTC", "Europe/Paris")),
        ("people.yaml", lambda text: text.replace("Alice", "Alicf", 1)),
    ],
)
def test_editing_the_policy_or_the_roster_invalidates_every_entry(repo: Path, hits: Hits, name: str, edit: object) -> None:
    outputs(repo)
    path = repo / name
    path.write_text(edit(path.read_text()))  # type: ignore[operator]
    hits.hits = hits.misses = 0
    assert outputs(repo) == outputs(repo, use_cache=False)
    assert hits.hits == 0 and hits.misses == 4


# --- where it writes ------------------------------------------------------------------------


def test_a_comment_in_the_policy_changes_nothing_the_cache_depends_on(repo: Path, hits: Hits) -> None:
    outputs(repo)
    (repo / "pmcheck.yaml").write_text("# Our policy.\ntimezone: UTC\ndue_soon_days: 7\n")
    hits.hits = hits.misses = 0
    outputs(repo)
    assert (hits.hits, hits.misses) == (4, 0)


def test_the_cache_folder_ignores_itself(repo: Path) -> None:
    outputs(repo)
    assert (repo / FOLDER / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_symlinked_cache_folder_is_not_written_through(repo: Path, tmp_path: Path, hits: Hits) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / FOLDER).symlink_to(outside, target_is_directory=True)
    assert outputs(repo) == outputs(repo, use_cache=False)
    assert list(outside.iterdir()) == []
    assert hits.hits == hits.misses == 0  # not even read through


def test_a_symlinked_pack_is_neither_read_nor_written_through(repo: Path, tmp_path: Path, hits: Hits) -> None:
    outputs(repo)
    [pack] = entries(repo)
    victim = tmp_path / "victim.pmc"
    victim.write_bytes(pack.read_bytes())
    pack.unlink()
    pack.symlink_to(victim)
    expected = outputs(repo, use_cache=False)
    hits.hits = hits.misses = 0
    assert outputs(repo) == expected
    assert hits.hits == 0  # a valid pack, but behind a link: not read
    assert victim.read_bytes().startswith(cache_module.FORMAT)
    assert pack.is_symlink() and pack.resolve() == victim


def test_packs_are_merged_when_they_pile_up(repo: Path, hits: Hits) -> None:
    path = repo / "postmortems" / "PM-2026-001.yaml"
    for n in range(cache_module.MAX_PACKS * 2):
        path.write_text(postmortem(1).replace("title: ", f"title: Take {n} ", 1))
        outputs(repo)
        assert len(entries(repo)) <= cache_module.MAX_PACKS
    hits.hits = hits.misses = 0
    assert outputs(repo) == outputs(repo, use_cache=False)
    assert (hits.hits, hits.misses) == (4, 0)


def test_entries_nobody_uses_any_more_are_dropped(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "COMPACT_SLACK_BYTES", 0)
    outputs(repo)
    for n in range(3):  # every entry goes stale three times over
        (repo / "pmcheck.yaml").write_text(f"timezone: UTC\ndue_soon_days: {n + 10}\n")
        outputs(repo)
    stored = sum(len(list(cache_module._records(pack.read_bytes()))) for pack in entries(repo))
    assert stored <= 2 * 4


def test_a_file_where_the_folder_goes_disables_the_cache(repo: Path) -> None:
    (repo / FOLDER).write_text("not a folder\n")
    assert outputs(repo) == outputs(repo, use_cache=False)
    assert (repo / FOLDER).read_text() == "not a folder\n"


def test_pmcheck_cache_dir_moves_the_cache(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hits: Hits) -> None:
    elsewhere = tmp_path / "elsewhere" / "cache"
    monkeypatch.setenv(cache_module.ENV_FOLDER, str(elsewhere))
    outputs(repo)
    outputs(repo)
    assert hits.hits == 4
    assert not (repo / FOLDER).exists()
    assert len(list(elsewhere.glob("pack-*.pmc"))) == 1


def test_a_read_only_cache_folder_only_costs_the_cache(repo: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes through read-only permissions")
    (repo / FOLDER).mkdir()
    (repo / FOLDER).chmod(0o500)
    try:
        assert outputs(repo) == outputs(repo, use_cache=False)
    finally:
        (repo / FOLDER).chmod(0o700)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "pmcheck", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_no_cache_writes_nothing_for_check_and_render(repo: Path) -> None:
    checked = _cli("check", "--no-cache", "--as-of", AS_OF.isoformat(), cwd=repo)
    rendered = _cli("render", "--no-cache", "--stdout", "--as-of", AS_OF.isoformat(), cwd=repo)
    assert checked.returncode in (0, 1), checked.stderr
    assert rendered.returncode == 0, rendered.stderr
    assert not (repo / FOLDER).exists()
    assert not (Path(os.environ["XDG_CACHE_HOME"]) / "pmcheck").exists()
    cached = _cli("check", "--as-of", AS_OF.isoformat(), cwd=repo)
    assert (cached.returncode, cached.stdout) == (checked.returncode, checked.stdout)
    assert entries(repo)


# --- concurrency ------------------------------------------------------------------------------


def test_concurrent_runs_do_not_corrupt_the_cache(sample: Path, hits: Hits) -> None:
    expected = outputs(sample, use_cache=False)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "pmcheck", "check", "--as-of", AS_OF.isoformat(), "--format", "json"],
            cwd=sample, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode in (0, 1), err
        assert out.decode() == expected["json"]
    hits.hits = hits.misses = 0
    assert outputs(sample) == expected
    assert hits.misses == 0
    assert not list((sample / FOLDER).glob(".tmp-*"))


def test_concurrent_writers_of_one_entry_leave_a_whole_entry(repo: Path, hits: Hits) -> None:
    expected = outputs(repo)
    for entry in entries(repo):
        entry.unlink()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            outputs(repo)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    hits.hits = hits.misses = 0
    assert outputs(repo) == expected
    assert hits.misses == 0


def test_two_first_runs_agree_on_one_key(tmp_path: Path) -> None:
    keys: list[bytes | None] = []
    barrier = threading.Barrier(4)

    def make() -> None:
        barrier.wait()
        keys.append(cache_module._secret_key())

    threads = [threading.Thread(target=make) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and keys[0] is not None
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "pmcheck"
    assert [p.name for p in folder.iterdir()] == ["key"]
