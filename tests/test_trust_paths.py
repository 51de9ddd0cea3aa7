"""SPEC section 11: every path a repository configures is vetted, and every repository file is
read one safe way (``pmcheck.files``). Issue 9 items 1, 2, 8, 12 and 15."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pmcheck.files import Refused, discover, is_git_name, read_bytes
from tests.cli_runner import invoke
from tests.gitrepo import GitRepo
from tests.test_view import PM1, make_repo

AS_OF = "2026-06-15"
SECRET = "hunter2-secret-value"


def repo_with(tmp_path: Path, policy: str) -> Path:
    return make_repo(tmp_path / "repo", {"PM-2026-001": PM1}, policy=policy)


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every file and link under ``folder`` with its content (links by target)."""
    seen: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            seen[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            seen[rel] = path.read_bytes()
    return seen


# -- item 1: log never in .git, never an input ---------------------------------------------------


@pytest.mark.parametrize(
    ("log", "says"),
    [
        (".git/config", "log: '.git/config' is inside .git"),
        (".git/hooks/pre-commit", "log: '.git/hooks/pre-commit' is inside .git"),
        (".GIT/config", "is inside .git"),
        ("docs/.Git/hooks/post-checkout", "is inside .git"),
        ("pmcheck.yaml", "log: 'pmcheck.yaml' is also the policy file"),
        ("people.yaml", "log: 'people.yaml' is also the roster (people:)"),
        ("./people.yaml", "is also the roster"),
        ("PEOPLE.YAML", "is also the roster"),
        ("postmortems/PM-2026-001.yaml", "matches postmortems: 'postmortems/**/*.yaml'"),
        ("postmortems/LOG.md", "is inside the postmortem folder 'postmortems'"),
        (".github/workflows/log.yml", "is a hidden path"),
        ("postmortems", "is a folder, not a file"),
        ("../LOG.md", "must be a path inside the repository"),
        ("/tmp/LOG.md", "must be a path inside the repository"),
        ("", "log: must not be empty"),
    ],
)
def test_a_log_path_that_would_overwrite_git_or_an_input_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], log: str, says: str
) -> None:
    repo = repo_with(tmp_path, f"trend: {{weeks: 2}}\nlog: {log!r}\n")
    GitRepo.init(repo)
    before = snapshot(repo)
    for command in (["render", str(repo), "--as-of", AS_OF], ["--repo", str(repo), "check", "--as-of", AS_OF]):
        code, out, err = invoke(command, capsys)
        assert code == 2, err
        assert err.startswith("pmcheck: error: pmcheck.yaml:2:1: ") and says in err
        assert err.count("\n") == 1 and out == ""
    assert snapshot(repo) == before


def test_a_log_template_cannot_write_git_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The attack of issue 9 item 1: a template printing an fsmonitor command into .git/config.
    repo = repo_with(tmp_path, "log: .git/config\nlog_template: t.j2\n")
    (repo / "t.j2").write_text('{{ marker }}\n[core]\n\tfsmonitor = "touch pwned"\n')
    GitRepo.init(repo)
    config = (repo / ".git" / "config").read_bytes()
    code, _, err = invoke(["render", str(repo), "--as-of", AS_OF], capsys)
    assert code == 2 and "inside .git" in err
    assert (repo / ".git" / "config").read_bytes() == config


def test_a_log_reaching_git_through_a_folder_link_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with(tmp_path, "log: hooks/pre-commit\n")
    GitRepo.init(repo)
    (repo / "hooks").symlink_to(repo / ".git" / "hooks", target_is_directory=True)
    code, _, err = invoke(["render", str(repo), "--as-of", AS_OF], capsys)
    assert code == 2
    assert "pmcheck.yaml:1:1: log: 'hooks/pre-commit' leads into .git through a symbolic link" in err
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()


def test_the_log_may_not_be_the_config_file_given_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with(tmp_path, "{}\n")
    (repo / "strict.yaml").write_text("log: strict.yaml\n")
    code, _, err = invoke(["--config", str(repo / "strict.yaml"), "render", str(repo), "--as-of", AS_OF], capsys)
    assert code == 2 and "log: 'strict.yaml' is also the policy file" in err
    assert (repo / "strict.yaml").read_text() == "log: strict.yaml\n"


