"""Public information messages (TT 12/2023 Phụ lục VIII.II) filled from an incident's values.

The placeholder and flag names come from the loaded table, so a template edited in the
rule file is tested as it now stands.
"""

import re
from datetime import date

import pytest

from ungpho.core.rules.facts import FactsError, MessageFacts, facts_parse
from ungpho.core.rules.guidance import PublicMessages, template_names
from ungpho.core.rules.loader import rules_in_force
from ungpho.core.rules.messages import public_message

TT12 = rules_in_force(date(2026, 11, 21))
TABLE = TT12.tables["public_messages"]
assert isinstance(TABLE, PublicMessages)
TEMPLATES = {t.id: t for t in TABLE.templates}
LANGS = ("vi", "en")


def _names(template_id: str) -> tuple[set[str], set[str]]:
    return template_names(TEMPLATES[template_id].body.vi)


def _value(name: str) -> str:
    return f"<{name}>"  # the closing bracket keeps one name from matching a longer one


def _render(template_id: str, *, leave_out: frozenset[str] = frozenset(),
            flags: dict[str, bool] | None = None, values: dict | None = None):
    placeholders, used_flags = _names(template_id)
    given = {n: _value(n) for n in placeholders if n not in leave_out}
    facts = facts_parse(MessageFacts, {
        "template": template_id,
        "values": given | (values or {}),
        "flags": {f: True for f in used_flags if f not in leave_out} | (flags or {}),
    })
    return public_message(facts, TT12)


def _section(template_id: str, flag: str, lang: str) -> str:
    body = getattr(TEMPLATES[template_id].body, lang)
    return re.search(rf"\{{\?{flag}\}}(.*?)\{{/{flag}\}}", body, re.DOTALL).group(1)


def _longest_literal(template_id: str, flag: str, lang: str) -> str:
    """The longest stretch of the section's own wording, between its placeholders."""
    pieces = re.split(r"\{[a-z0-9_]+\}", _section(template_id, flag, lang))
    literal = max((p.strip() for p in pieces), key=len)
    body = getattr(TEMPLATES[template_id].body, lang)
    outside = body.replace(_section(template_id, flag, lang), "")
    assert literal and literal not in outside, "the wording must be the section's own"
    return literal


PAIRS = [(t, p) for t in TEMPLATES for p in sorted(_names(t)[0])]
FLAG_PAIRS = [(t, f) for t in TEMPLATES for f in sorted(_names(t)[1])]
ONLY_IN_SECTION = [
    (t, f, sorted(inner))
    for t, f in FLAG_PAIRS
    if (inner := template_names(_section(t, f, "vi"))[0]
        - template_names(re.sub(r"\{\?(\w+)\}.*?\{/\1\}", "",
                                TEMPLATES[t].body.vi, flags=re.DOTALL))[0])
]


def test_the_table_holds_the_four_templates_of_phu_luc_viii():
    assert set(TEMPLATES) == {"initial", "dispersal_or_transport", "lost_or_stolen",
                              "found_in_public"}
    assert all(_names(t)[0] for t in TEMPLATES)
    assert ONLY_IN_SECTION, "some placeholder is used only inside a section"


@pytest.mark.parametrize("template_id", sorted(TEMPLATES))
def test_every_value_and_flag_given_gives_a_complete_message(template_id):
    decision = _render(template_id)
    placeholders, _ = _names(template_id)
    assert decision.result["complete"] is True
    assert decision.result["template"] == template_id
    assert decision.missing == ()
    for lang in LANGS:
        text = decision.result["text"][lang]
        for name in placeholders:
            assert _value(name) in text, (lang, name)
        assert "{" not in text and "}" not in text and "⟦" not in text


@pytest.mark.parametrize(("template_id", "placeholder"), PAIRS)
def test_a_value_left_out_is_reported_and_shown_with_its_label(template_id, placeholder):
    decision = _render(template_id, leave_out=frozenset({placeholder}))
    assert decision.result["complete"] is False
    assert decision.missing == (placeholder,)
    for lang in LANGS:
        text = decision.result["text"][lang]
        label = getattr(TABLE.placeholders[placeholder], lang)
        assert f"⟦{placeholder}: {label}⟧" in text
        assert _value(placeholder) not in text
        assert "{" not in text


@pytest.mark.parametrize("template_id", sorted(TEMPLATES))
def test_a_blank_value_counts_as_left_out(template_id):
    name = sorted(_names(template_id)[0])[0]
    decision = _render(template_id, values={name: "   "})
    assert decision.missing == (name,)
    assert f"⟦{name}: " in decision.result["text"]["vi"]


