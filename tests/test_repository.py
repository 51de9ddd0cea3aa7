"""pmcheck.repository: which files a run finds (discover), reports on (select), and loads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pmcheck.errors import UsageError
from pmcheck.policy import load_policy
from pmcheck.repository import discover, load_repository, select

TESTS = Path(__file__).resolve().parent
BASE = (TESTS / "rules" / "example_base.yaml").read_text()
ROSTER = (TESTS / "data" / "people.yaml").read_text()


def postmortem(pm_id: str) -> str:
    return BASE.replace("PM-2026-001", pm_id)


def make(root: Path, files: dict[str, str], policy: str = "{}\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pmcheck.yaml").write_text(policy)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make(
        tmp_path / "repo",
        {
            "people.yaml": ROSTER,
            "postmortems/PM-2026-001.yaml": postmortem("PM-2026-001"),
            "postmortems/PM-2026-002.yml": postmortem("PM-2026-002"),
            "postmortems/2025/PM-2025-009.yaml": postmortem("PM-2025-009"),
            "postmortems/README.md": "# Postmortems\n",
            "drafts/PM-2026-010.yaml": postmortem("PM-2026-010"),
            "drafts/notes.txt": "not yaml\n",
        },
    )


# -- discover -------------------------------------------------------------------------------------


def test_the_default_globs_find_yaml_and_yml_at_any_depth_sorted(repo: Path) -> None:
    assert discover(repo, load_policy(repo)) == [
        "postmortems/2025/PM-2025-009.yaml",
        "postmortems/PM-2026-001.yaml",
        "postmortems/PM-2026-002.yml",
    ]


def test_the_policy_globs_decide(tmp_path: Path) -> None:
    root = make(
        tmp_path / "repo",
        {"incidents/PM-2026-001.yaml": postmortem("PM-2026-001"), "postmortems/PM-2026-002.yaml": postmortem("PM-2026-002")},
        policy='postmortems: ["incidents/*.yaml"]\n',
    )
    assert discover(root, load_policy(root)) == ["incidents/PM-2026-001.yaml"]


def test_nothing_under_dot_git_is_found(tmp_path: Path) -> None:
    root = make(tmp_path / "repo", {".git/postmortems/PM-2026-001.yaml": postmortem("PM-2026-001")}, policy='postmortems: ["**/*.yaml"]\n')
    # The glob matches pmcheck.yaml itself; nothing below .git.
    assert discover(root, load_policy(root)) == ["pmcheck.yaml"]


def test_folder_links_are_not_walked_and_file_links_are_listed(repo: Path, tmp_path: Path) -> None:
    outside = make(tmp_path / "outside", {"PM-2026-077.yaml": postmortem("PM-2026-077")})
    os.symlink(outside, repo / "postmortems" / "outside")
    os.symlink(repo / "postmortems" / "2025", repo / "postmortems" / "again")
    os.symlink("PM-2026-001.yaml", repo / "postmortems" / "PM-2026-003.yaml")
    found = discover(repo, load_policy(repo))
    assert "postmortems/PM-2026-003.yaml" in found
    assert not [p for p in found if p.startswith(("postmortems/outside/", "postmortems/again/"))]


# -- select ---------------------------------------------------------------------------------------


def selected(repo: Path, *given: str) -> list[str]:
    policy = load_policy(repo)
    return select(repo, discover(repo, policy), [str(repo / g) for g in given], policy)


def test_a_folder_inside_the_globs_selects_what_the_globs_found_under_it(repo: Path) -> None:
    assert selected(repo, "postmortems/2025") == ["postmortems/2025/PM-2025-009.yaml"]
    assert selected(repo, "postmortems") == discover(repo, load_policy(repo))


def test_the_root_selects_every_postmortem(repo: Path) -> None:
    assert selected(repo, ".") == discover(repo, load_policy(repo))


def test_a_folder_outside_the_globs_selects_every_yaml_file_in_it(repo: Path) -> None:
    assert selected(repo, "drafts") == ["drafts/PM-2026-010.yaml"]


def test_a_file_is_selected_even_outside_the_globs(repo: Path) -> None:
    assert selected(repo, "drafts/PM-2026-010.yaml", "postmortems/PM-2026-001.yaml") == [
        "drafts/PM-2026-010.yaml",
        "postmortems/PM-2026-001.yaml",
    ]


def test_the_roster_and_the_policy_are_never_postmortems(repo: Path) -> None:
    assert selected(repo, "people.yaml", "pmcheck.yaml") == []
    # A folder outside the globs holding them: the root's roster is still left out.
    assert "people.yaml" not in selected(repo, ".")


def test_overlapping_paths_select_each_file_once(repo: Path) -> None:
    assert selected(repo, "postmortems", "postmortems/2025", "postmortems/2025/PM-2025-009.yaml").count(
        "postmortems/2025/PM-2025-009.yaml"
    ) == 1


def test_a_path_that_does_not_exist_is_a_usage_error(repo: Path) -> None:
    with pytest.raises(UsageError, match="no such file or directory"):
        selected(repo, "postmortems/PM-2026-404.yaml")


def test_a_path_outside_the_repository_is_a_usage_error(repo: Path, tmp_path: Path) -> None:
    policy = load_policy(repo)
    with pytest.raises(UsageError, match="not inside the repository"):
        select(repo, discover(repo, policy), [str(tmp_path)], policy)


# -- load_repository ------------------------------------------------------------------------------


def test_every_valid_file_becomes_a_postmortem_indexed_by_id(repo: Path) -> None:
    policy = load_policy(repo)
    repository = load_repository(repo, policy, discover(repo, policy))
    assert repository.issues == []
    assert [d.path for d in repository.corpus.documents] == discover(repo, policy)
    assert sorted(repository.corpus.by_id) == ["PM-2025-009", "PM-2026-001", "PM-2026-002"]
    assert repository.roster is not None


def test_only_the_files_given_are_loaded(repo: Path) -> None:
    policy = load_policy(repo)
    repository = load_repository(repo, policy, ["postmortems/PM-2026-001.yaml"])
    assert [pm.id for pm in repository.corpus.postmortems] == ["PM-2026-001"]


def test_a_file_that_does_not_parse_is_an_issue_and_no_postmortem(repo: Path) -> None:
    (repo / "postmortems" / "PM-2026-001.yaml").write_text("id: PM-2026-001\ntitle: [unclosed\n")
    policy = load_policy(repo)
    repository = load_repository(repo, policy, discover(repo, policy))
    assert [(i.path, i.code, i.line, i.column) for i in repository.issues] == [("postmortems/PM-2026-001.yaml", "PM001", 3, 1)]
    broken = next(d for d in repository.corpus.documents if d.path == "postmortems/PM-2026-001.yaml")
    assert broken.postmortem is None
    assert "PM-2026-001" not in repository.corpus.by_id


def test_a_schema_error_keeps_the_postmortem(repo: Path) -> None:
    pm = repo / "postmortems" / "PM-2026-001.yaml"
    pm.write_text(pm.read_text().replace("status: in_review", "status: finished"))
    policy = load_policy(repo)
    repository = load_repository(repo, policy, ["postmortems/PM-2026-001.yaml"])
    assert [(i.code, i.line, i.at) for i in repository.issues] == [("PM003", 7, ("status",))]
    assert repository.corpus.by_id["PM-2026-001"].unknown == frozenset({"status"})


def test_a_file_link_leaving_the_repository_is_not_read(repo: Path, tmp_path: Path) -> None:
    outside = make(tmp_path / "outside", {"PM-2026-077.yaml": postmortem("PM-2026-077")})
    os.symlink(outside / "PM-2026-077.yaml", repo / "postmortems" / "PM-2026-077.yaml")
    policy = load_policy(repo)
    repository = load_repository(repo, policy, ["postmortems/PM-2026-077.yaml"])
    [issue] = repository.issues
    assert (issue.code, issue.line, issue.column) == ("PM001", 1, 1)
    assert "points outside the repository" in issue.message
    assert list(repository.corpus.postmortems) == []


def test_a_file_link_inside_the_repository_is_read(repo: Path) -> None:
    os.symlink("PM-2026-001.yaml", repo / "postmortems" / "PM-2026-003.yaml")
    policy = load_policy(repo)
    repository = load_repository(repo, policy, ["postmortems/PM-2026-003.yaml"])
    # Read through the link: the content is PM-2026-001's (PM004 is the rules' business).
    assert [pm.id for pm in repository.corpus.postmortems] == ["PM-2026-001"]


def test_no_roster_file_is_no_roster(repo: Path) -> None:
    (repo / "people.yaml").unlink()
    policy = load_policy(repo)
    assert load_repository(repo, policy, discover(repo, policy)).roster is None


def test_a_loaded_repository_holds_plain_data_packed_and_gives_the_same_data_back(tmp_path: Path) -> None:
    # One file valid, one with a value the schema refuses (the model's data leaves it out).
    broken = postmortem("PM-2026-002").replace("severity: SEV-3", "severity: [SEV-3]", 1)
    assert broken != postmortem("PM-2026-002")
    root = make(
        tmp_path / "repo",
        {"people.yaml": ROSTER, "postmortems/PM-2026-001.yaml": postmortem("PM-2026-001"), "postmortems/PM-2026-002.yaml": broken},
    )
    from pmcheck.context import raw_ids
    from pmcheck.loader import load_file
    from pmcheck.model import build_postmortem, zone

    policy = load_policy(root)
    files = discover(root, policy)
    repository = load_repository(root, policy, files, use_cache=False)
    for document in repository.corpus.documents:
        fresh = load_file(root, document.path)
        assert document.loaded._data is None and document.loaded._packed is not None
        assert document.data == fresh.data
        assert document.ids == raw_ids(fresh.data)
        pm = document.postmortem
        assert pm is not None
        refused = [("severity",)] if document.path.endswith("002.yaml") else []
        held = build_postmortem(document.path, fresh.data, zone(policy.timezone), refused)
        assert pm == held
        assert pm.raw == held.raw and ("severity" in pm.raw) == (not refused)
        assert [a.raw for a in pm.actions] == [a.raw for a in held.actions]
