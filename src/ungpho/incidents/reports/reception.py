"""Reception of a call or message on the duty desk (TT 12/2023/TT-BKHCN Điều 5.7, 8.1: 24/7
reception; Phụ lục VIII.I: the reception form): the answers become a report of its own, with
a preliminary classification by the rules engine from what the call and the register say
(Phụ lục VI: classify within 15 minutes of first information)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ungpho.accounts.roles import Role
from ungpho.accounts.selectors import scoped, user_role
from ungpho.audit.services import Actor, audit_record, snapshot
from ungpho.core.geo.provinces import province_at
from ungpho.core.rules.classify import incident_classify as rules_classify
from ungpho.core.rules.decision import NoInstrumentInForce
from ungpho.core.rules.facts import FactsError, IncidentFacts, facts_parse
from ungpho.core.rules.guidance import ReceptionForm
from ungpho.core.rules.loader import Instrument, rules_in_force
from ungpho.core.rules.reception import ReceptionError, reception_facts, reception_parse
from ungpho.geo.models import Province
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.notification.reports import notifications_enqueue_for_incident
from ungpho.incidents.reports.deadlines import report_deadline_start
from ungpho.preparedness.category import facility_facts, source_activity_bq
from ungpho.preparedness.models import Facility, RadioactiveSource

#: Who may enter a report: the desk, the provincial boards, facility operators (who report
#: their events, Điều 8), administrators; not stations (they push readings).
RECEIVERS = {Role.NATIONAL_DUTY, Role.PROVINCIAL_COMMAND, Role.FACILITY_OPERATOR,
             Role.ADMINISTRATOR}
#: The placed point may lie this far outside the simplified province polygons (coasts).
PLACE_TOLERANCE_M = 5_000
LOST = {RadioactiveSource.Status.LOST, RadioactiveSource.Status.STOLEN}

ERR_ROLE = "your role may not enter incident reports"
ERR_PROVINCE = "{value!r} is not a province code (01–34)"
ERR_FACILITY = "no facility with code {value!r}"
ERR_SOURCE = "no radioactive source with serial {value!r}"
ERR_ELSEWHERE = "{lat:g}, {lon:g} lies in {found}, not in {given}"
ERR_OTHER_PROVINCE = ("outside your province: tell the national duty desk (NACCET) or the "
                      "province concerned")
ERR_NO_FORM = "no reception form is held for the instrument in force ({instrument})"


def reception_form_in_force(on: dt.date) -> tuple[Instrument, ReceptionForm]:
    """The reception form of the instrument in force on ``on`` (TT 12/2023 Phụ lục VIII.I)."""
    instrument = rules_in_force(on)
    form = instrument.tables.get("reception_form")
    if not isinstance(form, ReceptionForm):
        raise IncidentError([("form", ERR_NO_FORM.format(instrument=instrument.short))])
    return instrument, form


def _lookups(answers: dict, problems: list[tuple[str, str]]):
    province = facility = source = None
    if answers["province"]:
        province = Province.objects.filter(code=answers["province"]).first()
        if province is None:
            problems.append(("province", ERR_PROVINCE.format(value=answers["province"])))
    if answers["facility"]:
        facility = Facility.objects.filter(code=answers["facility"]).first()
        if facility is None:
            problems.append(("facility", ERR_FACILITY.format(value=answers["facility"])))
    if answers["radioactive_source"]:
        source = RadioactiveSource.objects.select_related("facility").filter(
            serial=answers["radioactive_source"]).first()
        if source is None:
            problems.append(("radioactive_source",
                             ERR_SOURCE.format(value=answers["radioactive_source"])))
    return province, facility, source


def _place(answers: dict, province, facility, source,
           problems: list[tuple[str, str]]) -> tuple[float, float, str | None]:
    """Where the report goes on the map: the coordinates given, else the facility, else the
    source's last known position or its facility, else the province's administrative centre
    (its representative point in ``ungpho.geo``)."""
    lat, lon = answers["lat"], answers["lon"]
    home = facility or (source.facility if source and source.facility_id else None)
    if lat is None and source is not None and source.last_lat is not None and not facility:
        lat, lon = source.last_lat, source.last_lon
    elif lat is None and home is not None and not home.foreign:
        lat, lon = home.lat, home.lon
    elif lat is None and province is not None:
        lat, lon = province.centre_lat, province.centre_lon
    if lat is None:
        return 0.0, 0.0, None
    found = province_at(lat, lon, max_distance_m=PLACE_TOLERANCE_M)
    if province is not None and found is not None and found.code != province.code \
            and answers["lat"] is not None:
        problems.append(("lat", ERR_ELSEWHERE.format(lat=lat, lon=lon, found=found.name_vi,
                                                     given=province.name_vi)))
    code = province.code if province else (found.code if found else None)
    if code is None:
        problems.append(("province", "the point is outside Vietnam: choose the province "
                                     "to be told"))
    return lat, lon, code


def _facts(answers: dict, facility, source, at: dt.datetime) -> dict[str, Any]:
    source_facts = None
    if source is not None:
        source_facts = {"nuclide": source.nuclide, "sealed": source.sealed,
                        "activity": f"{source_activity_bq(source, at=at):.6g} Bq"}
    facility_json = None
    if facility is not None and not facility.foreign:
        hazard = facility_facts(facility, list(facility.sources.all()), on=at.date())
        facility_json = hazard.facility.model_dump(mode="json", exclude_none=True,
                                                   exclude_defaults=True)
    return reception_facts(answers, source=source_facts, facility=facility_json,
                           source_lost=source is not None and source.status in LOST)


def preliminary_classify(facts: dict, *, today: dt.date) -> dict[str, Any]:
    """The rules engine on the facts derived from a call: its answer (``incident_classify``
    of ``ungpho.core.rules``), or the problems that kept it from one (never blocks a report)."""
    try:
        return rules_classify(facts_parse(IncidentFacts, facts), today=today)
    except FactsError as error:
        return {"problems": [{"path": p.path, "message": p.message} for p in error.problems]}
    except NoInstrumentInForce as error:
        return {"problems": [{"path": "$.on", "message": str(error)}]}


@transaction.atomic
def report_receive(*, answers: dict, by, now: dt.datetime | None = None) -> IncidentReport:
    """Enter a call (or message) as a report on the duty desk: the answers to the reception
    form (field ids of the ``reception_form`` table, plus ``province``, ``lat``/``lon``,
    ``facility`` (code), ``radioactive_source`` (serial), ``occurred_at``), checked; its first
    information is the call time. The report keeps every answer, who received it, and a
    preliminary classification (``decision``: facts and the rules engine's answer); its
    notifications are queued in the same transaction. Raises :class:`IncidentError` naming
    every field at fault."""
    now = now or dt.datetime.now(dt.UTC)
    if user_role(by) not in RECEIVERS:
        raise IncidentError([("user", ERR_ROLE)])
    instrument, form = reception_form_in_force(now.astimezone(dt.UTC).date())
    try:
        parsed = reception_parse(form, answers, now=now)
    except ReceptionError as error:
        raise IncidentError(error.problems) from None
    problems: list[tuple[str, str]] = []
    province, facility, source = _lookups(parsed, problems)
    lat, lon, province_code = _place(parsed, province, facility, source, problems)
    if province_code and user_role(by) == Role.PROVINCIAL_COMMAND and not scoped(
            Province.objects.filter(code=province_code), by, province_field="code").exists():
        problems.append(("province", ERR_OTHER_PROVINCE))
    if problems:
        raise IncidentError(problems)
    first = dt.datetime.fromisoformat(parsed["call_time"]).astimezone(dt.UTC)
    facts = _facts(parsed, facility, source, first)
    report = IncidentReport.objects.create(
        source=IncidentReport.Source.CALL, province_id=province_code, facility=facility,
        radioactive_source=source, lat=lat, lon=lon, first_information_at=first,
        opened_at=now, updated_at=now, received_by=Actor.of(by).label,
        reception={"form": instrument.cite(form.cite), "answers": parsed},
        decision={"facts": facts, "suggestion": preliminary_classify(facts, today=now.date())})
    audit_record(by=by, action="incident.report.receive", obj=report, after=snapshot(report))
    notifications_enqueue_for_incident(incident_id=report.pk)
    report_deadline_start(report=report)
    return report
