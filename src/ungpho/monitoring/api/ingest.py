"""``POST /api/v1/readings``: the HTTP door of the ingestion pipeline (a station's batch, JSON
or a station file as text). A body it cannot read at all is answered 400 naming ``body`` and
kept as a dead letter (``ungpho.faults``) when the station's token is valid; a bad item is
rejected alone, naming ``readings[i].<field>``, and the good ones beside it are stored (207).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from ungpho.core.formats.readings_json import Rejection, parse_batch
from ungpho.core.validate import Invalid, json_loads
from ungpho.faults.doors import StillDead
from ungpho.faults.models import DeadLetter
from ungpho.faults.services import deadletter_keep
from ungpho.monitoring.models import Reading, Station
from ungpho.monitoring.selectors import station_by_token
from ungpho.monitoring.services import lines_ingest, readings_ingest
from ungpho.platform.api_auth import bearer_token

router = Router(tags=["monitoring"])

ERR_TOKEN_MISSING = "send the station's token as 'Authorization: Bearer <token>'"
ERR_TOKEN_BAD = "the token is not valid for any station"
ERR_STATION_UNKNOWN = "no station with code {code!r}"
ERR_STATION_MISMATCH = "the token belongs to station {own!r}, not {code!r}"


def _error(status: int, field: str, message: str):
    """The API's refusal as a batch rejection: ``platform.api_errors``' shape with the
    rejection's ``index`` (null: the whole batch), as the readings door has always answered."""
    return Status(status, {"errors": [Rejection(field, message).as_dict()]})


@router.post("/readings", summary="Gửi số liệu quan trắc / Post station readings", response={
    200: dict, 201: dict, 207: dict, 400: dict, 401: dict, 403: dict, 404: dict, 422: dict})
def readings_post(request: HttpRequest):
    """A batch of readings from one station, authenticated by the station's token.

    Body: ``{"station": "HN-GAMMA-01", "readings": [{"parameter": "GammaDR",
    "time": "2026-11-21T10:05:00+07:00", "value": 0.12, "unit": "µSv/h"}]}``.
    The same body may instead be a station data file (TT 10/2021: ``symbol value unit
    yyyyMMddHHmmss status`` per line) sent as ``Content-Type: text/plain``; rejections then
    name the line. Each reading is judged alone: 201 all stored, 207 some rejected (the rest
    stored), 422 none stored, 200 nothing new (all duplicates). Rejections name the field.
    """
    token = bearer_token(request)
    if not token:
        return _error(401, "Authorization", ERR_TOKEN_MISSING)
    station = station_by_token(token)
    if station is None:
        return _error(401, "Authorization", ERR_TOKEN_BAD)
    if request.content_type == "text/plain":
        return _file_body(request, station)
    try:
        body = json_loads(request.body)
    except Invalid as error:
        # Kept only when the token is valid: an anonymous sender could otherwise fill the
        # dead-letter table with anything, and nobody could act on its letters.
        deadletter_keep(door=DeadLetter.Door.HTTP, source=_source(station),
                        payload=request.body, reason=error.message, field=error.field)
        return _error(400, error.field, error.message)
    code, readings, rejections = parse_batch(body)
    if code is not None and code != station.code:
        if not Station.objects.filter(code=code).exists():
            return _error(404, "station", ERR_STATION_UNKNOWN.format(code=code))
        return _error(403, "station", ERR_STATION_MISMATCH.format(own=station.code, code=code))
    result = readings_ingest(station=station, readings=readings, via=Reading.Via.HTTP,
                             rejected=rejections)
    return _outcome(result)


def _source(station: Station) -> str:
    return f"{Reading.Via.HTTP}:{station.code}"


def _file_body(request: HttpRequest, station: Station):
    """A body in the station file format of TT 10/2021 (``Content-Type: text/plain``)."""
    result = lines_ingest(station=station, lines=request.body.splitlines(keepends=True),
                          via=Reading.Via.HTTP, source=_source(station))
    return _outcome(result)


def http_letter_retry(letter: DeadLetter) -> str:
    """Feed a kept body to the door again (``faults.doors.deadletter_retry``), as the
    station of its source sent it."""
    code = letter.source.removeprefix(f"{Reading.Via.HTTP}:")
    station = Station.objects.filter(code=code).first()
    if station is None:
        raise StillDead(ERR_STATION_UNKNOWN.format(code=code), "station")
    try:
        body = json_loads(bytes(letter.payload or b""))
    except Invalid as error:
        raise StillDead(error.message, error.field) from None
    _code, readings, rejections = parse_batch(body)
    result = readings_ingest(station=station, readings=readings, via=Reading.Via.HTTP,
                             rejected=rejections)
    return (f"stored {result.stored}, duplicates {result.duplicates}, rejected "
            f"{len(result.rejected)}")


def _outcome(result):
    if result.rejected and not result.stored and not result.duplicates:
        status = 422
    elif result.rejected:
        status = 207
    else:
        status = 201 if result.stored else 200
    return Status(status, result.as_dict())
