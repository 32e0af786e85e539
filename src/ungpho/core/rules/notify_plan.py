"""Notification plans: which parties an incident's classification requires to be told, and by
which channels. Pure: the plan's rules and the incident's facts come in as plain data.

The law says who is told; the plan (kept editable, seeded with the law's defaults) adds the
channels and the thresholds:

- TT 12/2023/TT-BKHCN Điều 17.1: the reception point tells the command board of the level
  concerned; Phụ lục VI dòng 2: for categories I and II the authority responsible for the
  PAZ/UPZ is told < 30 min after classification; dòng 5: potentially affected states through
  the IAEA (transboundary); Phụ lục VIII mục I: copies to the provincial DOST, contact list
  police 113, fire 114, ambulance 115; Điều 26.5.e: the provincial plan sets how other
  localities concerned are told and asked for help.
- QĐ 1251/QĐ-TTg Điều 1 mục III.2.b: for a national-level incident the locality reports at
  once and tells NACCET; the Ministry of Defence leads the response.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The channels a message can take (all on premises).
CHANNELS = ("email", "sms", "webhook", "inapp")
#: Response scopes, narrowest first (``Incident.Scope``).
SCOPES = ("facility", "provincial", "national")

#: Which parties a "notify" deadline of Phụ lục VI is about: the deadline is met once each of
#: them has been delivered to (TT 12/2023 Phụ lục VI dòng 2, 4, 5).
DEADLINE_PARTIES: dict[str, frozenset[str]] = {
    "notify_paz_upz_authority": frozenset({"provincial_command_board"}),
    "notify_states_in_upz": frozenset({"iaea_contact_point"}),
    "notify_iaea": frozenset({"iaea_contact_point"}),
}


@dataclass(frozen=True)
class PlanRule:
    """Tell ``party`` by ``channels`` when the incident matches every condition given:
    its scope is one of ``scopes`` (empty: any), its alarm level rank is at least
    ``min_alarm_level`` (None: any, also unclassified), its hazard category is one of
    ``hazard_categories`` (empty: any), and — if ``transboundary_only`` — it is transboundary."""

    party: str
    channels: tuple[str, ...]
    citation: str
    scopes: frozenset[str] = frozenset()
    min_alarm_level: int | None = None
    hazard_categories: frozenset[str] = frozenset()
    transboundary_only: bool = False

    def __post_init__(self):
        unknown = [c for c in self.channels if c not in CHANNELS]
        if unknown:
            raise ValueError(f"channels: {unknown} not among {CHANNELS}")
        if not self.channels:
            raise ValueError("channels: a rule needs at least one channel")
        if self.scopes - set(SCOPES):
            raise ValueError(f"scopes: {sorted(self.scopes - set(SCOPES))} not among {SCOPES}")


@dataclass(frozen=True)
class IncidentCase:
    """What the plan looks at: the classification in force."""

    scope: str
    alarm_level: int | None
    hazard_category: str
    transboundary: bool = False


@dataclass(frozen=True)
class Required:
    """One party to tell, by the union of the matching rules' channels, with their citations."""

    party: str
    channels: tuple[str, ...]
    citations: tuple[str, ...]


def rule_matches(rule: PlanRule, case: IncidentCase) -> bool:
    if rule.scopes and case.scope not in rule.scopes:
        return False
    if rule.min_alarm_level is not None and (case.alarm_level is None
                                             or case.alarm_level < rule.min_alarm_level):
        return False
    if rule.hazard_categories and case.hazard_category not in rule.hazard_categories:
        return False
    return case.transboundary or not rule.transboundary_only


def plan_required(rules: list[PlanRule] | tuple[PlanRule, ...],
                  case: IncidentCase) -> list[Required]:
    """The parties ``case`` requires, in the plan's order, each once.

    >>> rules = [PlanRule("naccet", ("email",), "QĐ 1251 III.2.b", scopes=frozenset({"national"})),
    ...          PlanRule("iaea_contact_point", ("email",), "Phụ lục VI dòng 5",
    ...                   transboundary_only=True)]
    >>> [r.party for r in plan_required(rules, IncidentCase("national", 2, "IV", True))]
    ['naccet', 'iaea_contact_point']
    >>> plan_required(rules, IncidentCase("provincial", 2, "IV", False))
    []
    """
    found: dict[str, tuple[list[str], list[str]]] = {}
    for rule in rules:
        if not rule_matches(rule, case):
            continue
        channels, citations = found.setdefault(rule.party, ([], []))
        channels += [c for c in rule.channels if c not in channels]
        if rule.citation not in citations:
            citations.append(rule.citation)
    return [Required(party, tuple(c for c in CHANNELS if c in channels), tuple(citations))
            for party, (channels, citations) in found.items()]


def required_with(required: list[Required], also: tuple[tuple[str, str], ...] | list
                  ) -> list[Required]:
    """``required`` and the (party, citation) pairs of ``also`` (an activation package's
    notifications, TT 12/2023 Phụ lục VII mục 2): a party already required gains the citation;
    a new one is told by every channel its contact points have.

    >>> plan = [Required("provincial_dost", ("email",), ("Phụ lục VIII mục I.B",))]
    >>> [(r.party, r.channels, r.citations) for r in required_with(
    ...     plan, [("provincial_dost", "gói / package source-found"), ("police_113", "")])]
    [('provincial_dost', ('email',), ('Phụ lục VIII mục I.B', 'gói / package source-found')), \
('police_113', ('email', 'sms', 'webhook', 'inapp'), ())]
    """
    merged = {r.party: r for r in required}
    for party, citation in also:
        before = merged.get(party)
        citations = tuple(c for c in (*(before.citations if before else ()), citation) if c)
        merged[party] = Required(party, before.channels if before else CHANNELS,
                                 tuple(dict.fromkeys(citations)))
    return list(merged.values())


def deadline_done(action: str, delivered_parties: set[str] | frozenset[str]) -> bool:
    """Whether a "notify" deadline is done: every party it is about has been delivered to.
    False for an action this module does not know (the officer marks it by hand)."""
    parties = DEADLINE_PARTIES.get(action, frozenset())
    return bool(parties) and parties <= set(delivered_parties)
