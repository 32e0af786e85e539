"""Which alarm levels apply to each series: the operator's (up to three per station and
parameter), else, for a radiation station's gamma dose rate, the configurable defaults of
``core.monitoring.limits.radiation_levels`` over the station's background — whose level 3
is the 100 µSv/h at which the inner cordon is extended (TT 12/2023 Phụ lục VIII.IV).

Averaged national limits (QCVN 05:2023/BTNMT) are judged on means, not here: see
``monitoring.national``.
"""

from __future__ import annotations

from typing import NamedTuple

from ungpho.core.monitoring.limits import background_usv_h, radiation_levels
from ungpho.core.monitoring.qc import SeriesState
from ungpho.monitoring.models import Parameter, Station, Threshold

GAMMA = "GammaDR"
RADIATION_DEFAULT_BASIS = ("Mặc định: bội số phông nền của trạm; cấp 3 = 100 µSv/h (TT 12/2023 "
                           "Phụ lục VIII.IV) / default: multiples of the station's background; "
                           "level 3 = 100 µSv/h cordon value")


class EffectiveLevels(NamedTuple):
    limits: tuple[float | None, float | None, float | None]
    confirm_count: int
    basis: str
    #: TT 12/2023 writes "≥ 100 µSv/h": the radiation defaults count a value at a level.
    at_or_above: bool = False


def levels_for_stations(station_ids: list[int], *,
                        fronts_values: dict[tuple[int, int], SeriesState],
                        ) -> dict[tuple[int, int], EffectiveLevels]:
    levels: dict[tuple[int, int], EffectiveLevels] = {}
    for t in Threshold.objects.filter(station_id__in=station_ids):
        levels[t.station_id, t.parameter_id] = EffectiveLevels(
            t.levels, t.confirm_count, t.basis or "Ngưỡng của trạm / station alarm levels")
    gamma = Parameter.objects.filter(code=GAMMA).values_list("pk", flat=True).first()
    if gamma is None:
        return levels
    for sid, background in Station.objects.filter(
            pk__in=station_ids, type=Station.Type.RADIATION).values_list(
            "pk", "background_usv_h"):
        if (sid, gamma) in levels:
            continue
        if background is None:
            state = fronts_values.get((sid, gamma))
            recent = list(state.recent) if state is not None else []
            if not recent:
                continue  # no background known yet: nothing to multiply
            background = background_usv_h(recent)
        levels[sid, gamma] = EffectiveLevels(radiation_levels(background_usv_h=background), 2,
                                             RADIATION_DEFAULT_BASIS, at_or_above=True)
    return levels
