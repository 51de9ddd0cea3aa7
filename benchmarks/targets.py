"""Measure every target of the performance work as a ratio against a baseline.

    python benchmarks/targets.py                       # every row, 3 interleaved runs per cell
    python benchmarks/targets.py --only full single    # some rows
    python benchmarks/targets.py --json                # machine-readable

Absolute times on a shared machine drift; ratios of commands run in the same process tree,
interleaved (a burst of load hits every cell of a row alike), hold. Each row times its cells in
fresh processes and compares CPU time (user + system of the process and its waited-for
children, from ``wait4``), with the wall-time ratio beside it:

* ``full``    -- ``pmcheck check`` of 2,000 postmortems, cold and warm cache, vs a bare libyaml
  parse of the same files in one process;
* ``invalid`` -- the same with every postmortem carrying one schema error;
* ``single``  -- ``pmcheck check ONE.yaml`` (the pre-commit case) in the 2,000-postmortem git
  repository, cold and warm, vs ``yamllint ONE.yaml``;
* ``memory``  -- peak resident memory per postmortem of a cold check at 2,000, 8,000 and 20,000
  postmortems, and CPU time per postmortem at the largest size over the smallest;
* ``history`` -- ``pmcheck history`` over 5,000 commits, cold and warm cache (blob summaries and
  each commit's changes), vs ``git log -p -M`` over the same paths (a literal ``postmortems``
  pathspec, and the policy's globs as git pathspecs); the target compares the warm run;
* ``render``  -- ``pmcheck render`` vs ``pmcheck check`` in the 2,000-postmortem git repository;
* ``startup`` -- ``pmcheck --version`` vs ``python -c pass``, and the import time of the
  pre-commit path (``python -X importtime``), with the share of jsonschema, GitPython and Jinja.

"Cold" runs get an empty cache folder (``PMCHECK_CACHE_DIR``) each time; "warm" runs share one
that a first, untimed run filled. A pmcheck without a cache ignores the variable, so the same
script measures before and after.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402  (sibling scripts, not a package)
from history_bench import build as build_history  # noqa: E402
from run import AS_OF, BASELINE, run_once  # noqa: E402

SEED = 1
ROWS = ("full", "invalid", "single", "memory", "history", "render", "startup")
# The targets of the issue, as (row, ratio name) -> upper bound.
TARGETS = {
    ("full", "warm"): 0.5,
    ("full", "cold"): 1.5,
    ("invalid", "cold"): 2.0,
    ("single", "warm"): 3.0,
    ("memory", "kb_per_postmortem"): 30.0,
    ("memory", "scaling"): 1.25,
    ("history", "warm"): 1.5,
    ("render", "render"): 1.2,
}
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_AUTHOR_DATE": "2026-11-27T12:00:00Z",
    "GIT_COMMITTER_DATE": "2026-11-27T12:00:00Z",
}


@dataclass
class Cell:
    """One command of a row, run ``repeat`` times interleaved with the row's other cells."""

    name: str
    argv: list[str]
    cwd: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    ok: tuple[int, ...] = (0,)
    before: Callable[[], None] | None = None
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        return {
            "wall_s": round(statistics.median(self.wall), 3),
            "cpu_s": round(statistics.median(self.cpu), 3),
            "peak_mb": round(max(self.peak), 1),
        }


def run_cell(cell: Cell) -> None:
    if cell.before is not None:
        cell.before()
    wall, cpu, peak, code, stderr = run_once(cell.argv, cell.cwd, {**os.environ, **cell.env})
    if code not in cell.ok:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        raise SystemExit(f"{cell.name}: exit code {code}: {last}")
    cell.wall.append(wall)
    cell.cpu.append(cpu)
    cell.peak.append(peak)


def measure(row: str, cells: list[Cell], repeat: int) -> dict[str, dict[str, float]]:
    for n in range(repeat):
        for cell in cells:
            run_cell(cell)
            print(f"{row} {cell.name} run {n + 1}: {cell.wall[-1]:.2f} s, {cell.cpu[-1]:.2f} s CPU, {cell.peak[-1]:.0f} MB", file=sys.stderr)
    return {cell.name: cell.summary() for cell in cells}


def ratio(cells: dict[str, dict[str, float]], top: str, bottom: str) -> dict[str, float]:
    return {
        "cpu": round(cells[top]["cpu_s"] / cells[bottom]["cpu_s"], 2),
        "wall": round(cells[top]["wall_s"] / cells[bottom]["wall_s"], 2),
    }


