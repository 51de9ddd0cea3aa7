"""The cache's repository index: a check of a few files reads the others' summaries.

Checking one file must give exactly the output of an uncached check of that file, with the
cross-file rules (PM005, PM008, PM501, PM502) still judging it against every other file. The
index must never stand in for a file whose bytes changed, and a damaged, forged or foreign index
is ignored.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmcheck import cache as cache_module
from pmcheck import repository
from pmcheck.cache import FOLDER, INDEX_NAME
from tests.gitrepo import GitRepo
from tests.test_cache import HOSTILE, SAMPLE, TESTS, outputs, postmortem
from tests.test_cache import own_key as own_key  # each test its own signing key and cache folder

ROOT = TESTS.parent


class Loads:
    """The files loaded in full (read, parsed, validated, modelled), in order."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def reset(self) -> None:
        self.paths = []


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Loads:
    seen = Loads()
    original = repository._Loader.load

    def counted(self: repository._Loader, rel: str, *args: object) -> object:
        seen.paths.append(rel)
        return original(self, rel, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(repository._Loader, "load", counted)
    return seen


def _copy(source: Path, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(FOLDER, ".git"))
    return root


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    """A repository like a real team's: 80 postmortems from the benchmark generator, with
    repeats, recurrences with open fixes and the odd governance problem."""
    root = tmp_path / "generated"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(root), "--postmortems", "80", "--seed", "3"],
        check=True,
        capture_output=True,
    )
    # Every repeat there is linked: break one link (PM008, and a PM501 repeat), and give one
    # incident a second file (PM005).
    files = _postmortem_files(root)
    linked = [f for f in files if "\nrelated_incidents:\n  - id: PM-" in f.read_text()]
    text = linked[len(linked) // 2].read_text()
    target = text.split("\nrelated_incidents:\n  - id: ", 1)[1].split("\n", 1)[0]
    linked[len(linked) // 2].write_text(text.replace(f"  - id: {target}\n", "  - id: PM-1999-999\n", 1))
    shutil.copy(files[7], root / "postmortems" / "copy-of-an-incident.yaml")
    return root


def _postmortem_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "postmortems").rglob("*.y*ml"))


def _sources() -> Iterator[str]:
    yield from ("sample", "partial", "hostile", "generated")