def test_a_log_equal_to_the_template_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with(tmp_path, "log: docs/LOG.md\nlog_template: docs/LOG.md\n")
    (repo / "docs").mkdir()
    (repo / "docs" / "LOG.md").write_text("{{ marker }}\n")
    code, _, err = invoke(["render", str(repo), "--as-of", AS_OF], capsys)
    assert code == 2 and "pmcheck.yaml:1:1: log: 'docs/LOG.md' is also the log template" in err


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("people", ".git/config", "people: '.git/config' is inside .git"),
        ("people", "postmortems", "people: 'postmortems' is a folder, not a file"),
        ("log_template", "../t.j2", "log_template: '../t.j2' must be a path inside the repository"),
        ("log_template", ".git/HEAD", "log_template: '.git/HEAD' is inside .git"),
    ],
)
def test_roster_and_template_paths_are_vetted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: str, says: str
) -> None:
    repo = repo_with(tmp_path, f"{key}: {value}\n")
    GitRepo.init(repo)
    code, out, err = invoke(["--repo", str(repo), "check", "--as-of", AS_OF], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"pmcheck: error: pmcheck.yaml:1:1: {says}"), err
    assert err.count("\n") == 1


def test_git_names_in_every_spelling() -> None:
    for name in (".git", ".GIT", ".Git", ".git.", ".git ", ".g\u200cit", "GIT~1", ".\ufeffgit"):
        assert is_git_name(name), name
    for name in ("git", ".github", ".gitignore", ".gits", "x.git"):
        assert not is_git_name(name), name


# -- item 8: postmortem globs stay in the work tree ----------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        ("../../../../etc/*", "must be a pattern inside the repository"),
        ("/etc/*", "must be a pattern inside the repository"),
        (".", "must name files"),
        ("postmortems/**", "must name files"),
        (".git/**/*", "reaches into .git"),
        ("x/.GIT/*", "reaches into .git"),
    ],
)
def test_a_glob_leaving_the_repository_is_a_located_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pattern: str, says: str
) -> None:
    repo = repo_with(tmp_path, f"postmortems:\n  - postmortems/*.yaml\n  - {pattern!r}\n")
    code, out, err = invoke(["--repo", str(repo), "check", "--as-of", AS_OF], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("pmcheck: error: pmcheck.yaml:3:5: postmortems: ") and says in err, err
    assert err.count("\n") == 1


def test_recursive_globs_never_list_git_or_files_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"{SECRET}: 1\n")
    repo = repo_with(tmp_path, "{}\n")
    GitRepo.init(repo)
    (repo / ".git" / "PM-2026-009.yaml").write_text("x: 1\n")
    (repo / "postmortems" / "ext").symlink_to(outside, target_is_directory=True)
    (repo / "postmortems" / "loop").symlink_to(repo / "postmortems", target_is_directory=True)
    found = discover(repo, ("**/*", "**/*.yaml", "*/ext/*.yaml", "postmortems/ext/*.yaml"))
    assert not [p for p in found if p.split("/")[0].lower() == ".git"]
    assert not [p for p in found if "/ext/" in p or "/loop/" in p]
    assert "postmortems/PM-2026-001.yaml" in found
    assert found == sorted(set(found))


def test_a_folder_link_inside_the_repository_is_followed_by_a_literal_part(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "{}\n")
    (repo / "archive").mkdir()
    (repo / "archive" / "PM-2025-001.yaml").write_text("x: 1\n")
    (repo / "old").symlink_to(repo / "archive", target_is_directory=True)
    assert discover(repo, ("old/*.yaml",)) == ["old/PM-2025-001.yaml"]


def test_check_with_an_outside_glob_never_echoes_outside_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / f"{SECRET}.yaml").write_text("a: 1\n")
    repo = repo_with(tmp_path, "postmortems: ['../*.yaml']\n")
    code, out, err = invoke(["--repo", str(repo), "check", "--as-of", AS_OF], capsys)
    assert code == 2 and SECRET not in out + err


# -- item 2 and 12: reads never follow links out, never open FIFOs or devices ---------------------


@pytest.mark.parametrize("target", ["/proc/self/environ", "/dev/zero", "/dev/stdin"])
def test_render_check_never_reads_a_log_linked_out_of_the_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    monkeypatch.setenv("PMCHECK_TEST_SECRET", SECRET)
    repo = repo_with(tmp_path, "log: LOG.md\n")
    (repo / "LOG.md").symlink_to(target)
    started = time.monotonic()
    code, out, err = invoke(["render", str(repo), "--check", "--as-of", AS_OF], capsys)
    assert time.monotonic() - started < 60  # a hang would be forever; a loaded CI machine is slow
    assert code == 2
    assert SECRET not in out + err
    assert "symbolic link" in err and err.count("\n") == 1


def test_pmcheck_new_does_not_read_a_log_linked_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with(tmp_path, "log: LOG.md\n")
    (repo / "LOG.md").symlink_to("/dev/zero")
    # Checked at the policy: the link leaves the work tree, so `new` stops before reading it.
    code, _, err = invoke(["--repo", str(repo), "new", "--as-of", AS_OF], capsys)
    assert code == 2 and "log: 'LOG.md' leads outside the repository" in err


def test_a_fifo_is_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(Refused, match=r"not a regular file \(a FIFO\)"):
        read_bytes(fifo, 1024, tmp_path)
    assert time.monotonic() - started < 60  # a hang would be forever; a loaded CI machine is slow


