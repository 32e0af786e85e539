"""Writes of the monitoring registry (one transaction and one audit entry each) and the
JSON doors' entry into the ingestion pipeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from ungpho.audit.services import audit_record, audited_upsert
from ungpho.core.formats.readings_json import ParsedReading, Rejection
from ungpho.core.monitoring.catalogue import catalogue
from ungpho.monitoring.models import Parameter, Station, StationParameter, Threshold
from ungpho.monitoring.pipeline import Ingestor, RawItem, Rejected
from ungpho.platform.machine_tokens import token_digest, token_new


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
def parameter_upsert(*, code: str, name_vi: str, name_en: str, unit: str,
                     range_min: float | None = None, range_max: float | None = None,
                     station_types: list[str] | None = None, citation: str = "",
                     by=None) -> Parameter:
    return audited_upsert(Parameter, by=by, action="parameter.upsert", lookup={"code": code},
                          defaults={"name_vi": name_vi, "name_en": name_en, "unit": unit,
                                    "range_min": range_min, "range_max": range_max,
                                    "station_types": list(station_types or []),
                                    "citation": citation})


def parameters_sync(*, by=None) -> int:
    """Bring the parameter table in step with the national catalogue (after every migrate)."""
    for spec in catalogue().parameters.values():
        parameter_upsert(code=spec.code, name_vi=spec.name_vi, name_en=spec.name_en,
                         unit=spec.unit, range_min=spec.range_min, range_max=spec.range_max,
                         station_types=list(spec.station_types), citation=spec.citation, by=by)
    return len(catalogue().parameters)


@transaction.atomic
def station_upsert(*, code: str, name: str, province_code: str, lat: float, lon: float,
                   owner: str = "", ministry: str = Station.Ministry.MAE,
                   type: str = Station.Type.RADIATION, reporting_interval_s: int = 300,
                   status: str = Station.Status.ACTIVE, file_prefix: str | None = None,
                   background_usv_h: float | None = None, facility_code: str | None = None,
                   by=None) -> Station:
    from ungpho.preparedness.models import Facility

    facility = Facility.objects.get(code=facility_code) if facility_code else None
    return audited_upsert(Station, by=by, action="station.upsert", lookup={"code": code},
                          defaults={"name": name, "province_id": province_code, "lat": lat,
                                    "lon": lon, "owner": owner, "ministry": ministry,
                                    "type": type, "reporting_interval_s": reporting_interval_s,
                                    "status": status, "file_prefix": file_prefix or None,
                                    "background_usv_h": background_usv_h,
                                    "facility": facility})


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
def mapping_set(*, station: Station, symbol: str, parameter: Parameter, unit: str = "",
                scale: float = 1.0, offset: float = 0.0, by=None) -> StationParameter:
    """How the station names a parameter and converts its unit (value × scale + offset)."""
    return audited_upsert(StationParameter, by=by, action="mapping.set",
                          lookup={"station": station, "symbol": symbol},
                          defaults={"parameter": parameter, "unit": unit, "scale": scale,
                                    "offset": offset})


@transaction.atomic
def threshold_set(*, station: Station, parameter: Parameter, level_1: float,
                  level_2: float | None = None, level_3: float | None = None,
                  confirm_count: int = 2, basis: str = "", by=None) -> Threshold:
    """Set the operator's alarm levels (increasing, strictly; the first is required)."""
    from ungpho.core.monitoring.limits import alarm_level

    alarm_level(level_1, (level_1, level_2, level_3))  # validates the order, names the level
    return audited_upsert(Threshold, by=by, action="threshold.set",
                          lookup={"station": station, "parameter": parameter},
                          defaults={"level_1": level_1, "level_2": level_2,
                                    "level_3": level_3, "confirm_count": confirm_count,
                                    "basis": basis})


def readings_ingest(*, station: Station, readings: list[ParsedReading], via: str,
                    rejected: list[Rejection] = (), by=None) -> IngestResult:
    """Store one JSON batch through the pipeline (idempotent by station, parameter, time);
    confirmed exceedances open or update reports, all in one transaction. Rejections name
    the item's field, ``readings[i].parameter``."""
    items, rejected = readings_as_items(readings, rejected)
    return _batch_ingest(
        station=station, items=items, via=via, source=f"{via}:{station.code}", by=by,
        rejected=rejected,
        field_name=lambda r: r.field if r.line_no is None or r.field.startswith("readings")
        else f"readings[{r.line_no}].{_JSON_FIELD.get(r.field, r.field)}")


def readings_as_items(readings: list[ParsedReading], rejected: list[Rejection]
                      ) -> tuple[list[RawItem], list[Rejected]]:
    """A parsed JSON batch as the pipeline's items and rejections (line number: the index)."""
    return ([RawItem(r.index, r.parameter, r.value, r.unit, r.observed_at, r.status)
             for r in readings], [Rejected(r.index, r.field, r.message) for r in rejected])


def lines_ingest(*, station: Station, lines, via: str, source: str, by=None) -> IngestResult:
    """Store lines in the station file format (an HTTP body); rejections name the line."""
    from ungpho.core.formats.station_file import LineRejection, parse_lines

    items, rejected = [], []
    for line in parse_lines(lines):
        if isinstance(line, LineRejection):
            rejected.append(Rejected(line.line_no, line.field, line.reason, line.text))
        else:
            items.append(line)
    return _batch_ingest(station=station, items=items, via=via, source=source, by=by,
                         rejected=rejected,
                         field_name=lambda r: f"line {r.line_no}: {r.field}")


def _batch_ingest(*, station, items, via, source, by, rejected, field_name) -> IngestResult:
    ingestor = Ingestor(by=by)
    ingestor.add(station=station, items=items, via=via, source=source, rejected=rejected)
    flushed = ingestor.flush()
    return IngestResult(stored=flushed.stored, duplicates=flushed.duplicates,
                        incidents_opened=flushed.incidents_opened,
                        rejected=[Rejection(field_name(r), r.reason, r.line_no)
                                  for r in flushed.rejected])


#: Pipeline field names → the JSON batch's item fields.
_JSON_FIELD = {"symbol": "parameter"}


def station_states_refresh(*, now: dt.datetime | None = None) -> int:
    """Recompute every active station's state (Good / Exceeding / Offline / Calibrating /
    Device error) from its series; returns how many changed."""
    from ungpho.monitoring.states import states_refresh

    return states_refresh(now=now or dt.datetime.now(dt.UTC))
