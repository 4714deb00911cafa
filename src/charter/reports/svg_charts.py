"""Inline SVG charts for the HTML report: plain markup, no script, no external reference.

Every chart carries a ``<title>`` and ``<desc>`` (named by ``aria-labelledby``) and writes its
numbers as text, so it reads without colour and with a screen reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

_FONT = 'font-family="system-ui, -apple-system, \'Segoe UI\', sans-serif" font-size="12"'


@dataclass(frozen=True)
class Bar:
    """One row of a horizontal bar chart."""

    label: str
    value: float | None
    """Length of the bar in chart units; ``None`` draws no bar (nothing to measure)."""
    text: str
    """What is written after the bar (the figure, or why there is none)."""
    colour: str


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar."""

    label: str
    count: int
    colour: str


def bar_chart(
    bars: list[Bar],
    *,
    chart_id: str,
    title: str,
    description: str,
    maximum: float = 100.0,
    ticks: tuple[float, ...] = (0, 25, 50, 75, 100),
) -> str:
    """Horizontal bars from 0 to ``maximum`` with a labelled axis."""
    label_width, plot_width, value_width = 290, 400, 170
    row, top = 26, 8
    width = label_width + plot_width + value_width
    height = top + row * len(bars) + 26
    parts = [_open(chart_id, title, description, width, height)]
    for tick in ticks:
        x = label_width + plot_width * tick / maximum
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + row * len(bars)}" '
            'stroke="#d0d4d9" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{top + row * len(bars) + 16}" text-anchor="middle" '
            f'fill="#4a5560" {_FONT}>{tick:g}</text>'
        )
    for i, bar in enumerate(bars):
        y = top + i * row
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" fill="#1f2933" '
            f"{_FONT}>{escape(bar.label)}</text>"
        )
        length = 0.0
        if bar.value is not None:
            length = plot_width * max(0.0, min(bar.value, maximum)) / maximum
            parts.append(
                f'<rect x="{label_width}" y="{y + 5}" width="{length:.1f}" height="16" '
                f'fill="{escape(bar.colour)}"><title>{escape(bar.label)}: '
                f"{escape(bar.text)}</title></rect>"
            )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}" fill="#1f2933" '
            f"{_FONT}>{escape(bar.text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar(segments: list[Segment], *, chart_id: str, title: str, description: str) -> str:
    """One bar split by count, with a legend giving each count as text."""
    width, bar_height, legend_row = 860, 24, 22
    total = sum(s.count for s in segments)
    height = 8 + bar_height + 12 + legend_row
    parts = [_open(chart_id, title, description, width, height)]
    if total == 0:
        parts.append(
            f'<rect x="0" y="8" width="{width}" height="{bar_height}" fill="#eef0f2"/>'
            f'<text x="8" y="25" fill="#1f2933" {_FONT}>none</text>'
        )
    x = 0.0
    for segment in segments:
        if not segment.count:
            continue
        length = width * segment.count / total
        parts.append(
            f'<rect x="{x:.1f}" y="8" width="{length:.1f}" height="{bar_height}" '
            f'fill="{escape(segment.colour)}"><title>{escape(segment.label)}: '
            f"{segment.count}</title></rect>"
        )
        x += length
    legend_y = 8 + bar_height + 12
    step = width / max(len(segments), 1)
    for i, segment in enumerate(segments):
        lx = i * step
        parts.append(
            f'<rect x="{lx:.1f}" y="{legend_y}" width="12" height="12" '
            f'fill="{escape(segment.colour)}"/>'
            f'<text x="{lx + 17:.1f}" y="{legend_y + 11}" fill="#1f2933" {_FONT}>'
            f"{escape(segment.label)}: {segment.count}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _open(chart_id: str, title: str, description: str, width: int, height: int) -> str:
    cid = escape(chart_id)
    return (
        # Inline SVG in HTML needs no xmlns: the HTML parser puts it in the SVG namespace.
        f'<svg class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{cid}-title {cid}-desc">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(description)}</desc>'
    )


@dataclass(frozen=True)
class Estimate:
    """One row of an interval chart: a point with its confidence interval."""

    label: str
    value: float | None
    interval: tuple[float, float] | None
    text: str
    colour: str = "#2f6db5"


def interval_chart(
    rows: list[Estimate],
    *,
    chart_id: str,
    title: str,
    description: str,
    reference: tuple[float, str] | None = None,
    maximum: float = 1.0,
) -> str:
    """Points with 95 % interval whiskers on a 0..``maximum`` axis, and an optional
    labelled vertical line (a threshold)."""
    label_width, plot_width, value_width = 230, 420, 220
    row, top = 24, 22
    width = label_width + plot_width + value_width
    height = top + row * len(rows) + 28
    parts = [_open(chart_id, title, description, width, height)]

    def x_of(value: float) -> float:
        return label_width + plot_width * max(0.0, min(value, maximum)) / maximum

    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = x_of(tick * maximum)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + row * len(rows)}" '
            'stroke="#d0d4d9" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{top + row * len(rows) + 16}" text-anchor="middle" '
            f'fill="#4a5560" {_FONT}>{tick * maximum:g}</text>'
        )
    if reference is not None:
        x = x_of(reference[0])
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{top + row * len(rows)}" '
            'stroke="#b3261e" stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{x + 4:.1f}" y="{top - 8}" fill="#b3261e" {_FONT}>'
            f"{escape(reference[1])}</text>"
        )
    for i, item in enumerate(rows):
        y = top + i * row + 12
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 4}" text-anchor="end" fill="#1f2933" '
            f"{_FONT}>{escape(item.label)}</text>"
        )
        if item.interval is not None:
            low, high = x_of(item.interval[0]), x_of(item.interval[1])
            parts.append(
                f'<line x1="{low:.1f}" y1="{y}" x2="{high:.1f}" y2="{y}" '
                f'stroke="{escape(item.colour)}" stroke-width="2"/>'
                f'<line x1="{low:.1f}" y1="{y - 5}" x2="{low:.1f}" y2="{y + 5}" '
                f'stroke="{escape(item.colour)}"/>'
                f'<line x1="{high:.1f}" y1="{y - 5}" x2="{high:.1f}" y2="{y + 5}" '
                f'stroke="{escape(item.colour)}"/>'
            )
        if item.value is not None:
            parts.append(
                f'<circle cx="{x_of(item.value):.1f}" cy="{y}" r="4.5" '
                f'fill="{escape(item.colour)}"><title>{escape(item.label)}: '
                f"{escape(item.text)}</title></circle>"
            )
        parts.append(
            f'<text x="{label_width + plot_width + 10}" y="{y + 4}" fill="#1f2933" '
            f"{_FONT}>{escape(item.text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Series:
    """One line of a line chart; ``None`` values leave a gap."""

    label: str
    values: list[float | None]
    colour: str


def line_chart(
    series: list[Series],
    x_labels: list[str],
    *,
    chart_id: str,
    title: str,
    description: str,
    reference: tuple[float, str] | None = None,
    maximum: float = 1.0,
) -> str:
    """Lines over ordered buckets (time) on a 0..``maximum`` axis, with an optional labelled
    horizontal threshold line and a legend."""
    left, plot_width, plot_height, top = 50, 560, 180, 16
    width = left + plot_width + 200
    height = top + plot_height + 40
    parts = [_open(chart_id, title, description, width, height)]
    count = max(len(x_labels), 1)

    def x_of(index: int) -> float:
        return left + (plot_width * index / (count - 1) if count > 1 else plot_width / 2)

    def y_of(value: float) -> float:
        return top + plot_height * (1 - max(0.0, min(value, maximum)) / maximum)

    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = y_of(tick * maximum)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_width}" y2="{y:.1f}" '
            'stroke="#d0d4d9"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#4a5560" '
            f"{_FONT}>{tick * maximum:g}</text>"
        )
    step = max(1, -(-count // 6))  # at most about six labels, so they never overlap
    for index, label in enumerate(x_labels):
        if index % step == 0 or index == count - 1:
            parts.append(
                f'<text x="{x_of(index):.1f}" y="{top + plot_height + 16}" '
                f'text-anchor="middle" fill="#4a5560" {_FONT}>{escape(label)}</text>'
            )
    if reference is not None:
        y = y_of(reference[0])
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_width}" y2="{y:.1f}" '
            'stroke="#b3261e" stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{left + 4}" y="{y - 4:.1f}" fill="#b3261e" {_FONT}>'
            f"{escape(reference[1])}</text>"
        )
    for number, line in enumerate(series):
        points = [(x_of(i), y_of(v)) for i, v in enumerate(line.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{escape(line.colour)}" '
                'stroke-width="2"/>'
            )
        for (x, y), (i, v) in zip(
            points, [(i, v) for i, v in enumerate(line.values) if v is not None], strict=True
        ):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{escape(line.colour)}">'
                f"<title>{escape(line.label)} {escape(x_labels[i])}: {v:.3f}</title></circle>"
            )
        legend_y = top + 14 + 18 * number
        parts.append(
            f'<rect x="{left + plot_width + 10}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{escape(line.colour)}"/>'
            f'<text x="{left + plot_width + 26}" y="{legend_y}" fill="#1f2933" {_FONT}>'
            f"{escape(line.label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class BarGroup:
    """One labelled row of a grouped bar chart: one or more bars drawn under each other."""

    label: str
    bars: tuple[Bar, ...]


def grouped_bar_chart(
    groups: list[BarGroup],
    *,
    chart_id: str,
    title: str,
    description: str,
    maximum: float,
    ticks: tuple[float, ...],
    threshold: tuple[float, str] | None = None,
) -> str:
    """Horizontal bars from 0 to ``maximum``, grouped under one label each (e.g. reference
    and current share of a bin), with an optional dashed, labelled threshold line."""
    label_width, plot_width, value_width = 230, 420, 120
    bar_height, gap, top = 14, 10, 22
    heights = [len(g.bars) * bar_height + gap for g in groups]
    plot_height = sum(heights)
    width = label_width + plot_width + value_width
    height = top + plot_height + 26
    parts = [_open(chart_id, title, description, width, height)]

    def x_of(value: float) -> float:
        return label_width + plot_width * max(0.0, min(value, maximum)) / maximum

    for tick in ticks:
        x = x_of(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_height}" '
            'stroke="#d0d4d9" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{top + plot_height + 16}" text-anchor="middle" '
            f'fill="#4a5560" {_FONT}>{tick:.3g}</text>'
        )
    y = float(top)
    for group, group_height in zip(groups, heights, strict=True):
        middle = y + (group_height - gap) / 2 + 4
        parts.append(
            f'<text x="{label_width - 8}" y="{middle:.1f}" text-anchor="end" fill="#1f2933" '
            f"{_FONT}>{escape(group.label)}</text>"
        )
        for i, bar in enumerate(group.bars):
            bar_y = y + i * bar_height
            end = float(label_width)
            if bar.value is not None:
                end = x_of(bar.value)
                parts.append(
                    f'<rect x="{label_width}" y="{bar_y + 1:.1f}" width="{end - label_width:.1f}" '
                    f'height="{bar_height - 2}" fill="{escape(bar.colour)}"><title>'
                    f"{escape(group.label)}, {escape(bar.label)}: {escape(bar.text)}</title></rect>"
                )
            parts.append(
                f'<text x="{end + 6:.1f}" y="{bar_y + bar_height - 3:.1f}" fill="#1f2933" '
                f"{_FONT}>{escape(bar.text)}</text>"
            )
        y += group_height
    if threshold is not None:
        x = x_of(threshold[0])
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{top + plot_height}" '
            'stroke="#b3261e" stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{x + 4:.1f}" y="{top - 8}" fill="#b3261e" {_FONT}>'
            f"{escape(threshold[1])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Mark:
    """One span on a timeline lane (a subtitle event that breaks a rule)."""

    lane: str
    start: float
    """Seconds from the start of the file."""
    end: float
    text: str
    colour: str


