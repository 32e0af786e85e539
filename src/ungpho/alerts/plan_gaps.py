"""Where the notification plan cannot reach: the plan's parties without a contact point in
a province (``ungpho check``). Nobody the plan names is left out silently (TT 12/2023
Điều 26.6.a: the contact list is kept up to date); the parties an incident's plan could
not tell are in ``incidents.notification.unreached``."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model

from ungpho.accounts.roles import Role
from ungpho.alerts.models import Channel, Contact, PlanRule

#: The address field of each channel that sends to an address.
ADDRESSES = {Channel.EMAIL: "email", Channel.SMS: "phone", Channel.WEBHOOK: "webhook_url"}


def _role_provinces(role: str) -> set[str] | None:
    """Provinces whose incidents an in-app contact of ``role`` reaches; None: every one."""
    users = get_user_model().objects.filter(groups__name=role, is_active=True)
    if role == Role.PROVINCIAL_COMMAND:
        return set(users.exclude(scope__province=None).values_list("scope__province_id",
                                                                     flat=True))
    return None if users.exists() else set()


def _reach(contact: Contact, channels: set[str]) -> set[str] | None:
    """The provinces a contact point reaches on ``channels``; None: every one."""
    if any(getattr(contact, field) for channel, field in ADDRESSES.items()
           if channel in channels):
        where = None
    elif contact.role and Channel.INAPP in channels:
        where = _role_provinces(contact.role)
    else:
        return set()
    if contact.province_id is None:
        return where
    return {contact.province_id} if where is None or contact.province_id in where else set()


def plan_gaps(provinces: list[str]) -> list[tuple[str, list[str]]]:
    """The active plan's parties, each with the provinces (of ``provinces``, codes, in their
    order) where none of its active contact points has an address on a channel the plan uses
    for it (in-app: an active user of the contact's role there); parties reached everywhere
    are left out."""
    channels: dict[str, set[str]] = defaultdict(set)
    for rule in PlanRule.objects.filter(active=True).order_by("order", "pk"):
        channels[rule.party] |= set(rule.channels)
    gaps = []
    for party, used in channels.items():
        reached: set[str] = set()
        for contact in Contact.objects.filter(party=party, active=True):
            where = _reach(contact, used)
            if where is None:
                break
            reached |= where
        else:
            missing = [code for code in provinces if code not in reached]
            if missing:
                gaps.append((party, missing))
    return gaps
