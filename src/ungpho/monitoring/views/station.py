"""Station pages: the station layer of the maps (legend and popup labels), one station's
page (registry, state, latest values, 24-hour sparklines, the chart of
``monitoring.views.station_chart``, exceedances) and a station's VN_AQI as the pages show it
(the public air-quality page's too).

Sources:
- States and their colours: :mod:`ungpho.core.monitoring.state`; QC flag names:
  :mod:`ungpho.core.monitoring.qc` (TT 10/2021/TT-BTNMT Phụ lục 15 status codes).
- VN_AQI, its Bảng 1 categories and Bảng 5 advice: QĐ 1459/QĐ-TCMT, through
  :mod:`ungpho.core.science.aqi` and :func:`ungpho.monitoring.indices.station_aqi`.
- Hourly means: QĐ 1459/QĐ-TCMT §2.1.b through :func:`ungpho.core.science.aggregates.
  hourly_means` (an hour needs 75 % of its readings).

Readings (where the brief is silent):
- "Last 24 h" is the 24 complete clock hours before now; the hour in progress has no mean
  yet. An hour without a mean breaks the sparkline (no line is drawn across a gap), a lone
  hour between gaps is a dot.
- The sparkline's vertical scale runs from the lowest to the highest hourly mean shown; a
  flat series is drawn at mid-height.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ungpho.accounts.selectors import user_role
from ungpho.core.monitoring.qc import flag_labels
from ungpho.core.monitoring.state import VERIFYING, VERIFYING_NAMES, StationState
from ungpho.core.science.aggregates import HOUR_S, hourly_means
from ungpho.core.science.aqi import AqiResult
from ungpho.monitoring.indices import station_aqi
from ungpho.monitoring.models import Parameter, Station
from ungpho.monitoring.selectors import latest_values, series_values, station_list
from ungpho.monitoring.views.station_chart import charts, window_of
from ungpho.platform.i18n import localized

SPARK_HOURS = 24
SPARK_WIDTH_PX = 144
SPARK_HEIGHT_PX = 30
SPARK_PAD_PX = 3
RECENT_EXCEEDANCES = 20
#: How often the maps fetch the station layer again.
MAP_REFRESH_S = 15


def state_legend() -> list[dict[str, str]]:
    """The five station states in :data:`StationState` order, named in the active language,
    with their colours (``core.monitoring.state``)."""
    return [{"value": s.value, "name": localized(s.name_vi, s.name_en), "colour": s.colour}
            for s in StationState]


def map_context(*, public: bool = False) -> dict:
    """What the station layer of a map needs: the state legend (also read by map.js) and
    the popup labels, both in the active language. The public map has one state more: a
    radiation exceedance being verified (``core.monitoring.state.public_state``)."""
    legend = state_legend()
    if public:
        vi, en, colour = VERIFYING_NAMES
        legend.append({"value": VERIFYING, "name": localized(vi, en), "colour": colour})
    return {
        "states": legend,
        "map_states": {s["value"]: {"name": s["name"], "colour": s["colour"]} for s in legend},
        "map_labels": {
            "type": _("Type"), "province": _("Province"), "state": _("State"),
            "last_reading": _("Last reading"), "never": _("no reading yet"),
            "vietnam_time": _("Vietnam time"), "aqi": "VN_AQI",
            "open_station": _("Open the station page"),
        },
        "refresh_s": MAP_REFRESH_S,
    }


def sparkline_segments(means: list[float | None], *, width_px: float = SPARK_WIDTH_PX,
                       height_px: float = SPARK_HEIGHT_PX,
                       pad_px: float = SPARK_PAD_PX) -> list[list[tuple[float, float]]]:
    """SVG points (x, y in px, y downwards) of a sparkline of equally spaced ``means``, one
    list per run of consecutive present values (None or NaN is a gap). x spans the box
    from the first slot to the last; y spans min..max of the present values (module
    readings)."""
    if width_px <= 2 * pad_px or height_px <= 2 * pad_px:
        raise ValueError(f"width_px, height_px: must exceed twice pad_px ({pad_px}), got "
                         f"{width_px} × {height_px}")
    present = [v for v in means if v is not None and not math.isnan(v)]
    if not present:
        return []
    low, high = min(present), max(present)
    step = (width_px - 2 * pad_px) / max(len(means) - 1, 1)
    span = height_px - 2 * pad_px
    segments: list[list[tuple[float, float]]] = []
    run: list[tuple[float, float]] = []
    for i, value in enumerate(means):
        if value is None or math.isnan(value):
            if run:
                segments.append(run)
            run = []
            continue
        share = 0.5 if high == low else (value - low) / (high - low)
        run.append((pad_px + i * step, pad_px + (1 - share) * span))
    if run:
        segments.append(run)
    return segments


def _svg(segments: list[list[tuple[float, float]]]) -> list[dict]:
    """Segments as locale-independent SVG attribute text (a Vietnamese decimal comma would
    break the coordinates)."""
    out = []
    for run in segments:
        if len(run) == 1:
            out.append({"dot": {"cx": f"{run[0][0]:.1f}", "cy": f"{run[0][1]:.1f}"}})
        else:
            out.append({"points": " ".join(f"{x:.1f},{y:.1f}" for x, y in run)})
    return out


def hourly_means_last_24h(station: Station, parameter_id: int,
                          now: dt.datetime) -> list[float | None]:
    """The 24 hourly means (QĐ 1459/QĐ-TCMT §2.1.b) of the complete hours before ``now``,
    oldest first, None where an hour lacks readings."""
    last_end_s = math.floor(now.timestamp() / HOUR_S) * HOUR_S
    first_start_s = last_end_s - SPARK_HOURS * HOUR_S
    times, values = series_values(
        station=station, parameter_id=parameter_id,
        since=dt.datetime.fromtimestamp(first_start_s, dt.UTC),
        until=dt.datetime.fromtimestamp(last_end_s, dt.UTC))
    hourly = hourly_means(np.asarray(times, dtype=float), np.asarray(values, dtype=float),
                          interval_s=station.reporting_interval_s)
    by_start = {int(s): float(m) for s, m in zip(hourly.start_s, hourly.means, strict=True)
                if not math.isnan(m)}
    return [by_start.get(first_start_s + k * HOUR_S) for k in range(SPARK_HOURS)]


def aqi_view(result: AqiResult | None) -> dict | None:
    """The VN_AQI, its category's colour, name and Bảng 5 advice in the active language."""
    if result is None or result.category is None:
        return None
    category = result.category
    return {"aqi": result.aqi, "dominant": result.dominant, "colour": category.colour_hex,
            "name": localized(category.name_vi, category.name_en),
            "advice": localized(category.advice_vi, category.advice_en)}


