"""Session-wide test configuration."""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    # Refreshing goldens writes files that other tests read (the sample log, docs/rules.md);
    # in parallel a reader could see a half-written file, so a refresh runs in one process.
    if os.environ.get("PMCHECK_UPDATE_GOLDEN") == "1" and config.getoption("numprocesses", None):
        config.option.numprocesses = 0
