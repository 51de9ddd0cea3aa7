"""Output and memory stay linear in the input, whatever it repeats (issue 9, item 4; SPEC 11).

A repository that uses one id thousands of times used to make every PM005 finding list every
other place: 2,000 tiny files gave 125 MB of text, 5,000 copies of one action id in one file
1 GB of output and 4 GB of memory. A finding now names a few other places and counts the rest,
and the other rules that relate files (PM502 recurrences, PM008 references, waivers, the log's
recurrence table) are bounded the same way. Each case is generated here and run through the
real entry point; the byte budgets are a few KB per repeated item (the old output was hundreds
of KB per item), and the time limit is generous for a shared machine.
"""

from __future__ import annotations

from pathlib import Path

from pmcheck.findings import first_few
from tests.trustrepo import AS_OF, BASE, make_repo, measured

HEAD = BASE.partition("actions:\n")[0]
RSS_LIMIT_KB = 300 * 1024
CPU_LIMIT = 30.0
# Bytes a format spends on one finding, relative to text (SARIF and JSON repeat keys and
# locations); the budgets below are for text.
WEIGHT = {"text": 1, "github": 1, "markdown": 1, "junit": 2, "json": 3, "sarif": 5}


def flow_action(action_id: str, extra: str = "") -> str:
    return (
        f"  - {{id: {action_id}, title: Add a canary, type: prevent, priority: P1, owner: alice.ng, "
        f"due: 2026-06-01, status: open{extra}}}\n"
    )


def assert_linear(root: Path, items: int, per_item: int) -> None:
    """Every format of one check (through ``--report``) and the log stay within budget."""
    out = root.parent / "reports"
    out.mkdir()
    reports = [f"--report={fmt}={out / fmt}" for fmt in WEIGHT if fmt != "text"]
    code, size, rss, cpu = measured("check", "--as-of", AS_OF, *reports, cwd=root)
    assert code == 1
    assert rss < RSS_LIMIT_KB, rss
    assert cpu < CPU_LIMIT, cpu
    sizes = {"text": size, **{fmt: (out / fmt).stat().st_size for fmt in WEIGHT if fmt != "text"}}
    for fmt, weight in WEIGHT.items():
        # The SARIF rule catalogue is a fixed 200 KB or so.
        assert sizes[fmt] < weight * per_item * items + 300_000, (fmt, sizes[fmt])
    code, size, rss, cpu = measured("render", "--stdout", "--as-of", AS_OF, cwd=root)
    assert code == 0 and size < per_item * items + 200_000 and rss < RSS_LIMIT_KB and cpu < CPU_LIMIT


def test_first_few_names_three_and_counts_the_rest() -> None:
    assert first_few(["a", "b"]) == "a, b"
    assert first_few(["a", "b", "c"]) == "a, b, c"
    assert first_few(["a", "b", "c", "d"]) == "a, b, c and 1 more"
    assert first_few(["a", "b", "c"], 1999) == "a, b, c and 1,996 more"


def test_many_files_sharing_one_postmortem_id(tmp_path: Path) -> None:
    n = 2000
    root = make_repo(tmp_path / "repo", {f"postmortems/f{i:04d}.yaml": "id: PM-2026-001\n" for i in range(n)})
    code, size, _, _ = measured("check", "--as-of", AS_OF, "--select", "PM005", cwd=root)
    assert code == 1
    # One line per file, each naming three others: about 200 bytes a file.
    assert size < 300 * n, size
    assert_linear(root, n, 4_000)


def test_a_pm005_finding_names_three_places_and_a_count(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {f"postmortems/f{i}.yaml": "id: PM-2026-001\n" for i in range(6)})
    from tests.trustrepo import invoke

    done = invoke("check", "--as-of", AS_OF, "--select", "PM005", cwd=root)
    lines = [line for line in done.stdout.decode().splitlines() if "PM005" in line]
    assert len(lines) == 6
    assert lines[0] == (
        "postmortems/f0.yaml:1:1: [error] PM005 duplicate-id: postmortem id PM-2026-001 is also used in "
        "postmortems/f1.yaml, postmortems/f2.yaml, postmortems/f3.yaml and 2 more"
    )
    assert lines[5].endswith("is also used in postmortems/f0.yaml, postmortems/f1.yaml, postmortems/f2.yaml and 2 more")


def test_many_copies_of_one_action_id_in_one_file(tmp_path: Path) -> None:
    n = 5000
    waiver = ", waivers: [{rule: PM301, reason: r, approved_by: carol.wu, expires: 2026-07-01}]"
    text = HEAD + "actions:\n" + flow_action("PM-2026-001-A1", waiver) * n
    root = make_repo(tmp_path / "repo", {"postmortems/PM-2026-001.yaml": text})
    # Three findings per copy (PM005, PM205, PM206) with their hints.
    assert_linear(root, n, 3_000)


def test_many_recurrences_of_one_postmortem_with_many_open_fixes(tmp_path: Path) -> None:
    # PM502 and the log's repeat-failure table list the earlier incident's open fixes for
    # every later incident linking it.
    n = 600
    earlier = HEAD + "actions:\n" + "".join(flow_action(f"PM-2026-001-A{i}") for i in range(1, n + 1))
    files = {"postmortems/PM-2026-001.yaml": earlier}
    for i in range(2, n + 2):
        text = HEAD.replace("PM-2026-001", f"PM-2026-{i:03d}").replace("2026-06-01T", "2026-06-10T")
        text += "related_incidents:\n  - {id: PM-2026-001, relation: recurrence}\n"
        text += "actions:\n" + flow_action(f"PM-2026-{i:03d}-A1")
        files[f"postmortems/PM-2026-{i:03d}.yaml"] = text
    root = make_repo(tmp_path / "repo", files)
    assert_linear(root, n, 5_000)


def test_many_unknown_factor_references_in_one_file(tmp_path: Path) -> None:
    # Each unknown `addresses` entry was hinted with every factor of the file.
    n = 3000
    factors = "contributing_factors:\n" + "".join(f"  - {{id: CF{i}, category: other}}\n" for i in range(1, n + 1))
    addresses = ", addresses: [" + ", ".join(f"X{i}" for i in range(n)) + "]"
    text = HEAD + factors + "actions:\n" + flow_action("PM-2026-001-A1", addresses)
    root = make_repo(tmp_path / "repo", {"postmortems/PM-2026-001.yaml": text})
    assert_linear(root, n, 1_500)
