"""The GitHub Actions format: escaping that no postmortem text can break, and annotation order."""

from __future__ import annotations

from pmcheck.findings import Severity
from pmcheck.reporters.github import SHOWN_PER_LEVEL, escape_data, escape_property, render
from tests.test_reporters import CHANGED, HOSTILE, OTHER, finding, sample_result


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return _unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Parse one workflow command the way the Actions runner does."""
    assert line.startswith("::")
    head, sep, message = line[2:].partition("::")
    assert sep, line
    command, _, props = head.partition(" ")
    properties: dict[str, str] = {}
    for pair in props.split(",") if props else []:
        key, eq, value = pair.partition("=")
        assert eq, pair
        properties[key] = _unescape_property(value)
    return command, properties, _unescape_data(message)


def test_escape_functions() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a,b:c%d\ne") == "a%2Cb%3Ac%25d%0Ae"
    # `%` first, so an already escaped-looking text survives a round trip.
    assert _unescape_data(escape_data("%0A")) == "%0A"


def test_hostile_messages_and_paths_round_trip_one_command_per_finding() -> None:
    paths = ["postmortems/a,b.yaml", "postmortems/c:d.yaml", "postmortems/100%.yaml", "postmortems/new\nline.yaml"]
    messages = [
        "first line\n::error file=x.yaml::forged",
        "carriage\rreturn and %0A literal",
        "colon: comma, percent 100% and ::double colons::",
        "trailing newline\n",
    ]
    findings = [
        finding(p, i + 1, "PM101", "action-without-owner", Severity.ERROR, m, hint="hint, with: 50%\nsecond line")
        for i, (p, m) in enumerate(zip(paths, messages))
    ]
    out = render(sample_result(findings, changed=None))
    lines = out.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    # Four annotations and the roster note; nothing forged, nothing split over two lines.
    assert len(commands) == 5
    assert sum(1 for line in lines if line.startswith("::error")) == 4
    parsed = {props["file"]: (command, props, message) for command, props, message in map(parse_command, commands[:4])}
    assert sorted(parsed) == sorted(paths)
    for path, message in zip(paths, messages):
        command, props, text = parsed[path]
        assert command == "error"
        assert props["title"] == "PM101 action-without-owner"
        assert text == f"{message}\nhint: hint, with: 50%\nsecond line"
        assert set(props) == {"file", "line", "col", "endLine", "endColumn", "title"}


def test_levels_and_order_most_important_first() -> None:
    out = render(sample_result())
    commands = [parse_command(line) for line in out.splitlines() if line.startswith("::")]
    seen = [(command, props.get("file"), props["title"].split()[0]) for command, props, _ in commands]
    assert seen == [
        ("error", CHANGED, "PM101"),
        ("error", CHANGED, "PM101"),
        ("error", OTHER, "PM003"),
        ("error", HOSTILE, "PM004"),
        ("warning", OTHER, "PM205"),
        ("notice", CHANGED, "PM204"),  # info -> notice
        ("notice", OTHER, "PM206"),  # a pull-request notice, although its rule is an error
        ("notice", None, "pmcheck"),  # the run's note
    ]


def test_many_findings_say_where_the_rest_are() -> None:
    many = [finding(OTHER, i + 1, "PM205", "action-overdue", Severity.WARNING, f"overdue {i}") for i in range(SHOWN_PER_LEVEL + 5)]
    out = render(sample_result(many, changed=None))
    assert sum(1 for line in out.splitlines() if line.startswith("::warning ")) == SHOWN_PER_LEVEL + 5
    assert "5 warning annotations may be hidden: see the job summary" in out
    assert out.splitlines()[-1].startswith("0 errors, 15 warnings")


def test_a_finding_without_a_file_has_no_file_property() -> None:
    nothing = finding(".", 1, "PM905", "no-postmortems-found", Severity.ERROR, "no postmortem files found in postmortems/**/*.yaml")
    command, props, _ = parse_command(render(sample_result([nothing], changed=None)).splitlines()[0])
    assert command == "error" and "file" not in props and props["title"] == "PM905 no-postmortems-found"
