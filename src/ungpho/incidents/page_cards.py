"""Cards that apps above incidents add to the incident page (public information, …): a
template and the context it needs, registered in the app's ``AppConfig.ready()`` so that
incidents never imports them. The page shows them in the order registered, at one place
among its own cards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ungpho.incidents.models import Incident


@dataclass(frozen=True)
class Card:
    template: str
    context: Callable[[Incident, object], dict]


CARDS: list[Card] = []


def card_register(template: str, context: Callable[[Incident, object], dict]) -> None:
    """Add a card to the incident page (once: ``ready()`` may run again in tests)."""
    if all(card.template != template for card in CARDS):
        CARDS.append(Card(template, context))


def cards_context(incident: Incident, user) -> dict:
    """Every registered card's context for ``user``, and ``incident_cards``: their
    templates, in order."""
    page: dict = {"incident_cards": [card.template for card in CARDS]}
    for card in CARDS:
        page.update(card.context(incident, user))
    return page
