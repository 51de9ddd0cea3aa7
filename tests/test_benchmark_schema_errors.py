"""The error-path benchmark repository: every postmortem carries exactly one schema error."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from collections import Counter
from pathlib import Path

from pmcheck.engine import CheckOptions, run_check

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


def test_schema_errors_option_gives_each_postmortem_one_schema_error(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("pmcheck_benchmark_generate_errors", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.generate(tmp_path / "valid", 40, 5)
    module.generate(tmp_path / "invalid", 40, 5, schema_errors=True)

    options = CheckOptions(repo=str(tmp_path / "invalid"), as_of=dt.date(2026, 11, 27), fail_on="never")
    result = run_check(options)
    per_file = Counter(f.path for f in result.findings if f.code == "PM003")
    assert len(per_file) == 40 and set(per_file.values()) == {1}
    assert not [f for f in result.findings if f.code in ("PM001", "PM002")]
    # The same incidents otherwise: the valid repository's files differ only where the error is.
    valid = sorted((tmp_path / "valid" / "postmortems").iterdir())
    invalid = sorted((tmp_path / "invalid" / "postmortems").iterdir())
    assert [p.name for p in valid] == [p.name for p in invalid]
