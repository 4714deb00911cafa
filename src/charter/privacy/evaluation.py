"""Span-level scoring of PII detections against gold spans (the corpus of
``charter.privacy.corpus``, and the benchmark against Presidio).

``score(gold, predicted, entities=None)`` takes two lists with one item per line (document);
each item is a list of spans ``{"start": int, "end": int, "entity": str}`` (half-open
character offsets within the line; other keys such as ``"score"`` are ignored).

A predicted span is a **true positive** when it has the same entity as a gold span on the
same line and their character IoU is at least 0.5; each gold span and each prediction is
matched at most once (greedily by decreasing IoU). Unmatched predictions are false
positives, unmatched gold spans false negatives. Per entity: ``support``, ``predicted``,
``tp``, ``fp``, ``fn``, ``precision``, ``recall``, ``f1`` and ``hard_negative_fp``
(predictions on lines with no gold span at all: divided by those lines' size, false
positives per MB of clean text). ``"ALL"`` holds the micro-averaged totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Span = Mapping[str, Any]

IOU_THRESHOLD = 0.5
ALL = "ALL"


def iou(a: Span, b: Span) -> float:
    """Character intersection over union of two half-open spans."""
    inter: int = min(a["end"], b["end"]) - max(a["start"], b["start"])
    if inter <= 0:
        return 0.0
    union: int = max(a["end"], b["end"]) - min(a["start"], b["start"])
    return inter / union


def _match(pred: Sequence[Span], gold: Sequence[Span]) -> int:
    """Number of true positives between predictions and gold spans of one entity on one line."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            overlap = iou(p, g)
            if overlap >= IOU_THRESHOLD:
                pairs.append((-overlap, i, j))
    pairs.sort()
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    for _, i, j in pairs:
        if i not in used_pred and j not in used_gold:
            used_pred.add(i)
            used_gold.add(j)
    return len(used_pred)


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    row["fn"] = row["support"] - row["tp"]
    row["fp"] = row["predicted"] - row["tp"]
    p = _ratio(row["tp"], row["predicted"])
    r = _ratio(row["tp"], row["support"])
    row["precision"] = p
    row["recall"] = r
    row["f1"] = 2 * p * r / (p + r) if p + r else 0.0
    return row


def _empty_row() -> dict[str, Any]:
    return {"support": 0, "predicted": 0, "tp": 0, "hard_negative_fp": 0}


def score(
    gold: Sequence[Sequence[Span]],
    predicted: Sequence[Sequence[Span]],
    entities: Iterable[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Per-entity precision, recall, F1, support, false positives (see the module docstring)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold lines but {len(predicted)} predicted lines")
    wanted = set(entities) if entities is not None else None

    def keep(spans: Sequence[Span]) -> list[Span]:
        return [s for s in spans if wanted is None or s["entity"] in wanted]

    rows: dict[str, dict[str, Any]] = {e: _empty_row() for e in (wanted or ())}
    hard_negative_lines = 0
    for gold_line, pred_line in zip(gold, predicted, strict=True):
        g_spans, p_spans = keep(gold_line), keep(pred_line)
        hard_negative = not g_spans
        hard_negative_lines += hard_negative
        for entity in {s["entity"] for s in g_spans} | {s["entity"] for s in p_spans}:
            g = [s for s in g_spans if s["entity"] == entity]
            p = [s for s in p_spans if s["entity"] == entity]
            row = rows.setdefault(entity, _empty_row())
            row["support"] += len(g)
            row["predicted"] += len(p)
            row["tp"] += _match(p, g)
            if hard_negative:
                row["hard_negative_fp"] += len(p)

    result = {e: _finish(rows[e]) for e in sorted(rows)}
    total = _empty_row()
    for row in result.values():
        for key in total:
            total[key] += row[key]
    total = _finish(total)
    total["lines"] = len(gold)
    total["hard_negative_lines"] = hard_negative_lines
    result[ALL] = total
    return result


def markdown_table(result: Mapping[str, Mapping[str, Any]], mb_all: float, mb_neg: float) -> str:
    head = (
        "| entity | support | predicted | TP | FP | FN | precision | recall | F1 "
        "| hard-neg FP | FP/MB | hard-neg FP/MB |"
    )
    lines = [head, "|---" * 12 + "|"]

    def per_mb(n: int, mb: float) -> str:
        return f"{n / mb:.1f}" if mb else "n/a"

    for entity, r in result.items():
        name = f"**{entity}**" if entity == ALL else entity
        lines.append(
            f"| {name} | {r['support']} | {r['predicted']} | {r['tp']} | {r['fp']} | {r['fn']} "
            f"| {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} "
            f"| {r['hard_negative_fp']} | {per_mb(r['fp'], mb_all)} "
            f"| {per_mb(r['hard_negative_fp'], mb_neg)} |"
        )
    return "\n".join(lines)
