"""Build git fixture repositories with pinned identities, branch names and dates.

Every git call runs through ``subprocess`` with a clean configuration (no global or system
config, ``init.defaultBranch=main``) and fixed author and committer, so commit ids are the same
on every machine and every run.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Mapping
from pathlib import Path

DEFAULT_DATE = "2026-06-10T12:00:00+00:00"
ALICE = ("Alice Ng", "alice.ng@example.com")


def git_env(date: str = DEFAULT_DATE, author: tuple[str, str] = ALICE) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME=author[0],
        GIT_AUTHOR_EMAIL=author[1],
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_NAME=author[0],
        GIT_COMMITTER_EMAIL=author[1],
        GIT_COMMITTER_DATE=date,
        LC_ALL="C",
    )
    return env


class GitRepo:
    """A work tree under ``path``; ``git(...)`` runs a git command in it and returns stdout."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def init(cls, path: Path, files: Mapping[str, str] | None = None) -> GitRepo:
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo.git("-c", "init.defaultBranch=main", "init", "-q", "-b", "main")
        repo.git("config", "init.defaultBranch", "main")
        repo.git("config", "commit.gpgsign", "false")
        for rel, text in (files or {}).items():
            repo.write(rel, text)
        return repo

    def git(self, *args: str, date: str = DEFAULT_DATE, author: tuple[str, str] = ALICE, check: bool = True) -> str:
        done = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env=git_env(date, author),
            capture_output=True,
            text=True,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
        return done.stdout

    def write(self, rel: str, text: str) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
        return target

    def read(self, rel: str) -> str:
        return (self.path / rel).read_text()

    def replace(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, (rel, old)
        (self.path / rel).write_text(text.replace(old, new, 1))

    def move(self, old: str, new: str) -> None:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)

    def commit(self, message: str, date: str = DEFAULT_DATE, author: tuple[str, str] = ALICE) -> str:
        self.git("add", "-A", date=date, author=author)
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date, author=author)
        return self.git("rev-parse", "HEAD").strip()

    def branch(self, name: str) -> None:
        self.git("checkout", "-q", "-b", name)

    def checkout(self, name: str) -> None:
        self.git("checkout", "-q", name)
