"""``POST /api/v1/trackers/positions``: a mobile source's tracker reports where it is."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from ungpho.core.validate import Invalid, json_loads
from ungpho.faults.doors import database_at_fault
from ungpho.faults.models import DeadLetter
from ungpho.faults.services import deadletter_keep
from ungpho.platform.api_auth import bearer_token
from ungpho.platform.api_errors import errors_response
from ungpho.preparedness.tracker_letters import HTTP_SOURCE
from ungpho.preparedness.trackers import positions_ingest, source_by_tracker_token

router = Router(tags=["preparedness"])


@router.post("/trackers/positions", summary="Vị trí nguồn di động / Post tracker positions",
             response={200: dict, 201: dict, 207: dict, 400: dict, 401: dict, 422: dict})
def positions_post(request: HttpRequest):
    """A batch of positions of one mobile source, authenticated by its tracker token
    (``Authorization: Bearer <token>``, from ``ungpho trackers enable``).

    Body: ``{"positions": [{"time": "2026-11-21T10:05:00+07:00", "lat": 20.84,
    "lon": 106.70}]}``. 201 all stored, 207 some rejected (the rest stored), 422 none
    stored, 200 nothing new. The answer lists the alerts the newest position raised
    (``outside_area``, ``outside_hours``); each opens or adds to the source's report. A
    batch the database refuses is kept as a dead letter (422, naming it), never a 500.
    """
    source = source_by_tracker_token(bearer_token(request))
    if source is None:
        return errors_response(401, [("Authorization", "send the tracker's token as "
                                                       "'Authorization: Bearer <token>'")])
    try:
        body = json_loads(request.body)
    except Invalid as error:  # kept, as the readings door keeps a station's (token valid)
        deadletter_keep(door=DeadLetter.Door.TRACKER, source=HTTP_SOURCE.format(
            serial=source.serial), payload=request.body, reason=error.message, field=error.field)
        return errors_response(400, [(error.field, error.message)])
    try:
        result = positions_ingest(source=source, body=body, via="http")
    except Exception as error:
        if database_at_fault(error):
            raise
        letter = deadletter_keep(door=DeadLetter.Door.TRACKER, payload=request.body,
                                 source=HTTP_SOURCE.format(serial=source.serial),
                                 reason=f"cannot be stored: {error}", field="positions")
        return errors_response(422, [("positions", (
            f"the batch cannot be stored ({error}); it is kept as dead letter #{letter.pk} "
            "for the administrator"))])
    status = 201 if result.stored and not result.rejected else 207 if result.stored else \
        422 if result.rejected else 200
    return Status(status, result.as_dict())
