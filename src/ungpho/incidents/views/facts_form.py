"""The structured facts form of the incident page, generated from the facts models of the
rules engine (``core.rules.facts.IncidentFacts``): a ``Literal`` is a select, a ``StrictBool``
yes / no / unknown, a quantity a number with its unit (``core.rules.units``), a tuple of
literals a set of boxes, a nested model a fieldset whose fields have dotted names
(``event.dose_rate``), a tuple of models numbered fieldsets (``sources.0.nuclide``) with one
blank to add another.

Form values are strings (lists for boxes; a quantity's unit under ``<name>__unit``). An
empty field, or one left at the model's default, is no fact: the engine then lists it as
missing, never guesses it. ``facts_from_form`` and ``facts_values`` are each other's inverse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from django.utils.translation import gettext as _
from pydantic import BaseModel

from ungpho.core.rules.facts import FactsError, IncidentFacts, Problem
from ungpho.core.rules.quantities import Dimensions, measure_coerce
from ungpho.core.rules.units import DIMENSIONS, units_of
from ungpho.incidents.views.facts_labels import FACT_LABELS, option_label

#: Set by the incident itself, not by the officer (``incident_classify`` adds them).
SKIPPED = ("first_information_at", "classified_at")
#: Fieldsets shown open even when empty: what a duty officer fills first.
OPEN = ("event", "scope", "sources", "hazard")
UNIT = "__unit"


@dataclass(frozen=True)
class Spec:
    """What kind of input one fact needs."""

    kind: str  # model, models, select, checks, quantity, number, text
    model: type[BaseModel] | None = None
    options: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    integer: bool = False
    bounds: tuple[Any, Any] = (None, None)


@dataclass
class Node:
    """One item of the form, in order: a fieldset opening or closing, or a field."""

    kind: str
    name: str
    label: str
    spec: Spec | None = None
    value: Any = ""
    unit: str = ""
    error: str = ""
    open: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)


def _optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _dimensions(annotation: Any, metadata: list[Any]) -> tuple[str, ...] | None:
    if get_origin(annotation) is Annotated:
        metadata = [*get_args(annotation)[1:], *metadata]
    found = [m.names for m in metadata if isinstance(m, Dimensions)]
    return found[0] if found else None


def spec_of(info) -> Spec:
    """The input a pydantic field needs (its annotation and constraints)."""
    annotation, metadata = _optional(info.annotation), list(info.metadata)
    dimensions = _dimensions(annotation, metadata)
    if dimensions:
        return Spec("quantity", units=tuple(u for d in dimensions for u in units_of(d)))
    if get_origin(annotation) is Annotated:  # StrictBool, NonNegativeFloat …
        annotation, metadata = get_args(annotation)[0], [*get_args(annotation)[1:], *metadata]
    origin, args = get_origin(annotation), get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Spec("model", model=annotation)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        inner = args[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return Spec("models", model=inner)
        return Spec("checks", options=get_args(inner))
    if origin is Literal:
        return Spec("select", options=args)
    if annotation is bool:
        return Spec("select", options=("yes", "no"))
    if annotation in (int, float):
        low = next((m.ge for m in metadata if hasattr(m, "ge")), None)
        high = next((m.le for m in metadata if hasattr(m, "le")), None)
        return Spec("number", integer=annotation is int, bounds=(low, high))
    return Spec("text")


def _fields(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, str, Any, Spec]]:
    for name, info in model.model_fields.items():
        if not prefix and name in SKIPPED:
            continue
        yield name, prefix + name, info, spec_of(info)


def _label(model: type[BaseModel], name: str) -> str:
    label = FACT_LABELS.get(f"{model.__name__}.{name}") or FACT_LABELS.get(name)
    return str(label or name.replace("_", " "))


def _is_default(info, value: Any) -> bool:
    return not info.is_required() and value == info.default


def _get(data: Mapping[str, Any], name: str, many: bool = False) -> Any:
    if hasattr(data, "getlist"):
        return data.getlist(name) if many else data.get(name, "")
    value = data.get(name, [] if many else "")
    return ([value] if isinstance(value, str) else list(value)) if many else value


def _indices(data: Mapping[str, Any], name: str) -> list[int]:
    pattern = re.compile(rf"^{re.escape(name)}\.(\d+)\.")
    return sorted({int(m[1]) for key in data for m in [pattern.match(key)] if m})


def _leaf(spec: Spec, data, dotted: str, path: str, problems: list[Problem]) -> Any:
    text = str(_get(data, dotted)).strip()
    if spec.kind == "quantity":
        return f"{text} {_get(data, dotted + UNIT)}".strip() if text else None
    if not text:
        return None
    if spec.kind == "select" and spec.options == ("yes", "no"):
        return {"yes": True, "no": False}.get(text, text)
    if spec.kind == "number":
        try:
            return int(text) if spec.integer else float(text)
        except ValueError:
            problems.append(Problem(path, f"{text!r} is not {'a whole' if spec.integer else 'a'}"
                                          " number"))
    return text


def _from(model, data, prefix: str, path: str, problems: list[Problem],
          positions: dict[str, list[int]]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for name, dotted, info, spec in _fields(model, prefix):
        here = f"{path}.{name}"
        if spec.kind == "model":
            value = _from(spec.model, data, dotted + ".", here, problems, positions) or None
        elif spec.kind == "models":
            items, kept = [], []
            for index in _indices(data, dotted):
                item = _from(spec.model, data, f"{dotted}.{index}.", f"{here}[{len(items)}]",
                             problems, positions)
                if item:
                    items.append(item)
                    kept.append(index)
            positions[here] = kept
            value = items
        elif spec.kind == "checks":  # none ticked is no fact (a browser sends nothing)
            value = [v for v in _get(data, dotted, many=True) if v]
        else:
            value = _leaf(spec, data, dotted, here, problems)
        if value in (None, [], {}) or _is_default(
                info, tuple(value) if isinstance(value, list) else value):
            continue
        facts[name] = value
    return facts


def facts_from_form(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The facts (JSON of IncidentFacts) a posted form gives, and where each list's items
    came from (for :func:`field_of`). Raises FactsError for a number that cannot be read."""
    problems: list[Problem] = []
    positions: dict[str, list[int]] = {}
    facts = _from(IncidentFacts, data, "", "$", problems, positions)
    if problems:
        raise FactsError(problems)
    return facts, positions


