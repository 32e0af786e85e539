"""The duty desk and the map in a real browser (Debian's Chromium driven by Playwright)."""

import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import ungpho

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def site(processes, ungpho_env):
    ungpho("demo", env=ungpho_env)
    return processes.web()


@pytest.fixture
def page(browser_path, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


def _sign_in(page, site, username):
    page.goto(f"{site}/duty/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "ungpho-demo-2026")
    page.click("button[type=submit]")


def test_the_duty_officer_sees_the_demo_report_in_vietnamese_then_english(page, site, tmp_path):
    _sign_in(page, site, "trucban")
    assert page.locator("h1").inner_text() == "Bàn trực ban"
    rows = page.locator("tr[data-report]")
    assert rows.count() == 2  # the Hải Hà exceedance and the Ir-192 camera out of its area
    desk = rows.all_inner_texts()
    assert any("vượt ngưỡng tại Trạm quan trắc phóng xạ Hải Hà" in row for row in desk)
    assert any("Nguồn di động Ir-192 DEMO-IR192-0417" in row for row in desk)
    page.click("button[name=language][value=en]")
    assert page.locator("h1").inner_text() == "Duty desk"
    assert any("above limit at Trạm" in row
               for row in page.locator("tr[data-report]").all_inner_texts())
    page.screenshot(path=str(tmp_path / "duty-desk.png"))


def test_a_provincial_board_does_not_see_another_provinces_report(page, site):
    _sign_in(page, site, "bch.hanoi")
    assert page.locator("tr[data-report]").count() == 0
    assert "Không có báo cáo nào đang mở" in page.content()


def test_the_map_shows_34_centres_the_stations_and_the_report_from_local_assets(
        page, site, tmp_path):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    _sign_in(page, site, "trucban")
    page.goto(f"{site}/map/")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    page.wait_for_function("() => window.ungphoProvinceCount === 34", timeout=20000)
    page.wait_for_selector("path.leaflet-interactive", timeout=20000)
    from ungpho.cli.demo.load import ENVIRONMENT_STATIONS, STATIONS

    assert page.locator("path.station").count() == len(STATIONS) + len(ENVIRONMENT_STATIONS)
    assert page.locator("path.report").count() == 2
    assert page.locator("path.centre").count() == 34
    page.locator("path.report").first.click(force=True)
    assert re.search(r"SC-\d{4}-\d{5}", page.locator(".leaflet-popup-content").inner_text())
    page.screenshot(path=str(tmp_path / "map.png"))
    hosts = {urlsplit(url).hostname for url in requested if url.startswith("http")}
    assert hosts == {"127.0.0.1"}, f"the page reached outside the machine: {hosts}"


def test_the_duty_desk_counts_down_the_demo_incidents_next_deadline(page, site):
    _sign_in(page, site, "trucban")
    countdown = page.locator("tr[data-incident] time[data-due]").first
    first = countdown.inner_text()
    page.wait_for_timeout(2100)
    assert countdown.inner_text() != first
    assert re.match(r"(còn|trễ) \d", countdown.inner_text())


def test_open_incident_on_a_desk_row_opens_the_incident_page_for_that_report(page, site):
    _sign_in(page, site, "trucban")
    row = page.locator("tr[data-report]").filter(has_text="Hải Hà")
    code = row.get_attribute("data-report")
    row.get_by_role("button", name="Mở sự cố").click()
    page.wait_for_url(re.compile(r"/incidents/\d+/$"))
    assert code in page.locator("body").inner_text()
    assert "Chưa phân loại" in page.locator("#classification").inner_text()


def test_the_incident_map_draws_the_incident_the_track_and_the_message_area_from_local_assets(
        page, site, tmp_path):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    _sign_in(page, site, "trucban")
    page.locator("tr[data-incident$=\"-00001\"] a").click()
    page.wait_for_url(re.compile(r"/incidents/\d+/$"))
    page.wait_for_selector("#incident-map[data-ready=true]", timeout=20000)
    assert re.match(r"UP-\d{4}-00001", page.locator(".incident-label").inner_text())
    assert page.locator("#incident-map path.incident").count() == 1
    assert page.locator("#incident-map path.message-area").count() >= 1
    assert page.locator("#incident-map path.track").count() == 1
    assert page.locator("#incident-map path.report").count() >= 1
    assert page.locator("#incident-map-zones-key").is_hidden()  # a radiography firm: no zones
    page.locator("#map-card").screenshot(path=str(tmp_path / "incident-map.png"))
    hosts = {urlsplit(url).hostname for url in requested if url.startswith("http")}
    assert hosts == {"127.0.0.1"}, f"the page reached outside the machine: {hosts}"
