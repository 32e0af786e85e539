"""Reads of the risk registry, each filtered by the caller's scope.

Scope (DESIGN.md "Who uses it"): national duty officers and administrators see every
facility; a provincial command board sees its province's facilities and every foreign one
(their zones may reach any province, TT 12/2023/TT-BKHCN Phụ lục I nhóm V); a facility
operator sees its own facilities. A source is seen with the facility that holds it; a source
held by no facility (a mobile source whose owner is not registered) only nationally.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Q, QuerySet, When

from ungpho.accounts.roles import Role
from ungpho.accounts.selectors import scope_filter, user_role
from ungpho.preparedness.category import source_activity_bq
from ungpho.preparedness.models import Facility, RadioactiveSource
from ungpho.preparedness.zones import (
    CategoryVArea,
    FacilityZone,
    category_v_areas,
    facility_zones,
)

#: The filter value of "no category" (a chemical store TT 12/2023 does not rank).
NO_CATEGORY = "none"
#: Foreign facilities of these categories have zones that put Vietnamese areas in category V.
ZONE_CATEGORIES = ("I", "II")


def _category_expression():
    """The category in force, in SQL: the override when set, else the computed one."""
    return Case(When(~Q(category_override=""), then=F("category_override")),
                default=F("category_computed"), output_field=CharField())


def facility_list(*, user) -> QuerySet[Facility]:
    """The facilities ``user`` may see, annotated with ``category_in_force``,
    ``source_count`` and ``lost_count`` (sources lost or stolen)."""
    condition = scope_filter(user, province_field="province", facility_field="pk")
    queryset = Facility.objects.select_related("province").annotate(
        category_in_force=_category_expression(), source_count=Count("sources"),
        lost_count=Count("sources", filter=Q(sources__status__in=["lost", "stolen"])))
    if condition is None:
        return queryset.none()
    if user_role(user) == Role.PROVINCIAL_COMMAND:
        condition |= Q(foreign=True)
    return queryset.filter(condition)


def facility_filter(queryset: QuerySet[Facility], *, province: str = "", category: str = "",
                    kind: str = "", foreign: str = "", q: str = "") -> QuerySet[Facility]:
    """Narrow a :func:`facility_list` queryset. ``foreign``: "yes" or "no"; ``category``:
    I–V or :data:`NO_CATEGORY`; ``q``: part of the code, name, licensee or licence number.
    Empty values do not filter."""
    if province:
        queryset = queryset.filter(province_id=province)
    if category == NO_CATEGORY:
        queryset = queryset.filter(category_in_force="")
    elif category:
        queryset = queryset.filter(category_in_force=category)
    if kind:
        queryset = queryset.filter(kind=kind)
    if foreign in ("yes", "no"):
        queryset = queryset.filter(foreign=foreign == "yes")
    if q := q.strip():
        queryset = queryset.filter(Q(code__icontains=q) | Q(name__icontains=q)
                                   | Q(licensee__icontains=q)
                                   | Q(licence_number__icontains=q))
    return queryset


def facility_get(*, user, code: str) -> Facility | None:
    return facility_list(user=user).filter(code=code).first()


def source_list(*, user) -> QuerySet[RadioactiveSource]:
    """The sources ``user`` may see: those held by a facility in scope (all, nationally)."""
    queryset = RadioactiveSource.objects.select_related("facility", "facility__province")
    if user_role(user) in (Role.NATIONAL_DUTY, Role.ADMINISTRATOR):
        return queryset
    return queryset.filter(facility__in=facility_list(user=user).values("pk"))


def source_filter(queryset: QuerySet[RadioactiveSource], *, status: str = "",
                  nuclide: str = "", group: str = "", facility: str = ""
                  ) -> QuerySet[RadioactiveSource]:
    """Narrow a :func:`source_list` queryset; ``facility`` is a facility code, ``group``
    1–5 (QCVN 6:2010/BKHCN)."""
    if status:
        queryset = queryset.filter(status=status)
    if nuclide:
        queryset = queryset.filter(nuclide=nuclide)
    if group.isdigit():
        queryset = queryset.filter(group=int(group))
    if facility:
        queryset = queryset.filter(facility__code=facility)
    return queryset


@dataclass(frozen=True)
class SourceNow:
    """A source with its activity decay-corrected to ``at``."""

    source: RadioactiveSource
    activity_bq: float
    at: dt.datetime


def sources_now(sources, *, at: dt.datetime | None = None) -> list[SourceNow]:
    at = at or dt.datetime.now(dt.UTC)
    return [SourceNow(s, source_activity_bq(s, at=at), at) for s in sources]


def foreign_zone_facilities(*, user) -> QuerySet[Facility]:
    """Foreign facilities in scope whose category (I or II) gives them zones over Vietnam."""
    return facility_list(user=user).filter(foreign=True,
                                           category_in_force__in=ZONE_CATEGORIES)


def zones_of(facility: Facility) -> list[FacilityZone]:
    return facility_zones(facility)[0]


def category_v_list(*, user, facility: Facility | None = None) -> list[CategoryVArea]:
    """The Vietnamese provinces in category V (:func:`category_v_areas`) because of the
    foreign facilities ``user`` may see (or of ``facility`` alone)."""
    visible = set(facility_list(user=user).filter(foreign=True).values_list("code", flat=True))
    if facility is not None:
        visible &= {facility.code}
    if not visible:
        return []
    return category_v_areas(codes=visible)
