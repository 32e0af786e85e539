"""The station layer of the operations map and the public air-quality page in a real
browser (Debian's Chromium driven by Playwright) against a real server."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PASSWORD = "mat-khau-dai-123"  # as in SETUP

#: An ambient-air station in Hà Nội with 3 h of PM2.5 (good, VN_AQI "Trung bình"), a gamma
#: station that never reported (offline), an ambient-air station whose latest reading says
#: status 02 (device error) and one under maintenance (not on the public map).
SETUP = """
import datetime as dt
import django; django.setup()
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.core.formats.readings_json import ParsedReading
from ungpho.monitoring import services as m

user_upsert(username="trucban", password="mat-khau-dai-123", role=Role.NATIONAL_DUTY)
now = dt.datetime.now(dt.UTC).replace(microsecond=0)
def pm25(count, status="00"):
    return [ParsedReading(i, "PM2.5", now - dt.timedelta(minutes=5 * (count - 1 - i)),
                          35.0 + 0.1 * (i % 3), "µg/Nm³", status) for i in range(count)]
air = m.station_upsert(code="HN-AIR-01", name="Trạm không khí Hoàn Kiếm", province_code="01",
                       lat=21.03, lon=105.85, type="ambient_air")
m.readings_ingest(station=air, readings=pm25(36), via="http")
m.station_upsert(code="DN-GAMMA-01", name="Trạm phóng xạ Đà Nẵng", province_code="48",
                 lat=16.05, lon=108.20)
broken = m.station_upsert(code="HCM-AIR-01", name="Trạm không khí Quận 1",
                          province_code="79", lat=10.78, lon=106.70, type="ambient_air")
m.readings_ingest(station=broken, readings=pm25(1, status="02"), via="http")
m.station_upsert(code="QN-AIR-01", name="Trạm không khí Hạ Long", province_code="22",
                 lat=20.95, lon=107.08, type="ambient_air", status="maintenance")
m.station_states_refresh()
print((now + dt.timedelta(hours=7)).strftime("%Y-%m-%d %H:%M"))
"""

#: HN-AIR-01 starts calibrating (status 01): its marker must turn blue without a reload.
CALIBRATE = """
import datetime as dt
import django; django.setup()
from ungpho.core.formats.readings_json import ParsedReading
from ungpho.monitoring import services as m
from ungpho.monitoring.models import Station
m.readings_ingest(station=Station.objects.get(code="HN-AIR-01"), via="http", readings=[
    ParsedReading(0, "PM2.5", dt.datetime.now(dt.UTC), 35.0, "µg/Nm³", "01")])
m.station_states_refresh()
"""

COLOURS = {"good": "#2E7D32", "offline": "#616161", "calibrating": "#1565C0",
           "device_error": "#6A1B9A"}


def _django(env, code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=True,
                            env={**env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"})
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


@pytest.fixture
def network(processes, ungpho_env):
    """(site URL, Vietnam time of the latest reading as the popup prints it)."""
    latest = _django(ungpho_env, SETUP)
    return processes.web(), latest


def _page(browser, requested):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.on("request", lambda request: requested.append(request.url))
    return page


def _stroke(page, code: str) -> str:
    return page.get_attribute(f"path.station[data-station={code}]", "stroke").upper()


def test_the_map_colours_stations_by_state_badges_the_aqi_and_refreshes_by_itself(
        browser, network, ungpho_env, tmp_path):
    site, latest = network
    requested: list[str] = []
    page = _page(browser, requested)
    page.goto(f"{site}/map/")
    page.fill("input[name=username]", "trucban")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)

    assert page.locator("path.station").count() == 4
    assert _stroke(page, "HN-AIR-01") == COLOURS["good"]
    assert _stroke(page, "DN-GAMMA-01") == COLOURS["offline"]
    assert _stroke(page, "HCM-AIR-01") == COLOURS["device_error"]
    assert page.locator(".legend .state-key[data-state]").count() == 5
    badge = page.locator(".aqi[data-station=HN-AIR-01]")
    assert badge.inner_text().strip() == "70"  # PM2.5 NowCast 35.1 µg/m³ (Bảng 2)
    assert badge.get_attribute("data-level") == "2"
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 0)"
    assert page.locator(".aqi[data-station=DN-GAMMA-01]").count() == 0

    page.locator("path.station[data-station=HN-AIR-01]").click(force=True)
    popup = page.locator(".leaflet-popup-content").inner_text()
    for expected in ("Trạm không khí Hoàn Kiếm", "không khí xung quanh", "Hoạt động bình thường",
                     f"{latest} (giờ Việt Nam)", "VN_AQI: 70 — Trung bình"):
        assert expected in popup
    page.screenshot(path=str(tmp_path / "monitoring-map.png"))

    _django(ungpho_env, CALIBRATE)
    page.wait_for_function(  # a function, not an expression: the CSP forbids eval
        "() => document.querySelector('path.station[data-station=HN-AIR-01]')"
        ".getAttribute('stroke').toUpperCase() === '#1565C0'", timeout=40000)
    assert page.evaluate("window.ungphoStationLoads") >= 2
    assert "Đang hiệu chuẩn" in page.locator(".leaflet-popup-content").inner_text()

    page.click(".leaflet-popup-content a.station-link")
    page.wait_for_url(f"{site}/stations/HN-AIR-01/")
    assert "Trạm không khí Hoàn Kiếm" in page.locator("h1").inner_text()
    assert page.locator("tr[data-parameter='PM2.5'] svg.spark polyline").count() >= 1
    assert "Đang hiệu chuẩn (trạng thái 01)" in page.locator("tr[data-parameter='PM2.5']") \
        .inner_text()
    page.screenshot(path=str(tmp_path / "station.png"), full_page=True)
    hosts = {urlsplit(url).hostname for url in requested if url.startswith("http")}
    assert hosts == {"127.0.0.1"}, f"the page reached outside the machine: {hosts}"


def test_the_public_page_works_without_signing_in(browser, network, tmp_path):
    site, _ = network
    requested: list[str] = []
    page = _page(browser, requested)
    page.goto(f"{site}/public/")
    assert urlsplit(page.url).path == "/public/"
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    assert page.locator("path.station").count() == 3  # active stations only
    assert _stroke(page, "HN-AIR-01") == COLOURS["good"]
    assert page.locator(".aqi[data-station=HN-AIR-01]").inner_text().strip() == "70"
    assert page.locator(".station-link").count() == 0
    row = page.locator("tr[data-station=HN-AIR-01]").inner_text()
    assert "70" in row and "Trung bình" in row
    assert "Tự do thực hiện các hoạt động ngoài trời." in row
    page.click("button[name=language][value=en]")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    row = page.locator("tr[data-station=HN-AIR-01]").inner_text()
    assert "Moderate" in row and "Enjoy outdoor activities freely." in row
    page.screenshot(path=str(tmp_path / "public.png"), full_page=True)
    hosts = {urlsplit(url).hostname for url in requested if url.startswith("http")}
    assert hosts == {"127.0.0.1"}, f"the page reached outside the machine: {hosts}"