@pytest.mark.parametrize(("template_id", "flag"), FLAG_PAIRS)
def test_a_flag_set_false_drops_its_section_and_true_keeps_it(template_id, flag):
    kept = _render(template_id, flags={flag: True})
    dropped = _render(template_id, flags={flag: False})
    assert kept.result["complete"] is True and dropped.result["complete"] is True
    for lang in LANGS:
        wording = _longest_literal(template_id, flag, lang)
        assert wording in kept.result["text"][lang]
        assert wording not in dropped.result["text"][lang]
        assert "{" not in dropped.result["text"][lang]


@pytest.mark.parametrize(("template_id", "flag"), FLAG_PAIRS)
def test_a_flag_left_out_is_reported_and_its_section_shown_with_its_label(template_id, flag):
    decision = _render(template_id, leave_out=frozenset({flag}))
    assert decision.result["complete"] is False
    assert decision.missing == (flag,)
    for lang in LANGS:
        text = decision.result["text"][lang]
        assert f"⟦{flag}: {getattr(TABLE.flags[flag], lang)}⟧" in text
        assert _longest_literal(template_id, flag, lang) in text


@pytest.mark.parametrize(("template_id", "flag", "inner"), ONLY_IN_SECTION)
def test_a_value_used_only_in_a_section_switched_off_is_not_asked_for(template_id, flag, inner):
    decision = _render(template_id, leave_out=frozenset(inner), flags={flag: False})
    assert decision.result["complete"] is True and decision.missing == ()
    switched_on = _render(template_id, leave_out=frozenset(inner), flags={flag: True})
    assert set(switched_on.missing) == set(inner)


def test_the_sections_blank_lines_do_not_pile_up_when_switched_off():
    flags = {f: False for f in _names("dispersal_or_transport")[1]}
    text = _render("dispersal_or_transport", flags=flags).result["text"]
    for lang in LANGS:
        assert "\n\n\n" not in text[lang] and text[lang].endswith("\n")


@pytest.mark.parametrize("template_id", sorted(TEMPLATES))
def test_a_value_in_two_languages_goes_to_the_matching_text(template_id):
    name = sorted(_names(template_id)[0])[0]
    decision = _render(template_id, values={name: {"vi": "Hà Nội «vi»", "en": "Hanoi «en»"}})
    assert decision.result["complete"] is True
    vi, en = decision.result["text"]["vi"], decision.result["text"]["en"]
    assert "Hà Nội «vi»" in vi and "Hanoi «en»" not in vi
    assert "Hanoi «en»" in en and "Hà Nội «vi»" not in en


def test_a_value_given_in_one_language_only_is_missing_in_the_other():
    decision = _render("initial", values={"location": {"vi": "Quảng Ninh"}})
    assert decision.missing == ("location",)
    assert "Quảng Ninh" in decision.result["text"]["vi"]
    assert "⟦location: location⟧" in decision.result["text"]["en"]


def test_a_value_holding_braces_is_printed_as_given():
    decision = _render("initial", values={"location": "{incident} ⟦x⟧"})
    assert "{incident} ⟦x⟧" in decision.result["text"]["en"]
    assert decision.missing == ()


def test_an_unknown_placeholder_is_refused_with_its_path():
    facts = facts_parse(MessageFacts, {"template": "initial",
                                       "values": {"colour_of_sky": "blue", "date": "21/11"}})
    with pytest.raises(FactsError) as caught:
        public_message(facts, TT12)
    assert [p.path for p in caught.value.problems] == ["$.values.colour_of_sky"]


def test_an_unknown_flag_is_refused_with_its_path():
    facts = facts_parse(MessageFacts, {"template": "initial", "flags": {"sirens": True}})
    with pytest.raises(FactsError) as caught:
        public_message(facts, TT12)
    assert [p.path for p in caught.value.problems] == ["$.flags.sirens"]


def test_an_unknown_template_is_refused_naming_the_known_ones():
    facts = facts_parse(MessageFacts, {"template": "evacuation_order"})
    with pytest.raises(FactsError) as caught:
        public_message(facts, TT12)
    [problem] = caught.value.problems
    assert problem.path == "$.template"
    assert "'evacuation_order'" in problem.message and "'lost_or_stolen'" in problem.message


def test_the_notes_say_the_commander_approves_the_text():
    decision = _render("initial")
    assert any("approve" in note.en for note in decision.notes)
    assert decision.instrument == TT12.short


def test_under_tt25_no_message_is_given_and_the_absent_appendix_is_cited():
    tt25 = rules_in_force(date(2020, 6, 1))
    decision = public_message(facts_parse(MessageFacts, {"template": "initial"}), tt25)
    assert decision.result is None
    assert "Phụ lục VIII" in decision.notes[0].vi
