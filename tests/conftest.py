"""Session-wide test configuration."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    # Refreshing goldens writes files that other tests read (the sample log, docs/rules.md);
    # in parallel a reader could see a half-written file, so a refresh runs in one process.
    if os.environ.get("PMCHECK_UPDATE_GOLDEN") == "1" and config.getoption("numprocesses", None):
        config.option.numprocesses = 0


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test process keeps pmcheck's result cache and signing key in its own temporary folder.

    Checks of the folders in this source tree (sample-repo/, tests/partial/) would otherwise
    write .pmcheck_cache/ into it, from several workers at once, and every run would create a
    key in the user's home. Tests of the cache itself set both per test (tests/test_cache.py).
    """
    base = tmp_path_factory.mktemp("pmcheck-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PMCHECK_CACHE_DIR", str(base / "results"))
        patch.setenv("XDG_CACHE_HOME", str(base / "user"))
        yield
