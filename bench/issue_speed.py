"""``charter issue list`` on 100,000 issues: the whole command, on SQLite (and PostgreSQL
when ``CHARTER_BENCH_DATABASE_URL`` is set).

    .venv/bin/python bench/issue_speed.py [--issues 100000]

The issues are bulk-inserted with the store's own row mapping (a tenth of them critical,
states and due dates spread), then ``charter issue list`` runs as a subprocess, first page
(50, most severe and soonest due first) and an overdue filter, three times each; the best
time is reported. Target: under 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from charter.domain.issues import Issue, IssueState  # noqa: E402
from charter.domain.status import Severity  # noqa: E402
from charter.engines.store.database import open_database  # noqa: E402
from charter.engines.store.issues import _fill  # noqa: E402
from charter.engines.store.tables import IssueRow  # noqa: E402
from support import minimal_workspace_files, write_workspace  # noqa: E402

STATES = [IssueState.OPEN, IssueState.TRIAGED, IssueState.IN_REMEDIATION, IssueState.CLOSED]


def populate(url: str, count: int) -> None:
    engine = open_database(url)
    rows = []
    for n in range(count):
        fingerprint = f"{n:032x}"
        issue = Issue(
            id=f"ISS-{fingerprint[-10:]}", fingerprint=fingerprint, partner="acme-post",
            pack="partner-ai-usage", requirement=f"REQ-{n % 40:02d}", check="bench.check",
            system=f"system-{n % 25}", subject=f"system:system-{n % 25}#{n}",
            severity=Severity("critical" if n % 10 == 0 else "high" if n % 3 else "medium"),
            title=f"finding number {n}", state=STATES[n % 4],
            opened_on=date(2026, 1, 1) + timedelta(days=n % 300),
            due_on=date(2026, 2, 1) + timedelta(days=n % 330), first_run="r", last_run="r",
        )  # fmt: skip
        row = IssueRow(partner=issue.partner, id=issue.id)
        _fill(row, issue)
        row.version = 1
        rows.append(row)
    with Session(engine) as session, session.begin():
        session.add_all(rows)
    if engine.dialect.name == "postgresql":
        # What autovacuum does within a minute of a bulk load: statistics and the visibility
        # map, so the planner counts from the index alone (without it: a heap scan, +10 ms).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE issues")
    engine.dispose()


def timed(args: list[str], env: dict[str, str], cwd: Path) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, check=False)
        best = min(best, time.perf_counter() - started)
        assert done.returncode == 0, done.stderr
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=100_000)
    args = parser.parse_args()
    charter = str(ROOT / ".venv" / "bin" / "charter")
    with tempfile.TemporaryDirectory() as folder:
        root = write_workspace(Path(folder) / "ws", minimal_workspace_files())
        urls = {"SQLite": f"sqlite:///{folder}/bench.db"}
        if os.environ.get("CHARTER_BENCH_DATABASE_URL"):
            urls["PostgreSQL"] = os.environ["CHARTER_BENCH_DATABASE_URL"]
        for name, url in urls.items():
            started = time.perf_counter()
            populate(url, args.issues)
            print(
                f"{name}: {args.issues:,} issues inserted in {time.perf_counter() - started:.1f} s"
            )
            env = dict(os.environ, CHARTER_DATABASE_URL=url)
            first = timed([charter, "issue", "list", "--format", "json"], env, root)
            overdue = timed(
                [charter, "issue", "list", "--overdue", "--as-of", "2026-11-25", "-f", "json"],
                env, root,
            )  # fmt: skip
            help_only = timed([charter, "--help"], env, root)
            print(f"  charter issue list (first page of 50): {first:.3f} s")
            print(f"  charter issue list --overdue:          {overdue:.3f} s")
            print(f"  charter --help (start-up alone):       {help_only:.3f} s")


if __name__ == "__main__":
    main()