@pytest.fixture
def source(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    name = request.param
    if name == "sample":
        return _copy(SAMPLE, tmp_path)
    if name == "partial":
        return _copy(TESTS / "partial" / "broken", tmp_path)
    if name == "hostile":
        root = _copy(SAMPLE, tmp_path)
        for file in HOSTILE.glob("*.yaml"):
            shutil.copy(file, root / "postmortems" / file.name)
        return root
    return request.getfixturevalue("generated")


@pytest.mark.parametrize("source", list(_sources()), indirect=True)
def test_each_file_alone_gives_the_uncached_output(source: Path, loads: Loads) -> None:
    full = outputs(source)  # a full check fills the cache and its index
    files = _postmortem_files(source)
    # A spread of files, and every file a cross-file rule reports on.
    chosen = set(files[:: max(1, len(files) // 25)])
    for item in json.loads(full["json"])["findings"]:
        if item["code"] in ("PM005", "PM008", "PM501", "PM502"):
            chosen.add(source / item["path"])
    cross_file = set()
    for file in sorted(chosen):
        given = (str(file),)
        expected = outputs(source, use_cache=False, paths=given)
        loads.reset()
        assert outputs(source, paths=given) == expected, file.name
        # The others came from the index; a rule asking for another postmortem loads only that.
        assert len(loads.paths) < len(files) / 2, (file.name, loads.paths)
        assert loads.paths[0] == file.relative_to(source).as_posix()
        cross_file |= {code for code in ("PM005", "PM008", "PM501", "PM502") if f'"code": "{code}"' in expected["json"]}
    if source.name == "generated":
        # The repository really exercises the cross-file rules this mode must keep.
        assert cross_file == {"PM005", "PM008", "PM501", "PM502"}, cross_file


def test_a_recurrence_loads_the_earlier_postmortem_it_needs(generated: Path, loads: Loads) -> None:
    outputs(generated)
    for file in _postmortem_files(generated):
        given = (str(file),)
        expected = outputs(generated, use_cache=False, paths=given)
        if '"code": "PM502"' not in expected["json"]:
            continue
        loads.reset()
        assert outputs(generated, paths=given) == expected
        # The file itself, and the earlier incident whose fixes PM502 reads.
        assert len(loads.paths) >= 2
        return
    pytest.fail("no PM502 in the generated repository")


def test_a_changed_file_is_loaded_again_not_read_from_the_index(tmp_path: Path, loads: Loads) -> None:
    root = _copy(SAMPLE, tmp_path)
    files = _postmortem_files(root)
    target, other = files[0], files[1]
    outputs(root)
    target_id = json.loads(outputs(root, paths=(str(target),))["json"])
    del target_id
    # The other file takes the target's id: a duplicate only the new bytes show.
    text = other.read_text()
    other_id = text.split("\nid: ", 1)[1].split("\n", 1)[0] if "\nid: " in text else text.split("id: ", 1)[1].split("\n", 1)[0]
    own_id = target.read_text().split("id: ", 1)[1].split("\n", 1)[0]
    assert len(own_id) == len(other_id)
    stat = other.stat()
    other.write_text(text.replace(f"id: {other_id}\n", f"id: {own_id}\n", 1))
    # Same size and modification time: only the change time (and the bytes) differ.
    os.utime(other, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert other.stat().st_size == stat.st_size
    loads.reset()
    warm = outputs(root, paths=(str(target),))
    assert warm == outputs(root, use_cache=False, paths=(str(target),))
    assert '"code": "PM005"' in warm["json"]
    assert other.relative_to(root).as_posix() in loads.paths


def test_a_racy_record_is_checked_by_its_bytes(tmp_path: Path, loads: Loads, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file changed within a timestamp tick of the run that indexed it, on a file system whose
    stat does not show the change, is still seen: such records are hashed again, as git does."""
    root = _copy(SAMPLE, tmp_path)
    files = _postmortem_files(root)
    target, other = files[0], files[1]
    monkeypatch.setattr(repository, "stat_signature", lambda info: (1, os.stat(root).st_mtime_ns, 0, 0, 0))
    # Every file "was modified" at the folder's mtime, a moment before the index is written.
    outputs(root)
    own_id = target.read_text().split("id: ", 1)[1].split("\n", 1)[0]
    text = other.read_text()
    other_id = text.split("id: ", 1)[1].split("\n", 1)[0]
    other.write_text(text.replace(f"id: {other_id}\n", f"id: {own_id}\n", 1))
    warm = outputs(root, paths=(str(target),))
    assert '"code": "PM005"' in warm["json"]


def test_a_record_older_than_a_tick_is_trusted_by_its_stat(tmp_path: Path, loads: Loads, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy(SAMPLE, tmp_path)
    files = _postmortem_files(root)
    outputs(root)
    outputs(root)  # the second run rewrote any racy record with a later time
    reads: list[str] = []
    original = repository.read_source

    def counted(root_: Path, rel: str, *args: object) -> object:
        reads.append(rel)
        return original(root_, rel, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "read_source", counted)
    _age(root / FOLDER / INDEX_NAME)
    loads.reset()
    outputs(root, paths=(str(files[0]),))
    assert reads == [files[0].relative_to(root).as_posix()]


def _age(index: Path) -> None:
    """Pretend the index was written a minute later than it was (so no record is racy)."""
    key = (Path(os.environ["XDG_CACHE_HOME"]) / "pmcheck" / "key").read_bytes()
    head, _, body = index.read_bytes().split(b"\n", 2)
    stored = json.loads(body)
    stored["written"] += 60 * 10**9
    body = json.dumps(stored, separators=(",", ":")).encode()
    mac = cache_module.sign(key, INDEX_NAME, body)
    index.write_bytes(head + b"\n" + mac + b"\n" + body)


def test_a_new_file_with_a_duplicate_id_is_seen(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "postmortems").mkdir(parents=True)
    (root / "pmcheck.yaml").write_text("timezone: UTC\n")
    for n in range(1, 4):
        (root / "postmortems" / f"PM-2026-{n:03d}.yaml").write_text(postmortem(n))
    outputs(root)
    (root / "postmortems" / "PM-2026-009.yaml").write_text(postmortem(9, pm_id="PM-2026-002"))
    given = (str(root / "postmortems" / "PM-2026-002.yaml"),)
    warm = outputs(root, paths=given)
    assert warm == outputs(root, use_cache=False, paths=given)
    assert '"code": "PM005"' in warm["json"]


def _damage(index: Path, how: str) -> None:
    raw = index.read_bytes()
    if how == "truncate":
        index.write_bytes(raw[: len(raw) // 2])
    elif how == "corrupt":
        middle = len(raw) // 2
        index.write_bytes(raw[:middle] + bytes([raw[middle] ^ 1]) + raw[middle + 1 :])
    elif how == "forged":
        # A pull request's own index, signed with a key that is not the user's.
        head, _, body = raw.split(b"\n", 2)
        mac = cache_module.sign(b"x" * 32, INDEX_NAME, body)
        index.write_bytes(head + b"\n" + mac + b"\n" + body)
    elif how == "foreign-format":
        index.write_bytes(raw.replace(cache_module.INDEX_FORMAT, b"pmcheck-index 0", 1))
    elif how == "not-json":
        key = (Path(os.environ["XDG_CACHE_HOME"]) / "pmcheck" / "key").read_bytes()
        body = b"[1, 2"
        mac = cache_module.sign(key, INDEX_NAME, body)
        index.write_bytes(cache_module.INDEX_FORMAT + b"\n" + mac + b"\n" + body)


@pytest.mark.parametrize("how", ["truncate", "corrupt", "forged", "foreign-format", "not-json"])
def test_a_damaged_index_is_ignored(tmp_path: Path, loads: Loads, how: str) -> None:
    root = _copy(SAMPLE, tmp_path)
    files = _postmortem_files(root)
    outputs(root)
    _damage(root / FOLDER / INDEX_NAME, how)
    given = (str(files[0]),)
    loads.reset()
    assert outputs(root, paths=given) == outputs(root, use_cache=False, paths=given)
    # Nothing of the index was believed: every file was loaded in full, and the index rebuilt.
    assert len(set(loads.paths)) == len(files)
    loads.reset()
    outputs(root, paths=given)
    assert len(loads.paths) < len(files)


def test_a_forged_summary_cannot_hide_a_duplicate(tmp_path: Path) -> None:
    """An index committed to the repository cannot tell pmcheck what another file says."""
    root = _copy(SAMPLE, tmp_path)
    files = _postmortem_files(root)
    outputs(root)
    index = root / FOLDER / INDEX_NAME
    own_id = files[0].read_text().split("id: ", 1)[1].split("\n", 1)[0]
    text = files[1].read_text()
    other_id = text.split("id: ", 1)[1].split("\n", 1)[0]
    files[1].write_text(text.replace(f"id: {other_id}\n", f"id: {own_id}\n", 1))
    # The attacker's index says the file is unchanged, with its old summary, under a made-up key.
    head, _, body = index.read_bytes().split(b"\n", 2)
    stored = json.loads(body)
    rel = files[1].relative_to(root).as_posix()
    stored["files"][rel][0] = list(cache_module.stat_signature(files[1].stat()))
    stored["written"] += 60 * 10**9
    body = json.dumps(stored).encode()
    mac = cache_module.sign(b"k" * 32, INDEX_NAME, body)
    index.write_bytes(head + b"\n" + mac + b"\n" + body)
    assert '"code": "PM005"' in outputs(root, paths=(str(files[0]),))["json"]


@pytest.mark.parametrize("name", ["pmcheck.yaml", "people.yaml"])
def test_editing_the_policy_or_the_roster_sets_the_index_aside(tmp_path: Path, loads: Loads, name: str) -> None:
    root = _copy(SAMPLE, tmp_path)
    files = _postmortem_files(root)
    outputs(root)
    path = root / name
    text = path.read_text()
    path.write_text(text + "\n# reviewed\n" if name == "people.yaml" else text.replace("due_soon_days: 2", "due_soon_days: 3"))
    given = (str(files[0]),)
    loads.reset()
    assert outputs(root, paths=given) == outputs(root, use_cache=False, paths=given)
    if name == "pmcheck.yaml":
        assert len(set(loads.paths)) == len(files)


def test_a_check_of_one_file_keeps_the_other_entries(tmp_path: Path) -> None:
    """A pre-commit run uses few entries; the full check after it must still find the rest."""
    root = _copy(SAMPLE, tmp_path)
    files = _postmortem_files(root)
    outputs(root)
    packs = sorted((root / FOLDER).glob("pack-*.pmc"))
    outputs(root, paths=(str(files[0]),))
    assert all(pack.exists() for pack in packs)


def test_pre_commit_mode_reads_a_staged_change_in_a_file_not_given(tmp_path: Path) -> None:
    root = _copy(SAMPLE, tmp_path)
    repo = GitRepo.init(root)
    repo.commit("Postmortems")
    outputs(root)
    files = _postmortem_files(root)
    # Another file changes too (its action's due date moves without a record) and is staged.
    other = next(f for f in files if "\n    due: " in f.read_text())
    text = other.read_text()
    due = text.split("\n    due: ", 1)[1].split("\n", 1)[0]
    other.write_text(text.replace(f"\n    due: {due}\n", "\n    due: 2027-12-31\n", 1))
    repo.git("add", "-A")
    for file in files[:6]:
        given = (str(file),)
        assert outputs(root, paths=given) == outputs(root, use_cache=False, paths=given), file.name


def test_repositories_sharing_a_cache_folder_keep_an_index_each(tmp_path: Path, loads: Loads, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache_module.ENV_FOLDER, str(tmp_path / "shared"))
    one = _copy(SAMPLE, tmp_path / "one")
    two = _copy(TESTS / "partial" / "fixed", tmp_path / "two")
    outputs(one)
    outputs(two)
    assert len(list((tmp_path / "shared").glob("index-*.pmc"))) == 2
    for root in (one, two):
        given = (str(_postmortem_files(root)[0]),)
        expected = outputs(root, use_cache=False, paths=given)
        loads.reset()
        assert outputs(root, paths=given) == expected
        assert len(loads.paths) < len(_postmortem_files(root)) / 2


def test_a_namesakes_waiver_still_waives_a_reported_files_finding(tmp_path: Path) -> None:
    """Waivers act on their postmortem's id: a second file with the reported file's id (PM005
    as it is) can waive its findings, so that file is read in full, not from the index."""
    root = tmp_path / "repo"
    (root / "postmortems").mkdir(parents=True)
    (root / "pmcheck.yaml").write_text("timezone: UTC\n")
    (root / "people.yaml").write_text((TESTS / "data" / "people.yaml").read_text())
    for n in range(1, 4):
        (root / "postmortems" / f"PM-2026-{n:03d}.yaml").write_text(postmortem(n))
    reported = root / "postmortems" / "PM-2026-002.yaml"
    # An action without an owner: PM101.
    reported.write_text(reported.read_text().replace("    owner: alice.ng\n", "", 1))
    given = (str(reported),)
    found = json.loads(outputs(root, use_cache=False, paths=given)["json"])["findings"]
    code = next(f["code"] for f in found if f["code"] == "PM101")
    waiver = (
        f"waivers:\n  - rule: {code}\n    reason: the namesake waives it\n"
        "    approved_by: carol.wu\n    expires: 2026-06-30\n"
    )
    (root / "postmortems" / "PM-2026-009.yaml").write_text(waiver + postmortem(9, pm_id="PM-2026-002"))
    outputs(root)
    warm = outputs(root, paths=given)
    assert warm == outputs(root, use_cache=False, paths=given)
    assert f'"code": "{code}"' not in warm["json"]


def test_a_symlinked_index_is_neither_read_nor_written_through(tmp_path: Path, loads: Loads) -> None:
    """A pull request can commit ``.pmcheck_cache/index.pmc`` as a link to a file elsewhere."""
    root = _copy(SAMPLE, tmp_path)
    files = _postmortem_files(root)
    outputs(root)
    index = root / FOLDER / INDEX_NAME
    victim = tmp_path / "victim"
    victim.write_bytes(index.read_bytes())
    index.unlink()
    index.symlink_to(victim)
    given = (str(files[0]),)
    expected = outputs(root, use_cache=False, paths=given)
    before = victim.read_bytes()
    loads.reset()
    assert outputs(root, paths=given) == expected
    # A genuine index, but behind a link: not read (every file loaded), and the link replaced.
    assert len(set(loads.paths)) == len(files)
    assert victim.read_bytes() == before
    assert not index.is_symlink() and index.read_bytes().startswith(cache_module.INDEX_FORMAT)
