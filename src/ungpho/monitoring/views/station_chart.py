"""The station page's chart: one parameter over 24 h, 7 d or 30 d, drawn as server-side SVG
(no script: the Content-Security-Policy allows none inline, and the page stays offline), with
the station's alarm levels and the QCVN 05:2023 limits as labelled horizontal lines, and the
CSV export of the same window.

Sources:
- Alarm levels: the station's ``Threshold`` (operator levels 1–3, ``monitoring.models``).
- National limits: QCVN 05:2023/BTNMT Bảng 1 through
  :func:`ungpho.core.monitoring.limits.national_limits`, for ambient-air stations only (as
  ``monitoring.national`` judges them).

Readings (where the brief is silent):
- Each window is cut into buckets grouped by the database (``series_buckets``): 5 min over
  24 h, 30 min over 7 d, 2 h over 30 d — a few hundred points whatever the window. Each bucket
  is drawn as its min–max band with its mean as the line; a missing bucket breaks both.
  Flagged (disqualified) readings are left out, as in every aggregate.
- The window ends at the end of the bucket in progress, so the CSV link covers exactly the
  buckets drawn.
- A QCVN limit is on a mean (1 h, 8 h or 24 h): its line is labelled with its averaging, so
  a single bucket above it is read as what it is.
- Vertical scale: from the lowest to the highest value shown, widened to include the lowest
  line (the first alarm stays in view); a line above the scale is listed beneath the chart
  as "above the chart" instead of being drawn.
"""

from __future__ import annotations

import datetime as dt
import math
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ungpho.core.monitoring.limits import national_limits
from ungpho.core.vietnam_time import VIETNAM
from ungpho.monitoring.models import Station, Threshold
from ungpho.monitoring.selectors import series_buckets
from ungpho.platform.numbers import measure

#: window key → (length, bucket, x-axis tick step, tick label format).
WINDOWS: dict[str, tuple[dt.timedelta, int, dt.timedelta, str]] = {
    "24h": (dt.timedelta(hours=24), 300, dt.timedelta(hours=3), "%H:%M"),
    "7d": (dt.timedelta(days=7), 1800, dt.timedelta(days=1), "%d/%m"),
    "30d": (dt.timedelta(days=30), 7200, dt.timedelta(days=5), "%d/%m"),
}
WINDOW_NAMES = {"24h": gettext_lazy("24 hours"), "7d": gettext_lazy("7 days"),
                "30d": gettext_lazy("30 days")}
DEFAULT_WINDOW = "24h"
AVERAGING_NAMES = {"1h": gettext_lazy("1-hour mean"), "8h": gettext_lazy("8-hour mean"),
                   "24h": gettext_lazy("24-hour mean")}

WIDTH_PX, HEIGHT_PX = 720, 240
LEFT_PX, RIGHT_PX, TOP_PX, BOTTOM_PX = 56, 8, 20, 24
Y_TICKS = 5
LABEL_HALF_PX = 16


def window_of(raw: str | None) -> str:
    """The window asked for, or the default one for anything else (it is chosen by link)."""
    return raw if raw in WINDOWS else DEFAULT_WINDOW


def window_bounds(window: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """[since, until) of ``window``, ending at the end of the bucket ``now`` is in."""
    length, bucket_s, _step, _fmt = WINDOWS[window]
    end_s = math.ceil(now.timestamp() / bucket_s) * bucket_s
    until = dt.datetime.fromtimestamp(end_s, dt.UTC)
    return until - length, until


def nice_ticks(low: float, high: float, count: int = Y_TICKS) -> list[float]:
    """About ``count`` round values covering [low, high], 1, 2 or 5 × 10ⁿ apart (the one
    nearest to an even split)."""
    raw_step = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = min((m * magnitude for m in (1, 2, 5, 10)),
               key=lambda s: abs(math.log(s / raw_step)))
    first = math.floor(low / step) * step
    return [first + k * step for k in range(int(math.ceil((high - first) / step)) + 1)]


def chart_geometry(buckets: list[tuple[float, float, float, float]], *, since_s: float,
                   until_s: float, bucket_s: int, lines: list[dict],
                   width_px: int = WIDTH_PX, height_px: int = HEIGHT_PX) -> dict:
    """SVG geometry (px, y downwards) of ``buckets`` (start s, min, max, mean) over
    [since_s, until_s) and of horizontal ``lines`` ({"value", "label", "kind"}): per run of
    consecutive buckets a band polygon (min–max) and a mean polyline (or a dot when alone),
    y ticks, and each line with its y or ``above`` when off the scale (module readings)."""
    values = [v for _start, low, high, _mean in buckets for v in (low, high)]
    line_values = sorted(line["value"] for line in lines)
    shown = values + line_values[:1]
    if not shown:
        return {"runs": [], "lines": [], "y_ticks": [], "empty": True}
    low, high = min(shown), max(shown)
    if high == low:
        low, high = low - max(abs(low) * 0.1, 1.0), high + max(abs(high) * 0.1, 1.0)
    ticks = nice_ticks(low, high)
    low, high = min(low, ticks[0]), max(high, ticks[-1])
    plot_w, plot_h = width_px - LEFT_PX - RIGHT_PX, height_px - TOP_PX - BOTTOM_PX

    def x(t_s: float) -> float:
        return LEFT_PX + (t_s - since_s) / (until_s - since_s) * plot_w

    def y(value: float) -> float:
        return TOP_PX + (1 - (value - low) / (high - low)) * plot_h

    runs: list[list[tuple[float, float, float, float]]] = []
    for bucket in buckets:
        if runs and bucket[0] - runs[-1][-1][0] <= bucket_s:
            runs[-1].append(bucket)
        else:
            runs.append([bucket])
    drawn = []
    for run in runs:
        mids = [(x(start + bucket_s / 2), y(mean)) for start, _lo, _hi, mean in run]
        band = ([(x(start + bucket_s / 2), y(hi)) for start, _lo, hi, _mean in run]
                + [(x(start + bucket_s / 2), y(lo)) for start, lo, _hi, _mean in run[::-1]])
        drawn.append({"band": _points(band), "mean": _points(mids),
                      "dot": {"cx": f"{mids[0][0]:.1f}", "cy": f"{mids[0][1]:.1f}"}
                      if len(run) == 1 else None})
    return {
        "empty": not buckets,
        "runs": drawn,
        "y_ticks": [{"y": f"{y(t):.1f}", "label": measure(t)} for t in ticks],
        "lines": [{**line, "above": line["value"] > high,
                   "y": f"{y(line['value']):.1f}" if line["value"] <= high else None}
                  for line in lines],
    }


def _points(points: list[tuple[float, float]]) -> str:
    # Locale-independent: a Vietnamese decimal comma would break the coordinates.
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in points)


