"""Dead letters and failing worker steps are the administrator's to see and act on: the admin
pages (read-only, a retry action, the payload as text — it is whatever an outsider sent) and
``ungpho check`` (issue 20: "Dead letters are listed for the administrator … show in `ungpho
check`"; failing steps reported as failed)."""

from __future__ import annotations

import os

import pytest

from tests.conftest import ungpho
from tests.e2e.test_browser import CHROMIUM_ARGS
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.faults.models import DeadLetter
from ungpho.faults.services import deadletter_keep
from ungpho.monitoring.doors.files import files_ingest
from ungpho.monitoring.models import Reading
from ungpho.monitoring.services import station_upsert

HOSTILE = (b"<script>alert('payload')</script><img src=x onerror=alert(2)>\n"
           b"\x1b]0;pwned\x07\xff GammaDR\t0.1\tuSv/h\t20261121100500\t00\n")


@pytest.fixture
def administrator(db):
    return user_upsert(username="quantri", password="mat-khau-dai-123", email="qt@x.vn",
                       role=Role.ADMINISTRATOR)


@pytest.mark.django_db
def test_a_failing_worker_step_fails_the_check_with_since_when_and_its_error(
        capsys, settings, tmp_path):
    from ungpho.cli import main
    from ungpho.worker import worker_tick

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path  # no SMTP server to check: only the step can fail

    def broken(worker):
        raise OSError("[Errno 5] Input/output error: '/srv/ftp'")

    worker_tick(worker="host:1:abc", steps=(("files_ingested", broken),))
    worker_tick(worker="host:1:abc", steps=(("files_ingested", broken),))
    deadletter_keep(door="file", source="/srv/ftp/x.txt", payload=b"x",
                    reason="cannot be read: <b>\x1b[2J</b>")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "[LỖI/FAIL] worker step files_ingested: failing since " in out
    assert "(2 passes in a row, worker host:1:abc): OSError: [Errno 5]" in out
    assert "[OK] dead letters: 1 open; newest #" in out
    assert "cannot be read: <b>\\x1b[2J</b>" in out and "ungpho deadletters" in out

    worker_tick(worker="host:1:abc", steps=(("files_ingested", lambda worker: 0),))
    assert main(["check"]) == 0
    assert "[OK] worker steps: none failing" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_admin_retry_action_takes_in_a_fixed_letter_and_reports_a_still_dead_one(
        client, administrator, tmp_path):
    station_upsert(code="KHI01", name="Trạm không khí", province_code="01", lat=21.0486,
                   lon=105.8786, type="ambient_air", file_prefix="HN_CEM_KHI01")
    target = tmp_path / "uploading.txt"
    os.symlink(target, tmp_path / "HN_CEM_KHI01_20261121100500.txt")
    os.mkfifo(tmp_path / "HN_CEM_KHI01_20261121101000.txt")
    files_ingest([tmp_path])
    link, fifo = DeadLetter.objects.order_by("source")
    target.write_text("PM10\t10.5\tµg/Nm3\t20261121100500\t00\n", encoding="utf-8")
    client.force_login(administrator)
    page = client.post("/admin/faults/deadletter/", {
        "action": "retry", "_selected_action": [link.pk, fifo.pk]}, follow=True)
    text = page.content.decode()
    assert "Đã nhập 1 thư lỗi." in text
    assert f"Thư #{fifo.pk} vẫn lỗi: not a regular file but a FIFO" in text
    assert Reading.objects.count() == 1
    link.refresh_from_db()
    fifo.refresh_from_db()
    assert link.resolved_at is not None and link.resolution.startswith("1 stored")
    assert fifo.resolved_at is None and fifo.attempts == 1


@pytest.mark.django_db
def test_the_admin_pages_are_read_only(client, administrator):
    letter = deadletter_keep(door="mqtt", source="ungpho/X/readings", payload=b"[",
                             reason="not valid JSON")
    client.force_login(administrator)
    assert client.get("/admin/faults/deadletter/add/").status_code == 403
    page = client.get(f"/admin/faults/deadletter/{letter.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(f"/admin/faults/deadletter/{letter.pk}/delete/").status_code == 403
    assert client.get("/admin/faults/stephealth/").status_code == 200


@pytest.mark.browser
@pytest.mark.e2e
def test_a_dead_letter_with_markup_is_shown_as_text_in_the_admin(processes, ungpho_env,
                                                                browser_path, tmp_path):
    from playwright.sync_api import sync_playwright

    ungpho("demo", env=ungpho_env)  # the administrator quantri, the stations
    base = processes.web()
    folder = tmp_path / "in"
    folder.mkdir()
    name = b"QN_BQP_<img src=x onerror=alert(1)>_\xff.txt"  # not UTF-8: a dead letter
    with open(os.path.join(os.fsencode(folder), name), "wb") as out:
        out.write(HOSTILE)
    assert ungpho("ingest", str(folder), env=ungpho_env, check=False).returncode == 4
    dialogs, requested = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        for width in (1280, 390):
            page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"{base}/admin/login/?next=/admin/faults/deadletter/")
            page.fill("input[name=username]", "quantri")
            page.fill("input[name=password]", "ungpho-demo-2026")
            page.click("input[type=submit]")
            page.wait_for_selector("#result_list")
            assert "Chọn thư lỗi để xem" in page.content()
            row = page.locator("#result_list tbody tr").first
            assert "<img src=x onerror=alert(1)>_\\udcff.txt" in row.inner_text()
            assert "the file name is not UTF-8" in row.inner_text()
            page.screenshot(path=str(tmp_path / f"deadletters-{width}.png"), full_page=True)
            row.locator("a").first.click()
            payload = page.locator("pre.deadletter-payload")
            assert "<script>alert('payload')</script><img src=x onerror=alert(2)>" in \
                payload.inner_text()
            assert "\\x1b]0;pwned\\x07\\xff GammaDR" in payload.inner_text()
            assert payload.locator("script, img").count() == 0
            assert "Cửa nhận" in page.content() and "Nội dung" in page.content()
            page.screenshot(path=str(tmp_path / f"deadletter-{width}.png"), full_page=True)
            assert dialogs == [] and all(url.startswith(base) for url in requested)
        browser.close()
