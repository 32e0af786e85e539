"""The risk-registry pages and the operations map's facility layers in a real browser
(Debian's Chromium driven by Playwright) against a real server."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO
from tests.e2e.test_browser import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PASSWORD = "mat-khau-dai-123"  # as in SETUP

#: A Hà Nội hospital with a Cs-137 source (category IV, no zones) and Fangchenggang (CN,
#: 3180 MW: category I, four zones reaching northern Vietnam).
SETUP = """
import datetime as dt
import django; django.setup()
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.preparedness.services import facility_upsert, source_register

user_upsert(username="trucban", password="mat-khau-dai-123", role=Role.NATIONAL_DUTY)
facility_upsert(code="hn-hospital", name="Bệnh viện Thử nghiệm Hà Nội",
                kind="nuclear_medicine", lat=21.0006, lon=105.8408)
source_register(serial="CS137-0021", nuclide="Cs-137", activity="370 MBq",
                reference_date=dt.date(2015, 3, 1), facility_code="hn-hospital")
facility_upsert(code="cn-fangchenggang", name="Nhà máy điện hạt nhân Phòng Thành Cảng",
                kind="power_reactor", foreign=True, country="CN", lat=21.67083,
                lon=108.55833, thermal_power_mw=3180)
"""


@pytest.fixture
def site(processes, ungpho_env):
    subprocess.run([sys.executable, "-c", SETUP], cwd=REPO, capture_output=True, text=True,
                   check=True, env={**ungpho_env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"})
    return processes.web()


@pytest.fixture
def page(browser_path, site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        page.goto(f"{site}/duty/")
        page.fill("input[name=username]", "trucban")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{site}/duty/")
        yield page
        browser.close()


def _stayed_local(page):
    hosts = {urlsplit(url).hostname for url in page.requested if url.startswith("http")}
    assert hosts == {"127.0.0.1"}, f"the page reached outside the machine: {hosts}"


def test_a_facility_is_two_clicks_from_the_nav_and_its_map_draws_its_zones(
        page, site, tmp_path):
    page.click("header nav a[href='/facilities/']")
    page.wait_for_url(f"{site}/facilities/")
    page.click("tr[data-facility=cn-fangchenggang] a")
    page.wait_for_url(f"{site}/facilities/cn-fangchenggang/")
    page.wait_for_selector("#facility-map[data-ready=true]", timeout=20000)
    assert "Phòng Thành Cảng" in page.locator("h1").inner_text()
    assert page.locator("#facility-map path.zone").count() == 4  # PAZ, UPZ, EPD, ICPD
    for zone in ("PAZ", "UPZ", "EPD", "ICPD"):
        assert page.locator(f"#facility-map path.zone-{zone}").count() == 1
    assert page.locator("#facility-map .site").count() == 1
    assert "Thành phố Hà Nội" in page.locator("section.zone[data-zone=ICPD]").inner_text()
    assert "TT 12/2023/TT-BKHCN, Phụ lục I, Nhóm nguy cơ I" in page.locator(
        "#category").inner_text()
    page.screenshot(path=str(tmp_path / "facility.png"), full_page=True)
    _stayed_local(page)


def test_the_register_filters_from_the_keyboard(page, site):
    page.goto(f"{site}/facilities/")
    assert page.evaluate("document.activeElement.name") == "q"
    assert page.locator("tr[data-facility]").count() == 2
    page.keyboard.type("fangcheng")
    page.wait_for_function("() => document.querySelectorAll('tr[data-facility]').length === 1")
    assert page.locator("tr[data-facility=cn-fangchenggang]").count() == 1
    assert "q=fangcheng" in page.url  # the filter is in the address, to share or reload


def test_a_source_is_two_clicks_from_the_nav(page, site):
    page.click("header nav a[href='/sources/']")
    page.wait_for_url(f"{site}/sources/")
    assert "MBq" in page.locator("tr[data-source=CS137-0021] td.activity-now").inner_text()
    page.click("tr[data-source=CS137-0021] a[href$='#source-CS137-0021']")
    page.wait_for_url(f"{site}/facilities/hn-hospital/#source-CS137-0021")
    assert page.locator("tr#source-CS137-0021").is_visible()


def test_the_operations_map_toggles_the_facility_and_foreign_zone_layers(
        page, site, tmp_path):
    page.goto(f"{site}/map/")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    marks = page.locator("#map .facility-mark")
    assert marks.count() == 2
    assert page.locator("#map .facility-mark[data-facility=cn-fangchenggang]") \
        .get_attribute("data-category") == "I"
    assert page.locator(".layer-toggles .category-chip").count() == 6  # I–V and none
    assert page.locator("#map path.zone").count() == 0  # zones start hidden

    page.uncheck("#layer-facilities")
    assert marks.count() == 0
    page.check("#layer-facilities")
    assert marks.count() == 2
    page.check("#layer-foreign-zones")
    assert page.locator("#map path.zone").count() == 4
    page.screenshot(path=str(tmp_path / "map-zones.png"))
    page.uncheck("#layer-foreign-zones")
    assert page.locator("#map path.zone").count() == 0

    page.locator("#map .facility-mark[data-facility=hn-hospital]").click()
    page.click(".leaflet-popup-content a.facility-link")
    page.wait_for_url(f"{site}/facilities/hn-hospital/")
    _stayed_local(page)
