"""Benchmark ``pmcheck check`` (and ``pmcheck render``) against parsing the same files bare.

    python benchmarks/run.py                      # 2,000 postmortems, best of 3
    python benchmarks/run.py --sizes 2000 8000    # also measures how time scales
    python benchmarks/run.py --json               # machine-readable results

For each repository size the synthetic repository is generated once (``generate.py``, reused
while the size, seed and generator are unchanged) and every measurement runs in a fresh Python
process, ``--repeat`` times:

* baseline: one process reads every postmortem file and parses it with
  ``yaml.load(text, Loader=yaml.CSafeLoader)`` -- the least any YAML-based checker must do;
* check: ``python -m pmcheck check DIR --as-of 2026-11-27 --format json --output /dev/null
  --fail-on never``;
* render: ``python -m pmcheck render DIR --stdout --as-of 2026-11-27``, skipped with a message
  while ``pmcheck render`` is not available.

Wall time is reported as median and minimum; peak memory is each child's own maximum resident
set size (``wait4``), the largest of the runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402  (a sibling script, not a package)

AS_OF = "2026-11-27"
SEED = 1
# Targets from the project brief: check within this factor of the bare parse, memory under
# this many megabytes at 2,000 postmortems, and per-postmortem time growing at most this much.
TARGET_RATIO = 3.0
TARGET_PEAK_MB = 300.0
TARGET_SCALING = 1.25

BASELINE = """
import sys
from pathlib import Path
import yaml
root = Path(sys.argv[1])
files = sorted({*root.glob("postmortems/**/*.yaml"), *root.glob("postmortems/**/*.yml")})
for path in files:
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
"""


@dataclass
class Measure:
    """Repeated runs of one command on one repository."""

    name: str
    command: list[str]
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    skipped: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_seconds)

    @property
    def peak(self) -> float:
        return max(self.peak_mb)

    def summary(self) -> dict[str, Any]:
        if self.skipped is not None:
            return {"skipped": self.skipped}
        return {
            "median_s": round(self.median, 3),
            "min_s": round(self.best, 3),
            "cpu_s": round(self.cpu, 3),
            "peak_mb": round(self.peak, 1),
            "runs_s": [round(s, 3) for s in self.seconds],
        }


def run_once(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, float, float, int, str]:
    """Wall seconds, CPU seconds (the process and its waited-for children), peak RSS in MB,
    exit code and stderr of one fresh process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd, env=env
        )
        # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN would mix all children).
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return elapsed, usage.ru_utime + usage.ru_stime, peak, proc.returncode, stderr


def render_available() -> str | None:
    """None when ``pmcheck render`` can run, else why not."""
    probe = subprocess.run(
        [sys.executable, "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('pmcheck.render') is None)"],
        capture_output=True,
    )
    return None if probe.returncode == 0 else "pmcheck render is not available yet"


def prepare(work: Path, size: int, seed: int) -> Path:
    """The generated repository of ``size`` postmortems, regenerated when out of date."""
    generator = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()
    repo = work / f"repo-{size}-seed{seed}"
    marker = repo / ".benchmark.json"
    wanted = {"postmortems": size, "seed": seed, "generator": generator}
    if marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == wanted:
        return repo
    print(f"generating {size} postmortems in {repo} ...", file=sys.stderr)
    generate(repo, size, seed)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return repo


def measure_size(repo: Path, size: int, repeat: int, render_skip: str | None) -> dict[str, Any]:
    python = sys.executable
    measures = [
        Measure("baseline", [python, "-c", BASELINE, str(repo)]),
        Measure(
            "check",
            [python, "-m", "pmcheck", "check", str(repo), "--as-of", AS_OF, "--format", "json",
             "--output", os.devnull, "--fail-on", "never"],
        ),
        Measure("render", [python, "-m", "pmcheck", "render", str(repo), "--stdout", "--as-of", AS_OF], skipped=render_skip),
    ]
    # Interleave the commands so a burst of load on the machine hits all of them alike.
    for _ in range(repeat):
        for m in measures:
            if m.skipped is not None:
                continue
            seconds, cpu, peak, code, stderr = run_once(m.command)
            if code != 0:
                last = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {code}"
                m.skipped = f"failed with exit code {code}: {last}"
                print(f"{m.name} on {size} postmortems: {m.skipped}", file=sys.stderr)
                continue
            m.seconds.append(seconds)
            m.cpu_seconds.append(cpu)
            m.peak_mb.append(peak)
            print(f"{size} postmortems, {m.name} run {len(m.seconds)}: {seconds:.2f} s ({cpu:.2f} s CPU), {peak:.0f} MB", file=sys.stderr)
    files = sorted((repo / "postmortems").glob("*.yaml"))
    result: dict[str, Any] = {
        "postmortems": size,
        "bytes": sum(p.stat().st_size for p in files),
        "measures": {m.name: m.summary() for m in measures},
        "ratios": {},
    }
    by_name = {m.name: m for m in measures}
    base, check, render = by_name["baseline"], by_name["check"], by_name["render"]
    if base.skipped is None and check.skipped is None:
        result["ratios"]["check_vs_baseline"] = round(check.median / base.median, 2)
        result["ratios"]["check_vs_baseline_cpu"] = round(check.cpu / base.cpu, 2)
    if render.skipped is None and check.skipped is None:
        result["ratios"]["render_vs_check"] = round(render.median / check.median, 2)
        result["ratios"]["render_vs_check_cpu"] = round(render.cpu / check.cpu, 2)
    return result