def test_a_postmortem_linked_to_a_fifo_is_a_finding_not_a_hang(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with(tmp_path, "{}\n")
    os.mkfifo(repo / "fifo")
    (repo / "postmortems" / "PM-2026-002.yaml").symlink_to(repo / "fifo")
    code, out, _ = invoke(["--repo", str(repo), "check", "--as-of", AS_OF, "--select", "PM001"], capsys)
    assert code == 1
    [line] = [line for line in out.splitlines() if line.startswith(f"{repo / 'postmortems/PM-2026-002.yaml'}:1:1: ")]
    assert "PM001" in line and line.endswith("not a regular file (a FIFO)")


def test_a_fifo_template_is_a_config_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with(tmp_path, "log_template: t.j2\n")
    os.mkfifo(repo / "t.j2")
    code, _, err = invoke(["render", str(repo), "--stdout", "--as-of", AS_OF], capsys)
    assert code == 2 and "log_template: cannot read t.j2: not a regular file (a FIFO)" in err


def test_a_fifo_roster_and_a_fifo_policy_are_config_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with(tmp_path, "{}\n")
    (repo / "people.yaml").unlink()
    os.mkfifo(repo / "people.yaml")
    code, _, err = invoke(["--repo", str(repo), "check", "--as-of", AS_OF], capsys)
    assert (code, err) == (2, "pmcheck: error: people.yaml:1:1: not a regular file (a FIFO)\n")
    (repo / "pmcheck.yaml").unlink()
    os.mkfifo(repo / "pmcheck.yaml")
    code, _, err = invoke(["--repo", str(repo), "check", "--as-of", AS_OF], capsys)
    assert (code, err) == (2, "pmcheck: error: pmcheck.yaml:1:1: not a regular file (a FIFO)\n")


def test_a_large_file_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 5000)
    with pytest.raises(Refused, match="5,000 bytes, over the 100-byte limit"):
        read_bytes(tmp_path / "big", 100, tmp_path)
    assert read_bytes(tmp_path / "big", 5000, tmp_path) == b"x" * 5000


# -- item 15: configuration paths that are not files ---------------------------------------------


@pytest.mark.parametrize(("config", "says"), [("/dev/null", "not a regular file (a character device)"), ("absent.yaml", "no such file")])
def test_config_that_is_not_a_regular_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, says: str) -> None:
    repo = repo_with(tmp_path, "{}\n")
    code, _, err = invoke(["--config", config, "--repo", str(repo), "check", "--as-of", AS_OF], capsys)
    assert (code, err) == (2, f"pmcheck: error: --config {config}: {says}\n")


def test_config_given_as_a_fifo_does_not_hang(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with(tmp_path, "{}\n")
    os.mkfifo(tmp_path / "policy.fifo")
    code, _, err = invoke(["--config", str(tmp_path / "policy.fifo"), "--repo", str(repo), "check"], capsys)
    assert code == 2 and "not a regular file (a FIFO)" in err


def test_people_naming_a_folder_names_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with(tmp_path, "\npeople: postmortems\n")
    code, _, err = invoke(["--repo", str(repo), "check", "--as-of", AS_OF], capsys)
    assert (code, err) == (2, "pmcheck: error: pmcheck.yaml:2:1: people: 'postmortems' is a folder, not a file\n")


# -- item 15: selecting 2,000 PATH arguments stays linear ----------------------------------------


def test_selecting_two_thousand_paths_is_not_paths_times_files(tmp_path: Path) -> None:
    from pmcheck.policy import load_policy
    from pmcheck.repository import discover as discover_postmortems
    from pmcheck.repository import select

    (tmp_path / "postmortems" / "a").mkdir(parents=True)
    (tmp_path / "postmortems" / "b").mkdir(parents=True)
    for n in range(2000):
        (tmp_path / "postmortems" / "a" / f"PM-2026-{n:04d}.yaml").write_text("x: 1\n")
        (tmp_path / "postmortems" / "b" / f"PM-2025-{n:04d}.yaml").write_text("x: 1\n")
    policy = load_policy(tmp_path)
    files = discover_postmortems(tmp_path, policy)
    paths = [str(tmp_path / "postmortems" / "a" / f"PM-2026-{n:04d}.yaml") for n in range(2000)]
    folders = [str(tmp_path / "postmortems" / "a")] * 2000
    started = time.process_time()
    assert len(select(tmp_path, files, paths, policy)) == 2000
    assert len(select(tmp_path, files, folders, policy)) == 2000
    # CPU time, not wall time, so a loaded machine does not fail it: paths x files comparisons
    # (8 million here) took seconds; a sorted slice per folder takes a tenth of that.
    assert time.process_time() - started < 1.0
