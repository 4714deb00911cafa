"""Validation of monitoring schedules: named periods or five-field cron expressions."""

from __future__ import annotations

from datetime import date, timedelta

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


PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92}
"""Longest gap between two runs of a named schedule."""


def first_due_after(schedule: str, after: date, horizon_days: int = 400) -> date | None:
    """The first day after ``after`` on which the schedule calls for a run (cron lines are
    matched by day: day of month, month and weekday, either of a restricted day of month
    and weekday sufficing, as cron does), or None within ``horizon_days``."""
    if schedule in PERIOD_DAYS:
        return after + timedelta(days=PERIOD_DAYS[schedule])
    if not is_valid_schedule(schedule):
        return None
    fields = schedule.split()
    days, months, weekdays = (_expand(fields[i], _FIELDS[i]) for i in (2, 3, 4))
    weekdays = {d % 7 for d in weekdays}  # 7 is Sunday too
    # As cron does: a field starting with "*" (also "*/2") does not restrict the day.
    day_any, weekday_any = fields[2].startswith("*"), fields[4].startswith("*")
    for offset in range(1, horizon_days + 1):
        day = after + timedelta(days=offset)
        if day.month not in months:
            continue
        on_day = day.day in days
        on_weekday = (day.isoweekday() % 7) in weekdays
        if (day_any or weekday_any) and on_day and on_weekday:
            return day
        if not day_any and not weekday_any and (on_day or on_weekday):
            return day
    return None


def _expand(text: str, spec: tuple[int, int, tuple[str, ...], int]) -> set[int]:
    low, high, _, _ = spec
    values: set[int] = set()
    for item in text.split(","):
        base, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            start, stop = low, high
        else:
            first, _, last = base.partition("-")
            first_value = _value(first, spec)
            start = low if first_value is None else first_value
            last_value = _value(last, spec) if last else None
            if last:
                stop = high if last_value is None else last_value
            else:
                stop = high if step_text else start
        values.update(range(start, stop + 1, step))
    return values
