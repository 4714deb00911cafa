"""Re-identification metrics at scale: Charter (DuckDB) against a pandas reference on a
10M-row table with 5 quasi-identifiers, and against pyCANON on small data.

    .venv/bin/python bench/reid_speed.py                       # 10M rows
    .venv/bin/python bench/reid_speed.py --rows 1000000 --pycanon-rows 3000

1. A seeded Parquet table: 5 quasi-identifiers (age, region of 400, sex, device, language)
   and 2 sensitive attributes (segment: 8 categories; spend: 50 ordered values), written
   to a temporary folder.
2. Charter: ``IbisScanner.reidentification`` (one group-by for the class sizes, one per
   sensitive attribute; metrics from the counts), timed from opening the file.
3. Reference: the same figures with pandas group-bys over the whole table in memory
   (class sizes, distinct and entropy l, equal-distance and ordered EMD), timed the same
   way; every figure must agree.
4. pyCANON (own venv, ``bash bench/setup_pycanon_env.sh``) on the first ``--pycanon-rows``
   rows, against Charter on the same rows: figures must agree, times are reported.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from charter.engines.scan.scanner import IbisScanner

QI = ("age", "region", "sex", "device", "language")
SENSITIVE = ("segment", "spend")
PYCANON = Path(__file__).resolve().parent / ".venv-pycanon" / "bin" / "python"


def make_table(rows: int, seed: int = 11) -> pa.Table:
    rng = np.random.default_rng(seed)
    return pa.table(
        {
            "age": rng.integers(18, 90, rows),
            "region": pa.array(np.char.add("r", rng.integers(0, 400, rows).astype(str))),
            "sex": pa.array(rng.choice(np.array(["f", "m", "x"]), rows, p=[0.49, 0.49, 0.02])),
            "device": rng.integers(0, 12, rows),
            "language": rng.integers(0, 30, rows),
            "segment": pa.array(np.char.add("s", rng.integers(0, 8, rows).astype(str))),
            "spend": rng.integers(0, 50, rows),
        }
    )


def charter_figures(path: Path) -> tuple[dict[str, object], float]:
    started = time.perf_counter()
    scanner = IbisScanner()
    try:
        report = scanner.reidentification(str(path), QI, SENSITIVE)
    finally:
        scanner.close()
    seconds = time.perf_counter() - started
    figures: dict[str, object] = {
        "rows": report.sizes.rows,
        "classes": report.sizes.classes,
        "k": report.sizes.k,
        "unique_rows": report.sizes.unique_rows,
        "average_rir": report.sizes.class_average_risk,
    }
    for spread in report.sensitive:
        figures[f"l:{spread.attribute}"] = spread.l_distinct
        figures[f"entropy_l:{spread.attribute}"] = spread.l_entropy
        figures[f"t:{spread.attribute}"] = spread.t
    return figures, seconds


def reference_figures(path: Path) -> tuple[dict[str, object], float]:
    """The definitions with pandas group-bys (the whole table in memory)."""
    started = time.perf_counter()
    frame = pd.read_parquet(path)
    sizes = frame.groupby(list(QI), sort=False, observed=True).size()
    figures: dict[str, object] = {
        "rows": len(frame),
        "classes": len(sizes),
        "k": int(sizes.min()),
        "unique_rows": int((sizes == 1).sum()),
        "average_rir": float((1.0 / sizes).mean()),
    }
    for attribute in SENSITIVE:
        counts = frame.groupby([*QI, attribute], sort=False, observed=True).size()
        keys = counts.index.droplevel(attribute)
        size = sizes.reindex(keys).to_numpy()
        p = counts.to_numpy() / size
        codes = pd.MultiIndex.from_arrays(
            [keys.get_level_values(i) for i in range(len(QI))]
        ).factorize()[0]
        classes = codes.max() + 1
        distinct = np.bincount(codes, minlength=classes)
        entropy = -np.bincount(codes, weights=p * np.log(p), minlength=classes)
        values = np.sort(frame[attribute].unique())
        q = frame[attribute].value_counts(normalize=True).reindex(values).to_numpy()
        position = pd.Index(values).get_indexer(counts.index.get_level_values(attribute))
        if attribute == "spend":  # ordered EMD over the sorted values
            dense = np.zeros((classes, len(values)))
            dense[codes, position] = p
            emd = np.abs(np.cumsum(dense - q, axis=1)).sum(axis=1) / (len(values) - 1)
        else:
            gap = np.bincount(codes, weights=np.abs(p - q[position]), minlength=classes)
            covered = np.bincount(codes, weights=q[position], minlength=classes)
            emd = 0.5 * (gap + 1 - covered)
        figures[f"l:{attribute}"] = int(distinct.min())
        figures[f"entropy_l:{attribute}"] = float(np.exp(entropy.min()))
        figures[f"t:{attribute}"] = float(emd.max())
    return figures, time.perf_counter() - started


def pycanon_figures(csv_path: Path) -> tuple[dict[str, object], float]:
    script = f"""
