"""A report as plain data, for the renderers (``report_pdf``, ``report_docx``): a heading
and a list of sections, each with a Vietnamese title (and its English rendering, printed
smaller) and blocks of paragraphs and tables. Built by the Django side from an incident's
record (``ungpho.incidents.closure.final_report``); rendering needs nothing else.

The heading follows the layout of Vietnamese administrative documents (Nghị định
30/2020/NĐ-CP, Phụ lục I): the issuing body and number at the left, the national motto at
the right, place and date, then the title.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from ungpho.core.rules.decision import Text

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
DRAFT = Text("DỰ THẢO", "DRAFT")
EXERCISE = Text("DIỄN TẬP", "EXERCISE")


def nfc(text: str) -> str:
    """Vietnamese in composed form (NFC): one glyph per letter, as the fonts map them."""
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Paragraph:
    text: str
    #: A label printed bold before the text ("Nơi nhận: …").
    label: str = ""


@dataclass(frozen=True)
class Table:
    """Rows of cells (strings); ``columns`` the header (none: a two-column list of facts);
    ``widths`` relative column widths."""

    rows: tuple[tuple[str, ...], ...]
    columns: tuple[Text, ...] = ()
    widths: tuple[float, ...] = ()


Block = Paragraph | Table


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    blocks: tuple[Block, ...] = ()
    #: Where the law asks for it ("Phụ lục VII, mục 6").
    citation: str = ""


@dataclass(frozen=True)
class Report:
    title: Text
    subtitle: str
    #: The issuing body, upper case, and the document's number ("Số: …").
    issuer: str
    number: str
    #: "Hà Nội, ngày 02 tháng 12 năm 2026".
    place_date: str
    sections: tuple[Section, ...]
    draft: bool = False
    exercise: bool = False
    #: Who signs, at the end (role and name).
    signature: tuple[str, ...] = ()
    footer: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    def marks(self) -> list[Text]:
        """The marks every page carries: DỰ THẢO for a draft, DIỄN TẬP for an exercise."""
        return [m for m, on in ((DRAFT, self.draft), (EXERCISE, self.exercise)) if on]


def vietnamese_date(place: str, day: int, month: int, year: int) -> str:
    """``Hà Nội, ngày 02 tháng 12 năm 2026``: a day below 10 and a month below 3 take a
    leading zero (Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.4)."""
    month_text = f"{month:02d}" if month < 3 else str(month)
    return f"{place}, ngày {day:02d} tháng {month_text} năm {year}"
