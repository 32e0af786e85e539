"""Load the rule files, one folder per instrument, strictly, and pick the one in force.

Every folder under ``core/rules/`` holding an ``instrument.yaml`` is an instrument; every
other ``*.yaml`` in it is a table whose ``table:`` names its schema (``tables.py``). Any
problem — YAML syntax, a duplicated key, an unknown key, a unit of the wrong dimension,
overlapping ranges — stops the load with the file and key of every problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ungpho.core.rules.decision import NoInstrumentInForce, Text
from ungpho.core.rules.facts import json_path
from ungpho.core.rules.table_fields import TableFile
from ungpho.core.rules.tables import TABLE_MODELS, InstrumentFile
from ungpho.core.yaml_strict import yaml_strict

RULES_DIR = Path(__file__).parent


class RulesDataError(Exception):
    """The rule files are invalid; ``problems`` names the file and key of each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid rule files:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class Instrument:
    id: str
    number: str
    short: str
    subject: str
    title: Text
    issued: date
    effective: date | None
    replaces: str | None
    folder: Path
    tables: dict[str, TableFile]
    absent: dict[str, Any] = field(default_factory=dict)
    until: date | None = None

    def cite(self, where: str) -> str:
        """``TT 12/2023/TT-BKHCN, Phụ lục III, mục 2`` — a full citation."""
        return f"{self.short}, {where}"

    def in_force(self, on: date) -> bool:
        return (self.effective is not None and self.effective <= on
                and (self.until is None or on < self.until))

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "effective": str(self.effective),
                **({"until": str(self.until)} if self.until else {})}


def _read(path: Path, problems: list[str]) -> Any:
    try:
        return yaml_strict(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        problems.append(f"{path}: {error}".replace("\n", " "))
        return None


def _validate(model: type[Any], data: Any, path: Path, problems: list[str]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for e in error.errors():
            where = json_path(e["loc"]).removeprefix("$").lstrip(".") or "(top)"
            problems.append(f"{path}: {where}: {e['msg'].removeprefix('Value error, ')}")
        return None


def _instrument_load(folder: Path, problems: list[str]) -> Instrument | None:
    head_path = folder / "instrument.yaml"
    head = _validate(InstrumentFile, _read(head_path, problems), head_path, problems)
    if head is not None and head.id != folder.name:
        problems.append(f"{head_path}: id: {head.id!r} differs from the folder name")
    tables: dict[str, TableFile] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "instrument.yaml":
            continue
        data = _read(path, problems)
        if data is None:
            continue
        if isinstance(data, dict):  # top-level "_name" keys only hold YAML anchors
            data = {k: v for k, v in data.items() if not str(k).startswith("_")}
        kind: Any = data.get("table") if isinstance(data, dict) else None
        model = TABLE_MODELS.get(kind) if isinstance(kind, str) else None
        if model is None:
            problems.append(f"{path}: table: {kind!r} is not one of {sorted(TABLE_MODELS)}")
            continue
        if kind in tables:
            problems.append(f"{path}: table: a second {kind!r} table in {folder.name}")
            continue
        table = _validate(model, data, path, problems)
        if table is not None:
            tables[kind] = table
    if head is None:
        return None
    for absent in head.absent_tables:
        if absent.table in tables:
            problems.append(f"{head_path}: absent_tables: {absent.table!r} is present")
    return Instrument(
        id=head.id, number=head.number, short=head.short, subject=head.subject,
        title=head.title.text(), issued=head.issued, effective=head.effective,
        replaces=head.replaces, folder=folder, tables=tables,
        absent={a.table: a for a in head.absent_tables})


@dataclass(frozen=True)
class Rulebook:
    instruments: dict[str, Instrument]

    def in_force(self, on: date, subject: str = "radiation") -> Instrument:
        """The instrument of ``subject`` in force on ``on``.

        >>> rulebook().in_force(date(2020, 1, 1)).id
        'tt25_2014'
        """
        for instrument in self.instruments.values():
            if instrument.subject == subject and instrument.in_force(on):
                return instrument
        held = ", ".join(f"{i.short} from {i.effective}" for i in self.instruments.values()
                         if i.subject == subject)
        raise NoInstrumentInForce(f"no {subject} instrument held was in force on {on} "
                                  f"(held: {held or 'none'})")

    def reference(self, table: str) -> tuple[Instrument, TableFile]:
        """A table of a reference standard (D-values, source groups), not chosen by date."""
        for instrument in self.instruments.values():
            if instrument.subject == "reference" and table in instrument.tables:
                return instrument, instrument.tables[table]
        raise LookupError(f"no reference table {table!r}")


def rulebook_load(root: Path = RULES_DIR) -> Rulebook:
    problems: list[str] = []
    loaded = [_instrument_load(folder, problems)
              for folder in sorted(p.parent for p in root.glob("*/instrument.yaml"))]
    instruments = {i.id: i for i in loaded if i is not None}
    by_number = {i.number: i for i in instruments.values()}
    until: dict[str, date] = {}
    for instrument in instruments.values():
        replaced = by_number.get(instrument.replaces or "")
        if replaced is not None and instrument.effective is not None:
            if replaced.subject != instrument.subject:
                problems.append(f"{instrument.folder}/instrument.yaml: replaces: "
                                f"{replaced.id} is about another subject")
            until[replaced.id] = instrument.effective
    if problems:
        raise RulesDataError(problems)
    return Rulebook({k: replace(i, until=until.get(k)) for k, i in instruments.items()})


@cache
def rulebook() -> Rulebook:
    """The rule files shipped with ungpho, loaded once."""
    return rulebook_load()


def rules_in_force(on: date, subject: str = "radiation") -> Instrument:
    """The instrument of ``subject`` (``radiation`` or ``national_scope``) in force on ``on``."""
    return rulebook().in_force(on, subject)
