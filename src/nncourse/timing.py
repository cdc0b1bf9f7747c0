"""Wall-clock timing that prints in one recognisable format.

Timings differ on every run, so nbval cannot compare them. Every duration the
course prints goes through :func:`format_duration`, which writes ``"1.23 s"``
or ``"456 ms"``; ``tests/sanitize.cfg`` masks exactly that format, and nothing
else, before comparing outputs.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

__all__ = ["format_duration", "stopwatch"]


def format_duration(seconds: float) -> str:
    """Format a duration as ``"456 ms"`` below one second, else ``"1.23 s"``."""
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative, got {seconds}")
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


class _Elapsed:
    seconds: float = float("nan")

    def __str__(self) -> str:
        return format_duration(self.seconds)


@contextmanager
def stopwatch():
    """Time a block: ``with stopwatch() as t: ...`` then ``t.seconds`` or ``str(t)``."""
    elapsed = _Elapsed()
    start = time.perf_counter()
    try:
        yield elapsed
    finally:
        elapsed.seconds = time.perf_counter() - start
