"""The benchmark's synthetic repository is deterministic and schema-valid.

A generator that drifts from the schema would benchmark the slow error path instead of a check.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from pmcheck.engine import CheckOptions, run_check

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pmcheck_benchmark_generate", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_same_seed_same_bytes_and_every_file_is_schema_valid(tmp_path: Path) -> None:
    generate = _generator().generate
    generate(tmp_path / "a", 60, 3)
    generate(tmp_path / "b", 60, 3)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yaml"))
    assert len(files) == 62  # pmcheck.yaml, people.yaml and 60 postmortems
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel

    result = run_check(CheckOptions(repo=str(tmp_path / "a"), as_of=dt.date(2026, 11, 27), fail_on="never"))
    assert result.postmortems == 60
    assert not [f for f in result.findings if f.code in ("PM001", "PM002", "PM003")]
