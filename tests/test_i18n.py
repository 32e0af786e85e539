import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

LOCALE = Path(__file__).resolve().parents[1] / "src" / "ungpho" / "locale"


@pytest.mark.parametrize("english, vietnamese", [
    ("Duty desk", "Bàn trực ban"),
    ("Operations map", "Bản đồ tác nghiệp"),
    ("National duty officer", "Trực ban quốc gia"),
    ("%(parameter)s above limit at station %(station)s",
     "%(parameter)s vượt ngưỡng tại trạm %(station)s"),
])
def test_vietnamese_is_the_default_and_english_is_available(english, vietnamese):
    assert _(english) == vietnamese  # LANGUAGE_CODE = "vi"
    with translation.override("en"):
        assert _(english) == english


def test_every_vietnamese_message_is_translated_and_compiled():
    po = (LOCALE / "vi" / "LC_MESSAGES" / "django.po").read_text()
    untranslated = re.findall(r'^msgid "(.+)"\nmsgstr ""\n\n', po, flags=re.M)
    assert untranslated == []
    with open(LOCALE / "vi" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    msgids = set(re.findall(r'^msgid "(.+)"$', po, flags=re.M))
    compiled = {k if isinstance(k, str) else k[0] for k in catalog}
    assert msgids - compiled == set(), "run: make messages (the .mo is out of date)"