def x_ticks(window: str, since: dt.datetime, until: dt.datetime,
            width_px: int = WIDTH_PX) -> list[dict]:
    """Vertical grid lines at round Vietnam times (every 3 h, day or 5 days), labelled."""
    _length, _bucket, step, fmt = WINDOWS[window]
    local = since.astimezone(VIETNAM)
    unit = dt.timedelta(hours=1) if step < dt.timedelta(days=1) else dt.timedelta(days=1)
    tick = local.replace(minute=0, second=0, microsecond=0)
    if unit == dt.timedelta(days=1):
        tick = tick.replace(hour=0)
    while tick < local or tick.hour % int(step.total_seconds() // 3600):
        tick += unit
    span_s = (until - since).total_seconds()
    plot_w = width_px - LEFT_PX - RIGHT_PX
    ticks = []
    while tick < until:
        px = LEFT_PX + (tick - since).total_seconds() / span_s * plot_w
        if px < width_px - RIGHT_PX - LABEL_HALF_PX:  # a label cut by the edge is unreadable
            ticks.append({"x": f"{px:.1f}", "label": tick.strftime(fmt)})
        tick += step
    return ticks


def reference_lines(station: Station, parameter_id: int, parameter_code: str, unit: str,
                    on: dt.date) -> list[dict]:
    """The station's alarm levels for the parameter and, at an ambient-air station, the QCVN
    05:2023 limits on 1-, 8- and 24-hour means in force on ``on`` (Vietnam's date)."""
    lines = []
    threshold = Threshold.objects.filter(station=station, parameter_id=parameter_id).first()
    for level, value in enumerate(threshold.levels if threshold else (), start=1):
        if value is not None:
            lines.append({"value": value, "kind": f"alarm-{level}", "label": _(
                "Alarm level %(level)d: %(value)s %(unit)s") % {
                "level": level, "value": measure(value), "unit": unit}})
    if station.type == Station.Type.AMBIENT_AIR:
        for (code, averaging), limit in sorted(national_limits(on).items()):
            if code == parameter_code and averaging in AVERAGING_NAMES:
                lines.append({"value": limit.limit_ug_m3, "kind": "qcvn", "label": _(
                    "QCVN 05:2023, %(averaging)s: %(value)s %(unit)s") % {
                    "averaging": AVERAGING_NAMES[averaging],
                    "value": measure(limit.limit_ug_m3), "unit": unit}})
    return lines


def readings_csv_url(station: Station, since: dt.datetime, until: dt.datetime,
                     parameter_code: str | None = None) -> str:
    """The monitoring API's CSV export of the readings of [since, until)."""
    query = {"station": station.code, "since": since.isoformat(), "until": until.isoformat()}
    if parameter_code:
        query["parameter"] = parameter_code
    return f"{reverse('api:readings_csv')}?{urlencode(query)}"


def charts(station: Station, parameters: list[dict], window: str,
           now: dt.datetime) -> dict:
    """The chart context of the station page: one chart per parameter (``parameters``: rows
    with ``parameter``, ``pk``, ``name``, ``unit``) over ``window``, with its CSV link."""
    since, until = window_bounds(window, now)
    _length, bucket_s, _step, _fmt = WINDOWS[window]
    on = now.astimezone(VIETNAM).date()
    ticks = x_ticks(window, since, until)
    drawn = []
    for row in parameters:
        buckets = series_buckets(station=station, parameter_id=row["pk"], since=since,
                                 until=until, bucket_s=bucket_s)
        lines = reference_lines(station, row["pk"], row["parameter"], row["unit"], on)
        drawn.append({"parameter": row["parameter"], "name": row["name"], "unit": row["unit"],
                      **chart_geometry(buckets, since_s=since.timestamp(),
                                       until_s=until.timestamp(), bucket_s=bucket_s,
                                       lines=lines),
                      "csv": readings_csv_url(station, since, until, row["parameter"])})
    return {"window": window, "since": since, "until": until, "x_ticks": ticks,
            "windows": [{"key": key, "name": WINDOW_NAMES[key]} for key in WINDOWS],
            "charts": drawn, "csv_all": readings_csv_url(station, since, until),
            "bucket_min": bucket_s // 60,
            "size": {"width": WIDTH_PX, "height": HEIGHT_PX, "left": LEFT_PX,
                     "right": WIDTH_PX - RIGHT_PX, "top": TOP_PX,
                     "bottom": HEIGHT_PX - BOTTOM_PX}}
