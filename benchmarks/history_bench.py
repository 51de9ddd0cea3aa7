"""Benchmark `pmcheck history` against `git log -p` over the same postmortem paths.

Generates (with `git fast-import`, in well under a second) a repository of COMMITS commits
touching POSTMORTEMS postmortem files: the first POSTMORTEMS commits add one postmortem each,
the rest edit a quarter of them in turn, each edit the next step of a cycle: slip a due date
without a record, slip it with a record, hand the action over (recorded), edit a title. Then it times, best of --runs, in fresh processes:

- `pmcheck history --format json` (wall time and peak resident memory, git children included);
- `git log -p -M -- <postmortem pathspecs>` into /dev/null, the baseline: what reading the
  same history costs without understanding it.

Usage: python benchmarks/history_bench.py [--commits 1000] [--postmortems 500] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EPOCH = 1780000000  # 2026-05-28, fixed so every run builds the same repository
PEOPLE = ("alice.ng", "bo.chen", "carol.wu", "femi.ade")


class Postmortem:
    """One generated postmortem; ``edit`` applies the next change of the four-step cycle."""

    def __init__(self, n: int) -> None:
        self.id = f"PM-2026-{n:03d}"
        self.n = n
        self.revision = 0
        self.due = 10
        self.owner = PEOPLE[n % len(PEOPLE)]
        self.title = "Add a canary stage to the rollout pipeline"
        self.deadline_changes: list[str] = []
        self.owner_changes: list[str] = []

    def edit(self) -> None:
        self.revision += 1
        step = self.revision % 4
        if step in (1, 2):  # slip three days: without a record, then with one
            old, self.due = self.due, self.due + 3
            if step == 2:
                self.deadline_changes.append(
                    f"{{from: 2026-07-{old:02d}, to: 2026-07-{self.due:02d}, at: 2026-06-{self.revision:02d}, "
                    "reason: vendor fix slipped, approved_by: carol.wu}"
                )
        elif step == 3:  # recorded hand-over
            old_owner = self.owner
            self.owner = PEOPLE[(PEOPLE.index(old_owner) + 1) % len(PEOPLE)]
            self.owner_changes.append(f"{{from: {old_owner}, to: {self.owner}, at: 2026-06-{self.revision:02d}, reason: rotation}}")
        else:
            self.title += " and a rollback switch"

    def text(self) -> str:
        def listing(key: str, items: list[str]) -> str:
            return f"    {key}:\n" + "".join(f"      - {item}\n" for item in items) if items else ""

        return f"""schema_version: 1
id: {self.id}
title: Incident {self.n}
severity: SEV-3
status: in_review
workflow: flow-{self.n % 17}
services: [svc-{self.n % 23}]
failure_modes: [latency]
incident:
  started_at: 2026-06-01T09:00:00Z
  resolved_at: 2026-06-01T12:00:00Z
owner: alice.ng
actions:
  - id: {self.id}-A1
    title: {self.title}
    type: prevent
    priority: P2
    owner: {self.owner}
    due: 2026-07-{self.due:02d}
    status: open
    success_criteria: canary blocks a change whose eval pass rate drops below 99%
{listing("deadline_changes", self.deadline_changes)}{listing("owner_changes", self.owner_changes)}  - id: {self.id}-A2
    title: Alert when p99 latency exceeds 2 s for 5 minutes
    type: detect
    priority: P3
    owner: bo.chen
    due: 2026-08-20
    status: open
"""


def fast_import_stream(commits: int, postmortems: int) -> bytes:
    """Commits 1..postmortems add one postmortem each; the rest edit a quarter of them in turn."""
    out: list[bytes] = []
    files = {n: Postmortem(n) for n in range(1, postmortems + 1)}
    edited = max(1, postmortems // 4)

    def data(text: str) -> None:
        raw = text.encode()
        out.append(b"data %d\n" % len(raw) + raw + b"\n")

    for c in range(1, commits + 1):
        if c <= postmortems:
            pm = files[c]
        else:
            pm = files[(c * 7) % edited + 1]
            pm.edit()
        stamp = EPOCH + c * 3600
        who = b"Alice Ng <alice.ng@example.com>" if c % 3 else b"Bo Chen <bo.chen@example.com>"
        out.append(b"commit refs/heads/main\nmark :%d\n" % c)
        out.append(b"author %s %d +0000\ncommitter %s %d +0000\n" % (who, stamp, who, stamp))
        data(f"Update {pm.id}")
        if c > 1:
            out.append(b"from :%d\n" % (c - 1))
        out.append(f"M 100644 inline postmortems/{pm.id}.yaml\n".encode())
        data(pm.text())
    return b"".join(out)


def build(path: Path, commits: int, postmortems: int) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q", "-b", "main", str(path)], check=True, env=env)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=fast_import_stream(commits, postmortems), check=True, env=env)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=path, check=True, env=env)
    (path / "pmcheck.yaml").write_text("{}\n")


_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
if done.returncode:
    sys.exit(done.stderr.decode())
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def measure(argv: list[str], cwd: Path, runs: int) -> tuple[float, float, int]:
    """Best wall time (s), best CPU time (s, children included) and peak RSS (KiB) of ``argv``,
    each run in a fresh process. CPU time is steadier than wall time on a busy machine."""
    best, cpu, peak = float("inf"), float("inf"), 0
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", _MEASURE, *argv], cwd=cwd, capture_output=True, text=True, check=True)
        seconds, used, rss = done.stdout.split()
        best, cpu, peak = min(best, float(seconds)), min(cpu, float(used)), max(peak, int(rss))
    return best, cpu, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--postmortems", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        repo = args.keep or Path(scratch) / "repo"
        started = time.perf_counter()
        build(repo, args.commits, args.postmortems)
        built = time.perf_counter() - started

        pmcheck = [sys.executable, "-m", "pmcheck", "--repo", str(repo), "history", "--format", "json"]
        out = subprocess.run(pmcheck, capture_output=True, text=True, check=True).stdout
        summary = json.loads(out)["summary"]
        ours, ours_cpu, ours_rss = measure(pmcheck, repo, args.runs)
        spec = [":(glob)postmortems/**/*.yaml", ":(glob)postmortems/**/*.yml"]
        gitlog, gitlog_cpu, gitlog_rss = measure(["git", "log", "-p", "-M", "--", *spec], repo, args.runs)
        startup, startup_cpu, _ = measure([sys.executable, "-m", "pmcheck", "--version"], repo, args.runs)

    print(f"repository: {args.commits} commits touching {args.postmortems} postmortems (built in {built:.2f} s)")
    print(f"history found: {summary['changes']} changes ({summary['unrecorded']} unrecorded) in {summary['commits']} commits")
    print(f"pmcheck history : wall {ours:.3f} s, cpu {ours_cpu:.3f} s, peak RSS {ours_rss / 1024:.1f} MiB")
    print(f"git log -p      : wall {gitlog:.3f} s, cpu {gitlog_cpu:.3f} s, peak RSS {gitlog_rss / 1024:.1f} MiB")
    print(f"pmcheck --version (start-up alone): wall {startup:.3f} s, cpu {startup_cpu:.3f} s")
    print(f"ratio           : wall {ours / gitlog:.2f}x, cpu {ours_cpu / gitlog_cpu:.2f}x (target <= 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
