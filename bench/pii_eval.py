"""Score a PII prediction file against a gold corpus (the scoring is
``charter.privacy.evaluation``).

``score(gold, predicted, entities=None)`` takes two lists with one item per line (document);
each item is a list of spans ``{"start": int, "end": int, "entity": str}`` (half-open
character offsets within the line; other keys such as ``"score"`` are ignored).

Matching rule
-------------
A predicted span is a **true positive** when it has the same entity as a gold span on the
same line and their character IoU is at least 0.5::

    IoU = |[s1, e1) & [s2, e2)| / |[s1, e1) | [s2, e2)|

Each gold span is matched at most once, and each prediction at most once. Within a line and an
entity, candidate (prediction, gold) pairs with IoU >= 0.5 are taken greedily by decreasing
IoU (ties: earlier prediction, then earlier gold span, in list order). Unmatched predictions
are **false positives** (so a duplicate of an already matched detection is a false positive),
unmatched gold spans are **false negatives**. An entity label mismatch never matches.

Per entity the result holds ``support`` (gold spans), ``predicted``, ``tp``, ``fp``, ``fn``,
``precision = tp / predicted``, ``recall = tp / support``, ``f1`` (harmonic mean; each is 0.0
when its denominator is 0), and ``hard_negative_fp``: predictions of that entity on lines
that have **no gold span at all** (of any entity; with ``entities`` given, of any of those
entities). They are all false positives; dividing by the size of those lines gives false
positives per MB of clean text. The extra key ``"ALL"`` holds the micro-averaged totals, plus
``lines`` and ``hard_negative_lines`` (line counts).

``entities``: when given, spans (gold and predicted) of other entities are ignored and every
listed entity gets a row, even with no spans; when None, the entities seen on either side.

Command line::

    python bench/pii_eval.py GOLD.jsonl PRED.jsonl [--entities E1,E2] [--json]

``GOLD.jsonl``: one ``{"text": ..., "spans": [...]}`` per line; ``PRED.jsonl``: one
``{"line": N (1-based), "spans": [...]}`` per line (``bench/presidio_runner.py``'s output;
lines missing from it count as no prediction). Prints a markdown table; FP/MB columns use
MB = 10**6 bytes of UTF-8 text, one newline per line included (all lines for ``FP/MB``, the
lines without gold spans for ``hard-neg FP/MB``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from charter.privacy.evaluation import ALL, IOU_THRESHOLD, Span, markdown_table, score


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score PII span predictions against gold.")
    parser.add_argument("gold", type=Path, help='JSONL of {"text": ..., "spans": [...]}')
    parser.add_argument("pred", type=Path, help='JSONL of {"line": N, "spans": [...]}')
    parser.add_argument("--entities", help="comma-separated entities to score (default: all)")
    parser.add_argument("--json", action="store_true", help="print the result dict as JSON")
    args = parser.parse_args(argv)

    gold_rows = _read_jsonl(args.gold)
    by_line: dict[int, list[Span]] = {}
    for row in _read_jsonl(args.pred):
        by_line.setdefault(int(row["line"]), []).extend(row["spans"])
    extra = sorted(n for n in by_line if not 1 <= n <= len(gold_rows))
    if extra:
        parser.error(f"predictions for lines {extra[:5]} outside 1..{len(gold_rows)}")
    entities = [e.strip() for e in args.entities.split(",")] if args.entities else None

    gold = [row["spans"] for row in gold_rows]
    predicted = [by_line.get(n, []) for n in range(1, len(gold_rows) + 1)]
    result = score(gold, predicted, entities)

    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    wanted = set(entities) if entities else None
    bytes_all = bytes_neg = 0
    for row in gold_rows:
        size = len(row["text"].encode("utf-8")) + 1
        bytes_all += size
        if not any(wanted is None or s["entity"] in wanted for s in row["spans"]):
            bytes_neg += size
    total = result[ALL]
    print(
        f"{total['lines']} lines ({bytes_all} bytes), {total['hard_negative_lines']} without "
        f"gold spans ({bytes_neg} bytes); TP = same entity and character IoU >= "
        f"{IOU_THRESHOLD}\n"
    )
    print(markdown_table(result, bytes_all / 1e6, bytes_neg / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
