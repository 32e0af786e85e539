"""Registry files in and out, whatever the registry (stations, facilities, sources,
chemicals): a CSV or GeoJSON file read into records of the columns it has, each with where
it stands and what could not be read; the report of an import; cell conversions. The
command line's side (``ungpho stations|facilities|sources|chemicals import|export``) is
``ungpho.cli.registry``.

Sources:
- RFC 4180 (CSV: a header line, then one record per line; a quoted field may span lines,
  so a record's line is where it starts; Python's ``csv`` ``line_num`` counts physical lines).
- RFC 7946 §3.1.2, §3.2 and §3.3 (a Point's position is [longitude, latitude]; Feature;
  FeatureCollection).

Readings (where the sources are silent):
- Where a record stands: ``{"line": n}`` in CSV, the header being line 1, so the first
  data line is 2; ``{"feature": i}`` in GeoJSON, the index in ``features`` from 0.
- Files are UTF-8, with or without the signature (BOM) spreadsheets write.
- Numbers use a decimal point; ``21,03`` is refused rather than guessed.
- Unknown CSV columns are reported on line 1 and ignored; unknown GeoJSON properties are
  ignored (other tools add styling properties).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from ungpho.core.validate import Invalid, json_loads, json_problems


@dataclass
class ImportReport:
    """Rows saved (created / updated) and every problem: ``{"line"|"feature", field, reason}``."""

    created: int = 0
    updated: int = 0
    rejected: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


class Record(NamedTuple):
    where: dict  # {"line": n} (CSV, header = 1) or {"feature": i} (GeoJSON, from 0)
    values: dict[str, Any]  # only the columns / properties the file has
    errors: list[tuple[str, str]]


class GeometryReader(NamedTuple):
    """How a registry reads a Feature's geometry: ``read(geometry)`` gives the values of
    ``fields`` (properties of these names are ignored) and the problems found."""

    fields: tuple[str, ...]
    read: Callable[[Any], tuple[dict[str, Any], list[tuple[str, str]]]]


def _point(geometry: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    position = geometry.get("coordinates") if isinstance(geometry, dict) and geometry.get(
        "type") == "Point" else None
    if isinstance(position, list) and len(position) in (2, 3):
        return {"lon": position[0], "lat": position[1]}, []
    return {}, [("geometry", "must be a Point with coordinates [lon, lat] (RFC 7946)")]


#: The geometry is the position: a Point [lon, lat] (RFC 7946 §3.1.2).
POINT = GeometryReader(("lat", "lon"), _point)


def _read_text(source: str | Path | IO) -> str:
    if isinstance(source, str | Path):  # a path
        return Path(source).read_bytes().decode("utf-8-sig")
    content = source.read()
    return content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")


def _not_utf8(error: UnicodeDecodeError) -> dict:
    return {"line": 1, "field": "file",
            "reason": f"not UTF-8 (byte {error.start + 1} of the file)"}


def csv_records(source, report: ImportReport, *, known: tuple[str, ...],
                columns: tuple[str, ...], required: tuple[str, ...]) -> Iterator[Record]:
    """The data lines of a CSV (a path, a text or bytes stream, or a list of lines) as
    records of the ``columns`` it has. ``known``: the header names accepted (``columns``
    and those exported for reading only); ``required``: the header must have them, else
    nothing is read. Header problems go to ``report`` on line 1."""
    try:
        lines = (_read_text(source).splitlines(keepends=True)
                 if isinstance(source, str | Path) or hasattr(source, "read") else source)
    except UnicodeDecodeError as error:
        report.rejected.append(_not_utf8(error))
        return
    reader = csv.reader(lines)
    header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
    twice = sorted({name for name in header if name and header.count(name) > 1})
    missing = [name for name in required if name not in header]
    problems = [(name, "unknown column, ignored; known: " + ", ".join(known))
                for name in header if name and name not in known]
    problems += [(name, "column appears twice") for name in twice]
    problems += [(name, f"the header line has no {name!r} column") for name in missing]
    report.rejected += [{"line": 1, "field": f, "reason": r} for f, r in problems]
    if missing or twice:
        return
    start = reader.line_num + 1
    while True:
        line = start
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Record({"line": line}, {}, [("line", f"not CSV: {error}")])
            start = reader.line_num + 1
            continue
        start = reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        errors = [] if len(cells) <= len(header) else [
            ("line", f"{len(cells)} cells but the header has {len(header)} columns")]
        values = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)
                  if name in columns}
        yield Record({"line": line}, *_storable(values, errors))


def geojson_records(source, report: ImportReport, *, columns: tuple[str, ...],
                    geometry: GeometryReader | None) -> Iterator[Record]:
    """The features of a GeoJSON FeatureCollection (a path, a stream, or the parsed dict)
    as records of the ``columns`` among their properties, plus what ``geometry`` reads
    from the geometry (None: the geometry is not read)."""
    try:
        doc = source if isinstance(source, dict) else json_loads(_read_text(source),
                                                                 field="file")
    except UnicodeDecodeError as error:
        report.rejected.append(_not_utf8(error))
        return
    except Invalid as error:
        report.rejected.append({"line": 1, "field": error.field, "reason": error.message})
        return
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(
            features, list):
        report.rejected.append({"feature": None, "field": "type", "reason":
                                "must be a FeatureCollection with a list of features"})
        return
    from_geometry = geometry.fields if geometry else ()
    for i, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            yield Record({"feature": i}, {}, [("type", "must be a Feature object")])
            continue
        properties, errors = feature.get("properties") or {}, []
        if not isinstance(properties, dict):
            properties, errors = {}, [("properties", "must be an object")]
        values = {k: v for k, v in properties.items()
                  if k in columns and k not in from_geometry}
        if geometry is not None:
            read, problems = geometry.read(feature.get("geometry"))
            values |= read
            errors += problems
        yield Record({"feature": i}, *_storable(values, errors))


def _storable(values: dict[str, Any], errors: list[tuple[str, str]]
              ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The values without those no column can store (a NUL, a lone surrogate, a number that
    is not finite: ``core.validate.json_problems``), each of those an error of its column."""
    problems = json_problems(values, path="")
    bad = {path.partition(".")[0].partition("[")[0] for path, _ in problems}
    return ({k: v for k, v in values.items() if k not in bad},
            errors + [(path, str(message)) for path, message in problems])


