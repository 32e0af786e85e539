"""The public map in a real browser: a gamma station's exceedance nobody has confirmed is
drawn "being verified" (brown), not as an alarm (red), until the duty officer classifies its
incident; the marker changes by itself, without a reload."""

from __future__ import annotations

import pytest

from tests.e2e.test_monitoring_map import _django, _stroke

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

#: A Hà Nội gamma station whose readings exceed its 0.5 µSv/h limit: a report on the desk.
EXCEEDING = """
import datetime as dt
import django; django.setup()
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.core.formats.readings_json import ParsedReading
from ungpho.monitoring import services as m
from ungpho.monitoring.models import Parameter

user_upsert(username="trucban", password="mat-khau-dai-123", role=Role.NATIONAL_DUTY)
station = m.station_upsert(code="HN-GAMMA-01", name="Trạm phóng xạ Hà Nội", province_code="01",
                           lat=21.0285, lon=105.8542)
m.threshold_set(station=station, parameter=Parameter.objects.get(code="GammaDR"), level_1=0.5)
now = dt.datetime.now(dt.UTC).replace(microsecond=0)
m.readings_ingest(station=station, via="http", readings=[
    ParsedReading(i, "GammaDR", now - dt.timedelta(minutes=10 - 5 * i), v, "µSv/h")
    for i, v in enumerate((0.8, 0.9, 0.9))])
m.station_states_refresh()
"""

#: The duty officer opens the incident from the report and classifies it (the rules example).
CLASSIFY = """
import json
import django; django.setup()
from django.contrib.auth import get_user_model
from ungpho.core.rules.loader import RULES_DIR
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.lifecycle import incident_classify, incident_open
officer = get_user_model().objects.get(username="trucban")
incident = incident_open(report=IncidentReport.objects.get(), by=officer)
facts = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text())
incident_classify(incident=incident, facts=facts, by=officer)
"""

BROWN, RED = "#6D4C41", "#C62828"


@pytest.mark.parametrize("width", [1280, 390])
def test_an_unconfirmed_exceedance_is_being_verified_until_the_officer_classifies_it(
        browser, processes, ungpho_env, tmp_path, width):  # noqa: F811 - the fixture
    _django(ungpho_env, EXCEEDING)
    site = processes.web()
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{site}/public/")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    assert _stroke(page, "HN-GAMMA-01") == BROWN
    legend = page.locator(".legend .state-key[data-state=verifying]")
    assert legend.inner_text().strip() == "Đang xác minh"
    page.locator("path.station[data-station=HN-GAMMA-01]").click(force=True)
    assert "Đang xác minh" in page.locator(".leaflet-popup-content").inner_text()
    page.screenshot(path=str(tmp_path / f"public-verifying-{width}.png"), full_page=True)
    _django(ungpho_env, CLASSIFY)
    page.wait_for_function(  # a function, not an expression: the CSP forbids eval
        "() => document.querySelector('path.station[data-station=HN-GAMMA-01]')"
        f".getAttribute('stroke').toUpperCase() === '{RED}'", timeout=40000)
    page.screenshot(path=str(tmp_path / f"public-confirmed-{width}.png"), full_page=True)