def field_of(path: str, positions: Mapping[str, list[int]] | None = None) -> str:
    """The form field of a facts path: ``$.sources[0].activity`` → ``sources.0.activity``
    (the form's numbering, where empty rows were skipped)."""
    positions = positions or {}
    out, prefix = [], "$"
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path):
        name, index = part
        if name:
            out.append(name)
            prefix += f".{name}"
        else:
            kept = positions.get(prefix, [])
            out.append(str(kept[int(index)] if int(index) < len(kept) else index))
            prefix += f"[{index}]"
    return ".".join(out)


def _to(model, raw: Mapping[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for name, dotted, _info, spec in _fields(model, prefix):
        value = raw.get(name)
        if value is None:
            continue
        if spec.kind == "model":
            _to(spec.model, value, dotted + ".", out)
        elif spec.kind == "models":
            for index, item in enumerate(value):
                _to(spec.model, item, f"{dotted}.{index}.", out)
        elif spec.kind == "checks":
            out[dotted] = list(value)
        elif spec.kind == "quantity":
            number, _sep, unit = measure_coerce(value, tuple(DIMENSIONS)).given.partition(" ")
            out[dotted], out[dotted + UNIT] = number, unit
        elif isinstance(value, bool):
            out[dotted] = "yes" if value else "no"
        else:
            out[dotted] = str(value)


def facts_values(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The form values of facts (JSON of IncidentFacts, as stored with a classification)."""
    out: dict[str, Any] = {}
    _to(IncidentFacts, facts, "", out)
    return out


def _has(values: Mapping[str, Any], errors: Mapping[str, str], prefix: str) -> bool:
    return any(k.startswith(prefix) and v not in ("", [], None)
               for k, v in [*values.items(), *errors.items()])


def _nodes(model, prefix: str, values, errors) -> Iterator[Node]:
    for name, dotted, info, spec in _fields(model, prefix):
        if spec.kind in ("model", "models"):
            if spec.kind == "model":
                rows = [(dotted + ".", _label(model, name))]
            else:
                count = max(_indices(values, dotted), default=-1) + 2
                rows = [(f"{dotted}.{i}.", f"{_label(model, name)} {i + 1}")
                        for i in range(count)]
            for row_prefix, label in rows:
                shown = _has(values, errors, row_prefix) or (name in OPEN and not prefix)
                yield Node("open", row_prefix.rstrip("."), label, open=shown)
                yield from _nodes(spec.model, row_prefix, values, errors)
                yield Node("close", row_prefix.rstrip("."), label)
            continue
        value = values.get(dotted)
        if value is None:  # the model's default, as the engine will read it
            default = None if info.is_required() else info.default
            value = list(default or ()) if spec.kind == "checks" else \
                {True: "yes", False: "no"}.get(default, "") if isinstance(default, bool) else ""
        options = [(o, option_label(o)) for o in spec.options]
        if spec.options == ("yes", "no"):
            options = [("yes", _("yes")), ("no", _("no"))]
        yield Node("field", dotted, _label(model, name), spec, value,
                   values.get(dotted + UNIT, ""), errors.get(dotted, ""), options=options)


def facts_form(values: Mapping[str, Any], errors: Mapping[str, str]) -> list[Node]:
    """The form's items in order, with their values and errors."""
    return list(_nodes(IncidentFacts, "", values, errors))
