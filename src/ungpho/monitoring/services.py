from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from ungpho.audit.services import audit_record, audited_upsert
from ungpho.core.formats.readings_json import ParsedReading, Rejection
from ungpho.core.monitoring.threshold import threshold_check
from ungpho.incidents.services import incident_raise_from_exceedance
from ungpho.monitoring.models import Parameter, Reading, Station, Threshold
from ungpho.monitoring.tokens import token_digest, token_new

ERR_UNKNOWN_PARAMETER = "unknown parameter {code!r}; known: {known}"
ERR_WRONG_UNIT = "unit {unit!r} does not match {code}'s unit {expected!r}"


@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    incidents_opened: list[int] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"stored": self.stored, "duplicates": self.duplicates,
                "incidents_opened": self.incidents_opened,
                "rejected": [r.as_dict() for r in self.rejected]}


@transaction.atomic
def parameter_upsert(*, code: str, name_vi: str, name_en: str, unit: str, by=None) -> Parameter:
    return audited_upsert(Parameter, by=by, action="parameter.upsert", lookup={"code": code},
                          defaults={"name_vi": name_vi, "name_en": name_en, "unit": unit})


@transaction.atomic
def station_upsert(*, code: str, name: str, province_code: str, lat: float, lon: float,
                   owner: str = "", reporting_interval_s: int = 300, by=None) -> Station:
    return audited_upsert(Station, by=by, action="station.upsert", lookup={"code": code},
                          defaults={"name": name, "province_id": province_code, "lat": lat,
                                    "lon": lon, "owner": owner,
                                    "reporting_interval_s": reporting_interval_s})


@transaction.atomic
def station_token_issue(*, station: Station, token: str | None = None, by=None) -> str:
    """A new token for the station (the old one stops working); returned once, kept hashed.

    ``token`` is for the demo's published token only; otherwise a random one is made.
    """
    token = token or token_new()
    station.token_sha256 = token_digest(token)
    station.save(update_fields=["token_sha256"])
    audit_record(by=by, action="station.token_issue", obj=station)
    return token


@transaction.atomic
def threshold_set(*, station: Station, parameter: Parameter, limit_value: float, basis: str = "",
                  by=None) -> Threshold:
    return audited_upsert(Threshold, by=by, action="threshold.set",
                          lookup={"station": station, "parameter": parameter},
                          defaults={"limit_value": limit_value, "basis": basis})


def _accept(readings: list[ParsedReading], result: IngestResult) -> list[
        tuple[ParsedReading, Parameter]]:
    parameters = {p.code: p for p in Parameter.objects.filter(
        code__in={r.parameter for r in readings})}
    accepted = []
    known = ""
    for reading in readings:
        prefix = f"readings[{reading.index}]"
        parameter = parameters.get(reading.parameter)
        if parameter is None:
            known = known or ", ".join(Parameter.objects.values_list("code", flat=True))
            result.rejected.append(Rejection(f"{prefix}.parameter", ERR_UNKNOWN_PARAMETER.format(
                code=reading.parameter, known=known), reading.index))
        elif reading.unit is not None and reading.unit != parameter.unit:
            result.rejected.append(Rejection(f"{prefix}.unit", ERR_WRONG_UNIT.format(
                unit=reading.unit, code=parameter.code, expected=parameter.unit), reading.index))
        else:
            accepted.append((reading, parameter))
    return accepted


@transaction.atomic
def readings_ingest(*, station: Station, readings: list[ParsedReading], via: str,
                    rejected: list[Rejection] = ()) -> IngestResult:
    """Store a batch (idempotent by station, parameter, time) and raise reports on exceedance.

    Readings, the reports they raise and the reports' outbox rows commit together.
    """
    result = IngestResult(rejected=list(rejected))
    accepted = _accept(readings, result)
    existing = set(Reading.objects.filter(
        station=station, observed_at__in={r.observed_at for r, _ in accepted},
    ).values_list("parameter_id", "observed_at"))
    now = dt.datetime.now(dt.UTC)
    fresh: dict[tuple[int, dt.datetime], tuple[ParsedReading, Parameter]] = {}
    for reading, parameter in accepted:
        key = (parameter.pk, reading.observed_at)
        if key in existing or key in fresh:
            result.duplicates += 1
        else:
            fresh[key] = (reading, parameter)
    Reading.objects.bulk_create(
        [Reading(station=station, parameter=p, observed_at=r.observed_at, value=r.value,
                 received_at=now, via=via) for r, p in fresh.values()],
        ignore_conflicts=True)
    result.stored = len(fresh)
    if fresh:
        audit_record(by=station, action="readings.ingest", obj=station, after={
            "via": via, "stored": result.stored, "duplicates": result.duplicates,
            "rejected": len(result.rejected),
            "from": min(r.observed_at for r, _ in fresh.values()).isoformat(),
            "to": max(r.observed_at for r, _ in fresh.values()).isoformat()})
    _raise_exceedances(station, sorted(fresh.values(), key=lambda rp: rp[0].observed_at), result)
    return result


def _raise_exceedances(station: Station, fresh: list[tuple[ParsedReading, Parameter]],
                       result: IngestResult) -> None:
    limits = dict(Threshold.objects.filter(station=station).values_list("parameter_id",
                                                                         "limit_value"))
    for reading, parameter in fresh:
        if parameter.pk not in limits:
            continue
        decision = threshold_check(value=reading.value, limit=limits[parameter.pk])
        if decision.exceeded:
            report, opened = incident_raise_from_exceedance(
                station_id=station.pk, parameter_id=parameter.pk,
                province_code=station.province_id, lat=station.lat, lon=station.lon,
                observed_at=reading.observed_at, decision=decision, by=station)
            if opened:
                result.incidents_opened.append(report.pk)
