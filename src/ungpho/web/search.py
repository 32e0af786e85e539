"""The header's search box: an incident reference (UP-2026-00001), a report reference
(SC-2026-00002), a station or facility (code or name), a radioactive source (serial) — each
among what the user may see. Exactly one exact match (a reference, a code, a serial) leads
straight to it; anything else is a results page grouped by kind.

Names match without regard to case or Vietnamese diacritics ("hai ha" finds "Hải Hà"), in
the database on SQLite and PostgreSQL alike (``ungpho.platform.db_fold``).
"""

from __future__ import annotations

import re
import unicodedata

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ungpho.accounts.selectors import user_role
from ungpho.incidents.selectors import incidents_visible, reports_visible
from ungpho.monitoring.selectors import station_list
from ungpho.platform.db_fold import folded_match
from ungpho.preparedness.selectors import facility_list, source_list

MAX_QUERY_CHARS = 100
MAX_HITS = 20
REFERENCE = re.compile(r"(UP|SC)-(\d{4})-(\d{1,9})", re.IGNORECASE)


def query_cleaned(raw: str | None) -> str:
    """What was typed, without control characters (a tab, a newline; a NUL is refused before
    any view by ``ungpho.platform.http_input``), trimmed and cut to MAX_QUERY_CHARS."""
    text = "".join(c for c in (raw or "") if unicodedata.category(c)[0] != "C")
    return text.strip()[:MAX_QUERY_CHARS]


def _by_reference(rows, year: int, pk: int) -> list:
    found = rows.filter(pk=pk).first()
    return [found] if found is not None and found.opened_at.year == year else []


def _source_url(source) -> str:
    anchor = f"#source-{source.serial}"
    if source.facility_id:
        return reverse("facility", args=[source.facility.code]) + anchor
    return reverse("sources") + anchor


def search_groups(user, query: str) -> tuple[list[dict], list[str]]:
    """(groups of hits by kind, the URLs of the exact matches)."""
    groups, exact = [], []

    def group(kind, rows, url, label, exact_of):
        rows = list(rows[:MAX_HITS + 1])
        hits = [{"url": url(row), "label": label(row), "exact": exact_of(row)}
                for row in rows[:MAX_HITS]]
        exact.extend(hit["url"] for hit in hits if hit["exact"])
        if hits:
            groups.append({"kind": kind, "hits": hits, "more": len(rows) > MAX_HITS})

    reference = REFERENCE.fullmatch(query)
    if reference:
        prefix, year, number = reference[1].upper(), int(reference[2]), int(reference[3])
        rows = _by_reference(incidents_visible(user=user) if prefix == "UP"
                             else reports_visible(user=user), year, number)
        if prefix == "UP":
            group(_("Incidents"), rows, lambda i: reverse("incident", args=[i.pk]),
                  lambda i: f"{i.code} — {i.title}", lambda i: True)
        else:
            group(_("Incident reports"), rows, lambda r: reverse("report", args=[r.pk]),
                  lambda r: f"{r.code} — {r.get_source_display()}", lambda r: True)
        return groups, exact
    lowered = query.lower()
    group(_("Incidents"), folded_match(incidents_visible(user=user), query, "title"),
          lambda i: reverse("incident", args=[i.pk]), lambda i: f"{i.code} — {i.title}",
          lambda i: False)
    group(_("Stations"), folded_match(station_list(user=user), query, "code", "name"),
          lambda s: reverse("station", args=[s.code]), lambda s: f"{s.code} — {s.name}",
          lambda s: s.code.lower() == lowered)
    group(_("Facilities"), folded_match(facility_list(user=user), query, "code", "name"),
          lambda f: reverse("facility", args=[f.code]), lambda f: f"{f.code} — {f.name}",
          lambda f: f.code.lower() == lowered)
    group(_("Radioactive sources"), source_list(user=user).filter(serial__icontains=query),
          _source_url, lambda s: f"{s.serial} — {s.nuclide} {s.device}".strip(),
          lambda s: s.serial.lower() == lowered)
    return groups, exact


@login_required
def search(request: HttpRequest):
    query = query_cleaned(request.GET.get("q"))
    groups, exact = search_groups(request.user, query) if query else ([], [])
    if len(exact) == 1:
        return redirect(exact[0])
    return render(request, "web/search.html", {
        "role": user_role(request.user), "query": query, "groups": groups})
