"""The rules engine's names on a page, by their labels (``incidents.views.facts_labels``):
``{{ path|fact_label }}``, ``{{ criterion.fact|facts_shown }}``, ``{{ criterion.gives|gives }}``,
``{{ name|decision }}``."""

from django import template

from ungpho.incidents.views import facts_labels
from ungpho.platform.i18n import localized

register = template.Library()

register.filter("fact_label", facts_labels.fact_label)
register.filter("facts_shown", facts_labels.facts_shown)
register.filter("gives", facts_labels.gives_label)
register.filter("decision", facts_labels.decision_label)


@register.filter
def in_language(text: dict) -> str:
    """A ``{"vi": …, "en": …}`` text of the rules in the active language."""
    return localized(text.get("vi", ""), text.get("en", "")) if isinstance(text, dict) else text


@register.filter
def missing_facts(decisions: dict) -> str:
    """Every fact the decisions still miss, by its label, once each, joined."""
    return "; ".join(dict.fromkeys(facts_labels.fact_label(m) for decision in decisions.values()
                                   for m in decision.get("missing", ())))
