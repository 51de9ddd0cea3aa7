"""A repository's ``log_template:``, rendered with bounded time, memory and output.

A repository template is code from the repository (SPEC section 11). Jinja's
``SandboxedEnvironment`` keeps it from reaching Python internals, but not from running forever
(``{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}``) or from building a string of
gigabytes (``{% set ns.s = ns.s ~ ns.s %}`` forty times). So it renders in a separate Python
process that pmcheck starts for it:

- in the child, a sandbox subclass checks the clock and the size of every call's and every
  ``*``/``**``/``+`` result, the output is counted chunk by chunk against ``OUTPUT_LIMIT``, a
  timer interrupts any loop at ``TIME_LIMIT``, and the child's address space and CPU time are
  capped (``resource.setrlimit``) so what the checks cannot see (``~``, filters) fails with a
  MemoryError instead of taking the machine;
- the parent gives the child the template and the view on stdin and waits at most
  ``TIME_LIMIT`` plus a start-up allowance, then kills it.

Every failure — a syntax error, an undefined name, ``1/0``, an ``include``, deep recursion, a
limit — becomes one line ``TEMPLATE[:LINE]: problem`` and exit 2. A fresh interpreter (not a
fork) keeps the parent's threads, locks and open files out of it; it starts with an explicit
``sys.path`` so nothing in the repository (the working directory) is ever imported.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from pmcheck.markdown import finalize

TIME_LIMIT = 5.0
OUTPUT_LIMIT = 16 * 1024 * 1024
# The longest string or list a template may build: the output cap, in characters or items.
VALUE_LIMIT = OUTPUT_LIMIT
MEMORY_LIMIT = 512 * 1024 * 1024
# Starting the child interpreter and loading the view, on a slow CI machine.
START_ALLOWANCE = 20.0
# The child's exit status when it reports a template failure on stderr.
TEMPLATE_FAILED = 65
ENV_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "finalize": finalize,
    "autoescape": False,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}


@dataclass(frozen=True)
class Limits:
    seconds: float = TIME_LIMIT
    output: int = OUTPUT_LIMIT
    value: int = VALUE_LIMIT
    memory: int = MEMORY_LIMIT


class TemplateFailure(Exception):
    """The repository template failed; the message is the one line to show."""


class _OutOfTime(BaseException):
    """Raised by the timer; a BaseException so nothing in Jinja catches it on the way out."""


class _Exceeded(Exception):
    """A limit the sandbox checks itself (output, a value's size, the clock)."""


def _size(value: object) -> int:
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
        return len(value)
    return 0


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox, with a clock and a size check on every call and arithmetic result."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, limits: Limits, deadline: float) -> None:
        super().__init__(**ENV_OPTIONS)
        self.limits = limits
        self.deadline = deadline

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Exceeded(f"the template ran longer than the {self.limits.seconds:g}-second limit")

    def check_value(self, value: object) -> object:
        if _size(value) > self.limits.value:
            raise _Exceeded(f"the template built a value over the {self.limits.value:,}-item limit")
        return value

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        __self.check_time()
        return __self.check_value(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        self.check_time()
        limit = self.limits.value
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if _size(seq) and isinstance(count, int) and _size(seq) * count > limit:
                    raise _Exceeded(f"the template built a value over the {limit:,}-item limit")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
            if right * math.log2(abs(left)) > 64 * 1024:
                raise _Exceeded("the template computed a number over the 65,536-bit limit")
        elif operator == "+" and _size(left) + _size(right) > limit:
            raise _Exceeded(f"the template built a value over the {limit:,}-item limit")
        return self.check_value(super().call_binop(context, operator, left, right))


def _template_line(error: BaseException) -> int | None:
    """The template line an error happened on (Jinja rewrites tracebacks to template lines)."""
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == "<template>":
            line = frame.lineno
    return line


def _describe(error: BaseException, limits: Limits) -> str:
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"{error.lineno}: {error.message}"
    if isinstance(error, _OutOfTime):
        return f"the template ran longer than the {limits.seconds:g}-second limit"
    if isinstance(error, MemoryError):
        return f"the template used more than the {limits.memory // (1024 * 1024)} MiB memory limit"
    if isinstance(error, RecursionError):
        what = "the template recursed too deeply"
    elif isinstance(error, _Exceeded):
        what = str(error)
    else:
        what = f"{type(error).__name__}: {' '.join(str(error).split())[:300]}"
    line = _template_line(error)
    return f"{line}: {what}" if line is not None else what


def render_in_child(source: str, variables: dict[str, Any], limits: Limits) -> str:
    """Render ``source`` here, within ``limits``; raises TemplateFailure with the one line."""
    deadline = time.monotonic() + limits.seconds
    env = BoundedSandbox(limits, deadline)
    chunks: list[str] = []
    total = 0
    try:
        template = env.from_string(source)
        for chunk in template.generate(variables):
            total += len(chunk)
            if total > limits.output:
                raise _Exceeded(f"the template printed more than the {limits.output:,}-character limit")
            chunks.append(chunk)
            env.check_time()
        return "".join(chunks)
    except (Exception, _OutOfTime) as error:  # noqa: BLE001 - every template failure is one line
        raise TemplateFailure(_describe(error, limits)) from None


def _limit_resources(limits: Limits) -> None:
    """Cap the child's CPU time and address space (where the platform allows)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    cpu = math.ceil(limits.seconds) + 2
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            in_use = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return  # no portable way to know the baseline: the checks and the clock still hold
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = in_use + limits.memory
        if hard == resource.RLIM_INFINITY or wanted <= hard:
            resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def child_main() -> None:
    """The child process: template and view on stdin, the text on stdout."""
    source, variables, limits = pickle.load(sys.stdin.buffer)  # noqa: S301 - written by our parent
    _limit_resources(limits)

    def out_of_time(signum: int, frame: object) -> None:
        raise _OutOfTime

    if hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, out_of_time)
        signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    try:
        text = render_in_child(source, variables, limits)
    except TemplateFailure as failure:
        if hasattr(signal, "setitimer"):
            signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stderr.write(str(failure) + "\n")
        sys.stderr.flush()
        os._exit(TEMPLATE_FAILED)
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, 0)
    sys.stdout.buffer.write(text.encode("utf-8", errors="surrogatepass"))
    sys.stdout.flush()
    os._exit(0)


_CHILD = "import sys; sys.path[:] = sys.argv[1:]; from pmcheck.sandbox import child_main; child_main()"


def render_repository_template(name: str, source: str, variables: dict[str, Any], limits: Limits | None = None) -> str:
    """Render the repository template ``name`` in a bounded child process.

    Raises TemplateFailure with ``NAME[:LINE]: problem`` for every way it can fail.
    """
    limits = limits or Limits(TIME_LIMIT, OUTPUT_LIMIT, VALUE_LIMIT, MEMORY_LIMIT)
    payload = pickle.dumps((source, variables, limits), protocol=pickle.HIGHEST_PROTOCOL)
    # The parent's import path, minus the working directory: the repository must never be
    # able to shadow a module the child imports.
    path = [entry for entry in sys.path if entry and os.path.isabs(entry)]
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _CHILD, *path],
            input=payload,
            capture_output=True,
            timeout=limits.seconds + START_ALLOWANCE,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TemplateFailure(f"{name}: the template ran longer than the {limits.seconds:g}-second limit") from None
    except OSError as error:
        raise TemplateFailure(f"{name}: cannot start the template sandbox: {error.strerror or error}") from None
    if done.returncode == 0:
        return done.stdout.decode("utf-8", errors="surrogatepass")
    message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    if done.returncode == TEMPLATE_FAILED and message:
        line = message[-1]
        return _raise(f"{name}:{line}" if line[:1].isdigit() else f"{name}: {line}")
    if done.returncode in (-getattr(signal, "SIGXCPU", 24), -signal.SIGKILL):
        return _raise(f"{name}: the template ran longer than the {limits.seconds:g}-second limit")
    last = message[-1] if message else f"exit status {done.returncode}"
    if "MemoryError" in last:
        return _raise(f"{name}: the template used more than the {limits.memory // (1024 * 1024)} MiB memory limit")
    return _raise(f"{name}: the template sandbox failed: {last[:300]}")


def _raise(message: str) -> str:
    raise TemplateFailure(message)
