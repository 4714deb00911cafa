"""Progress of long engine queries, reported through a callback the caller supplies.

DuckDB publishes the share of the running query done (``query_progress``); a background
thread polls it while the query runs. Other engines report nothing and the caller shows an
indeterminate spinner.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir

ProgressReporter = Callable[[float | None], None]
"""Called with the share done in [0, 1], or None when the engine cannot tell."""
POLL_SECONDS = 0.2


class tracked:  # noqa: N801 - used like a function: tracked(expr, progress).to_pyarrow()
    """Run an Ibis expression while reporting progress."""

    def __init__(self, expression: ir.Table, progress: ProgressReporter | None) -> None:
        self.expression = expression
        self.progress = progress

    def to_pyarrow(self) -> Any:
        return self._run(lambda: to_arrow(self.expression))

    def _run(self, action: Callable[[], Any]) -> Any:
        if self.progress is None:
            return action()
        backend = self.expression._find_backend()
        raw = getattr(backend, "con", None)
        poll = getattr(raw, "query_progress", None) if backend.name == "duckdb" else None
        done = threading.Event()
        reporter = self.progress

        def watch() -> None:
            while not done.wait(POLL_SECONDS):
                share = poll() if poll is not None else -1
                reporter(share / 100.0 if share is not None and share >= 0 else None)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            return action()
        finally:
            done.set()
            watcher.join()
            reporter(1.0)


def to_arrow(expression: ir.Table) -> Any:
    """The result as an Arrow table. On Spark, straight from the DataFrame's Arrow batches
    (``DataFrame.toArrow``), not through pandas as Ibis's generic path does."""
    backend = expression._find_backend()  # ibis has no public accessor
    if backend.name == "pyspark":
        backend._run_pre_execute_hooks(expression)  # registers in-memory tables (memtable)
        session = backend._session  # the backend's own Spark session
        return session.sql(backend.compile(expression)).toArrow()
    return expression.to_pyarrow()
