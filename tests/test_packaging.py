"""The wheel ships the schemas and presets, and an installed wheel finds them without the source."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import pmcheck

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = [f"pmcheck/schemas/{name}.schema.json" for name in ("postmortem", "people", "policy")]
PRESET = "pmcheck/presets/default-policy.yaml"
# Every test reads the wheel the module builds with pip.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-cache-dir", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [path] = out.glob("pmcheck-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked as an installer would lay it out in site-packages."""
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_wheel_contains_the_schemas_and_the_default_policy(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in [*SCHEMAS, PRESET]:
        assert name in names, name
    assert "pmcheck/__init__.py" in names and "pmcheck/rules/__init__.py" in names
    # The source tree's tests and sample data stay out of the wheel.
    assert not any(n.startswith(("tests/", "sample-repo/")) for n in names)


def test_packaged_schemas_equal_the_published_ones(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    for name in SCHEMAS:
        published = ROOT / "schemas" / Path(name).name
        assert json.loads(archive.read(name)) == json.loads(published.read_text())


def test_wheel_metadata(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    text = archive.read(metadata).decode()
    assert f"Version: {pmcheck.__version__}" in text
    for dependency in ("pyyaml", "jsonschema", "gitpython", "click", "jinja2"):
        assert f"Requires-Dist: {dependency}" in text.lower().replace("requires-dist: ", "Requires-Dist: ")
    entry_points = next(n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt"))
    assert "pmcheck = pmcheck.cli:main" in archive.read(entry_points).decode()


def run_installed(installed: Path, args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run Python with only the unpacked wheel added to the path, from an empty folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(installed)
    empty = tmp_path / "empty"
    empty.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, *args], cwd=empty, env=env, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120,
    )


def test_installed_wheel_loads_every_schema_and_preset_without_the_source_tree(installed: Path, tmp_path: Path) -> None:
    code = """
import json, sys
import pmcheck, pmcheck.schema
from pathlib import Path
from importlib import resources
print(Path(pmcheck.__file__).resolve().parent)
for name in ("postmortem", "people", "policy"):
    json.loads(pmcheck.schema.schema_text(name))
from pmcheck.policy import load_policy
print(list(load_policy(Path.cwd()).priorities))
"""
    done = run_installed(installed, ["-c", code], tmp_path)
    assert done.returncode == 0, done.stderr
    package_dir, priorities = done.stdout.splitlines()
    # The module came from the unpacked wheel, not the checkout the tests run from.
    assert Path(package_dir) == (installed / "pmcheck").resolve()
    assert priorities == "['P0', 'P1', 'P2', 'P3']"


def test_installed_wheel_prints_a_schema_through_the_cli(installed: Path, tmp_path: Path) -> None:
    done = run_installed(installed, ["-m", "pmcheck", "schema", "policy"], tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["$id"].endswith("/policy.schema.json")
    assert json.loads(done.stdout) == json.loads((ROOT / "schemas" / "policy.schema.json").read_text())
