"""Risk-registry pages: the facility register, one facility's page (category and why, zones
with the provinces and people inside, sources, chemicals) and the source register.

Sources:
- Hazard categories I–V and their criteria: TT 12/2023/TT-BKHCN Điều 4.1, Phụ lục I, as
  decided by the rules engine and stored with the facility (``category_decision``).
- Zones PAZ/UPZ/EPD/ICPD: TT 12/2023 Phụ lục IV through :mod:`ungpho.preparedness.zones`.
- Activity today: decay from the reference date, :func:`ungpho.preparedness.category.
  source_activity_bq`; source groups 1–5 by A/D: QCVN 6:2010/BKHCN.

Readings (where the brief is silent):
- A licence is expired from the day after its "valid until" date.
- Activities are shown in the SI prefix that puts 1 ≤ value < 1000 (Bq … EBq).
"""

from __future__ import annotations

import datetime as dt
import math
import re

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ungpho.accounts.roles import Role
from ungpho.accounts.selectors import user_role
from ungpho.core.rules.sources import group_of
from ungpho.core.rules.zones import ZONES
from ungpho.platform.i18n import localized
from ungpho.preparedness.models import CATEGORIES, Facility, RadioactiveSource
from ungpho.preparedness.selectors import (
    NO_CATEGORY,
    SourceNow,
    category_v_list,
    facility_filter,
    facility_get,
    facility_list,
    source_filter,
    source_list,
    sources_now,
)
from ungpho.preparedness.services import source_status_set
from ungpho.preparedness.zones import facility_zones

_PREFIXES = ["", "k", "M", "G", "T", "P", "E"]
LOST = {RadioactiveSource.Status.LOST, RadioactiveSource.Status.STOLEN}
#: Who may report a lost or stolen source found (not a station).
FOUND_REPORTERS = {Role.NATIONAL_DUTY, Role.PROVINCIAL_COMMAND, Role.FACILITY_OPERATOR,
                   Role.ADMINISTRATOR}


