"""The lists, the header's search and the station chart in a real browser (Debian's Chromium
driven by Playwright) against a real server, on a desktop and on a 390 px phone, in
Vietnamese: nothing scrolls sideways, the search box leads to a station typed without its
marks, the chart's window is chosen by link and its lines are drawn."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.e2e.test_browser import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PASSWORD = "mat-khau-dai-123"  # as in SETUP

#: The Hải Hà gamma station with 3 days of readings and its three alarm levels.
SETUP = """
import datetime as dt
import django; django.setup()
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.core.formats.readings_json import ParsedReading
from ungpho.monitoring.models import Parameter, Reading
from ungpho.monitoring.services import readings_ingest, station_upsert, threshold_set

user_upsert(username="trucban", password="mat-khau-dai-123", role=Role.NATIONAL_DUTY)
station = station_upsert(code="QN-GAMMA-01", name="Trạm quan trắc phóng xạ Hải Hà",
                         province_code="22", lat=21.45, lon=107.75)
gamma = Parameter.objects.get(code="GammaDR")
threshold_set(station=station, parameter=gamma, level_1=0.5, level_2=1.0, level_3=100.0)
end = dt.datetime.now(dt.UTC)
readings_ingest(station=station, via=Reading.Via.HTTP, readings=[
    ParsedReading(i, "GammaDR", end - dt.timedelta(minutes=5 * i), 0.12 + 0.01 * (i % 7),
                  "µSv/h") for i in range(3 * 24 * 12)])
"""


@pytest.fixture
def site(processes, ungpho_env):
    subprocess.run([sys.executable, "-c", SETUP], cwd=REPO, capture_output=True, text=True,
                   check=True, env={**ungpho_env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"})
    return processes.web()


@pytest.mark.parametrize("width_px", [1280, 390])
def test_lists_search_and_chart_fit_the_screen_and_work(browser_path, site, tmp_path,
                                                        width_px):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": width_px, "height": 900}).new_page()
        page.goto(f"{site}/stations/")
        page.fill("input[name=username]", "trucban")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{site}/stations/")
        for path in ("/stations/", "/incidents/?opened_from=31/13/2026", "/search/?q=tram"):
            page.goto(f"{site}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width_px, path
            page.screenshot(path=str(tmp_path / f"{path.split('/')[1]}-{width_px}.png"),
                            full_page=True)
        assert page.goto(f"{site}/incidents/?opened_from=31/13/2026") and \
            page.locator(".field-error").inner_text() == "Hãy viết ngày theo dạng dd/mm/yyyy."

        page.fill(".header-search input[name=q]", "hai ha")
        page.press(".header-search input[name=q]", "Enter")
        page.click("text=QN-GAMMA-01 — Trạm quan trắc phóng xạ Hải Hà")
        page.wait_for_url(f"{site}/stations/QN-GAMMA-01/")
        page.click("text=7 ngày")
        page.wait_for_url(f"{site}/stations/QN-GAMMA-01/?window=7d#chart")
        chart = page.locator("figure.chart svg")
        assert chart.locator("polyline.mean").count() >= 1
        assert chart.locator('[data-limit="alarm-1"] text').text_content() == \
            "Ngưỡng cảnh báo cấp 1: 0,5 µSv/h"
        # Levels 2 and 3 lie far above readings of 0.12–0.18: listed under the chart.
        assert page.locator("p.above-chart.alarm-2").is_visible()
        assert chart.locator('[data-limit="alarm-2"]').count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= width_px
        page.screenshot(path=str(tmp_path / f"station-{width_px}.png"), full_page=True)
        browser.close()
