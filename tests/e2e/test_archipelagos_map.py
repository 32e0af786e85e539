"""Hoàng Sa and Trường Sa on the operations (national) map and the public map, in a real
browser (Debian's Chromium driven by Playwright) against a real server, at 1280 and 390 px:
both archipelagos are in the first view with their names, in Vietnamese and in English."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PASSWORD = "mat-khau-dai-123"
SETUP = """
import django; django.setup()
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
user_upsert(username="trucban", password="mat-khau-dai-123", role=Role.NATIONAL_DUTY)
"""
NAMES = {"vi": ["Quần đảo Hoàng Sa\n(Việt Nam)", "Quần đảo Trường Sa\n(Việt Nam)"],
         "en": ["Hoang Sa (Paracel) Islands\n(Viet Nam)",
                "Truong Sa (Spratly) Islands\n(Viet Nam)"]}


@pytest.fixture
def site(processes, ungpho_env):
    subprocess.run([sys.executable, "-c", SETUP], cwd=REPO, check=True, capture_output=True,
                   env={**ungpho_env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"})
    return processes.web()


def _labels_inside_the_map(page) -> list[str]:
    """The archipelagos' names, each checked to lie whole inside the map's first view."""
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    box = page.locator("#map").bounding_box()
    labels = page.locator(".archipelago-label > span")
    for i in range(labels.count()):
        label = labels.nth(i).bounding_box()
        assert box["x"] <= label["x"] and label["x"] + label["width"] <= box["x"] + box["width"]
        assert box["y"] <= label["y"] and label["y"] + label["height"] <= box["y"] + box["height"]
    return labels.all_inner_texts()


def test_both_archipelagos_are_named_in_the_first_view_of_the_national_and_public_maps(
        browser, site, tmp_path):
    for lang, width in [("vi", 1280), ("vi", 390), ("en", 1280), ("en", 390)]:
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_cookies([{"name": "django_language", "value": lang, "url": site}])
        page = context.new_page()
        page.goto(f"{site}/public/")
        assert _labels_inside_the_map(page) == NAMES[lang], (lang, width)
        page.locator("#map").screenshot(path=str(tmp_path / f"public-map-{lang}-{width}.png"))

        page.goto(f"{site}/map/")
        page.fill("input[name=username]", "trucban")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        assert _labels_inside_the_map(page) == NAMES[lang], (lang, width)
        assert page.evaluate("window.ungphoProvinceCount") == 34
        page.locator("#map").screenshot(path=str(tmp_path / f"national-map-{lang}-{width}.png"))
        context.close()
