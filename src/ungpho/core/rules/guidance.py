"""Schemas of the guidance tables that other apps use as data: the equipment list (Phụ lục
V), the response phases (VII), the reception form (VIII.I), public safety (VIII.III) and the
public message templates (VIII.II) with their placeholder syntax."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from ungpho.core.rules.table_fields import (
    Bilingual,
    CitedText,
    Id,
    Item,
    Section,
    Strict,
    TableFile,
)


class EquipmentGroup(Section):
    items: tuple[Item, ...]


class Equipment(TableFile):
    groups: tuple[EquipmentGroup, ...]


class Phase(Strict):
    number: int = Field(ge=1)
    id: Id
    cite: str
    name: Bilingual
    content: Bilingual
    checklist: tuple[Item, ...]


class ResponsePhases(TableFile):
    phases: tuple[Phase, ...]

    @model_validator(mode="after")
    def _check(self):
        if [p.number for p in self.phases] != list(range(1, len(self.phases) + 1)):
            raise ValueError("phases must be numbered 1, 2, 3 … in order")
        return self


class FormField(Strict):
    id: Id
    label: Bilingual
    type: Literal["text", "phone", "datetime", "yes_no", "choice", "multi_choice", "textarea"]
    options: tuple[Item, ...] = ()
    cite: str | None = None
    hint: Bilingual | None = None


class FormSection(Section):
    fields: tuple[FormField, ...]


class ReceptionForm(TableFile):
    sections: tuple[FormSection, ...]


class SafetyItem(Strict):
    number: int
    cite: str
    vi: str
    en: str


class PublicSafety(TableFile):
    items: tuple[SafetyItem, ...]


_PLACEHOLDER = re.compile(r"\{(\??|/?)([a-z0-9_]+)\}")


def template_names(body: str) -> tuple[set[str], set[str]]:
    """(placeholders, flags) used in a message body."""
    found = _PLACEHOLDER.findall(body)
    return {n for k, n in found if k == ""}, {n for k, n in found if k == "?"}


class MessageTemplate(Strict):
    id: Id
    cite: str
    title: Bilingual
    use_when: Bilingual
    body: Bilingual


class PublicMessages(TableFile):
    notes: tuple[CitedText, ...] = ()
    placeholders: dict[Id, Bilingual]
    flags: dict[Id, Bilingual] = {}
    templates: tuple[MessageTemplate, ...]

    @model_validator(mode="after")
    def _check(self):
        used_p, used_f = set(), set()
        for t in self.templates:
            names = {lang: template_names(getattr(t.body, lang)) for lang in ("vi", "en")}
            if names["vi"] != names["en"]:
                raise ValueError(f"template {t.id}: Vietnamese and English bodies use "
                                 "different placeholders or flags")
            for lang in ("vi", "en"):
                body = getattr(t.body, lang)
                stray = re.sub(_PLACEHOLDER, "", body)
                if "{" in stray or "}" in stray:
                    raise ValueError(f"template {t.id} ({lang}): a brace outside a "
                                     "placeholder")
                opened = re.findall(r"\{\?([a-z0-9_]+)\}", body)
                closed = re.findall(r"\{/([a-z0-9_]+)\}", body)
                if opened != closed:
                    raise ValueError(f"template {t.id} ({lang}): sections {opened} are not "
                                     f"closed in order ({closed})")
            used_p |= names["vi"][0]
            used_f |= names["vi"][1]
        for kind, used, declared in (("placeholder", used_p, set(self.placeholders)),
                                     ("flag", used_f, set(self.flags))):
            if used - declared:
                raise ValueError(f"undeclared {kind}s: {sorted(used - declared)}")
            if declared - used:
                raise ValueError(f"declared but unused {kind}s: {sorted(declared - used)}")
        return self