def scaling(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Per-postmortem check time at the largest size over that at the smallest."""
    done = [r for r in results if "median_s" in r["measures"]["check"]]
    if len(done) < 2:
        return None
    small, large = done[0], done[-1]
    def per(r: dict[str, Any], key: str) -> float:
        return float(r["measures"]["check"][key]) / r["postmortems"]

    return {
        "from": small["postmortems"],
        "to": large["postmortems"],
        "per_postmortem_ratio": round(per(large, "median_s") / per(small, "median_s"), 2),
        "per_postmortem_ratio_cpu": round(per(large, "cpu_s") / per(small, "cpu_s"), 2),
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Python {report['python']}, {report['cpus']} CPUs, {report['repeat']} runs per cell, each a fresh process.",
        "",
        "| postmortems | command | median s | min s | CPU s | peak MB | ratio (wall; CPU) |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in report["results"]:
        for name in ("baseline", "check", "render"):
            m = r["measures"][name]
            if "skipped" in m:
                lines.append(f"| {r['postmortems']:,} | {name} | – | – | – | – | skipped: {m['skipped']} |")
                continue
            ratio = ""
            if name == "check" and "check_vs_baseline" in r["ratios"]:
                ratio = f"{r['ratios']['check_vs_baseline']:.2f}×; {r['ratios']['check_vs_baseline_cpu']:.2f}× baseline"
            elif name == "render" and "render_vs_check" in r["ratios"]:
                ratio = f"{r['ratios']['render_vs_check']:.2f}×; {r['ratios']['render_vs_check_cpu']:.2f}× check"
            lines.append(
                f"| {r['postmortems']:,} | {name} | {m['median_s']:.2f} | {m['min_s']:.2f} | {m['cpu_s']:.2f} "
                f"| {m['peak_mb']:.0f} | {ratio} |"
            )
    if report["scaling"] is not None:
        s = report["scaling"]
        lines += [
            "",
            f"Scaling: check time per postmortem at {s['to']:,} vs {s['from']:,} postmortems: "
            f"{s['per_postmortem_ratio']:.2f} wall, {s['per_postmortem_ratio_cpu']:.2f} CPU (target ≤ {TARGET_SCALING}).",
        ]
    if report["misses"]:
        lines += ["", "Targets missed: " + "; ".join(report["misses"]) + "."]
    return "\n".join(lines)


def targets_missed(results: list[dict[str, Any]], scale: dict[str, Any] | None) -> list[str]:
    misses = []
    for r in results:
        ratio = r["ratios"].get("check_vs_baseline")
        if ratio is not None and ratio > TARGET_RATIO:
            misses.append(f"check is {ratio}× baseline at {r['postmortems']} (target ≤ {TARGET_RATIO})")
        check = r["measures"]["check"]
        if r["postmortems"] <= 2000 and "peak_mb" in check and check["peak_mb"] > TARGET_PEAK_MB:
            misses.append(f"check peaks at {check['peak_mb']} MB at {r['postmortems']} (target < {TARGET_PEAK_MB:.0f})")
    if scale is not None and scale["per_postmortem_ratio"] > TARGET_SCALING:
        misses.append(f"per-postmortem scaling {scale['per_postmortem_ratio']} (target ≤ {TARGET_SCALING})")
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000], help="repository sizes in postmortems (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command and size (default 3)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"generator seed (default {SEED})")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "pmcheck-benchmark",
        help="where generated repositories are kept between runs (default: a folder in the temp dir)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a Markdown table")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    render_skip = render_available()
    if render_skip is not None:
        print(f"render: skipped ({render_skip})", file=sys.stderr)
    results = []
    for size in sorted(set(args.sizes)):
        repo = prepare(args.work, size, args.seed)
        results.append(measure_size(repo, size, args.repeat, render_skip))
    scale = scaling(results)
    report = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
        "as_of": AS_OF,
        "results": results,
        "scaling": scale,
        "misses": targets_missed(results, scale),
    }
    print(json.dumps(report, indent=2) if args.json else markdown(report))
    return 1 if args.strict and report["misses"] else 0


if __name__ == "__main__":
    sys.exit(main())
