"""The objects tests are made of: users, stations, reports and incidents, made as the
services make them. Fixtures that hand them to tests stay in the conftest files."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.incidents.lifecycle import incident_open
from ungpho.incidents.models import IncidentReport
from ungpho.monitoring.models import Parameter
from ungpho.monitoring.services import station_token_issue, station_upsert, threshold_set


def gamma_station() -> SimpleNamespace:
    """A Hà Nội gamma dose-rate station with a 0.5 µSv/h limit and a token."""
    gamma = Parameter.objects.get(code="GammaDR")  # the national catalogue, synced on migrate
    station = station_upsert(code="HN-GAMMA-01", name="Trạm phóng xạ Hà Nội",
                             province_code="01", lat=21.0285, lon=105.8542)
    threshold_set(station=station, parameter=gamma, level_1=0.5)
    return SimpleNamespace(station=station, parameter=gamma,
                           token=station_token_issue(station=station))


def duty_officer():
    """The national duty officer ``trucban``."""
    return user_upsert(username="trucban", password="mat-khau-dai-123", email="trucban@x.vn",
                       role=Role.NATIONAL_DUTY)


def call_report(*, minutes_ago: float = 0, province: str = "01", lat: float = 21.0,
                lon: float = 105.8, first_information_at=None, **fields):
    """An open call report in ``province``, its first information ``minutes_ago``."""
    at = first_information_at or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
    return IncidentReport.objects.create(source="call", province_id=province, lat=lat, lon=lon,
                                         first_information_at=at, opened_at=at, updated_at=at,
                                         **fields)


def incident_from_call(by, *, exercise: bool = False, **report):
    """An incident opened by ``by`` from a fresh call report (``report``: see call_report)."""
    return incident_open(report=call_report(**report), by=by, exercise=exercise)
