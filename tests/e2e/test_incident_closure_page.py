"""The commander ends a response in a real browser (Debian's Chromium driven by Playwright)
against a real server: writes the final report, checks the criteria, closes, downloads."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.e2e.test_browser import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PASSWORD = "mat-khau-dai-123"  # as in SETUP

SETUP = """
import datetime as dt
import django; django.setup()
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.incidents.models import IncidentReport
from ungpho.incidents.lifecycle import incident_open
from ungpho.incidents.response.roles import role_appoint

duty = user_upsert(username="trucban", password="mat-khau-dai-123", role=Role.NATIONAL_DUTY)
chief = user_upsert(username="chihuy", password="mat-khau-dai-123", full_name="Trần Thị Lan",
                    role=Role.PROVINCIAL_COMMAND, province_code="01")
at = dt.datetime.now(dt.UTC)
report = IncidentReport.objects.create(source="call", province_id="01", lat=21.0, lon=105.8,
                                       first_information_at=at, opened_at=at, updated_at=at)
incident = incident_open(report=report, by=duty)
role_appoint(incident=incident, role="commander", user=chief, by=duty)
print(incident.pk)
"""


@pytest.fixture
def site(processes, ungpho_env):
    done = subprocess.run([sys.executable, "-c", SETUP], cwd=REPO, capture_output=True,
                          text=True, check=True,
                          env={**ungpho_env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"})
    return processes.web(), int(done.stdout.split()[-1])


def test_the_commander_writes_the_report_checks_the_criteria_and_closes(
        browser_path, site, tmp_path):
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    base, pk = site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900},
                                   accept_downloads=True).new_page()
        page.goto(f"{base}/incidents/{pk}/")
        page.fill("input[name=username]", "chihuy")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        card = page.locator("#closure")
        for name, text in [("recipients", "Bộ Khoa học và Công nghệ"),
                           ("countermeasures", "Thu hồi nguồn vào container chì"),
                           ("consequences_people", "Không có"),
                           ("consequences_environment", "Không nhiễm bẩn"),
                           ("dose_assessment", "Liều cao nhất 0,4 mSv"),
                           ("conclusions", "Tăng cường kiểm soát nguồn")]:
            card.locator(f"textarea[name={name}]").fill(text)
        card.locator("form[action$='final-report'] button").click()
        page.wait_for_url(f"**/incidents/{pk}/#closure")
        card.locator("input[name=potential_dose_msv_per_year]").fill("12")
        card.locator("input[name=remediation_applied][value=yes]").check()
        card.locator("textarea[name=dose_basis]").fill("Đo suất liều tại hiện trường")
        card.locator("textarea[name=reason]").fill("Đã thu hồi nguồn")
        card.locator("button[value=check]").click()
        assert page.locator("[data-verdict=not-met]").is_visible()
        page.locator("input[name=potential_dose_msv_per_year]").fill("0.3")
        page.locator("button[value=close]").click()
        page.wait_for_url(f"**/incidents/{pk}/#closure")
        assert page.locator("[data-closure]").is_visible()
        assert page.locator("textarea[name=conclusions]").count() == 0
        page.screenshot(path=str(tmp_path / "closed.png"), full_page=True)
        with page.expect_download() as download:
            page.click("a[data-download=pdf]")
        content = download.value.path().read_bytes()
        browser.close()
    text = " ".join(" ".join(pg.extract_text() for pg in PdfReader(io.BytesIO(content)).pages)
                    .split())
    assert "BÁO CÁO KẾT THÚC SỰ CỐ" in text and "Trần Thị Lan" in text
    assert "DỰ THẢO" not in text and "Tăng cường kiểm soát nguồn" in text
