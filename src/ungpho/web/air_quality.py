"""The public air-quality page: every active station's state on the public map, and the
VN_AQI with its Bảng 5 advice for each ambient-air station (QĐ 1459/QĐ-TCMT), beside the
current public alerts.

Sources: VN_AQI and its Bảng 1 categories: QĐ 1459/QĐ-TCMT, through
:mod:`ungpho.core.science.aqi` and :func:`ungpho.monitoring.indices.station_aqi`.

Readings (where the brief is silent): the page lists active stations only, as the public
layer does; its table lists the ambient-air ones, the only ones with a VN_AQI (§2.1.b).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import render

from ungpho.accounts.selectors import user_role
from ungpho.core.science.aqi import CATEGORIES
from ungpho.monitoring.indices import station_aqi
from ungpho.monitoring.models import Station
from ungpho.monitoring.views.station import aqi_view, map_context
from ungpho.platform.i18n import localized
from ungpho.web.public_alerts import public_context


def _category_legend() -> list[dict[str, str]]:
    """Bảng 1 of QĐ 1459/QĐ-TCMT: each category's AQI range, name and colour."""
    lows = [0] + [high + 1 for high, _category in CATEGORIES[:-1]]
    return [{"range": f"{low}–{high}", "colour": c.colour_hex,
             "name": localized(c.name_vi, c.name_en)}
            for low, (high, c) in zip(lows, CATEGORIES, strict=True)]


def public_air_quality(request: HttpRequest):
    """The public page: every active station's state, and the VN_AQI with its Bảng 5
    advice for each ambient-air station (QĐ 1459/QĐ-TCMT)."""
    now = dt.datetime.now(dt.UTC)
    stations = Station.objects.filter(status=Station.Status.ACTIVE,
                                      type=Station.Type.AMBIENT_AIR).select_related("province")
    return render(request, "web/public.html", {
        **map_context(public=True),
        "role": user_role(request.user),
        "rows": [{"station": s, "aqi": aqi_view(station_aqi(s, at=now))} for s in stations],
        "categories": _category_legend(),
        **public_context(request),
    })
