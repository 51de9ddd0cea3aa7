"""Expected errors: each becomes one line on stderr and exit code 2."""

from __future__ import annotations


class PmcheckError(Exception):
    """An expected failure the user can fix (bad option, bad configuration, unreadable file)."""

    exit_code = 2


class UsageError(PmcheckError):
    """The command line asks for something impossible."""


class ConfigError(PmcheckError):
    """`pmcheck.yaml`, `people.yaml` or another input outside the postmortems is unusable."""


class GitError(PmcheckError):
    """Git could not answer what pull-request mode or history needs."""
