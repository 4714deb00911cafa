"""Charter's re-identification figures against golden values from pyCANON 1.3.6 (no
pyCANON here: it pins exact numpy, pandas and scipy versions).

``tests/golden/pycanon/`` holds three CSV tables and ``golden.json``, written by
``bench/pycanon_golden.py`` in pyCANON's own venv (``bash bench/setup_pycanon_env.sh``).
The tables go through the real scan engine (DuckDB reads the CSV files). pyCANON floors
entropy l to an integer; Charter keeps exp(H), so the test compares its floor.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from charter.engines.scan.scanner import IbisScanner

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "pycanon"
EXPECTED = json.loads((GOLDEN / "golden.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED["tables"]))
def test_matches_pycanon(name: str) -> None:
    want = EXPECTED["tables"][name]
    scanner = IbisScanner()
    try:
        report = scanner.reidentification(
            str(GOLDEN / f"{name}.csv"),
            tuple(want["quasi_identifiers"]),
            tuple(want["sensitive"]),
        )
    finally:
        scanner.close()
    assert report.sizes.k == want["k"]
    assert report.sizes.prosecutor_max == pytest.approx(want["max_rir"], rel=1e-12)
    assert report.sizes.class_average_risk == pytest.approx(want["average_rir"], rel=1e-12)
    for spread in report.sensitive:
        figures = want["by_attribute"][spread.attribute]
        assert spread.l_distinct == figures["l"]
        assert math.floor(spread.l_entropy + 1e-9) == figures["entropy_l"]
        assert spread.t == pytest.approx(figures["t"], abs=1e-12)


def test_the_golden_tables_exercise_both_distances_and_breaches() -> None:
    tables = EXPECTED["tables"]
    assert tables["skewed"]["k"] == 1
    assert tables["survey"]["k"] > 1
    assert any(a["l"] == 1 for a in tables["skewed"]["by_attribute"].values())
    # numeric (ordered EMD) and string (equal-distance EMD) attributes both appear
    assert {"income", "diagnosis"} <= set(tables["survey"]["by_attribute"])
