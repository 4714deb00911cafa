# ruff: noqa: PLC0415
# (PLC0415: pyCANON is imported inside main() so that --help works without it.)
"""Golden re-identification figures from pyCANON 1.3.6, for tests/metrics/test_pycanon_golden.py.

Regenerate (pyCANON lives in its own venv: it pins exact numpy, pandas and scipy versions):

    bash bench/setup_pycanon_env.sh
    bench/.venv-pycanon/bin/python bench/pycanon_golden.py

This rewrites ``tests/golden/pycanon/``: three CSV tables from fixed numpy seeds and
``golden.json`` with, per table, pyCANON's k-anonymity, l-diversity, entropy l-diversity
(pyCANON floors exp(H) to an integer), t-closeness (equal-distance EMD for strings, ordered
EMD for numbers) per sensitive attribute, and its maximum and average re-identification
risk (``average_rir`` averages 1/|EC| over classes, not records). The tables have no
missing values: pyCANON builds classes with ``np.unique`` and ``==``, which drop NaN rows,
while Charter keeps NULL as a value of its own.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "golden" / "pycanon"


def tables() -> dict[str, tuple[object, list[str], list[str]]]:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(2026_11_25)
    rows = 600
    survey = pd.DataFrame(
        {
            "age_band": rng.choice(["18-29", "30-44", "45-64", "65+"], rows),
            "region": rng.choice(["north", "south", "east", "west", "centre"], rows),
            "gender": rng.choice(["f", "m"], rows),
            "diagnosis": rng.choice(
                ["none", "flu", "asthma", "diabetes"], rows, p=[0.55, 0.2, 0.15, 0.1]
            ),
            "income": rng.integers(1, 8, rows),
        }
    )
    rows = 400
    skewed = pd.DataFrame(
        {
            "zip": rng.choice(
                ["1011", "1012", "1013", "2511", "9999"], rows, p=[0.3, 0.3, 0.3, 0.09, 0.01]
            ),
            "birth_year": rng.integers(1950, 1960, rows),
            "segment": rng.choice(["binge", "casual", "lapsed"], rows, p=[0.8, 0.15, 0.05]),
            "spend": rng.integers(0, 30, rows),
        }
    )
    rows = 300
    numeric = pd.DataFrame(
        {
            "age": rng.integers(20, 26, rows),
            "children": rng.integers(0, 3, rows),
            "score": rng.integers(0, 5, rows),
            "plan": rng.choice(["a", "b"], rows),
        }
    )
    return {
        "survey": (survey, ["age_band", "region", "gender"], ["diagnosis", "income"]),
        "skewed": (skewed, ["zip", "birth_year"], ["segment", "spend"]),
        "numeric": (numeric, ["age", "children"], ["score", "plan"]),
    }


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    from importlib.metadata import version

    from pycanon import anonymity, metrics

    OUT.mkdir(parents=True, exist_ok=True)
    golden: dict[str, object] = {"pycanon": version("pycanon"), "tables": {}}
    for name, (frame, quasi, sensitive) in tables().items():
        frame.to_csv(OUT / f"{name}.csv", index=False)  # type: ignore[attr-defined]
        golden["tables"][name] = {  # type: ignore[index]
            "quasi_identifiers": quasi,
            "sensitive": sensitive,
            "k": int(anonymity.k_anonymity(frame, quasi)),
            "max_rir": float(metrics.max_rir(frame, quasi)),
            "average_rir": float(metrics.average_rir(frame, quasi)),
            "by_attribute": {
                attribute: {
                    "l": int(anonymity.l_diversity(frame, quasi, [attribute])),
                    "entropy_l": int(anonymity.entropy_l_diversity(frame, quasi, [attribute])),
                    "t": float(anonymity.t_closeness(frame, quasi, [attribute])),
                }
                for attribute in sensitive
            },
        }
    (OUT / "golden.json").write_text(json.dumps(golden, indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
