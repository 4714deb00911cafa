"""Validation of monitoring schedules: named periods or five-field cron expressions."""

from __future__ import annotations

NAMED_SCHEDULES = ("daily", "weekly", "monthly", "quarterly")

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# (low, high, names whose index + offset is the value) per field: minute hour dom month dow
_FIELDS: tuple[tuple[int, int, tuple[str, ...], int], ...] = (
    (0, 59, (), 0),
    (0, 23, (), 0),
    (1, 31, (), 0),
    (1, 12, _MONTHS, 1),
    (0, 7, _DAYS, 0),
)


def is_valid_schedule(schedule: str) -> bool:
    """``daily``/``weekly``/``monthly``/``quarterly`` or a standard five-field cron line
    (numbers, ``*``, ranges ``a-b``, lists ``a,b``, steps ``/n``; month and weekday names)."""
    if schedule in NAMED_SCHEDULES:
        return True
    fields = schedule.split()
    return len(fields) == 5 and all(
        _valid_field(text, spec) for text, spec in zip(fields, _FIELDS, strict=True)
    )


def _valid_field(text: str, spec: tuple[int, int, tuple[str, ...], int]) -> bool:
    return all(_valid_item(item, spec) for item in text.split(","))


def _valid_item(item: str, spec: tuple[int, int, tuple[str, ...], int]) -> bool:
    base, _, step = item.partition("/")
    if step and not (step.isdigit() and int(step) > 0):
        return False
    if base == "*":
        return True
    low_text, _, high_text = base.partition("-")
    low = _value(low_text, spec)
    if low is None:
        return False
    if not high_text:
        return True
    high = _value(high_text, spec)
    return high is not None and low <= high


def _value(text: str, spec: tuple[int, int, tuple[str, ...], int]) -> int | None:
    low, high, names, offset = spec
    if text.upper() in names:
        return names.index(text.upper()) + offset
    if not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None