def _latest_rows(request: HttpRequest, station: Station, now: dt.datetime) -> list[dict]:
    rows = latest_values(user=request.user, station_codes=[station.code])
    parameters = {p.code: p for p in Parameter.objects.filter(
        code__in=[r["parameter"] for r in rows])}
    for row in rows:
        parameter = parameters[row["parameter"]]
        row["name"], row["pk"] = parameter.name, parameter.pk
        row["flag_names"] = [localized(vi, en) for _name, vi, en in flag_labels(row["flags"])]
        means = hourly_means_last_24h(station, parameter.pk, now)
        present = [m for m in means if m is not None]
        row["spark"] = {"shapes": _svg(sparkline_segments(means)),
                        "low": min(present) if present else None,
                        "high": max(present) if present else None, "hours": len(present)}
    return rows


@login_required
def station_detail(request: HttpRequest, code: str):
    station = get_object_or_404(station_list(user=request.user), code=code)
    now = dt.datetime.now(dt.UTC)
    state = StationState(station.state)
    latest = _latest_rows(request, station, now)
    return render(request, "monitoring/station.html", {
        "role": user_role(request.user), "station": station,
        "state": {"name": localized(state.name_vi, state.name_en), "colour": state.colour},
        "latest": latest,
        "chart": charts(station, latest, window_of(request.GET.get("window")), now),
        "aqi": aqi_view(station_aqi(station, at=now)),
        "exceedances": station.exceedances.select_related("parameter", "report")[
            :RECENT_EXCEEDANCES],
        "spark": {"width": SPARK_WIDTH_PX, "height": SPARK_HEIGHT_PX, "hours": SPARK_HOURS},
    })
