"""Wall-clock speed of the CLI: `charter --help` (target < 0.3 s) and `charter audit` on the
bundled example (target < 2 s). Median of repeated runs in fresh processes.

Run: `make bench` (or `.venv/bin/python bench/cli_speed.py [--runs N]`).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHARTER = Path(sys.executable).parent / "charter"


def timed(argv: list[str], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, check=False)
        samples.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        # A copy, so the stored runs land in a throwaway .charter/, not in the repository.
        example = Path(state) / "northwind"
        shutil.copytree(ROOT / "examples" / "northwind", example)
        cases = {
            "charter --help": ([str(CHARTER), "--help"], 0.3),
            "charter audit example (stored, SQLite)": (
                [
                    str(CHARTER),
                    "audit",
                    str(example),
                    "--as-of",
                    "2026-11-24",
                    "--format",
                    "json",
                    "--output",
                    str(Path(state) / "a.json"),
                ],
                2.0,
            ),
            "charter audit example --no-store": (
                [
                    str(CHARTER),
                    "audit",
                    str(example),
                    "--as-of",
                    "2026-11-24",
                    "--no-store",
                    "--format",
                    "json",
                ],
                2.0,
            ),
        }
        print(f"{'command':<42} {'median s':>9} {'max s':>7} {'target s':>9} {'median/target':>14}")
        for name, (argv, target) in cases.items():
            median, worst = timed(argv, args.runs)
            print(
                f"{name:<42} {median:>9.3f} {worst:>7.3f} {target:>9.1f} {median / target:>14.2f}"
            )


if __name__ == "__main__":
    main()