# --- repositories ---------------------------------------------------------------------------


def prepare(work: Path, size: int, schema_errors: bool = False, git: bool = False) -> Path:
    """The generated repository, regenerated when the size, seed or generator changed."""
    generator = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()
    name = f"repo-{size}-seed{SEED}" + ("-invalid" if schema_errors else "") + ("-git" if git else "")
    repo = work / name
    marker = repo / ".benchmark.json"
    wanted = {"postmortems": size, "seed": SEED, "generator": generator, "invalid": schema_errors, "git": git}
    if marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == wanted:
        return repo
    print(f"generating {name} ...", file=sys.stderr)
    if repo.exists():
        shutil.rmtree(repo)
    generate(repo, size, SEED, schema_errors)
    if git:
        env = {**os.environ, **GIT_ENV}
        (repo / ".gitignore").write_text(".benchmark.json\n.pmcheck_cache/\n", encoding="utf-8")
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
        subprocess.run(["git", "commit", "-q", "-m", "Postmortems"], cwd=repo, check=True, env=env)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return repo


class Caches:
    """Cache folders handed to pmcheck through PMCHECK_CACHE_DIR."""

    def __init__(self, work: Path) -> None:
        self.work = work / "caches"

    def cold(self, name: str) -> tuple[dict[str, str], Callable[[], None]]:
        folder = self.work / f"cold-{name}"

        def empty() -> None:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)

        return {"PMCHECK_CACHE_DIR": str(folder)}, empty

    def warm(self, name: str, prime: list[str], cwd: Path | None = None) -> dict[str, str]:
        folder = self.work / f"warm-{name}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        env = {**os.environ, "PMCHECK_CACHE_DIR": str(folder)}
        subprocess.run(prime, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=False)
        return {"PMCHECK_CACHE_DIR": str(folder)}


def pmcheck(*args: str) -> list[str]:
    return [sys.executable, "-m", "pmcheck", *args]


def check_args(target: str) -> list[str]:
    return pmcheck("check", target, "--as-of", AS_OF, "--format", "json", "--output", os.devnull, "--fail-on", "never")


# --- rows -----------------------------------------------------------------------------------


def row_full(work: Path, caches: Caches, repeat: int, schema_errors: bool = False) -> dict[str, Any]:
    repo = prepare(work, 2000, schema_errors)
    label = "invalid" if schema_errors else "full"
    cold_env, empty = caches.cold(label)
    argv = check_args(str(repo))
    warm_env = caches.warm(label, argv)
    cells = measure(
        label,
        [
            Cell("baseline", [sys.executable, "-c", BASELINE, str(repo)]),
            Cell("cold", argv, env=cold_env, before=empty),
            Cell("warm", argv, env=warm_env),
        ],
        repeat,
    )
    return {"cells": cells, "ratios": {"cold": ratio(cells, "cold", "baseline"), "warm": ratio(cells, "warm", "baseline")}}


