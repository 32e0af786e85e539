"""What every page is delivered with: gzip when the browser asks (except for a page another
site made it ask for: BREACH), the Be Vietnam Pro font from the project's own static files,
API docs whose assets are all local, and a favicon."""

import gzip
import re

import pytest

pytestmark = pytest.mark.django_db

FONT = "/static/vendor/be-vietnam-pro/"


def _body(answer) -> bytes:
    return b"".join(answer.streaming_content) if answer.streaming else answer.content


def test_a_page_is_gzip_compressed_when_the_browser_asks_from_the_site(client, duty_officer):
    client.force_login(duty_officer)
    answer = client.get("/duty/", HTTP_ACCEPT_ENCODING="gzip, br",
                        HTTP_SEC_FETCH_SITE="same-origin")
    assert answer["Content-Encoding"] == "gzip"
    assert "Bàn trực ban" in gzip.decompress(_body(answer)).decode()
    assert "Accept-Encoding" in answer["Vary"] and "Sec-Fetch-Site" in answer["Vary"]
    plain = client.get("/duty/", HTTP_SEC_FETCH_SITE="same-origin")
    assert not plain.has_header("Content-Encoding") and "Bàn trực ban" in plain.content.decode()


def test_a_page_another_site_made_the_browser_ask_for_is_not_compressed(client, duty_officer):
    client.force_login(duty_officer)
    for site in ("cross-site", "same-site"):
        answer = client.get("/inbox/", HTTP_ACCEPT_ENCODING="gzip", HTTP_SEC_FETCH_SITE=site)
        assert not answer.has_header("Content-Encoding"), site
        assert "Sec-Fetch-Site" in answer["Vary"]


def test_static_text_is_compressed_whoever_asks_and_fonts_are_left_as_they_are(client):
    css = client.get("/static/ungpho/ungpho.css", HTTP_ACCEPT_ENCODING="gzip",
                     HTTP_SEC_FETCH_SITE="cross-site")
    assert css["Content-Encoding"] == "gzip"
    assert b"Be Vietnam Pro" in gzip.decompress(_body(css))
    woff2 = client.get(f"{FONT}files/be-vietnam-pro-vietnamese-400-normal.woff2",
                       HTTP_ACCEPT_ENCODING="gzip")
    assert woff2.status_code == 200 and not woff2.has_header("Content-Encoding")
    assert _body(woff2)[:4] == b"wOF2"


def test_every_page_links_the_vietnamese_font_and_every_face_it_names_is_served(client):
    page = client.get("/accounts/login/").content.decode()
    assert f'href="{FONT}fonts.css"' in page
    css = _body(client.get(f"{FONT}fonts.css")).decode()
    files = re.findall(r"url\(\./(files/[^)]+)\)", css)
    assert any("vietnamese-400" in f for f in files) and "http" not in css
    # The Vietnamese subset covers the letters with stacked accents (ệ U+1EC7, ở U+1EDF).
    assert re.search(r"vietnamese-400-normal\.woff2\) format\('woff2'\);\s*"
                     r"unicode-range: [^;]*U\+1EA0-1EF9", css)
    for name in files:
        assert client.get(f"{FONT}{name}").status_code == 200, name
    licence = _body(client.get(f"{FONT}LICENSE")).decode()
    assert "SIL Open Font License" in licence


def test_the_api_docs_load_every_asset_from_this_site(client):
    page = client.get("/api/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset


def test_the_favicon_is_served(client):
    answer = client.get("/favicon.ico", follow=True)
    assert answer.status_code == 200 and b"<svg" in _body(answer)
