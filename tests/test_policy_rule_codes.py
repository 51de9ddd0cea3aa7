"""`rules:` in pmcheck.yaml may name only registered rules.

The policy sits below the rules (tests/test_architecture.py), so ``load_policy`` checks the
codes it is given; every command loads the policy through ``engine.load_context``, which gives
it the registry's codes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pmcheck.cli import main
from pmcheck.engine import load_context
from pmcheck.errors import ConfigError
from pmcheck.policy import load_policy
from pmcheck.rules import REGISTRY

UNKNOWN = "pmcheck.yaml:2:3: rules.PM999: unknown rule code (see `pmcheck rules`)"


def write_policy(root: Path, text: str) -> None:
    (root / "pmcheck.yaml").write_text(textwrap.dedent(text))


def test_load_context_rejects_an_unknown_rule_code(tmp_path: Path) -> None:
    write_policy(tmp_path, "rules:\n  PM999: off\n")
    with pytest.raises(ConfigError) as raised:
        load_context(str(tmp_path), None, None)
    assert str(raised.value) == UNKNOWN


def test_load_policy_checks_the_codes_it_is_given(tmp_path: Path) -> None:
    write_policy(tmp_path, "rules:\n  PM999: off\n")
    with pytest.raises(ConfigError, match="rules.PM999: unknown rule code"):
        load_policy(tmp_path, known_codes=REGISTRY)
    assert load_policy(tmp_path, known_codes={"PM999"}).severity_override("PM999") == "off"


@pytest.mark.parametrize("command", [["check"], ["render", "--stdout"], ["history"], ["new", "--title", "x"]])
def test_every_command_rejects_an_unknown_rule_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    write_policy(tmp_path, "rules:\n  PM999: off\n")
    with pytest.raises(SystemExit) as raised:
        main(["--repo", str(tmp_path), *command])
    assert raised.value.code == 2
    assert UNKNOWN in capsys.readouterr().err
