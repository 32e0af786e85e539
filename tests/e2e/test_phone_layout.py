"""The pages an officer opens from a phone — incident page, duty desk, inbox, acknowledgement
page — fit a 390 px screen without scrolling sideways, the sign-out button whole; on a
desktop the incident page's first screen is its status strip; every text is set in Be
Vietnam Pro, served by the site. Debian's Chromium driven by Playwright against a real
server."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.e2e.test_browser import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PASSWORD = "mat-khau-dai-123"  # as in SETUP

SETUP = """
import datetime as dt, json
import django; django.setup()
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.alerts.models import Notification
from ungpho.alerts.services import notification_enqueue
from ungpho.core.rules.loader import RULES_DIR
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.response.packages import package_apply, packages_suggest
from ungpho.incidents.lifecycle import incident_classify, incident_open
from ungpho.incidents.response.roles import role_appoint
from ungpho.incidents.response.sitreps import sitrep_issue
from ungpho.incidents.response.tasks import task_create

duty = user_upsert(username="trucban", password="mat-khau-dai-123", role=Role.NATIONAL_DUTY,
                   full_name="Nguyễn Văn An (Trực ban Trung tâm Ứng phó sự cố)",
                   email="trucban@naccet.example")
chief = user_upsert(username="chihuy", password="mat-khau-dai-123", full_name="Trần Thị Lan",
                    role=Role.PROVINCIAL_COMMAND, province_code="01")
now = dt.datetime.now(dt.UTC)
at = now - dt.timedelta(minutes=3)
report = IncidentReport.objects.create(source="call", province_id="01", lat=21.0, lon=105.8,
                                       first_information_at=at, opened_at=at, updated_at=at)
incident = incident_open(report=report, by=duty)
facts = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text())
incident_classify(incident=incident, facts=facts, by=duty)
role_appoint(incident=incident, role="commander", user=chief, by=duty)
package_apply(incident=incident, package=packages_suggest(incident)[0][0], by=chief)
task_create(incident=incident, by=duty, due_at=now - dt.timedelta(minutes=4),
            title="Báo cáo nhanh Sở Khoa học và Công nghệ thành phố Hà Nội về nguồn Ir-192")
sitrep_issue(incident=incident, by=chief, situation="Đội ứng phó bức xạ đang dò tìm nguồn "
             "Ir-192 theo vị trí cuối của thiết bị định vị; chưa phát hiện nhiễm bẩn. " * 3)
link = "https://ungpho.example/ack/" + "x" * 80
notification_enqueue(recipient="trucban", channel="inapp", user=duty, incident=incident,
                     ack_required=True, status="sent", sent_at=now, now=now,
                     dedupe_key="phone-layout",
                     subject=f"[ungpho] {incident.code}: Nguồn Ir-192 bị mất — cấp báo động 2",
                     body="Sự cố bức xạ: nguồn phóng xạ Ir-192 bị mất tại Hà Nội. Thông tin "
                          "đầu tiên: " + at.isoformat() + ". Xác nhận: " + link + "\\n" * 2
                          + "Ứng phó cấp tỉnh; liên hệ Ban chỉ huy. " * 6)
print(incident.pk, Notification.objects.get(dedupe_key="phone-layout").ack_token)
"""

#: Whether a text is wider than its page, and whether the sign-out button is whole on screen.
MEASURE = """() => {
  const out = document.querySelector('.topbar form[action$="/logout/"] button')
                      .getBoundingClientRect();
  return {width: document.documentElement.scrollWidth,
          signOut: out.left >= 0 && out.right <= window.innerWidth && out.top >= 0
                   && out.width > 0 && out.height > 0};
}"""
#: Whether Be Vietnam Pro is the font in use and its Vietnamese face was fetched.
FONT = """() => getComputedStyle(document.body).fontFamily.startsWith('"Be Vietnam Pro"')
  && [...document.fonts].some(f => f.family.includes('Be Vietnam Pro')
                                    && f.status === 'loaded'
                                    && f.unicodeRange.includes('1EA0-1EF9'))"""


@pytest.fixture
def site(processes, ungpho_env):
    done = subprocess.run([sys.executable, "-c", SETUP], cwd=REPO, capture_output=True,
                          text=True, check=True,
                          env={**ungpho_env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"})
    pk, token = done.stdout.split()[-2:]
    return processes.web(), int(pk), token


def _signed_in(browser, base, width, height):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "trucban")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/duty/")
    return page


def test_the_officers_pages_fit_a_390_px_phone_and_the_incident_opens_on_its_status(
        browser_path, site, tmp_path):
    from playwright.sync_api import sync_playwright

    base, pk, token = site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        phone = _signed_in(browser, base, 390, 844)
        for name, path in [("incident", f"/incidents/{pk}/"), ("desk", "/duty/"),
                           ("inbox", "/inbox/"), ("ack", f"/ack/{token}")]:
            phone.goto(f"{base}{path}")
            phone.wait_for_load_state("load")
            phone.evaluate("document.fonts.ready")
            measured = phone.evaluate(MEASURE)
            phone.screenshot(path=str(tmp_path / f"{name}-390.png"), full_page=True)
            assert measured["width"] <= 390, (name, measured)
            assert measured["signOut"], name
            assert phone.evaluate(FONT), name
        desktop = _signed_in(browser, base, 1280, 900)
        desktop.goto(f"{base}/incidents/{pk}/")
        strip = desktop.locator("#status").bounding_box()
        assert strip["y"] < 900 * 0.6 and strip["height"] > 0
        assert desktop.locator("#status [data-strip=tasks] li.error").count() == 1
        assert desktop.locator("#status [data-strip=deadlines] time[data-due]").count() >= 1
        desktop.screenshot(path=str(tmp_path / "incident-1280.png"))
        desktop.click(".page-menu a[href='#log']")
        assert desktop.locator("#log").bounding_box()["y"] < 900
        browser.close()
