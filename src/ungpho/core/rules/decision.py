"""What every engine returns: the result, why, under which instrument, and what was unknown.

A decision is stored with the incident (DESIGN: "stored with the rule version and the
matched criteria, so every decision can be explained and replayed"), so it serialises to
plain JSON with :meth:`Decision.as_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Text:
    """A text in Vietnamese (the law's language) with our English gloss."""

    vi: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"vi": self.vi, "en": self.en}


@dataclass(frozen=True)
class Criterion:
    """One criterion of a table that matched, with the fact that triggered it."""

    id: str
    citation: str
    text: Text
    fact: str
    gives: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "citation": self.citation, "text": self.text.as_dict(),
                "fact": self.fact, "gives": self.gives}


@dataclass(frozen=True)
class Decision:
    engine: str
    result: Any
    instrument: str
    matched: tuple[Criterion, ...] = ()
    missing: tuple[str, ...] = ()
    notes: tuple[Text, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "result": self.result,
            "instrument": self.instrument,
            "matched": [c.as_dict() for c in self.matched],
            "missing": list(self.missing),
            "notes": [n.as_dict() for n in self.notes],
            **({"details": self.details} if self.details else {}),
        }


class NoInstrumentInForce(LookupError):
    """No instrument of a subject, among those held, was in force on a date."""