def timeline_chart(
    marks: list[Mark],
    *,
    lanes: list[str],
    duration: float,
    chart_id: str,
    title: str,
    description: str,
) -> str:
    """One lane per rule across the file's running time (mm:ss axis); each mark is at least
    2 px wide so a short event stays visible, and names its time and problem."""
    label_width, plot_width, row, top = 110, 720, 22, 8
    width = label_width + plot_width + 20
    height = top + row * max(len(lanes), 1) + 26
    span = max(duration, 1.0)
    parts = [_open(chart_id, title, description, width, height)]
    step = _time_step(span)
    tick = 0.0
    while tick <= span + 1e-9:
        x = label_width + plot_width * tick / span
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + row * len(lanes)}" '
            'stroke="#d0d4d9" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{top + row * len(lanes) + 16}" text-anchor="middle" '
            f'fill="#4a5560" {_FONT}>{_clock(tick)}</text>'
        )
        tick += step
    for i, lane in enumerate(lanes):
        parts.append(
            f'<text x="{label_width - 8}" y="{top + i * row + 15}" text-anchor="end" '
            f'fill="#1f2933" {_FONT}>{escape(lane)}</text>'
        )
    index = {lane: i for i, lane in enumerate(lanes)}
    for mark in marks:
        if mark.lane not in index:
            continue
        y = top + index[mark.lane] * row + 4
        x = label_width + plot_width * max(0.0, mark.start) / span
        length = max(2.0, plot_width * max(0.0, mark.end - mark.start) / span)
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="14" '
            f'fill="{escape(mark.colour)}"><title>{escape(mark.lane)} at '
            f"{_clock(mark.start)}: {escape(mark.text)}</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _time_step(span: float) -> float:
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if span / step <= 10:
            return float(step)
    return 7200.0


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