def activity_parts(activity_bq: float) -> dict:
    """``{"value", "unit"}`` of an activity in the SI prefix that puts the value in
    [1, 1000) (Bq below 1 Bq, EBq above)."""
    if not activity_bq or not math.isfinite(activity_bq) or activity_bq < 1:
        return {"value": activity_bq, "unit": "Bq"}
    power = min(int(math.log10(activity_bq) // 3), len(_PREFIXES) - 1)
    return {"value": activity_bq / 1000 ** power, "unit": f"{_PREFIXES[power]}Bq"}


def tel_href(number: str) -> str:
    """A tel: URI of a phone number as people write it ("0263 000 0191 (demo)")."""
    digits = re.sub(r"[^\d+]", "", number.split("(")[0])
    return f"tel:{digits}" if digits else ""


def bilingual(text: str) -> str:
    """The active language's half of a "Vietnamese / English" text (whole if not split)."""
    vi, sep, en = text.partition(" / ")
    return localized(vi, en) if sep else text


def grouped(count: int) -> str:
    """A count with the active language's thousands separator (1.234.567 / 1,234,567)."""
    return numberformat.format(count, get_format("DECIMAL_SEPARATOR"), grouping=3,
                               thousand_sep=get_format("THOUSAND_SEPARATOR"),
                               force_grouping=True)


def _licence(facility: Facility, today: dt.date) -> dict | None:
    if facility.licence_valid_until is None:
        return None
    return {"until": facility.licence_valid_until,
            "expired": facility.licence_valid_until < today}


def category_label(category: str) -> str:
    return _("category %(category)s") % {"category": category} if category else \
        _("no category")


def _facility_rows(facilities, today: dt.date) -> list[dict]:
    return [{"facility": f, "category": f.category_in_force, "override": bool(
        f.category_override), "licence": _licence(f, today)} for f in facilities]


def _register_filters(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()
            for name in ("q", "province", "category", "kind", "foreign")}


@login_required
def facility_register(request: HttpRequest):
    """Every facility in scope, filtered by the GET parameters; htmx gets the table alone."""
    visible = facility_list(user=request.user)
    filters = _register_filters(request)
    facilities = facility_filter(visible, **filters).order_by("foreign", "name")
    provinces = {f.province_id: f.province for f in visible.exclude(province=None)}
    context = {
        "role": user_role(request.user), "filters": filters,
        "rows": _facility_rows(facilities, dt.date.today()),
        "total": visible.count(),
        "provinces": sorted(provinces.values(), key=lambda p: p.code),
        "categories": [(c, category_label(c)) for c, _label in CATEGORIES]
        + [(NO_CATEGORY, category_label(""))],
        "kinds": Facility.Kind.choices,
    }
    template = "preparedness/_facility_table.html" if request.headers.get("HX-Request") \
        else "preparedness/facilities.html"
    return render(request, template, context)


def _criteria(decision: dict) -> list[dict]:
    return [{"citation": c.get("citation", ""), "text": localized(c["text"]["vi"],
                                                                   c["text"]["en"]),
             "fact": c.get("fact", ""), "gives": c.get("gives", "")}
            for c in decision.get("matched", [])]


def _notes(decision: dict) -> list[str]:
    return [localized(n["vi"], n["en"]) for n in decision.get("notes", [])]


def _zone_rows(zones) -> list[dict]:
    return [{"zone": z.zone, "radius_km": z.radius_km, "basis": z.basis,
             "provinces": [{"code": p.code, "name": localized(p.name_vi, p.name_en),
                            "people": p.people, "people_text": grouped(p.people),
                            "area_km2": p.area_inside_km2,
                            "percent": 100 * p.fraction_of_province}
                           for p in z.population.provinces],
             "people_total": z.population.people_total,
             "people_total_text": grouped(z.population.people_total),
             "method": bilingual(z.population.method)} for z in zones]


def _today_a_over_d(now: SourceNow) -> tuple[float | None, int | None]:
    """A/D and group (QCVN 6:2010/BKHCN) of the activity today: A/D scales with the
    activity, D being fixed per nuclide."""
    source = now.source
    if source.a_over_d is None or not source.activity_bq:
        return None, None
    ratio = source.a_over_d * now.activity_bq / source.activity_bq
    return ratio, group_of(ratio)[0]


def _source_rows(sources: list[SourceNow]) -> list[dict]:
    rows = []
    for s in sources:
        ratio, group = _today_a_over_d(s)
        rows.append({"source": s.source, "now": activity_parts(s.activity_bq),
                     "reference": activity_parts(s.source.activity_bq),
                     "a_over_d": ratio, "group": group, "lost": s.source.status in LOST})
    return rows


@login_required
def facility_detail(request: HttpRequest, code: str):
    facility = facility_get(user=request.user, code=code)
    if facility is None:
        raise Http404(code)
    zones, zone_decision = facility_zones(facility)
    sources = list(facility.sources.all())
    decision = facility.category_decision or {}
    category_v = [{"row": r, "name": localized(r.province_name_vi, r.province_name_en),
                   "people_text": grouped(r.people_inside)}
                  for r in category_v_list(user=request.user, facility=facility)] \
        if facility.foreign else []
    return render(request, "preparedness/facility.html", {
        "role": user_role(request.user), "facility": facility,
        "category": facility.category, "category_name": category_label(facility.category),
        "licence": _licence(facility, dt.date.today()),
        "tel": tel_href(facility.contact_24h),
        "contacts": [{**c, "tel": tel_href(c.get("phone", ""))}
                     for c in facility.contacts or [] if isinstance(c, dict)],
        "criteria": _criteria(decision), "missing": decision.get("missing", []),
        "notes": _notes(decision), "instrument": decision.get("instrument", ""),
        "zones": _zone_rows(zones), "zone_criteria": _criteria(zone_decision.as_dict()),
        "zone_notes": _notes(zone_decision.as_dict()), "zone_names": ZONES,
        "site": {"lat": facility.lat, "lon": facility.lon, "name": facility.name,
                 "boundary": facility.boundary,
                 "areas": [{"serial": s.serial, "area": s.permitted_area}
                           for s in sources if s.mobile and s.permitted_area]},
        "sources": _source_rows(sources_now(sources)),
        "lost_sources": [s for s in sources if s.status in LOST],
        "may_report_found": user_role(request.user) in FOUND_REPORTERS,
        "chemicals": facility.chemicals.all(),
        "category_v": category_v,
    })


def _source_filters(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()
            for name in ("status", "nuclide", "group", "facility")}


@login_required
@require_POST
def source_found(request: HttpRequest, serial: str):
    """Report a lost or stolen source found: the registry shows it so, the open incidents
    about it log it (``preparedness.services.source_status_set``)."""
    source = get_object_or_404(source_list(user=request.user), serial=serial)
    if user_role(request.user) not in FOUND_REPORTERS:
        raise PermissionDenied
    if source.status in LOST:
        source_status_set(source=source, status=RadioactiveSource.Status.FOUND,
                          by=request.user, note="reported found on the source register")
        flash.success(request, _("%(source)s recorded as found.") % {"source": source})
    if request.POST.get("back") == "facility" and source.facility_id:
        return redirect(reverse("facility", args=[source.facility.code])
                        + f"#source-{source.serial}")
    return redirect(reverse("sources") + f"#source-{source.serial}")


@login_required
def source_register(request: HttpRequest):
    """Every source in scope with its activity today, filtered by the GET parameters."""
    visible = source_list(user=request.user)
    filters = _source_filters(request)
    sources = source_filter(visible, **filters).order_by("facility__name", "serial")
    now = dt.datetime.now(dt.UTC)
    holders = {s.facility.code: s.facility for s in visible if s.facility_id}
    context = {
        "role": user_role(request.user), "filters": filters, "total": visible.count(),
        "rows": _source_rows(sources_now(sources, at=now)), "at": now,
        "statuses": RadioactiveSource.Status.choices,
        "may_report_found": user_role(request.user) in FOUND_REPORTERS,
        "nuclides": sorted(set(visible.values_list("nuclide", flat=True))),
        "groups": [1, 2, 3, 4, 5],
        "facilities": sorted(holders.values(), key=lambda f: f.name),
    }
    template = "preparedness/_source_table.html" if request.headers.get("HX-Request") \
        else "preparedness/sources.html"
    return render(request, template, context)
