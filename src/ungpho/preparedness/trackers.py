"""Mobile-source trackers: positions in (HTTP, MQTT), alerts out onto the duty desk.

A position batch is stored idempotently (key: source, time); the newest position moves the
source's last known place and is judged by ``core.geo.tracking``; an alert that appears opens
(or adds to) the source's report. The worker judges silence (``trackers_silence_check``).
Payload: ``{"positions": [{"time": "2026-11-21T10:05:00+07:00", "lat": 20.84, "lon": 106.7}]}``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from shapely.geometry import shape

from ungpho.audit.services import audit_record
from ungpho.core.geo.tracking import (
    SILENT,
    is_silent,
    position_alerts,
    working_hours_parse,
)
from ungpho.core.validate import Invalid, number_checked, time_parse
from ungpho.platform.machine_tokens import token_digest, token_new, token_payload
from ungpho.preparedness.models import RadioactiveSource, TrackerPosition
from ungpho.preparedness.services import RegistryError, source_report_raise

TOPIC = "ungpho/trackers/+/positions"
MAX_POSITIONS = 10_000
ALERT_TEXT = {
    "outside_area": "Nguồn di động ra ngoài khu vực được phép / the mobile source left its "
                    "permitted area",
    "outside_hours": "Nguồn di động di chuyển ngoài giờ làm việc / the mobile source moved "
                     "outside working hours",
    "silent": "Thiết bị định vị nguồn ngừng báo vị trí / the source's tracker stopped "
              "reporting",
}


@dataclass
class PositionsResult:
    stored: int = 0
    duplicates: int = 0
    rejected: list[dict] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"stored": self.stored, "duplicates": self.duplicates,
                "rejected": self.rejected, "alerts": self.alerts}


@transaction.atomic
def tracker_enable(*, source: RadioactiveSource, interval_s: int, working_hours: str = "",
                   by=None) -> str:
    """Give a mobile source a tracker: a new token (returned once, stored hashed), its
    reporting interval and its licence's working hours."""
    problems = []
    if not source.mobile:
        problems.append(("mobile", f"source {source.serial} is not mobile"))
    if not interval_s > 0:
        problems.append(("interval_s", f"{interval_s!r} is not a number of seconds"))
    if working_hours:
        try:
            working_hours_parse(working_hours)
        except ValueError as error:
            problems.append(("working_hours", str(error).partition(": ")[2]))
    if problems:
        raise RegistryError(problems)
    token = token_new()
    source.tracker_token_sha256 = token_digest(token)
    source.tracker_interval_s = interval_s
    source.working_hours = working_hours
    source.tracked_since = source.tracked_since or dt.datetime.now(dt.UTC)
    source.save(update_fields=["tracker_token_sha256", "tracker_interval_s", "working_hours",
                               "tracked_since"])
    audit_record(by=by, action="source.tracker", obj=source,
                 after={"interval_s": interval_s, "working_hours": working_hours})
    return token


def source_by_tracker_token(token: str) -> RadioactiveSource | None:
    if not token:
        return None
    return RadioactiveSource.objects.filter(tracker_token_sha256=token_digest(token)).first()


def _parsed(body) -> tuple[list[tuple[int, dt.datetime, float, float]], list[dict]]:
    """(index, time, lat, lon) of each good position and a rejection naming the field of
    each bad one; the good ones around a bad one are kept."""
    if not isinstance(body, dict) or not isinstance(body.get("positions"), list):
        return [], [{"index": None, "field": "positions",
                     "reason": "the body must be {\"positions\": [...]}"}]
    items = body["positions"]
    if len(items) > MAX_POSITIONS:
        return [], [{"index": None, "field": "positions",
                     "reason": f"at most {MAX_POSITIONS} positions per batch"}]
    good, bad = [], []
    for i, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise Invalid("position", "must be an object with time, lat, lon")
            at = time_parse(item.get("time"), field="time")
            lat = number_checked(item.get("lat"), field="lat", low=-90, high=90)
            lon = number_checked(item.get("lon"), field="lon", low=-180, high=180)
        except Invalid as error:
            bad.append({"index": i, "field": error.field, "reason": error.message})
            continue
        good.append((i, at, lat, lon))
    return good, bad


