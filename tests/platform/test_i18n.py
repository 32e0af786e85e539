import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

LOCALE = Path(__file__).resolve().parents[2] / "src" / "ungpho" / "locale"


@pytest.mark.parametrize("english, vietnamese", [
    ("Duty desk", "Bàn trực ban"),
    ("Operations map", "Bản đồ tác nghiệp"),
    ("National duty officer", "Trực ban quốc gia"),
    ("%(parameter)s above limit at %(station)s", "%(parameter)s vượt ngưỡng tại %(station)s"),
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
    msgids = {m.replace('\\"', '"') for m in re.findall(r'^msgid "(.+)"$', po, flags=re.M)}
    # A key is "context\x04msgid" for a message with a context (pgettext).
    compiled = {(k if isinstance(k, str) else k[0]).split("\x04")[-1] for k in catalog}
    assert msgids - compiled == set(), "run: make messages (the .mo is out of date)"


def _po_entries(path: Path) -> list[dict]:
    """The entries of a .po file as {"flags", "msgid", "msgstr"} (msgstr[n] joined), with
    multi-line strings joined and obsolete (``#~``) entries skipped; the header is kept."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line or line.startswith("#~"):
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": []}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line):
            key = match.group(1)
            if key.startswith("msgstr"):
                entry["msgstr"].append(match.group(2))
            else:
                entry[key] = match.group(2)
        else:
            continuation = re.match(r'^"(.*)"$', line).group(1)
            if key.startswith("msgstr"):
                entry["msgstr"][-1] += continuation
            else:
                entry[key] += continuation
    return entries


def test_no_vietnamese_msgid_has_an_empty_or_fuzzy_msgstr():
    entries = [e for e in _po_entries(LOCALE / "vi" / "LC_MESSAGES" / "django.po") if e["msgid"]]
    assert len(entries) > 100  # the parser read the catalogue
    empty = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert empty == [], "translate these in locale/vi (then: make messages)"
    assert fuzzy == [], "check these in locale/vi and remove '#, fuzzy' (then: make messages)"
