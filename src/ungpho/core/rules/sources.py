"""A/D of radioactive sources and their group 1–5 (QCVN 6:2010/BKHCN).

A/D is the activity A divided by the nuclide's dangerous quantity D (IAEA EPR-D-VALUES
2006). Sources kept together are judged by Σ Aᵢ/Dᵢ (QCVN 6:2010 "tập hợp nguồn phóng xạ",
as IAEA RS-G-1.9 §3.3 aggregates them); otherwise by the most dangerous single source.
"""

from __future__ import annotations

from typing import cast

from ungpho.core.rules.decision import Criterion, Decision, Text
from ungpho.core.rules.facts import (
    EventFacts,
    FactsError,
    IncidentFacts,
    Problem,
    SourceFacts,
)
from ungpho.core.rules.loader import rulebook
from ungpho.core.rules.quantities import Measure
from ungpho.core.rules.tables import DValues, SourceGroups


class UnknownNuclide(ValueError):
    pass


def d_value_bq(nuclide: str) -> float | None:
    """D of ``nuclide`` in Bq; None when unlimited. Raises UnknownNuclide if not in the table."""
    _, table = rulebook().reference("d_values")
    assert isinstance(table, DValues)
    for row in table.values:
        if row.nuclide == nuclide:
            return None if row.d == "unlimited" else row.d.si
    raise UnknownNuclide(f"{nuclide!r} has no D-value in the table held; known: "
                         f"{', '.join(r.nuclide for r in table.values)}")


def source_a_over_d(source: SourceFacts) -> tuple[float | None, str | None, list[str]]:
    """(A/D, how it was obtained, missing facts) of one source."""
    if source.a_over_d is not None:
        return source.a_over_d, f"A/D = {source.a_over_d:g} (given)", []
    missing = [name for name in ("nuclide", "activity") if getattr(source, name) is None]
    if missing:
        return None, None, missing
    nuclide, activity = cast(str, source.nuclide), cast(Measure, source.activity)  # not missing
    d = d_value_bq(nuclide)
    if d is None:
        return 0.0, f"{nuclide}: D unlimited, A/D = 0", []
    ratio = activity.si / d
    return ratio, f"{nuclide} {activity.given} / D {d / 1e12:g} TBq = {ratio:.4g}", []


def sources_a_over_d(sources: tuple[SourceFacts, ...], aggregated: bool,
                     path: str) -> tuple[float | None, str, list[str]]:
    """A/D of a set of sources: Σ when aggregated, the largest otherwise."""
    parts, unknown = [], []
    for i, source in enumerate(sources):
        try:
            parts.append((i, *source_a_over_d(source)))
        except UnknownNuclide as error:
            unknown.append(Problem(f"{path}[{i}].nuclide", str(error)))
    if unknown:
        raise FactsError(unknown)
    missing = [f"{path}[{i}].{m}" for i, _, _, ms in parts for m in ms]
    known = [(ratio, cast(str, how)) for _, ratio, how, _ in parts if ratio is not None]
    if not known or (aggregated and missing):
        return None, "", missing
    if aggregated:
        total = sum(r for r, _ in known)
        return total, f"Σ Aᵢ/Dᵢ = {total:.4g} (" + "; ".join(h for _, h in known) + ")", []
    ratio, how = max(known, key=lambda k: k[0])
    return ratio, how, missing


def group_of(a_over_d: float) -> tuple[int, Criterion]:
    instrument, table = rulebook().reference("source_groups")
    assert isinstance(table, SourceGroups)
    row = next(g for g in table.groups if g.range.contains(a_over_d))
    return row.group, Criterion(
        id=f"group_{row.group}", citation=instrument.cite(table.cite),
        text=Text(f"{row.name.vi}: A/D trong {row.range}", f"{row.name.en}: A/D in {row.range}"),
        fact=f"A/D = {a_over_d:.4g}", gives=str(row.group))


def source_group(sources: tuple[SourceFacts, ...], *, aggregated: bool = False,
                 path: str = "$.sources") -> Decision:
    """The group 1–5 of a source, or of sources together (Σ Aᵢ/Dᵢ) when ``aggregated``."""
    instrument, _ = rulebook().reference("source_groups")
    ratio, how, missing = sources_a_over_d(sources, aggregated, path)
    if ratio is None:
        return Decision("source_group", None, instrument.short, missing=tuple(missing))
    group, criterion = group_of(ratio)
    criterion = Criterion(criterion.id, criterion.citation, criterion.text, how, criterion.gives)
    return Decision("source_group", group, instrument.short, (criterion,), tuple(missing),
                    details={"a_over_d": ratio, "aggregated": aggregated})


def source_status_classified(facts: IncidentFacts) -> str | None:
    """What a classification says of its source for the registry: ``stolen`` when the
    source is trafficked or taken by a malicious act, ``lost`` when it is an orphan source or
    out of control, else None (TT 12/2023/TT-BKHCN Phụ lục I, nhóm IV: "nguồn phóng xạ bị
    mất, bị đánh cắp"; the activities of Phụ lục I as ``HazardFacts.activity``)."""
    activity = facts.hazard.activity if facts.hazard else None
    event = facts.event
    out_of_control = bool(event and event.source_out_of_control)
    if activity in ("illicit_trafficking", "malicious_act") or (
            out_of_control and cast(EventFacts, event).malicious_act):
        return "stolen"
    if activity == "orphan_source" or out_of_control:
        return "lost"
    return None
