"""The EURDEP door: ambient gamma dose rates exchanged with the European Radiological Data
Exchange Platform, into and out of the monitoring network.

Import parses a EURDEP 2.x text (``ungpho.core.formats.eurdep``), finds each locality's
station, and hands the values to the one ingestion pipeline (``monitoring.pipeline``) as
GammaDR in µSv/h, via ``eurdep``; whatever cannot be stored is kept as a ``RejectedLine`` with
its reason. Export writes the valid GammaDR readings of our radiation stations as one EURDEP
2.1 message, streamed from the database.

Sources:
- the format and its sources: ``ungpho.core.formats.eurdep`` (JRC EURDEP pages,
  OpenBfS/eurdep-parser, fanc-afcn/Eurdep.NET);
- M. Sangiorgi et al., "The European Radiological Data Exchange Platform (EURDEP): 25 years of
  monitoring data exchange", Earth Syst. Sci. Data 12, 109-118 (2020): mostly gamma dose
  rates, exchanged hourly, unvalidated, in near real time.

Readings (where the sources are silent):
- A EURDEP value is the mean dose rate over BEGIN..END; it is stored at END, the usual stamp
  of a dose-rate period, so a period becomes one reading. Export does the reverse: END = the
  observed time, BEGIN = END − the station's reporting interval.
- Locality → station: the radiation station whose code equals LOCALITY_CODE, ignoring case;
  else, when LOCALITY_CODE starts with our country code ``VN``, the one whose code equals the
  rest (``VNHN-GAMMA-01`` → ``HN-GAMMA-01``). Export writes ``Station.code`` as it is, so an
  export reads back into the same stations.
- A value whose locality has no such station is rejected (field LOCALITY_CODE, naming the
  code) and kept as a ``RejectedLine`` without a station, as are the parser's rejections
  (the parser does not tie a bad line to a station).
- Only NUCLIDE ``T-GAMMA`` (total gamma) is ambient gamma dose rate; a dose rate given for
  another nuclide is rejected (field NUCLIDE) rather than mixed into GammaDR.
- VALIDATED has no public code list: it is not used. Values come in with status 00, and
  quality control flags them as at any other door (a value older than QC's ``too_old_s`` is
  kept, flagged TOO_OLD).
- A re-import stores no reading twice (the reading key); its rejections are kept again, as
  the HTTP door's are: each receipt is recorded.
- The input lines are held in memory, to keep the text of rejected lines: a EURDEP message
  covers about an hour and is small.
- A file that cannot be read, or whose values the database refuses as a whole, is a dead
  letter (door ``eurdep``, ``ungpho deadletters``) and the next file is taken in.
- Export: GammaDR readings of radiation stations with ``flags & DISQUALIFYING == 0``, observed
  in ``since <= t < until``; times lose their sub-second part; station names lose ``\\ ; "``
  and control characters, which EURDEP cannot carry; VALIDATED is written ``-``; ORIGINATOR
  is ``ungpho``; every selected station is listed as a locality, with values or without.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Iterator
from typing import TextIO

from django.db import transaction
from django.db.models import F, QuerySet

from ungpho.core.formats.eurdep import (
    GAMMA_NUCLIDE,
    EurdepLocality,
    EurdepValue,
    emit_eurdep,
    parse_eurdep,
)
from ungpho.core.monitoring.qc import DISQUALIFYING
from ungpho.faults.doors import database_at_fault
from ungpho.faults.models import DeadLetter
from ungpho.faults.services import deadletter_keep
from ungpho.monitoring.doors.file_open import Unreadable, open_following, unreadable_reason
from ungpho.monitoring.models import Parameter, Reading, RejectedLine, Station
from ungpho.monitoring.pipeline import Ingestor, RawItem

SYMBOL, UNIT = "GammaDR", "µSv/h"
COUNTRY_PREFIX = "VN"
ORIGINATOR = "ungpho"

ERR_NO_STATION = ("{code!r}: no radiation station has this code"
                  "{also}; register the station or correct the code")
ERR_NUCLIDE = ("{nuclide!r} is not {gamma} (total gamma): only ambient gamma dose rate is "
               "taken in")
ERR_UNKNOWN_STATION = "station: no radiation station {code!r} (or not in your scope)"

_NOT_IN_EURDEP = re.compile(r'[\\;"\x00-\x1f\x7f]')
ERR_GONE = "the file went away before it was read"


def eurdep_file_import(path: str, *, by=None,
                       door: str | None = DeadLetter.Door.EURDEP) -> dict:
    """``eurdep_import`` of one file, named by its path (``ungpho eurdep import``), whose
    failure costs no other file: a file that cannot be read, or that the database refuses,
    is kept as a dead letter of ``door`` (None: only reported, as a retry wants), named in the
    summary's ``dead_letter`` (line, field, reason, letter id; None when all went in). A
    failure of the database itself propagates."""
    try:
        with os.fdopen(open_following(path), "rb") as stream:
            data = stream.read()
    except (OSError, Unreadable) as error:
        reason = str(error) if isinstance(error, Unreadable) else (
            unreadable_reason(path, error) or ERR_GONE)
        return _dead(path, None, reason, door)
    return eurdep_bytes_import(data, source=path, by=by, door=door)


def eurdep_bytes_import(data: bytes, *, source: str, by=None,
                        door: str | None = DeadLetter.Door.EURDEP) -> dict:
    """``eurdep_file_import`` of a file's bytes (a dead letter's payload)."""
    # A stray byte in a foreign station name must not cost the file its dose rates.
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace")
    try:
        summary = eurdep_import(lines, source=source, by=by)
    except Exception as error:
        if database_at_fault(error):
            raise
        return _dead(source, data, f"cannot be stored: {str(error) or type(error).__name__}", door)
    return {**summary, "dead_letter": None}


def _dead(source: str, data: bytes | None, reason: str, door: str | None) -> dict:
    letter = None if door is None else deadletter_keep(
        door=door, source=os.path.abspath(source), payload=data, reason=reason,
        field="file").pk
    return {"stored": 0, "duplicates": 0, "rejected": [], "unknown_localities": [],
            "incidents_opened": [], "dead_letter": {"line": 0, "field": "file",
                                                    "reason": reason, "letter": letter}}


def eurdep_import(lines: Iterable[str], *, source: str, by=None) -> dict:
    """Take in one EURDEP 2.x text: its ambient gamma dose rates become GammaDR readings
    (µSv/h, stamped at END, via ``eurdep``) through the ingestion pipeline, and every line
    that cannot be stored is kept as a ``RejectedLine`` of ``source``, all in one
    transaction.

    EURDEP 2.1 as read by ``ungpho.core.formats.eurdep``; locality → station and the other
    readings in the module docstring. Returns ``{"stored", "duplicates", "rejected": [{"line",
    "field", "reason"}], "unknown_localities": [codes], "incidents_opened": [report ids]}``.
    """
    texts = [line.rstrip("\r\n") for line in lines]
    _, values, rejections = parse_eurdep(texts)
    now = dt.datetime.now(dt.UTC)
    kept = [_rejected_line(source, r.line_no, r.field, r.reason, r.text, now)
            for r in rejections]
    find = _station_finder()
    items: dict[int, tuple[Station, list[RawItem]]] = {}
    unknown: set[str] = set()
    for value in values:
        text = texts[value.line_no - 1]
        if value.nuclide.upper() != GAMMA_NUCLIDE:
            kept.append(_rejected_line(source, value.line_no, "NUCLIDE", ERR_NUCLIDE.format(
                nuclide=value.nuclide, gamma=GAMMA_NUCLIDE), text, now))
            continue
        station = find(value.locality_code)
        if station is None:
            unknown.add(value.locality_code)
            kept.append(_rejected_line(source, value.line_no, "LOCALITY_CODE",
                                       _no_station(value.locality_code), text, now))
            continue
        items.setdefault(station.pk, (station, []))[1].append(
            RawItem(value.line_no, SYMBOL, value.value_usv_h, UNIT, value.end))
    ingestor = Ingestor(by=by)
    for station, station_items in items.values():
        station_items.sort(key=lambda item: item.observed_at)  # QC reads a series in order
        ingestor.add(station=station, items=station_items, via=Reading.Via.EURDEP,
                     source=source)
    with transaction.atomic():
        result = ingestor.flush()
        RejectedLine.objects.bulk_create(kept, batch_size=500)
    rejected = [(r.line_no, r.field, r.reason) for r in result.rejected]
    rejected += [(r.line_no, r.field, r.reason) for r in kept]
    rejected.sort(key=lambda row: row[0] or 0)
    return {"stored": result.stored, "duplicates": result.duplicates,
            "rejected": [{"line": line, "field": name, "reason": reason}
                         for line, name, reason in rejected],
            "unknown_localities": sorted(unknown),
            "incidents_opened": result.incidents_opened}


def _station_finder():
    by_code = {s.code.lower(): s for s in Station.objects.filter(type=Station.Type.RADIATION)}
    prefix = COUNTRY_PREFIX.lower()

    def find(locality_code: str) -> Station | None:
        code = locality_code.lower()
        found = by_code.get(code)
        if found is None and code.startswith(prefix):
            found = by_code.get(code.removeprefix(prefix))
        return found

    return find


def _no_station(code: str) -> str:
    rest = code[len(COUNTRY_PREFIX):] if code.upper().startswith(COUNTRY_PREFIX) else ""
    return ERR_NO_STATION.format(code=code, also=f" (nor {rest!r})" if rest else "")


def _rejected_line(source: str, line_no: int, field_name: str, reason: str, text: str,
                   now: dt.datetime) -> RejectedLine:
    return RejectedLine(station=None, via=Reading.Via.EURDEP, source=source[:500],
                        line_no=line_no, field=field_name[:60], reason=reason[:500],
                        text=text[:500], received_at=now)


def eurdep_export_lines(*, since: dt.datetime, until: dt.datetime,
                        station_codes: Iterable[str] | None = None,
                        stations: QuerySet | None = None) -> Iterator[str]:
    """The lines (without line ends) of one EURDEP 2.1 message holding the valid GammaDR
    readings of the radiation stations chosen (``stations``, default all; narrowed to
    ``station_codes``), observed in ``since <= t < until``. Read lazily from the database.

    EURDEP 2.1 as written by ``ungpho.core.formats.eurdep.emit_eurdep``; BEGIN/END and the
    other readings in the module docstring. ValueError naming the field, before anything is
    read, for a bad window or a station code not among those chosen.
    """
    return _emit(*_export_parts(since, until, station_codes, stations))


def eurdep_export(*, since: dt.datetime, until: dt.datetime,
                  station_codes: Iterable[str] | None = None, stream: TextIO,
                  stations: QuerySet | None = None) -> int:
    """Write ``eurdep_export_lines`` to ``stream``, one line each, streaming; returns how many
    values were written. Same reference and errors as ``eurdep_export_lines``."""
    localities, values = _export_parts(since, until, station_codes, stations)
    count = 0

    def counted() -> Iterator[EurdepValue]:
        nonlocal count
        for value in values:
            count += 1
            yield value

    for line in _emit(localities, counted()):
        stream.write(line + "\n")
    return count


def _emit(localities: list[EurdepLocality], values: Iterable[EurdepValue]) -> Iterator[str]:
    return emit_eurdep(sender=ORIGINATOR, created=dt.datetime.now(dt.UTC).replace(microsecond=0),
                       localities=localities, values=values)


def _export_parts(since: dt.datetime, until: dt.datetime, station_codes, stations):
    if since.tzinfo is None or until.tzinfo is None or not since < until:
        raise ValueError("since/until: need two date-times with a UTC offset, since < until")
    chosen = (Station.objects.all() if stations is None else stations).filter(
        type=Station.Type.RADIATION).order_by("code")
    codes = list(dict.fromkeys(station_codes or ()))
    if codes:
        chosen = chosen.filter(code__in=codes)
    found = list(chosen)
    missing = set(codes) - {s.code for s in found}
    if missing:
        raise ValueError(ERR_UNKNOWN_STATION.format(code=min(missing)))
    localities = [EurdepLocality(s.code, _NOT_IN_EURDEP.sub(" ", s.name).strip(), s.lat, s.lon,
                                 None) for s in found]
    return localities, _values({s.pk: s for s in found}, since, until)


def _values(stations: dict[int, Station], since: dt.datetime,
            until: dt.datetime) -> Iterator[EurdepValue]:
    parameter = Parameter.objects.filter(code=SYMBOL).values_list("pk", flat=True).first()
    if parameter is None or not stations:
        return
    rows = (Reading.objects.filter(station_id__in=list(stations), parameter_id=parameter,
                                   observed_at__gte=since, observed_at__lt=until)
            .annotate(disqualified=F("flags").bitand(DISQUALIFYING)).filter(disqualified=0)
            .order_by("station_id", "observed_at")
            .values_list("station_id", "observed_at", "value").iterator(chunk_size=5000))
    for station_id, observed_at, value_usv_h in rows:
        station = stations[station_id]
        end = observed_at.replace(microsecond=0)
        yield EurdepValue(0, station.code, end - dt.timedelta(
            seconds=station.reporting_interval_s), end, value_usv_h, GAMMA_NUCLIDE, None)
