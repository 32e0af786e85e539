from __future__ import annotations

import json

from django.http import HttpRequest
from ninja import Router, Status

from ungpho.core.formats.readings_json import Rejection, parse_batch
from ungpho.monitoring.models import Reading, Station
from ungpho.monitoring.selectors import station_by_token
from ungpho.monitoring.services import lines_ingest, readings_ingest

router = Router(tags=["monitoring"])

ERR_TOKEN_MISSING = "send the station's token as 'Authorization: Bearer <token>'"
ERR_TOKEN_BAD = "the token is not valid for any station"
ERR_JSON = "the body is not valid JSON: {error}"
ERR_STATION_UNKNOWN = "no station with code {code!r}"
ERR_STATION_MISMATCH = "the token belongs to station {own!r}, not {code!r}"


def _error(status: int, field: str, message: str):
    return Status(status, {"errors": [Rejection(field, message).as_dict()]})


def bearer_token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


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
        body = json.loads(request.body or b"")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return _error(400, "body", ERR_JSON.format(error=error))
    code, readings, rejections = parse_batch(body)
    if code is not None and code != station.code:
        if not Station.objects.filter(code=code).exists():
            return _error(404, "station", ERR_STATION_UNKNOWN.format(code=code))
        return _error(403, "station", ERR_STATION_MISMATCH.format(own=station.code, code=code))
    result = readings_ingest(station=station, readings=readings, via=Reading.Via.HTTP,
                             rejected=rejections)
    return _outcome(result)


def _file_body(request: HttpRequest, station: Station):
    """A body in the station file format of TT 10/2021 (``Content-Type: text/plain``)."""
    result = lines_ingest(station=station, lines=request.body.splitlines(keepends=True),
                          via=Reading.Via.HTTP, source=f"http:{station.code}")
    return _outcome(result)


def _outcome(result):
    if result.rejected and not result.stored and not result.duplicates:
        status = 422
    elif result.rejected:
        status = 207
    else:
        status = 201 if result.stored else 200
    return Status(status, result.as_dict())
