"""Score and status rules (frozen contract, DESIGN.md Outputs)."""

from __future__ import annotations

from charter.domain.audit import Assessment, score_of
from charter.domain.errors import Location
from charter.domain.findings import Finding, finding_severity, fingerprint
from charter.domain.guidelines import Cutoffs, Direction, Threshold
from charter.domain.status import Principle, Severity, Status, Verdict, worst_status

CUTOFFS = Cutoffs(lower=60, upper=85)


def _a(status: Status, weight: float = 5.0, severity: Severity = Severity.HIGH) -> Assessment:
    return Assessment("p", "R-01", Principle.DOC, severity, "s", status, weight)


def _f(severity: Severity, status: Status = Status.FAIL) -> Finding:
    return Finding(
        "F1",
        "x" * 32,
        "p",
        "R-01",
        "c.c",
        Principle.DOC,
        "s",
        "system:s",
        status,
        severity,
        "m",
        "r",
        Location("f"),
    )


def test_score_leaves_out_not_applicable_and_not_assessed() -> None:
    items = [
        _a(Status.PASS, 10),
        _a(Status.FAIL, 5),
        _a(Status.NOT_APPLICABLE, 100),
        _a(Status.NOT_ASSESSED, 100),
        _a(Status.INSUFFICIENT_EVIDENCE, 5),
    ]
    line = score_of(items, [], CUTOFFS, has_breakdown=False)
    assert line.score == 50.0  # 1 - 10/20
    assert (line.assessed, line.applicable) == (3, 4)
    assert line.coverage == 0.75
    assert line.status is Verdict.NON_COMPLIANT  # under the lower cut-off


def test_status_rules() -> None:
    passing = [_a(Status.PASS)] * 9 + [_a(Status.FAIL)]  # score 90
    assert score_of(passing, [], CUTOFFS, False).status is Verdict.COMPLIANT
    assert score_of(passing, [_f(Severity.MEDIUM)], CUTOFFS, False).status is Verdict.COMPLIANT
    assert score_of(passing, [_f(Severity.HIGH)], CUTOFFS, False).status is Verdict.AT_RISK
    assert (
        score_of(passing, [_f(Severity.CRITICAL)], CUTOFFS, False).status is Verdict.NON_COMPLIANT
    )
    assert score_of(passing, [], CUTOFFS, has_breakdown=True).status is Verdict.AT_RISK
    eighty = [_a(Status.PASS)] * 4 + [_a(Status.FAIL)]
    assert score_of(eighty, [], CUTOFFS, False).status is Verdict.AT_RISK
    nothing = score_of([_a(Status.NOT_ASSESSED)], [], CUTOFFS, False)
    assert nothing.score is None
    assert nothing.status is Verdict.AT_RISK
    only_not_applicable = score_of([_a(Status.NOT_APPLICABLE)], [], CUTOFFS, False)
    assert (only_not_applicable.score, only_not_applicable.status) == (None, Verdict.COMPLIANT)
    assert nothing.coverage == 0.0


def test_worst_status_precedence() -> None:
    assert worst_status([Status.PASS, Status.FAIL, Status.ERROR]) is Status.FAIL
    assert worst_status([Status.PASS, Status.INCOMPLETE]) is Status.INCOMPLETE
    assert worst_status([Status.PASS, Status.NOT_ASSESSED]) is Status.PASS
    assert worst_status([Status.NOT_APPLICABLE, Status.NOT_ASSESSED]) is Status.NOT_ASSESSED
    assert worst_status([Status.NOT_APPLICABLE]) is Status.NOT_APPLICABLE
    assert worst_status([]) is Status.NOT_ASSESSED


def test_finding_severity_rules() -> None:
    assert finding_severity(Status.FAIL, Severity.CRITICAL) is Severity.CRITICAL
    assert finding_severity(Status.ERROR, Severity.LOW) is Severity.LOW
    assert finding_severity(Status.INSUFFICIENT_EVIDENCE, Severity.CRITICAL) is Severity.MEDIUM
    assert finding_severity(Status.NOT_ASSESSED, Severity.CRITICAL) is Severity.INFO


def test_fingerprint_is_stable_and_sensitive_to_each_part() -> None:
    base = fingerprint("p", "R-01", "c.c", "sys", "system:sys")
    assert base == fingerprint("p", "R-01", "c.c", "sys", "system:sys")
    assert len(base) == 32
    variants = {
        fingerprint("q", "R-01", "c.c", "sys", "system:sys"),
        fingerprint("p", "R-02", "c.c", "sys", "system:sys"),
        fingerprint("p", "R-01", "c.d", "sys", "system:sys"),
        fingerprint("p", "R-01", "c.c", None, "system:sys"),
        fingerprint("p", "R-01", "c.c", "sys", "system:other"),
    }
    assert base not in variants
    assert len(variants) == 5


def test_threshold_looseness_by_direction() -> None:
    cap = Threshold(value=365, direction=Direction.MAX, source="x")
    assert cap.is_loosened_by(400)
    assert not cap.is_loosened_by(180)
    floor = Threshold(value=0.8, direction=Direction.MIN, source="x")
    assert floor.is_loosened_by(0.7)
    assert not floor.is_loosened_by(0.9)
    band = Threshold(value=(-29, -25), direction=Direction.BAND, source="x")
    assert band.is_loosened_by((-30, -25))
    assert band.is_loosened_by((-28, -24))
    assert not band.is_loosened_by((-28, -26))
    assert band.is_loosened_by(-27)