@dataclass(frozen=True)
class Reading:
    """One measured value against a target band (a file's loudness)."""

    label: str
    value: float | None
    text: str
    colour: str


def band_chart(
    readings: list[Reading],
    *,
    axis: tuple[float, float],
    band: tuple[float, float],
    band_label: str,
    chart_id: str,
    title: str,
    description: str,
) -> str:
    """A dot per reading on a shared axis, with the target band shaded and labelled."""
    label_width, plot_width, value_width, row, top = 290, 400, 190, 26, 22
    low, high = axis
    width = label_width + plot_width + value_width
    height = top + row * max(len(readings), 1) + 26

    def x_of(value: float) -> float:
        clamped = max(low, min(high, value))
        return label_width + plot_width * (clamped - low) / (high - low)

    parts = [_open(chart_id, title, description, width, height)]
    left, right = x_of(band[0]), x_of(band[1])
    bottom = top + row * len(readings)
    parts.append(
        f'<rect x="{left:.1f}" y="{top}" width="{right - left:.1f}" height="{bottom - top}" '
        f'fill="#dcebdc"><title>{escape(band_label)}</title></rect>'
        f'<text x="{(left + right) / 2:.1f}" y="{top - 8}" text-anchor="middle" '
        f'fill="#3d6b3d" {_FONT}>{escape(band_label)}</text>'
    )
    step = 5.0 if high - low <= 40 else 10.0
    tick = low
    while tick <= high + 1e-9:
        x = x_of(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#d0d4d9"/>'
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#4a5560" '
            f"{_FONT}>{tick:g}</text>"
        )
        tick += step
    for i, reading in enumerate(readings):
        y = top + i * row
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" fill="#1f2933" '
            f"{_FONT}>{escape(reading.label)}</text>"
        )
        if reading.value is not None:
            parts.append(
                f'<circle cx="{x_of(reading.value):.1f}" cy="{y + 13}" r="6" '
                f'fill="{escape(reading.colour)}"><title>{escape(reading.label)}: '
                f"{escape(reading.text)}</title></circle>"
            )
        parts.append(
            f'<text x="{label_width + plot_width + 10}" y="{y + 17}" fill="#1f2933" '
            f"{_FONT}>{escape(reading.text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
