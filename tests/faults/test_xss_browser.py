"""The browser never renders data as HTML (issue 20, finding 6): ``facility_map.js`` gave a
facility's name and a source's serial to Leaflet tooltips as HTML, so a facility imported as
``<img src=x onerror=alert(1)>`` ran script in the browser of whoever opened its page. Now
every value our JavaScript puts into the page is text, and a Content-Security-Policy without
inline script would stop what slipped through. Real server, real Chromium."""

from __future__ import annotations

import subprocess
import sys
import urllib.request

import pytest

from tests.conftest import REPO
from tests.e2e.test_browser import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PASSWORD = "mat-khau-dai-123"
#: What an attacker names things: markup that runs script if it is ever parsed as HTML.
NAME = '<img src=x onerror="window.__xss=1;alert(1)">'
SERIAL = "<script>window.__xss=2</script>S1"
STATION = "<svg onload=alert(3)>Trạm"
#: A Hải Phòng radiography company (the hostile name) whose mobile source (the hostile
#: serial) has left its permitted area: its tracker opened a report, and the duty officer an
#: incident from it; a foreign plant with zones (the hostile name again) and a station.
SETUP = f"""
import datetime as dt
import django; django.setup()
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.lifecycle import incident_open
from ungpho.monitoring.services import station_upsert
from ungpho.preparedness.services import facility_upsert, source_register
from ungpho.preparedness.trackers import positions_ingest, tracker_enable

officer = user_upsert(username="trucban", password={PASSWORD!r}, role=Role.NATIONAL_DUTY)
facility_upsert(code="xss-ndt", name={NAME!r}, kind="industrial_radiography",
                lat=20.8449, lon=106.6881)
area = {{"type": "Polygon", "coordinates": [[[106.66, 20.80], [106.80, 20.80], [106.80, 20.88],
                                            [106.66, 20.88], [106.66, 20.80]]]}}
source = source_register(serial={SERIAL!r}, nuclide="Ir-192", activity="3.7 TBq",
                         reference_date=dt.date(2026, 10, 1), facility_code="xss-ndt",
                         mobile=True, permitted_area=area)
tracker_enable(source=source, interval_s=300)
now = dt.datetime.now(dt.UTC)
positions_ingest(source=source, via="http", body={{"positions": [
    {{"time": (now - dt.timedelta(minutes=5 * (2 - i))).isoformat(), "lat": lat, "lon": lon}}
    for i, (lat, lon) in enumerate([(20.84, 106.70), (20.86, 106.71), (20.95, 106.72)])]}})
incident = incident_open(report=IncidentReport.objects.get(source="tracker"), by=officer)
facility_upsert(code="xss-plant", name={NAME!r}, kind="power_reactor", foreign=True,
                country="CN", lat=21.67083, lon=108.55833, thermal_power_mw=3180)
station_upsert(code="XSS-01", name={STATION!r}, province_code="01", lat=21.03, lon=105.85)
print(incident.pk)
"""


@pytest.fixture
def site(processes, ungpho_env):
    done = subprocess.run([sys.executable, "-c", SETUP], cwd=REPO, capture_output=True,
                          text=True, check=True,
                          env={**ungpho_env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"})
    base = processes.web()
    base_incident = f"{base}/incidents/{done.stdout.split()[-1]}/"
    return base, base_incident


@pytest.fixture
def page(browser_path, site):
    """A signed-in duty officer's page that keeps every dialog and every CSP violation."""
    from playwright.sync_api import sync_playwright

    base, _ = site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.dialogs, page.violations = [], []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: "Content Security Policy" in message.text
                and page.violations.append(message.text))
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", "trucban")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/duty/")
        yield page
        browser.close()


def _nothing_ran(page):
    page.wait_for_load_state("networkidle")  # an injected <img src=x> has failed by now
    assert page.dialogs == [], f"script from the data ran: {page.dialogs}"
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src=x], svg[onload], .leaflet-pane script").count() == 0


def _tooltip_of(page, selector: str) -> str:
    """The text of the tooltip a layer opens on mouseover (dispatched to its element: the
    middle of a line's box is not on the line)."""
    page.dispatch_event(selector, "mouseover")
    tooltip = page.locator(".leaflet-tooltip-pane .leaflet-tooltip").last
    tooltip.wait_for()
    text = tooltip.inner_text()
    page.dispatch_event(selector, "mouseout")
    return text


def test_hostile_names_show_as_text_in_every_map_tooltip_and_popup(page, site):
    base, incident = site
    page.goto(f"{base}/facilities/xss-ndt/")
    page.wait_for_selector("#facility-map[data-ready=true]", timeout=20000)
    assert page.locator("h1").inner_text().startswith(NAME)  # the server escapes, as before
    site_tip = _tooltip_of(page, "#facility-map .site")
    area_tip = _tooltip_of(page, "#facility-map path.permitted-area")
    _nothing_ran(page)
    assert (site_tip, area_tip) == (NAME, SERIAL)

    page.goto(f"{base}/map/")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    page.click("#map .facility-mark[data-facility=xss-ndt]")
    popup = page.locator(".leaflet-popup-content").last
    assert popup.inner_text().splitlines()[0].startswith(NAME)
    page.click(".leaflet-popup-close-button")
    page.click("#map path[data-station=XSS-01]", force=True)
    assert popup.inner_text().splitlines()[0].startswith(STATION)
    page.click(".leaflet-popup-close-button")
    page.check("#layer-foreign-zones")
    assert _tooltip_of(page, "#map path.zone-PAZ").startswith("xss-plant · PAZ")
    _nothing_ran(page)

    page.goto(incident)
    page.wait_for_selector("#incident-map[data-ready=true]", timeout=20000)
    assert _tooltip_of(page, "#incident-map path.track").endswith(SERIAL)
    assert _tooltip_of(page, "#incident-map path.track-end").startswith(SERIAL)
    _nothing_ran(page)


def test_pages_carry_a_content_security_policy_and_work_under_it(page, site):
    base, incident = site
    for path in ("/duty/", "/map/", "/facilities/xss-ndt/", "/public/", "/api/docs",
                 "/accounts/login/", "/api/v1/geo/provinces"):
        with urllib.request.urlopen(f"{base}{path}", timeout=30) as answer:
            policy = answer.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy, (path, policy)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (path, policy)

    page.goto(f"{base}/duty/")
    page.wait_for_function("() => window.htmx")
    with page.expect_response(f"{base}/duty/reports"):  # the desk's poll, now: a swap
        page.evaluate("htmx.ajax('GET', '/duty/reports', '#reports')")
    page.goto(f"{base}/map/")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    page.goto(f"{base}/facilities/xss-ndt/")
    page.wait_for_selector("#facility-map[data-ready=true]", timeout=20000)
    page.goto(incident)
    page.wait_for_selector("#incident-map[data-ready=true]", timeout=20000)
    page.goto(f"{incident}log")
    page.goto(f"{base}/stations/XSS-01/")
    # The state's colour comes from data-swatch through the CSSOM, not a style attribute.
    assert page.locator(".state-chip").evaluate("e => e.style.backgroundColor") != ""
    page.goto(f"{base}/public/")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    page.goto(f"{base}/api/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20000)  # Swagger UI, offline
    assert page.violations == [], page.violations
    _nothing_ran(page)
