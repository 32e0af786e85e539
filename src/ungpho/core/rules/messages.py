"""Public information messages from the templates of TT 12/2023 Phụ lục VIII.II.

``{name}`` is filled from the incident's values; ``{?flag}…{/flag}`` is kept when the flag
is true and dropped when false. A placeholder or flag without a value is reported and shown
as ``⟦name: label⟧`` in the text — never printed blank and never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ungpho.core.rules.criteria import absent_note
from ungpho.core.rules.decision import Decision, Text
from ungpho.core.rules.facts import FactsError, MessageFacts, Problem
from ungpho.core.rules.guidance import PublicMessages
from ungpho.core.rules.loader import Instrument

_SECTION = re.compile(r"\{\?([a-z0-9_]+)\}(.*?)\{/\1\}", re.DOTALL)
_FIELD = re.compile(r"\{([a-z0-9_]+)\}")


@dataclass(frozen=True)
class Rendered:
    text: str
    unfilled: tuple[str, ...]


def template_render(body: str, values: dict[str, str], flags: dict[str, bool],
                    labels: dict[str, str]) -> Rendered:
    unfilled: list[str] = []

    def section(match: re.Match[str]) -> str:
        flag, inner = match.group(1), match.group(2)
        if flag not in flags:
            unfilled.append(flag)
            return f"⟦{flag}: {labels[flag]}⟧ {inner}"
        return inner if flags[flag] else ""

    def field(match: re.Match[str]) -> str:
        name = match.group(1)
        if not values.get(name, "").strip():
            unfilled.append(name)
            return f"⟦{name}: {labels[name]}⟧"
        return values[name]

    text = _FIELD.sub(field, _SECTION.sub(section, body))
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return Rendered(text, tuple(dict.fromkeys(unfilled)))


def public_message(facts: MessageFacts, instrument: Instrument) -> Decision:
    table = instrument.tables.get("public_messages")
    if not isinstance(table, PublicMessages):
        return Decision("public_message", None, instrument.short,
                        notes=(absent_note(instrument, "public_messages"),))
    template = next((t for t in table.templates if t.id == facts.template), None)
    if template is None:
        raise FactsError([Problem("$.template", f"{facts.template!r} is not one of "
                                  f"{[t.id for t in table.templates]}")])
    stray = [Problem(f"$.values.{k}", "unknown placeholder") for k in facts.values
             if k not in table.placeholders]
    stray += [Problem(f"$.flags.{k}", "unknown flag") for k in facts.flags
              if k not in table.flags]
    if stray:
        raise FactsError(stray)
    rendered = {}
    for lang in ("vi", "en"):
        values = {k: v if isinstance(v, str) else v.get(lang, "")
                  for k, v in facts.values.items()}
        labels = {k: getattr(t, lang) for k, t in {**table.placeholders, **table.flags}.items()}
        rendered[lang] = template_render(getattr(template.body, lang), values,
                                         dict(facts.flags), labels)
    unfilled = tuple(dict.fromkeys(rendered["vi"].unfilled + rendered["en"].unfilled))
    return Decision(
        "public_message",
        {"template": template.id, "title": template.title.text().as_dict(),
         "complete": not unfilled,
         "text": {lang: r.text for lang, r in rendered.items()}},
        instrument.short, missing=unfilled,
        notes=tuple(n.text() for n in table.notes) + (Text(
            "Nội dung phải được người chỉ huy ứng phó sự cố phê duyệt trước khi phát hành.",
            "The incident commander must approve the text before release."),))