def row_single(work: Path, caches: Caches, repeat: int) -> dict[str, Any]:
    repo = prepare(work, 2000, git=True)
    files = sorted((repo / "postmortems").glob("*.yaml"))
    one = files[len(files) // 2].relative_to(repo).as_posix()
    cold_env, empty = caches.cold("single")
    argv = check_args(one)
    warm_env = caches.warm("single", argv, cwd=repo)
    cells = measure(
        "single",
        [
            # yamllint exits 1 when its default rules (line length, document start) complain.
            Cell("yamllint", [sys.executable, "-m", "yamllint", one], cwd=repo, ok=(0, 1)),
            Cell("cold", argv, cwd=repo, env=cold_env, before=empty),
            Cell("warm", argv, cwd=repo, env=warm_env),
            Cell("full_cold", check_args("."), cwd=repo, env=cold_env, before=empty),
        ],
        repeat,
    )
    return {
        "file": one,
        "cells": cells,
        "ratios": {
            "cold": ratio(cells, "cold", "yamllint"),
            "warm": ratio(cells, "warm", "yamllint"),
            "cold_share_of_full": ratio(cells, "cold", "full_cold"),
        },
    }


def row_memory(work: Path, caches: Caches, repeat: int, sizes: list[int]) -> dict[str, Any]:
    out: dict[str, Any] = {"sizes": {}}
    for size in sizes:
        repo = prepare(work, size)
        env, empty = caches.cold(f"memory-{size}")
        cells = measure(f"memory {size}", [Cell("cold", check_args(str(repo)), env=env, before=empty)], repeat)
        cold = cells["cold"]
        out["sizes"][str(size)] = {
            **cold,
            "kb_per_postmortem": round(cold["peak_mb"] * 1024 / size, 1),
            "ms_cpu_per_postmortem": round(cold["cpu_s"] * 1000 / size, 3),
        }
    first, last = out["sizes"][str(sizes[0])], out["sizes"][str(sizes[-1])]
    out["ratios"] = {
        "kb_per_postmortem": last["kb_per_postmortem"],
        "scaling": round(last["ms_cpu_per_postmortem"] / first["ms_cpu_per_postmortem"], 2),
    }
    return out


def row_history(work: Path, caches: Caches, repeat: int, commits: int, postmortems: int) -> dict[str, Any]:
    repo = work / f"history-{commits}-{postmortems}"
    if not (repo / ".git").is_dir():
        shutil.rmtree(repo, ignore_errors=True)
        build_history(repo, commits, postmortems)
    env = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    globs = [":(glob)postmortems/**/*.yaml", ":(glob)postmortems/**/*.yml"]
    argv = pmcheck("--repo", str(repo), "history", "--format", "json")
    cold_env, empty = caches.cold("history")
    warm_env = caches.warm("history", argv, cwd=repo)
    cells = measure(
        "history",
        [
            Cell("git_log_literal", ["git", "log", "-p", "-M", "--", "postmortems"], cwd=repo, env=env),
            Cell("git_log_globs", ["git", "log", "-p", "-M", "--", *globs], cwd=repo, env=env),
            Cell("cold", argv, cwd=repo, env={**env, **cold_env}, before=empty),
            Cell("warm", argv, cwd=repo, env={**env, **warm_env}),
        ],
        repeat,
    )
    return {
        "commits": commits,
        "postmortems": postmortems,
        "cells": cells,
        "ratios": {
            "warm": ratio(cells, "warm", "git_log_literal"),
            "cold": ratio(cells, "cold", "git_log_literal"),
            "warm_globs": ratio(cells, "warm", "git_log_globs"),
        },
    }


def row_render(work: Path, caches: Caches, repeat: int) -> dict[str, Any]:
    repo = prepare(work, 2000, git=True)
    env, empty = caches.cold("render")
    cells = measure(
        "render",
        [
            Cell("check", check_args("."), cwd=repo, env=env, before=empty),
            Cell("render", pmcheck("render", "--stdout", "--as-of", AS_OF), cwd=repo, env=env, before=empty),
        ],
        repeat,
    )
    return {"cells": cells, "ratios": {"render": ratio(cells, "render", "check")}}


_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| *(\S+)")


def import_profile(argv: list[str], cwd: Path) -> dict[str, Any]:
    """Import time of one run, from ``-X importtime``: the total, and the cumulative time of the
    heavy third-party packages when that run imports them at all."""
    done = subprocess.run([sys.executable, "-X", "importtime", *argv], cwd=cwd, capture_output=True, text=True, check=False)
    total = 0
    heavy: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match is None:
            continue
        own, cumulative, name = int(match[1]), int(match[2]), match[3]
        total += own
        if name in ("jsonschema", "git", "jinja2", "yaml", "click") and name not in heavy:
            heavy[name] = round(cumulative / 1000, 1)
    return {"total_ms": round(total / 1000, 1), "packages_ms": heavy}


def row_startup(work: Path, repeat: int) -> dict[str, Any]:
    repo = prepare(work, 2000, git=True)
    files = sorted((repo / "postmortems").glob("*.yaml"))
    one = files[len(files) // 2].relative_to(repo).as_posix()
    cells = measure(
        "startup",
        [
            Cell("python", [sys.executable, "-c", "pass"]),
            Cell("version", pmcheck("--version")),
        ],
        max(repeat, 5),
    )
    argv = ["-m", "pmcheck", "check", one, "--as-of", AS_OF, "--format", "json", "--output", os.devnull, "--fail-on", "never"]
    return {
        "cells": cells,
        "ratios": {"version": ratio(cells, "version", "python")},
        "imports": {"version": import_profile(["-m", "pmcheck", "--version"], repo), "pre_commit": import_profile(argv, repo)},
    }


# --- report ---------------------------------------------------------------------------------


def misses(report: dict[str, Any]) -> list[str]:
    found = []
    for (row, name), bound in TARGETS.items():
        value = report["rows"].get(row, {}).get("ratios", {}).get(name)
        if value is None:
            continue
        number = value["cpu"] if isinstance(value, dict) else value
        if number > bound:
            found.append(f"{row} {name}: {number} (target ≤ {bound})")
    return found


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Python {report['python']}, {report['cpus']} CPUs, {report['repeat']} interleaved runs per cell (medians).",
        "",
        "| row | cell | CPU s | wall s | peak MB |",
        "|---|---|---:|---:|---:|",
    ]
    for row, result in report["rows"].items():
        if row == "memory":
            for size, cell in result["sizes"].items():
                lines.append(f"| memory | cold check, {int(size):,} postmortems | {cell['cpu_s']:.2f} | {cell['wall_s']:.2f} | {cell['peak_mb']:.0f} |")
            continue
        for name, cell in result["cells"].items():
            lines.append(f"| {row} | {name} | {cell['cpu_s']:.2f} | {cell['wall_s']:.2f} | {cell['peak_mb']:.0f} |")
    lines += ["", "| row | ratio | CPU | wall | target |", "|---|---|---:|---:|---|"]
    for row, result in report["rows"].items():
        for name, value in result.get("ratios", {}).items():
            bound = TARGETS.get((row, name))
            target = f"≤ {bound}" if bound is not None else ""
            if isinstance(value, dict):
                lines.append(f"| {row} | {name} | {value['cpu']:.2f}× | {value['wall']:.2f}× | {target} |")
            else:
                lines.append(f"| {row} | {name} | {value} | | {target} |")
    startup = report["rows"].get("startup")
    if startup is not None:
        for name, profile in startup["imports"].items():
            parts = ", ".join(f"{k} {v} ms" for k, v in profile["packages_ms"].items())
            lines.append(f"\nImports of `{name}`: {profile['total_ms']} ms in all; {parts or 'no heavy package'}.")
    if report["misses"]:
        lines += ["", "Targets missed: " + "; ".join(report["misses"]) + "."]
    return "\n".join(lines)


def byte_compiled() -> None:
    """Byte-compile pmcheck before timing it, as installing a wheel does: with
    PYTHONDONTWRITEBYTECODE set (or a read-only checkout) every timed run would compile the
    modules changed since their last bytecode again, which no installed pmcheck does."""
    spec = importlib.util.find_spec("pmcheck")
    if spec is not None and spec.origin is not None:
        compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=ROWS, default=list(ROWS), help="rows to measure (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs per cell (default 3)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 8000, 20000], help="sizes of the memory row")
    parser.add_argument("--commits", type=int, default=5000, help="commits of the history row (default 5000)")
    parser.add_argument("--postmortems", type=int, default=1000, help="postmortems of the history row (default 1000)")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "pmcheck-benchmark",
        help="where generated repositories and caches are kept between runs",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    byte_compiled()
    args.work.mkdir(parents=True, exist_ok=True)
    caches = Caches(args.work)
    rows: dict[str, Any] = {}
    for row in ROWS:
        if row not in args.only:
            continue
        if row == "full":
            rows[row] = row_full(args.work, caches, args.repeat)
        elif row == "invalid":
            rows[row] = row_full(args.work, caches, args.repeat, schema_errors=True)
        elif row == "single":
            rows[row] = row_single(args.work, caches, args.repeat)
        elif row == "memory":
            rows[row] = row_memory(args.work, caches, args.repeat, sorted(set(args.sizes)))
        elif row == "history":
            rows[row] = row_history(args.work, caches, args.repeat, args.commits, args.postmortems)
        elif row == "render":
            rows[row] = row_render(args.work, caches, args.repeat)
        elif row == "startup":
            rows[row] = row_startup(args.work, args.repeat)
        print(json.dumps({row: rows[row].get("ratios")}), file=sys.stderr)
    report = {"python": platform.python_version(), "cpus": os.cpu_count(), "repeat": args.repeat, "rows": rows}
    report["misses"] = misses(report)
    print(json.dumps(report, indent=2) if args.json else markdown(report))
    return 1 if args.strict and report["misses"] else 0


if __name__ == "__main__":
    sys.exit(main())
