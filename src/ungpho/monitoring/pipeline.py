"""The one ingestion pipeline behind every door (files, HTTP, MQTT, EURDEP).

A door hands over raw items per station; ``Ingestor.flush`` then, in one transaction:
resolves each symbol and unit to a parameter (the station's mapping, else the national
catalogue) and converts the value, runs quality control (flags, never deletion), stores the
readings idempotently, moves the live front of each series, confirms exceedances and opens
or updates the incident reports they raise, and keeps every rejected item with its reason.
Many small files go through one flush, so the cost of a transaction is shared.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, transaction

from ungpho.audit.services import audit_record
from ungpho.core.monitoring.catalogue import catalogue, unit_factor
from ungpho.core.monitoring.limits import ExceedanceState, alarm_level, exceedance_step
from ungpho.core.monitoring.qc import DISQUALIFYING, Flag, SeriesState, qc_flags
from ungpho.monitoring.levels import EffectiveLevels, levels_for_stations
from ungpho.monitoring.models import (
    Exceedance,
    Parameter,
    RejectedLine,
    Station,
    StationParameter,
)
from ungpho.monitoring.signals import exceedance_report
from ungpho.monitoring.store import ReadingsWriter, series_fronts, series_upsert

_FUTURE = int(Flag.FUTURE)  # a plain int: enum arithmetic costs more than QC itself
ERR_UNKNOWN_SYMBOL = "unknown parameter symbol {symbol!r} for a {type} station"
ERR_UNIT = "unit {unit!r} cannot be converted to {code}'s unit {expected!r}: {why}"


class RawItem(NamedTuple):
    """One value as a door received it, before resolution and QC."""

    line_no: int | None
    symbol: str
    value: float
    unit: str | None
    observed_at: dt.datetime
    status: str = "00"


class Rejected(NamedTuple):
    line_no: int | None
    field: str
    reason: str
    text: str = ""


@dataclass(slots=True)
class FlushResult:
    stored: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    incidents_opened: list[int] = field(default_factory=list)
    exceedances: int = 0
    flagged: int = 0


@dataclass(slots=True)
class _Batch:
    station: Station
    items: list[RawItem]
    via: str
    source: str
    rejected: list[Rejected]
    file: object | None  # an IngestFile, saved by the door before the write
    result: FlushResult


class _Resolved(NamedTuple):
    parameter_id: int
    scale: float
    offset: float
    range_min: float | None
    range_max: float | None


@dataclass(slots=True)
class _Front:
    last_at: dt.datetime | None
    last_value: float
    last_flags: int
    qc: SeriesState
    exceedance: ExceedanceState
    level: int
    stored_to: dt.datetime | None = None
    dirty: bool = False


class Ingestor:
    """Collects items of any number of stations and writes them in one transaction."""

    def __init__(self, *, by=None):
        self.by = by
        self._batches: list[_Batch] = []
        #: Items and rejections queued for the next flush.
        self.pending = 0

    def add(self, *, station: Station, items: list[RawItem], via: str, source: str = "",
            rejected: list[Rejected] = (), file=None) -> FlushResult:
        """Queue one station's items; the returned result fills in at ``flush``."""
        result = FlushResult()
        self.pending += len(items) + len(rejected)
        self._batches.append(_Batch(station, items, via, source or via, list(rejected),
                                    file, result))
        return result

    def flush(self, *, before_commit=None) -> FlushResult:
        """Write everything queued; ``before_commit`` runs inside the same transaction, after
        the readings and before the rejections are kept (a file door saves its file records
        and their progress there, so progress and readings commit together and rejections
        can point to their file)."""
        batches, self._batches, self.pending = self._batches, [], 0
        total = FlushResult()
        if not batches:
            return total
        with transaction.atomic():
            now = self._write(batches, total)
            if before_commit is not None:
                before_commit()
            _rejections_keep(batches, now)
        return total

    def _write(self, batches: list[_Batch], total: FlushResult) -> dt.datetime:
        now = dt.datetime.now(dt.UTC)
        station_ids = sorted({b.station.id for b in batches})
        if connection.vendor == "postgresql":  # one writer per station's series at a time
            with connection.cursor() as cursor:  # in id order, so two writers cannot deadlock
                cursor.execute("SELECT pg_advisory_xact_lock(%s, sid::int) FROM "
                               "unnest(%s::bigint[]) AS sid ORDER BY sid",
                               [0x756E67, station_ids])
        fronts = _fronts_load(station_ids)
        levels = levels_for_stations(station_ids, fronts_values={
            key: front.qc for key, front in fronts.items()})
        resolver = _Resolver(station_ids, fronts, levels)
        raised: list[tuple[_Batch, int, tuple, dict]] = []
        with ReadingsWriter() as writer:  # no other query until counts(): see its docstring
            for batch in batches:
                writer.add(*_batch_rows(batch, resolver, now, raised))
            counts = writer.counts()
        series_upsert([(sid, pid, f.last_at, f.last_value, f.last_flags,
                        json.dumps(f.qc.to_json()), json.dumps(f.exceedance.to_json()), f.level,
                        f.stored_to)
                       for (sid, pid), f in fronts.items() if f.dirty])
        for batch, pid, row, decision in raised:
            _raise(batch, pid, row, decision, now, self.by)
        by_via: dict[str, int] = defaultdict(int)
        for batch, rows, new in zip(batches, writer.groups, counts, strict=True):
            result = batch.result
            result.stored, result.duplicates, result.rejected = new, len(rows) - new, \
                batch.rejected
            by_via[batch.via] += new
            _sum_into(total, result)
        if total.stored or total.rejected:
            audit_record(by=self.by if self.by is not None else _single_station(batches),
                         action="readings.ingest", object_type="monitoring.reading",
                         after={"stored": total.stored, "duplicates": total.duplicates,
                                "rejected": len(total.rejected), "stations": len(station_ids),
                                "via": dict(by_via)})
        return now