import json, time
import pandas as pd
from pycanon import anonymity, metrics
frame = pd.read_csv({str(csv_path)!r})
qi = {list(QI)!r}
started = time.perf_counter()
out = {{"k": int(anonymity.k_anonymity(frame, qi)),
        "average_rir": float(metrics.average_rir(frame, qi))}}
for a in {list(SENSITIVE)!r}:
    out["l:" + a] = int(anonymity.l_diversity(frame, qi, [a]))
    out["entropy_l:" + a] = int(anonymity.entropy_l_diversity(frame, qi, [a]))
    out["t:" + a] = float(anonymity.t_closeness(frame, qi, [a]))
out["seconds"] = time.perf_counter() - started
print(json.dumps(out))
"""
    done = subprocess.run(
        [str(PYCANON), "-c", script], capture_output=True, text=True, check=True, timeout=3600
    )
    figures = json.loads(done.stdout)
    return figures, float(figures.pop("seconds"))


def agree(
    ours: dict[str, object], theirs: dict[str, object], floor_entropy: bool = False
) -> list[str]:
    problems = []
    for key, value in theirs.items():
        mine = ours[key]
        if floor_entropy and key.startswith("entropy_l"):
            mine = int(float(mine) + 1e-9)  # type: ignore[arg-type]
        if isinstance(value, float):
            if abs(float(mine) - value) > 1e-9 * max(1.0, abs(value)):  # type: ignore[arg-type]
                problems.append(f"{key}: {mine} != {value}")
        elif mine != value:
            problems.append(f"{key}: {mine} != {value}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--pycanon-rows", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.parquet"
        pq.write_table(make_table(args.rows), path)
        ours, our_seconds = charter_figures(path)
        theirs, their_seconds = reference_figures(path)
        problems = agree(ours, theirs)
        print(
            f"{args.rows:,} rows, 5 quasi-identifiers, 2 sensitive attributes: "
            f"{ours['classes']:,} classes, k = {ours['k']}"
        )
        print(f"  Charter (DuckDB)     {our_seconds:7.2f} s")
        ratio = their_seconds / our_seconds
        print(f"  pandas reference     {their_seconds:7.2f} s   ratio {ratio:.2f}x")
        print(f"  figures agree: {problems or 'yes'}")
        if PYCANON.exists():
            small = Path(folder) / "small.csv"
            pq.read_table(path).slice(0, args.pycanon_rows).to_pandas().to_csv(small, index=False)
            ours_small, ours_small_seconds = charter_figures(small)
            canon, canon_seconds = pycanon_figures(small)
            mismatch = agree(ours_small, canon, floor_entropy=True)
            print(
                f"  pyCANON on {args.pycanon_rows:,} rows: {canon_seconds:.2f} s against Charter "
                f"{ours_small_seconds:.2f} s ({canon_seconds / ours_small_seconds:.0f}x); figures "
                f"agree: {mismatch or 'yes'}"
            )
        else:
            print("  pyCANON: not installed (bash bench/setup_pycanon_env.sh)")
        if problems:
            sys.exit(1)


if __name__ == "__main__":
    main()
