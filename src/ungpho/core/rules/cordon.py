"""Initial inner cordon (TT 12/2023 Phụ lục VIII.IV): radius by situation, outdoors or
indoors, extended to wherever the ambient dose rate reaches 100 µSv/h."""

from __future__ import annotations

from ungpho.core.rules.criteria import absent_note
from ungpho.core.rules.decision import Criterion, Decision, Text
from ungpho.core.rules.facts import CordonFacts
from ungpho.core.rules.loader import Instrument
from ungpho.core.rules.tables import Cordons


def cordon(facts: CordonFacts, instrument: Instrument) -> Decision:
    table = instrument.tables.get("cordons")
    if not isinstance(table, Cordons):
        return Decision("cordon", None, instrument.short,
                        notes=(absent_note(instrument, "cordons"),))
    outdoor = {row.situation: row for row in table.outdoor}
    matched, notes, areas = [], [], []
    radius_m = 0.0
    for situation in dict.fromkeys(facts.situations):
        row = outdoor[situation]
        indoor = next((r for r in table.indoor if situation in r.situations), None)
        if facts.setting == "indoors" and indoor is not None:
            areas.append(indoor.area.text().as_dict())
            matched.append(Criterion(indoor.id, instrument.cite(indoor.cite),
                                     indoor.text.text(), f"situation = {situation}; indoors",
                                     indoor.area.en))
            if not indoor.plus_outdoor_radius:
                continue
        elif facts.setting == "indoors":
            notes.append(Text(f"Bảng trong nhà không có tình huống {situation}; dùng bán kính "
                              "ngoài trời.", f"The indoor table has no {situation}; the "
                              "outdoor radius applies."))
        radius_m = max(radius_m, row.radius.si)
        matched.append(Criterion(situation, instrument.cite(row.cite), row.text.text(),
                                 f"situation = {situation}",
                                 f"{'≥ ' if row.at_least else ''}{row.radius}"))
    extend = table.extend
    hot = [m for m in facts.measurements if m.dose_rate.si >= extend.dose_rate.si]
    if hot:
        farthest = max(hot, key=lambda m: m.distance.si)
        if farthest.distance.si > radius_m:
            radius_m = farthest.distance.si
        matched.append(Criterion("extend_dose_rate", instrument.cite(extend.cite),
                                 extend.text.text(),
                                 f"{farthest.dose_rate} at {farthest.distance}",
                                 f"≥ {farthest.distance}"))
        notes.append(Text("Mở rộng vành đai tới mọi nơi đo được ≥ 100 µSv/h; tiếp tục khảo sát "
                          "ra phía ngoài.", "Extend the cordon to every place measuring "
                          "≥ 100 µSv/h; keep surveying outward."))
    result = {"radius_m": radius_m or None, "indoor_areas": areas,
              "at_least": any(outdoor[s].at_least for s in facts.situations) or bool(hot)}
    return Decision("cordon", result, instrument.short, tuple(matched), (), tuple(notes))
