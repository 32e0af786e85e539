"""No input answers 500 (issue 20, finding 8): every URL pattern of the site and the API with a
NUL in its path, its query and its form fields, overflowing ids and every form found on the
demo's pages posted with hostile values (not a number, 30 and 5,000 digits, NaN, a date of
year 1 or 9999) answer 4xx or a form error, on SQLite and on PostgreSQL (where a NUL reaching
a query is an error of the database)."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db(transaction=True)

#: What a path parameter of each converter gets: NUL and an id past every column's range.
HOSTILE_PATH = {"int": ["99999999999999999999999999999"], "str": ["%00", "a%00b"],
                "slug": ["x"], "path": ["%00"]}
HOSTILE_VALUES = ["abc", "9" * 30, "9" * 5000, "NaN", "-inf", "0001-01-01T00:00",
                  "9999-12-31T23:59", "-1"]
QUERY_NAMES = ["station", "parameter", "since", "until", "status", "lang", "period", "lat",
               "lon", "q", "province", "kind", "category", "next", "code"]
#: Forms that would end the walk: signing out.
SKIPPED_ACTIONS = ("/accounts/logout/",)


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _urls(route: str, values: dict[str, list[str]]) -> list[str]:
    """The route with each of its parameters replaced in turn by each value of its kind
    (the others by a harmless one), as a path."""
    route = route.lstrip("^").replace("\\Z", "").replace("$", "")
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    urls = []
    for index, (kind, _name) in enumerate(params):
        for value in values.get(kind or "str", ["x"]):
            url = route
            for other, (other_kind, other_name) in enumerate(params):
                chosen = value if other == index else ("1" if other_kind == "int" else "x")
                url = re.sub(rf"<(?:\w+:)?{other_name}>", chosen, url, count=1)
            urls.append("/" + url)
    return urls or ["/" + route]


def _site():
    from ungpho.cli.demo.load import demo_load
    from ungpho.incidents.response.packages import packages_seed

    packages_seed()  # a migration's data: a transactional test before this one flushed it
    demo_load(out=io.StringIO(), hours=1)
    client = Client(raise_request_exception=False)
    client.login(username="trucban", password="ungpho-demo-2026")
    return client


def test_every_url_with_a_nul_or_an_overflowing_id_answers_4xx():
    client = _site()
    failures = []
    for route in sorted(set(_patterns(get_resolver().url_patterns))):
        for url in _urls(route, HOSTILE_PATH):
            for method in ("get", "post"):
                answer = getattr(client, method)(url)
                if answer.status_code >= 500:
                    failures.append((method, url, answer.status_code))
                if "%00" in url and answer.status_code != 400:
                    failures.append((method, url, answer.status_code, "NUL not refused"))
        plain = _urls(route, {"int": ["1"], "str": ["x"], "slug": ["x"], "path": ["x"]})[0]
        query = "&".join(f"{name}=%00" for name in QUERY_NAMES)
        for url in (f"{plain}?{query}", f"{plain}?since=0001-01-01T00:00:00%2B07:00&lat=NaN"):
            answer = client.get(url)
            if answer.status_code >= 500 or ("%00" in url and answer.status_code != 400):
                failures.append(("get", url, answer.status_code))
        if not plain.startswith("/api/"):  # the API reads JSON: its schemas refuse a NUL
            answer = client.post(plain, {name: "a\x00b" for name in ["title", "text", "user"]})
            if answer.status_code != 400:
                failures.append(("post", plain, answer.status_code, "NUL in a form"))
    assert not failures, "\n".join(map(str, failures))


class _Forms(HTMLParser):
    """The POST forms of a page: (action, [(name, value)]) with their default values."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url, self.forms, self._current = page_url, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._current = (urljoin(self.page_url, attrs.get("action") or self.page_url), [])
            self.forms.append(self._current)
        elif self._current is not None and attrs.get("name") and tag in (
                "input", "select", "textarea", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._current[1].append((attrs["name"], attrs.get("value") or ""))
        elif self._current is not None and tag == "option" and self._current[1] and \
                self._current[1][-1][1] == "":
            name, _ = self._current[1][-1]
            self._current[1][-1] = (name, attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _pages(client) -> list[str]:
    """Every page reachable on the demo: each URL pattern with the demo's ids."""
    from ungpho.alerts.models import Notification, PublicMessage
    from ungpho.incidents.models import Incident, IncidentReport

    incidents = list(Incident.objects.values_list("pk", flat=True))
    pages = ["/duty/", "/duty/reports/new", "/inbox/", "/map/", "/facilities/", "/sources/",
             "/public/", "/public/alerts/", "/incidents/", "/incidents/?status=closed",
             "/stations/", "/stations/QN-GAMMA-01/?window=30d", "/search/?q=hai+ha"]
    pages += [f"/incidents/{pk}/" for pk in incidents]
    pages += [f"/incidents/{pk}/log" for pk in incidents]
    pages += [f"/incidents/{m.incident_id}/messages/{m.pk}/"
              for m in PublicMessage.objects.all()]
    pages += [f"/duty/reports/{pk}/" for pk in IncidentReport.objects.values_list("pk",
                                                                                 flat=True)]
    pages += [f"/ack/{n.ack_token}" for n in Notification.objects.exclude(ack_token="")[:3]]
    return pages


def test_every_form_posted_with_hostile_values_answers_without_500():
    client = _site()
    forms: dict[tuple, list] = {}
    for page in _pages(client):
        answer = client.get(page)
        assert answer.status_code == 200, (page, answer.status_code)
        parser = _Forms(f"http://testserver{page}")
        parser.feed(answer.content.decode())
        for action, fields in parser.forms:
            path = urlsplit(action).path
            key = (path, tuple(sorted({name for name, _ in fields})))
            if path not in SKIPPED_ACTIONS:
                forms.setdefault(key, fields)
    assert len(forms) >= 20  # the incident page alone has more
    failures = []
    for (path, names), fields in sorted(forms.items()):
        for name in names:
            if name == "csrfmiddlewaretoken":
                continue
            for value in HOSTILE_VALUES:
                data = [(n, value if n == name else v) for n, v in fields]
                answer = client.post(path, _multi(data))
                if answer.status_code >= 500:
                    failures.append((path, name, value[:20], answer.status_code))
    assert not failures, "\n".join(map(str, failures))


def _multi(pairs):
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data
