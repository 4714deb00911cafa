"""The detector's ``PatternClock``: a CPU-time interval timer (``ITIMER_VIRTUAL``) whose
signal raises ``PatternTimeoutError`` in the recognizer that spent its budget.

Python's regular-expression engine checks for signals while it backtracks, so the timer
stops a pattern that would never finish (``(a+)+b`` on a run of ``a``), which a check of
the clock after the search could not. The budget is CPU time of the process, not wall
time: a scan sharing the machine with others is not cut short by their load.

A signal handler can only be installed from the main thread: in any other thread (Charter's
commands and worker processes never scan there) the clock does nothing, and only the
file's own time budget applies. Platforms without ``setitimer`` (Windows) likewise.
"""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass
from typing import Any

from charter.privacy.detector import PatternTimeoutError

_state = {"armed": False, "installed": False, "seconds": 0.0}
"""Process-wide: one timer per process. A forked worker inherits the handler and this
state; a spawned one installs the handler on its first ``arm``."""


def _expired(_signal: int, _frame: Any) -> None:
    if _state["armed"]:  # a signal that arrives just after ``disarm`` is ignored
        _state["armed"] = False
        raise PatternTimeoutError("", float(_state["seconds"]))


@dataclass(frozen=True)
class CpuTimeClock:
    """``PatternClock`` on ``SIGVTALRM`` (picklable: spawned workers get one too)."""

    def arm(self, seconds: float) -> None:
        if not hasattr(signal, "setitimer"):
            return
        if threading.current_thread() is not threading.main_thread():
            return
        if not _state["installed"]:
            signal.signal(signal.SIGVTALRM, _expired)
            _state["installed"] = True
        _state["seconds"] = seconds
        _state["armed"] = True
        signal.setitimer(signal.ITIMER_VIRTUAL, seconds)

    def disarm(self) -> None:
        if _state["armed"]:
            _state["armed"] = False
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