def _batch_rows(batch: _Batch, resolver: _Resolver, now: dt.datetime, raised: list
                ) -> tuple[list, bool]:
    """Resolve, convert and flag one batch's items, moving the live fronts and collecting
    the decisions to raise; returns the rows to store and whether they are surely new (each
    after everything stored of its series). The hot loop of ingestion: names are bound
    locally on purpose."""
    station, via, rejected = batch.station, batch.via, batch.rejected
    sid, now_s = station.id, now.timestamp()
    slots, slot_find, qc = resolver.slots_of(sid), resolver.slot, qc_flags
    rows: list = []
    append = rows.append
    flagged = 0
    surely_new = True
    seen_at, observed_s = None, 0.0
    # Unpacked as plain tuples (RawItem's fields, which FileLine shares in the same order).
    for line_no, symbol, raw_value, unit, observed_at, status in batch.items:
        if observed_at is not seen_at:  # the lines of one time share its datetime object
            seen_at, observed_s = observed_at, observed_at.timestamp()
        slot = slots.get((symbol, unit)) or slot_find(station, symbol, unit)
        if slot.__class__ is Rejected:
            rejected.append(slot._replace(line_no=line_no))
            continue
        pid, scale, offset, range_min, range_max, front, effective = slot
        value = raw_value * scale + offset
        # qc_flags(value, status, observed_at_s, received_at_s, range_min, range_max, state)
        flags = qc(value, status, observed_s, now_s, range_min, range_max, front.qc)
        append((sid, pid, observed_at, value, flags, now, via))
        if flags:
            flagged += 1
        stored_to = front.stored_to
        if stored_to is None or observed_at > stored_to:
            front.stored_to = observed_at
            front.dirty = True
        else:
            surely_new = False
        # A reading from the future never moves the front: one wrong clock would otherwise
        # hide every later reading from the alarms.
        if (front.last_at is None or observed_at > front.last_at) and not flags & _FUTURE:
            front.last_at, front.last_value, front.last_flags = observed_at, value, flags
            front.dirty = True
            if effective is not None:
                decision = _judge(effective, value, flags, front)
                if decision is not None:
                    raised.append((batch, pid, rows[-1], decision))
    batch.result.flagged += flagged
    return rows, surely_new


def _judge(effective: EffectiveLevels, value: float, flags: int, front: _Front) -> dict | None:
    """Advance the confirmation run. A decision when a higher level is confirmed now
    (``confirmed``: true), or when a valid reading stays at a level while one is confirmed
    (evidence for the open report); None otherwise."""
    valid = not flags & DISQUALIFYING
    level_now = alarm_level(value, effective.limits, at_or_above=effective.at_or_above) \
        if valid else 0
    confirmed = exceedance_step(level_now=level_now, flags=flags, state=front.exceedance,
                                confirm_count=effective.confirm_count)
    if valid and level_now == 0:
        front.level = 0
    rising = confirmed is not None and confirmed > front.level
    if not rising and not (valid and level_now and front.level):
        return None
    if rising:
        front.level = confirmed
    level = front.level
    limit = effective.limits[level - 1]
    return {"level": level, "limit": limit, "value": value, "ratio": value / limit,
            "basis": effective.basis, "confirm_count": effective.confirm_count,
            "confirmed": rising,
            # The valid readings of the confirming run, newest last (QC's recent memory).
            "run_values": list(front.qc.recent[-effective.confirm_count:]) if rising else [],
            "criterion": f"{effective.confirm_count} số đo hợp lệ liên tiếp trên cấp {level} "
                         f"({limit:g}), mới nhất {value:g} / {effective.confirm_count} "
                         f"consecutive valid readings above level {level} ({limit:g}); latest "
                         f"{value:g}"}


