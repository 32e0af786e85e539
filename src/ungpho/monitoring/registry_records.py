"""Reading a registry file (CSV or GeoJSON) into records of the columns it has, each with
where it stands (CSV line, header = 1; GeoJSON feature, from 0) and what could not be read —
the first step of ``registry_import``."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from ungpho.monitoring.registry_export import CSV_COLUMNS, IMPORT_COLUMNS


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


def _read_text(source: str | Path | IO) -> str:
    if isinstance(source, str | Path):  # a path
        return Path(source).read_bytes().decode("utf-8-sig")
    content = source.read()
    return content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")


def csv_records(source, report: ImportReport) -> Iterator[Record]:
    try:
        lines = (_read_text(source).splitlines(keepends=True)
                 if isinstance(source, str | Path) or hasattr(source, "read") else source)
    except UnicodeDecodeError as error:
        report.rejected.append({"line": 1, "field": "file",
                                "reason": f"not UTF-8 (byte {error.start + 1} of the file)"})
        return
    reader = csv.reader(lines)
    header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
    twice = sorted({name for name in header if name and header.count(name) > 1})
    problems = [(name, "unknown column, ignored; known: " + ", ".join(CSV_COLUMNS))
                for name in header if name and name not in CSV_COLUMNS]
    problems += [(name, "column appears twice") for name in twice]
    if "code" not in header:
        problems.append(("code", "the header line has no 'code' column"))
    report.rejected += [{"line": 1, "field": f, "reason": r} for f, r in problems]
    if "code" not in header or twice:
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
                  if name in IMPORT_COLUMNS}
        yield Record({"line": line}, values, errors)


def geojson_records(source, report: ImportReport) -> Iterator[Record]:
    try:
        doc = source if isinstance(source, dict) else json.loads(_read_text(source))
    except UnicodeDecodeError as error:
        report.rejected.append({"line": 1, "field": "file",
                                "reason": f"not UTF-8 (byte {error.start + 1} of the file)"})
        return
    except json.JSONDecodeError as error:
        report.rejected.append({"line": error.lineno, "field": "file",
                                "reason": f"not JSON: {error.msg} (column {error.colno})"})
        return
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(
            features, list):
        report.rejected.append({"feature": None, "field": "type", "reason":
                                "must be a FeatureCollection with a list of features"})
        return
    for i, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            yield Record({"feature": i}, {}, [("type", "must be a Feature object")])
            continue
        properties, errors = feature.get("properties") or {}, []
        if not isinstance(properties, dict):
            properties, errors = {}, [("properties", "must be an object")]
        values = {k: v for k, v in properties.items()
                  if k in IMPORT_COLUMNS and k not in ("lat", "lon")}
        geometry = feature.get("geometry")
        position = geometry.get("coordinates") if isinstance(geometry, dict) and geometry.get(
            "type") == "Point" else None
        if isinstance(position, list) and len(position) in (2, 3):
            values["lon"], values["lat"] = position[0], position[1]
        else:
            errors.append(("geometry", "must be a Point with coordinates [lon, lat] (RFC 7946)"))
        yield Record({"feature": i}, values, errors)


# -- validating one row -----------------------------------------------------------------------