def records_import(source, *, fmt: str, known: tuple[str, ...], columns: tuple[str, ...],
                   required: tuple[str, ...], geometry: GeometryReader | None,
                   row: Callable[[Record], tuple[list[tuple[str, str]], bool]]
                   ) -> ImportReport:
    """Read a CSV (``fmt`` "csv") or GeoJSON file into records (``csv_records``,
    ``geojson_records``) and hand each to ``row``, which checks and saves it and returns
    its problems (field, reason) and whether it created an entry; the tally."""
    if fmt not in ("csv", "geojson"):
        raise ValueError(f"fmt: must be 'csv' or 'geojson', got {fmt!r}")
    report = ImportReport()
    records = (csv_records(source, report, known=known, columns=columns, required=required)
               if fmt == "csv" else
               geojson_records(source, report, columns=columns, geometry=geometry))
    for record in records:
        errors, created = row(record)
        if errors:
            report.rejected += [{**record.where, "field": f, "reason": r} for f, r in errors]
        elif created:
            report.created += 1
        else:
            report.updated += 1
    return report


def point_features(records: Iterable[dict[str, Any]], *, id_key: str) -> dict:
    """A FeatureCollection (RFC 7946) of records with ``lat`` and ``lon``: a Point
    [lon, lat] each, the rest as properties, ``id`` from ``id_key``."""
    features = []
    for record in records:
        lon, lat = record.pop("lon"), record.pop("lat")
        features.append({"type": "Feature", "id": record[id_key],
                         "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": record})
    return {"type": "FeatureCollection", "features": features}


def where_text(where: dict) -> str:
    return f"line {where['line']}" if "line" in where else f"feature {where['feature']}"


# -- cells ------------------------------------------------------------------------------------

def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def number(value: Any) -> float:
    """A finite number from a cell or a JSON number; a decimal comma is refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"not a number: {value!r}")
    try:
        result = float(value)
    except OverflowError:  # an int beyond a double
        raise ValueError(f"not a finite number: {len(str(value))} digits") from None
    except ValueError:
        hint = " (use a decimal point)" if isinstance(value, str) and "," in value else ""
        raise ValueError(f"not a number: {value!r}{hint}") from None
    if not math.isfinite(result):
        raise ValueError(f"not a finite number: {value!r}")
    return result


def text_of(max_length: int | None):
    """A converter to stripped text of at most ``max_length`` characters (None: any)."""
    def convert(value: Any) -> str:
        text = str(value).strip()
        if max_length is not None and len(text) > max_length:
            raise ValueError(f"longer than {max_length} characters")
        return text
    return convert


def lower(value: Any) -> str:
    return str(value).strip().lower()


def choice(allowed: Iterable[str], normalise: Callable[[Any], str] = lower):
    """A converter to one of ``allowed`` (after ``normalise``: stripped, lower case)."""
    allowed = tuple(allowed)

    def convert(value: Any) -> str:
        text = normalise(value)
        if text not in allowed:
            raise ValueError(f"unknown value {value!r}; allowed: {', '.join(allowed)}")
        return text
    return convert


def num_text(value: float | None) -> str:
    """A number in its shortest exact form, ``1`` rather than ``1.0``; None is empty."""
    if value is None:
        return ""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text
