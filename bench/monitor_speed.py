"""``charter monitor run`` on the example workspace: the whole command, in fresh processes.

    .venv/bin/python bench/monitor_speed.py [--runs 3]

The example is copied to a temporary folder (its own SQLite database under ``.charter/``,
no webhook configured, so no network). Each round runs ``charter monitor run`` (all five
monitored systems re-audited, their logs scanned, runs and metric points stored, issues
synced) and, for scale, ``charter audit`` of the same workspace (stored) and
``charter monitor history --format html`` over what accumulated. Target: monitor run under
5 s. Prints a Markdown table of medians and maxima.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHARTER = str(ROOT / ".venv" / "bin" / "charter")


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([CHARTER, *args], env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"charter {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder) / "northwind"
        shutil.copytree(ROOT / "examples" / "northwind", workspace,
                        ignore=shutil.ignore_patterns(".charter"))  # fmt: skip
        env = dict(os.environ)
        env.pop("CHARTER_DATABASE_URL", None)
        env["CHARTER_CONFIG_DIR"] = str(Path(folder) / "cfg")
        commands = {
            "`charter monitor run` (5 systems, stored, SQLite)":
                ["monitor", "run", str(workspace), "--as-of", "2026-11-24"],
            "`charter audit` (whole workspace, stored, SQLite)":
                ["audit", str(workspace), "--as-of", "2026-11-24"],
            "`charter monitor history --format html`":
                ["monitor", "history", "-w", str(workspace), "-f", "html"],
        }  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(options.runs):
            for name, args in commands.items():
                times[name].append(timed(args, env))
    target = {"`charter monitor run` (5 systems, stored, SQLite)": 5.0}
    print("| command | median s | max s | target s | median / target |")
    print("|---|---|---|---|---|")
    for name, values in times.items():
        median = statistics.median(values)
        goal = target.get(name)
        ratio = f"{median / goal:.2f}" if goal else "-"
        print(f"| {name} | {median:.2f} | {max(values):.2f} | {goal or '-'} | {ratio} |")


if __name__ == "__main__":
    main()
