"""Property (SPEC section 11): whatever paths ``pmcheck.yaml`` names, ``render`` and ``check``
either succeed or exit 2 with one line, and write nothing anywhere but the log and the outputs
the command line names — not in ``.git``, not over an input, not outside the repository."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pmcheck.cli import main
from pmcheck.files import fixed_folder, matches
from tests.gitrepo import GitRepo
from tests.test_view import PM1, make_repo

AS_OF = "2026-06-15"
ATOMS = [
    "postmortems", "docs", ".git", ".GIT", ".Git", "..", ".", "...", "hooks", "config", "HEAD",
    "link_out", "link_git", "link_in", "outlog.md", "pmcheck.yaml", "people.yaml", "t.j2",
    "RELIABILITY_LOG.md", "LOG.md", "PM-2026-001.yaml", "é", "日本", "a b", "x.md",
    "*", "**", "*.yaml", "PM-*.yaml",
]

relative_path = st.lists(st.sampled_from(ATOMS), min_size=1, max_size=4).map("/".join)
# Whole values that name something that matters: an input, git's files, a link out.
NOTABLE = [
    "pmcheck.yaml", "people.yaml", "t.j2", "postmortems/PM-2026-001.yaml", "postmortems/new.md",
    ".git/config", ".git/hooks/pre-commit", ".GIT/HEAD", "hooks/pre-commit", "link_git/config",
    "outlog.md", "link_out/x.md", "link_out/victim.md", "PEOPLE.YAML", "./pmcheck.yaml",
]
path_value = st.one_of(
    st.sampled_from(NOTABLE),
    relative_path,
    relative_path.map(lambda p: "/" + p),
    relative_path.map(lambda p: "./" + p),
    st.sampled_from(["", "/etc/passwd", "/tmp", "~/x.md", "C:/x.md", "..\\..\\x.md"]),
)

ORDINARY = {
    "postmortems": st.lists(st.sampled_from(["postmortems/**/*.yaml", "**/PM-*.yaml", "postmortems/*.yaml"]), min_size=1, max_size=2),
    "people": st.just("people.yaml"),
    "log": st.sampled_from(["RELIABILITY_LOG.md", "docs/LOG.md", "新/LOG.md", "link_in/LOG.md", "x.md", "a b/c.md"]),
    # Mostly none: a repository template costs a child interpreter per render.
    "log_template": st.sampled_from([None, None, None, None, None, "t.j2"]),
}
HOSTILE = {
    "postmortems": st.lists(path_value, min_size=1, max_size=2),
    "people": path_value,
    "log": path_value,
    "log_template": path_value,
}


@st.composite
def policies(draw: st.DrawFn) -> dict[str, object]:
    """A policy whose keys are ordinary but for one or two generated hostile ones, so a run
    gets past the ordinary keys to the ones under test (and sometimes all are ordinary)."""
    hostile = draw(st.sets(st.sampled_from(sorted(HOSTILE)), max_size=2))
    policy: dict[str, object] = {"trend": {"weeks": 2}}
    for key in ORDINARY:
        value = draw(HOSTILE[key] if key in hostile else ORDINARY[key])
        if value is not None:
            policy[key] = value
    return policy


@pytest.fixture(scope="module")
def template_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository (with .git, links in and out) and a sibling folder outside it."""
    base = tmp_path_factory.mktemp("property")
    repo = make_repo(base / "repo", {"PM-2026-001": PM1})
    (repo / "docs").mkdir()
    (repo / "t.j2").write_text("{{ marker }}\n{% for p in index %}- {{ p.id }}\n{% endfor %}")
    GitRepo.init(repo)
    outside = base / "outside"
    outside.mkdir()
    (outside / "victim.md").write_text("the user's file\n")
    (outside / "PM-2026-002.yaml").write_text("id: PM-2026-002\n")
    (repo / "link_out").symlink_to(outside, target_is_directory=True)
    (repo / "link_git").symlink_to(repo / ".git", target_is_directory=True)
    (repo / "link_in").symlink_to(repo / "docs", target_is_directory=True)
    (repo / "hooks").symlink_to(repo / ".git" / "hooks", target_is_directory=True)
    (repo / "outlog.md").symlink_to(outside / "victim.md")
    (base / "outputs").mkdir()
    return base


def snapshot(base: Path) -> dict[str, object]:
    seen: dict[str, object] = {}
    for folder, dirs, names in os.walk(base):
        for name in dirs + names:
            path = Path(folder) / name
            rel = path.relative_to(base).as_posix()
            info = path.lstat()
            if path.is_symlink():
                seen[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                seen[rel] = ("dir", info.st_mode)
            else:
                seen[rel] = ("file", info.st_mode, path.read_bytes())
    return seen


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    _, err = capsys.readouterr()
    return int(done.value.code or 0), err


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(policy=policies())
def test_render_and_check_write_only_the_log_and_the_outputs(
    template_tree: Path, capsys: pytest.CaptureFixture[str], policy: dict[str, object]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "tree"
        shutil.copytree(template_tree, base, symlinks=True)
        repo = base / "repo"
        # JSON is YAML: every generated value arrives exactly as generated.
        (repo / "pmcheck.yaml").write_text(json.dumps(policy, ensure_ascii=False) + "\n")
        before = snapshot(base)
        output = base / "outputs" / "report.json"
        for args in (
            ["render", str(repo), "--as-of", AS_OF],
            ["--repo", str(repo), "check", "--as-of", AS_OF, "--format", "json", "--output", str(output)],
        ):
            code, err = run(args, capsys)
            event(f"{args[0] if args[0] == 'render' else 'check'} exit {code}")
            assert code in (0, 1, 2), err
            if code == 2:
                assert err.startswith("pmcheck: error: ") and err.count("\n") == 1, err
        after = snapshot(base)
        changed = {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}
        allowed = {"outputs/report.json"}
        log = str(policy["log"])
        log_parts = [p for p in log.replace("\\", "/").split("/") if p not in ("", ".")]
        if log_parts:
            allowed.add("repo/" + "/".join(log_parts))
            # Folders render creates on the way to the log.
            allowed.update("repo/" + "/".join(log_parts[:n]) for n in range(1, len(log_parts)))
        # The per-file cache of SPEC section 12 (its own module keeps it a real folder).
        changed = {rel for rel in changed if rel != "repo/.pmcheck_cache" and not rel.startswith("repo/.pmcheck_cache/")}
        assert changed <= allowed, (changed, policy)
        inputs = {"pmcheck.yaml", _normal(str(policy["people"])), _normal(str(policy.get("log_template") or ""))}
        globs = [str(g) for g in policy["postmortems"]]  # type: ignore[attr-defined]
        for rel in changed - {"outputs/report.json"}:
            inside = rel.removeprefix("repo/")
            assert rel.startswith("repo/") and not any(part.casefold().startswith(".git") for part in inside.split("/"))
            if after.get(rel, ("dir",))[0] != "file":
                continue  # a folder render made on the way to the log
            assert inside.casefold() not in {i.casefold() for i in inputs}, (inside, policy)
            assert not any(matches(g, inside, fold=True) for g in globs), (inside, policy)
            assert not any(fixed_folder(g) and inside.startswith(fixed_folder(g) + "/") for g in globs), (inside, policy)
            assert not any(inside == link or inside.startswith(link + "/") for link in ("link_out", "link_git", "link_in", "hooks", "outlog.md"))


def _normal(path: str) -> str:
    return "/".join(p for p in path.replace("\\", "/").split("/") if p not in ("", "."))
