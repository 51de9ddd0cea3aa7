"""JUnit XML output, for CI dashboards that read test reports.

One ``<testsuite>`` per file with findings (named by its repo-relative path), one
``<testcase>`` per rule and file (``classname`` the path, ``name`` "CODE name"). Error and
warning findings make the test case fail: one ``<failure>`` listing every finding of that rule
in that file, ``type`` the code. Info findings and pull-request notices never fail: they are
listed in ``<system-out>``. A run without findings is one passing test case, so dashboards show
a pass rather than "no tests". Counts on every suite and on ``<testsuites>`` add up; text is
XML-escaped; control and format characters from file names and messages are shown as escapes
(``\\x1b``), as the text format shows them, and anything else XML 1.0 cannot carry is replaced.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from pmcheck.display import clean
from pmcheck.findings import Finding, Result, Severity

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _fails(finding: Finding) -> bool:
    return not finding.notice and finding.severity >= Severity.WARNING


def _line(finding: Finding) -> str:
    label = finding.severity.label + (" (notice)" if finding.notice else "")
    text = f"{clean(finding.path)}:{finding.line}:{finding.column}: {label}: {clean(finding.message, lines=True)}"
    return text + (f"\n  hint: {clean(finding.hint, lines=True)}" if finding.hint else "")


def _suite(path: str, findings: list[Finding]) -> ET.Element:
    by_rule: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[(f.code, f.name)].append(f)
    suite = ET.Element("testsuite", name=_clean(clean(path)))
    failures = 0
    for (code, name), group in sorted(by_rule.items()):
        case = ET.SubElement(suite, "testcase", classname=_clean(clean(path)), name=f"{code} {name}", time="0")
        failing = [f for f in group if _fails(f)]
        passing = [f for f in group if not _fails(f)]
        if failing:
            failures += 1
            more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
            failure = ET.SubElement(case, "failure", message=_clean(clean(failing[0].message, lines=True) + more), type=code)
            failure.text = _clean("\n".join(_line(f) for f in failing))
        if passing:
            out = ET.SubElement(case, "system-out")
            out.text = _clean("\n".join(_line(f) for f in passing))
    suite.set("tests", str(len(by_rule)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    suite.set("time", "0")
    return suite


def render(result: Result, color: bool = False) -> str:
    root = ET.Element("testsuites", name="pmcheck")
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_path[f.path].append(f)
    if by_path:
        for path in sorted(by_path):
            root.append(_suite(path, by_path[path]))
    else:
        suite = ET.SubElement(root, "testsuite", name="pmcheck", tests="1", failures="0", errors="0", skipped="0", time="0")
        ET.SubElement(suite, "testcase", classname="pmcheck", name="every rule", time="0")
    suites = list(root)
    root.set("tests", str(sum(int(s.get("tests", "0")) for s in suites)))
    root.set("failures", str(sum(int(s.get("failures", "0")) for s in suites)))
    root.set("errors", "0")
    root.set("time", "0")
    props = ET.Element("properties")
    ET.SubElement(props, "property", name="as_of", value=result.as_of.isoformat())
    for note in result.notes:
        ET.SubElement(props, "property", name="note", value=_clean(clean(note)))
    suites[0].insert(0, props)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
