"""Building blocks shared by the rule files' schemas: strict models, bilingual texts, ids,
ranges and lengths read from their written form, and the checks tables run on their rows."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ungpho.core.rules.decision import Text
from ungpho.core.rules.intervals import Interval, interval_parse, overlapping_pairs
from ungpho.core.rules.units import Measure, measure_parse


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Bilingual(Strict):
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self) -> Text:
        return Text(self.vi, self.en)




def interval_field(raw: Any) -> Interval:
    return raw if isinstance(raw, Interval) else interval_parse(raw)


def measure_field(dimension: str):
    return lambda raw: raw if isinstance(raw, Measure) else measure_parse(raw, dimension)




IntervalText = Annotated[Interval, BeforeValidator(interval_field)]
LengthText = Annotated[Measure, BeforeValidator(measure_field("length"))]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$")]


def no_overlap(named: list[tuple[str, Interval]], what: str) -> None:
    pairs = overlapping_pairs(named)
    if pairs:
        raise ValueError("; ".join(f"{what} {a} and {b} overlap" for a, b in pairs))


def unique(ids: list[str], what: str) -> None:
    seen = {i for i in ids if ids.count(i) > 1}
    if seen:
        raise ValueError(f"duplicate {what}: {sorted(seen)}")



class TableFile(Strict):
    table: str
    cite: str
    title: Bilingual



class Item(Strict):
    id: Id
    vi: str
    en: str
    cite: str | None = None


class CitedText(Bilingual):
    cite: str | None = None


class Section(Strict):
    """A titled, cited part of a table (an equipment group, a section of a form)."""

    id: Id
    cite: str
    name: Bilingual
