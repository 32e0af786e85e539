"""A call taken on the duty desk with the keyboard only, in a real browser (Debian's Chromium
driven by Playwright): Alt+N opens the form, Ctrl+Enter submits it, the missing fields are
named, and the saved report shows its preliminary classification."""

import pytest

from tests.e2e.test_browser import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture
def page(browser_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


def _focused(page) -> str:
    return page.evaluate("document.activeElement.name || document.activeElement.id")


def test_a_call_is_taken_with_the_keyboard_only_and_submitted_with_ctrl_enter(
        page, processes, station_token):
    site = processes.web()
    page.goto(f"{site}/duty/")
    page.fill("input[name=username]", "trucban")
    page.fill("input[name=password]", "mat-khau-dai-123")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/duty/")
    page.keyboard.press("Alt+N")
    page.wait_for_url(f"{site}/duty/reports/new")
    assert _focused(page) == "caller_name"  # autofocus on the first field

    page.keyboard.press("Control+Enter")  # nothing typed yet: the mandatory fields are named
    page.wait_for_selector("#error-summary")
    summary = page.locator("#error-summary").inner_text()
    for label in ("Tên người gọi", "Vị trí xảy ra sự cố", "Mô tả sự cố"):
        assert label in summary
    assert _focused(page) == "caller_name"

    keys = page.keyboard
    keys.type("Lê Văn Dũng")
    keys.press("Tab")  # caller category: the first option, "Người dân"
    keys.press("ArrowDown")
    keys.press("Tab")
    keys.type("Phường Hoàn Kiếm")
    keys.press("Tab")
    keys.type("0912 345 678")
    keys.press("Tab")
    assert _focused(page) == "call_time"  # prefilled with the time now; kept
    keys.press("Tab")
    keys.type("Ngã tư Hàng Bài, trước cửa hàng phế liệu")
    keys.press("Tab")
    keys.type("Người dân thấy thiết bị có biển cảnh báo phóng xạ bị bỏ lại")
    keys.press("Tab")  # public affected: yes
    keys.press("ArrowDown")
    for _ in range(3):  # help requested, help details, advice given
        keys.press("Tab")
    keys.press("Tab")  # call verified: no
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    keys.press("Tab")  # copies to: command board
    keys.press("Space")
    keys.press("Tab")
    keys.press("Tab")  # copies to: DOST
    keys.press("Space")
    keys.press("Tab")
    assert _focused(page) == "receiver_signature"
    keys.press("Tab")
    assert _focused(page) == "province"
    keys.press("ArrowDown")  # 01 Hà Nội
    keys.press("Control+Enter")

    page.wait_for_url(f"{site}/duty/reports/*/")
    assert page.locator("h1").inner_text().startswith("SC-")
    answers = page.locator("#answers").inner_text()
    assert "Lê Văn Dũng" in answers and "0912 345 678" in answers
    assert "Ban chỉ huy, Sở KHCN" in answers and "Người dân" in answers
    suggestion = page.locator("#suggestion").inner_text()
    assert "Ứng phó cấp tỉnh" in suggestion  # the public is affected: beyond the site
    assert "TT 12/2023/TT-BKHCN, Điều 1.1.a, Điều 5.5" in suggestion  # with its citation
    page.goto(f"{site}/duty/")
    assert "Ngã tư Hàng Bài" in page.locator("tr[data-report]").first.inner_text()