@transaction.atomic
def positions_ingest(*, source: RadioactiveSource, body, via: str) -> PositionsResult:
    """Store a batch of positions and raise the alerts of the newest."""
    result = PositionsResult()
    good, result.rejected = _parsed(body)
    now = dt.datetime.now(dt.UTC)
    source = RadioactiveSource.objects.select_for_update().get(pk=source.pk)
    known = set(TrackerPosition.objects.filter(
        source=source, observed_at__in=[at for _, at, _, _ in good]).values_list(
        "observed_at", flat=True))
    new = {at: (at, lat, lon) for _, at, lat, lon in good if at not in known}
    TrackerPosition.objects.bulk_create([
        TrackerPosition(source=source, observed_at=at, lat=lat, lon=lon, received_at=now,
                        via=via) for at, lat, lon in new.values()])
    result.stored, result.duplicates = len(new), len(good) - len(new)
    newest = max(new.values(), default=None)
    if newest is not None and (source.last_position_at is None
                               or newest[0] > source.last_position_at):
        result.alerts = _judge(source, *newest)
    return result


def _judge(source: RadioactiveSource, at: dt.datetime, lat: float, lon: float) -> list[str]:
    area = shape(source.permitted_area) if source.permitted_area else None
    hours = working_hours_parse(source.working_hours) if source.working_hours else None
    now_alerts = position_alerts(lat_deg=lat, lon_deg=lon, observed_at=at, area=area,
                                 hours=hours)
    raised = sorted(now_alerts - set(source.tracker_alerts))
    source.last_position_at, source.last_lat, source.last_lon = at, lat, lon
    source.tracker_alerts = sorted(now_alerts)  # a report again clears "silent"
    source.save(update_fields=["last_position_at", "last_lat", "last_lon", "tracker_alerts"])
    for alert in raised:
        source_report_raise(source=source, kind="tracker", at=at, lat=lat, lon=lon,
                            decision={"alert": alert, "criterion": ALERT_TEXT[alert],
                                      "lat": lat, "lon": lon})
    return raised


def trackers_silence_check(*, now: dt.datetime | None = None) -> int:
    """One worker pass: a tracker silent beyond its interval raises SILENT once; returns how
    many were raised."""
    now = now or dt.datetime.now(dt.UTC)
    raised = 0
    for source in RadioactiveSource.objects.exclude(tracker_interval_s=None).exclude(
            tracker_token_sha256="").exclude(status__in=["lost", "stolen", "disused"]):
        if SILENT in source.tracker_alerts or not is_silent(
                last_report_at=source.last_position_at, since=source.tracked_since or now,
                interval_s=source.tracker_interval_s, now=now):
            continue
        with transaction.atomic():
            locked = RadioactiveSource.objects.select_for_update().get(pk=source.pk)
            if SILENT in locked.tracker_alerts:  # another worker was first
                continue
            locked.tracker_alerts = sorted({*locked.tracker_alerts, SILENT})
            locked.save(update_fields=["tracker_alerts"])
            source_report_raise(source=locked, kind="tracker", at=now,
                                lat=locked.last_lat, lon=locked.last_lon,
                                decision={"alert": SILENT, "criterion": ALERT_TEXT[SILENT],
                                          "last_position_at": locked.last_position_at
                                          and locked.last_position_at.isoformat()})
            raised += 1
    return raised


def tracker_message_ingest(topic: str, payload: bytes) -> dict:
    """One MQTT message on ``ungpho/trackers/<serial>/positions``: ``{"token": …,
    "positions": [...]}``."""
    parts = topic.split("/")
    serial = parts[2] if len(parts) == 4 else ""
    body, token, error = token_payload(payload)
    if error:
        return error
    source = source_by_tracker_token(token)
    if source is None or source.serial != serial:
        return {"error": {"field": "token", "message": f"not a valid token for {serial!r}"}}
    return positions_ingest(source=source, body=body, via="mqtt").as_dict()
