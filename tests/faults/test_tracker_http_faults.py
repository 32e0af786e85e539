"""The trackers' HTTP door (``POST /api/v1/trackers/positions``) against a real server: no
content makes it answer 500; a bad position is named and the good ones beside it stored; a
batch the database refuses is a dead letter, retried once the cause is fixed (issue 20,
findings 2 and 5: "one bad input", "good readings lost")."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.faults.conftest import database_refuses
from tests.preparedness.test_trackers import _position, tracked  # noqa: F401 (a fixture)
from ungpho.faults.doors import deadletter_retry
from ungpho.faults.models import DeadLetter
from ungpho.preparedness.models import TrackerPosition

pytestmark = pytest.mark.django_db(transaction=True)


def _post(base_url: str, token: str, data: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base_url}/api/v1/trackers/positions", data=data,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:  # Django's HTML error page
            return error.code, {"page": text[:200]}


def _batch(*positions: str) -> bytes:
    return ('{"positions": [' + ", ".join(positions) + "]}").encode()


GOOD = '{"time": "2026-11-21T09:00:00+07:00", "lat": 20.84, "lon": 106.70}'


def test_overflowing_times_and_coordinates_are_named_and_the_good_position_kept(
        live_server, tracked):  # noqa: F811
    _, token = tracked
    status, answer = _post(live_server.url, token, _batch(
        GOOD, '{"time": "0001-01-01T00:00:00+07:00", "lat": 20.84, "lon": 106.70}',
        '{"time": "9999-12-31T23:59:59-01:00", "lat": 20.84, "lon": 106.70}',
        '{"time": "2026-11-21T09:05:00+07:00", "lat": 1' + "0" * 400 + ', "lon": 106.70}'))
    assert status == 207, answer
    assert [(r["index"], r["field"]) for r in answer["rejected"]] == [
        (1, "time"), (2, "time"), (3, "lat")]
    assert TrackerPosition.objects.count() == 1


def test_a_body_nested_too_deep_is_a_json_error_not_a_500(live_server, tracked):  # noqa: F811
    _, token = tracked
    status, answer = _post(live_server.url, token, b"[" * 100_000)
    assert status == 400 and answer["errors"][0]["field"] == "body"


@pytest.fixture
def refused_position(db):
    """The database refuses the latitude 66.6 (inside no area)."""
    lift = database_refuses("preparedness_trackerposition", "lat", 66.6)
    yield lift
    lift()  # the test's tables are flushed, not rolled back


def test_a_batch_the_database_refuses_is_a_dead_letter_then_retried(
        live_server, tracked, refused_position):  # noqa: F811
    source, token = tracked
    body = _batch(GOOD, '{"time": "2026-11-21T09:05:00+07:00", "lat": 66.6, "lon": 106.7}')
    status, answer = _post(live_server.url, token, body)
    assert status == 422 and "dead letter #" in answer["errors"][0]["message"]
    letter = DeadLetter.objects.get()
    assert (letter.door, letter.source, bytes(letter.payload)) == (
        "tracker", f"POST /api/v1/trackers/positions {source.serial}", body)
    assert "lat out of range" in letter.reason
    assert deadletter_retry(letter)[0] is False
    refused_position()
    assert deadletter_retry(letter) == (True, "2 stored, 0 duplicates, 0 rejected")
    assert TrackerPosition.objects.count() == 2