def _raise(batch: _Batch, parameter_id: int, row, decision: dict, now: dt.datetime, by) -> None:
    station = batch.station
    report, opened = exceedance_report(
        station_id=station.pk, parameter_id=parameter_id, province_code=station.province_id,
        lat=station.lat, lon=station.lon, observed_at=row[2], decision=decision,
        by=by if by is not None else station)
    if decision["confirmed"]:
        Exceedance.objects.create(station=station, parameter_id=parameter_id,
                                  level=decision["level"], limit_value=decision["limit"],
                                  value=decision["value"], observed_at=row[2], confirmed_at=now,
                                  basis=decision["basis"][:200], report=report)
        batch.result.exceedances += 1
    if opened:
        batch.result.incidents_opened.append(report.pk)


class _Slot(NamedTuple):
    """Where one symbol and unit of a station go in this flush: the parameter, the
    conversion to its unit, its physical range, the series' live front and its alarm levels
    (None: no levels)."""

    parameter_id: int
    scale: float
    offset: float
    range_min: float | None
    range_max: float | None
    front: _Front
    levels: EffectiveLevels | None


class _Resolver:
    """(station, symbol, unit) → slot, computed once per flush; the live fronts are made
    here for series seen the first time."""

    def __init__(self, station_ids: list[int], fronts: dict[tuple[int, int], _Front],
                 levels: dict[tuple[int, int], EffectiveLevels]):
        self.fronts, self.levels = fronts, levels
        self.parameters = {p.code: p for p in Parameter.objects.all()}
        self.mappings = {(m.station_id, m.symbol): m for m in
                         StationParameter.objects.filter(station_id__in=station_ids)
                         .select_related("parameter")}
        # Per station, so that the hot loop's key is (symbol, unit) alone.
        self.by_station: dict[int, dict[tuple[str, str | None], _Slot | Rejected]] = {}

    def slots_of(self, station_id: int) -> dict[tuple[str, str | None], _Slot | Rejected]:
        return self.by_station.setdefault(station_id, {})

    def slot(self, station: Station, symbol: str, unit: str | None) -> _Slot | Rejected:
        slots = self.slots_of(station.pk)
        found = slots.get((symbol, unit))
        if found is not None:
            return found
        found = self._resolve(station, symbol, unit)
        if found.__class__ is not Rejected:
            key = (station.pk, found.parameter_id)
            front = self.fronts.get(key)
            if front is None:  # last_value counts only once last_at is set
                front = self.fronts[key] = _Front(None, 0.0, 0, SeriesState.empty(),
                                                  ExceedanceState.empty(), 0)
            found = _Slot(*found, front, self.levels.get(key))
        slots[symbol, unit] = found
        return found

    def _resolve(self, station: Station, symbol: str, unit: str | None):
        mapping = self.mappings.get((station.pk, symbol))
        if mapping is not None:
            parameter = mapping.parameter
            if unit is None or not mapping.unit or unit == mapping.unit:
                return _Resolved(parameter.pk, mapping.scale, mapping.offset,
                                 parameter.range_min, parameter.range_max)
        else:
            spec = catalogue().find(symbol, station.type)
            parameter = self.parameters.get(spec.code if spec else symbol)
            if parameter is None:
                return Rejected(None, "symbol", ERR_UNKNOWN_SYMBOL.format(
                    symbol=symbol, type=station.type), symbol)
        if unit is None or unit == parameter.unit:
            return _Resolved(parameter.pk, 1.0, 0.0, parameter.range_min, parameter.range_max)
        try:
            scale, offset = unit_factor(unit, parameter.unit)
        except ValueError as error:
            return Rejected(None, "unit", ERR_UNIT.format(
                unit=unit, code=parameter.code, expected=parameter.unit, why=error), unit)
        return _Resolved(parameter.pk, scale, offset, parameter.range_min, parameter.range_max)


def _fronts_load(station_ids: list[int]) -> dict[tuple[int, int], _Front]:
    fronts = {}
    for row in series_fronts(station_ids):
        sid, pid, last_at, value, flags, qc, exceedance, level, stored_to = row
        fronts[sid, pid] = _Front(last_at, value, flags, SeriesState.from_json(qc),
                                  ExceedanceState.from_json(exceedance), level, stored_to)
    return fronts


def _rejections_keep(batches: list[_Batch], now: dt.datetime) -> None:
    RejectedLine.objects.bulk_create([
        RejectedLine(file_id=b.file.pk if b.file else None, station=b.station, via=b.via,
                     source=b.source[:500],
                     line_no=r.line_no, field=r.field[:60], reason=r.reason[:500],
                     text=r.text[:500], received_at=now)
        for b in batches for r in b.rejected], batch_size=500)


def _sum_into(total: FlushResult, r: FlushResult) -> None:
    total.stored += r.stored
    total.duplicates += r.duplicates
    if r.rejected:
        total.rejected += r.rejected
    if r.incidents_opened:
        total.incidents_opened += r.incidents_opened
    total.exceedances += r.exceedances
    total.flagged += r.flagged


def _single_station(batches: list[_Batch]):
    stations = {b.station.pk: b.station for b in batches}
    return next(iter(stations.values())) if len(stations) == 1 else None
