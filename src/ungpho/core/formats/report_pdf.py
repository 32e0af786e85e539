"""A :class:`~ungpho.core.formats.report.Report` as PDF (A4, fpdf2), in Vietnamese.

Vietnamese needs the composed letters of Unicode's Latin Extended Additional block
(ạ ả ấ … ỹ), which the PDF core fonts lack: the text is set in Source Sans Pro, embedded as
a subset. The font comes from the ``font-source-sans-pro`` package (SIL Open Font License),
installed with ungpho, never fetched at run time. Text is normalised to NFC first, so that
a decomposed letter (a + combining dot) still finds its glyph and extracts as typed.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from fpdf import FPDF
from fpdf.enums import TableCellFillMode, XPos, YPos
from fpdf.fonts import FontFace

from ungpho.core.formats.report import MOTTO, Paragraph, Report, Section, Table, nfc

FONT = "SourceSansPro"
_FONT_FILES = {"": "SourceSansPro-Regular.ttf", "B": "SourceSansPro-Bold.ttf",
               "I": "SourceSansPro-It.ttf", "BI": "SourceSansPro-BoldIt.ttf"}
_INK = (20, 33, 61)
_RED = (200, 30, 30)
_GREY = (110, 110, 110)


def font_path(style: str = "") -> str:
    """Where the installed font file of ``style`` ("", "B", "I", "BI") lies."""
    return str(files("font_source_sans_pro") / "files" / _FONT_FILES[style])


class _Document(FPDF):
    def __init__(self, report: Report):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        for style in _FONT_FILES:
            self.add_font(FONT, style, font_path(style))
        self.set_margins(20, 18, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_lang("vi")
        self.alias_nb_pages()

    def header(self):
        marks = self.report.marks()
        if not marks:
            return
        self.set_font(FONT, "B", 10)
        self.set_text_color(*_RED)
        self.cell(0, 5, " · ".join(f"{m.vi} / {m.en}" for m in marks), align="R",
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.report.draft:  # a pale diagonal across the page, behind nothing important
            with self.local_context(text_color=(235, 200, 200)):
                self.set_font(FONT, "B", 72)
                with self.rotation(45, x=self.w / 2, y=self.h / 2):
                    self.text(self.w / 2 - 55, self.h / 2 + 10, nfc("DỰ THẢO"))
        self.set_text_color(*_INK)

    def footer(self):
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(*_GREY)
        self.cell(0, 5, nfc(f"{self.report.footer} · Trang {self.page_no()}/{{nb}}"),
                  align="C")
        self.set_text_color(*_INK)


def _heading(pdf: _Document, report: Report) -> None:
    left, right = 70, pdf.epw - 70
    y = pdf.get_y()
    pdf.set_font(FONT, "B", 10.5)
    pdf.multi_cell(left, 5, nfc(report.issuer), align="C", new_x=XPos.LEFT,
                   new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10.5)
    pdf.multi_cell(left, 5, nfc(f"Số: {report.number}"), align="C", new_x=XPos.LEFT,
                   new_y=YPos.NEXT)
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + left, y)
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(right, 5, nfc(MOTTO[0]), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "BU", 11)
    pdf.cell(right, 6, nfc(MOTTO[1]), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "I", 10.5)
    pdf.cell(right, 7, nfc(report.place_date), align="C", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    pdf.set_y(max(bottom, pdf.get_y()) + 6)
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, nfc(report.title.vi.upper()), align="C", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    pdf.set_font(FONT, "I", 9.5)
    pdf.set_text_color(*_GREY)
    pdf.cell(0, 5, nfc(report.title.en), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*_INK)
    pdf.set_font(FONT, "B", 11.5)
    pdf.multi_cell(0, 6, nfc(report.subtitle), align="C", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.ln(4)


def _section_title(pdf: _Document, number: int, section: Section) -> None:
    if pdf.will_page_break(32):  # a title never ends a page alone
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(0, 6.5, nfc(f"{number}. {section.title.vi}"), new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.set_font(FONT, "I", 8.5)
    pdf.set_text_color(*_GREY)
    english = section.title.en + (f" — {section.citation}" if section.citation else "")
    pdf.multi_cell(0, 4.5, nfc(english), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*_INK)
    pdf.ln(1)


def _paragraph(pdf: _Document, block: Paragraph) -> None:
    pdf.set_font(FONT, "", 10.5)
    text = nfc(block.text)
    if block.label:
        text = f"**{nfc(block.label)}:** {text.replace('**', '')}"
    for line in text.split("\n"):
        pdf.multi_cell(0, 5.5, line or " ", markdown=bool(block.label), new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
    pdf.ln(1.5)


def _table(pdf: _Document, block: Table) -> None:
    count = max((len(r) for r in block.rows), default=len(block.columns)) or 1
    widths = block.widths or ((1, 2.4) if not block.columns and count == 2 else (1,) * count)
    pdf.set_font(FONT, "", 9)
    heading = FontFace(emphasis="BOLD", fill_color=(225, 230, 240))
    with pdf.table(col_widths=widths, line_height=4.6, text_align="LEFT",
                   first_row_as_headings=bool(block.columns), headings_style=heading,
                   cell_fill_mode=TableCellFillMode.NONE, padding=1) as table:
        if block.columns:
            row = table.row()
            for column in block.columns:
                row.cell(nfc(f"{column.vi}\n{column.en}"))
        for cells in block.rows:
            row = table.row()
            for i, cell in enumerate(cells):
                style = FontFace(emphasis="BOLD") if not block.columns and i == 0 else None
                row.cell(nfc(cell), style=style)
    pdf.ln(2)


def report_pdf(report: Report, *, created: dt.datetime | None = None) -> bytes:
    """The report as PDF bytes. ``created``: the document's creation date (metadata)."""
    pdf = _Document(report)
    pdf.set_title(nfc(f"{report.title.vi} — {report.subtitle}"))
    pdf.set_author(nfc(report.issuer))
    pdf.set_creator("ungpho")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_page()
    _heading(pdf, report)
    for number, section in enumerate(report.sections, start=1):
        _section_title(pdf, number, section)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(pdf, block)
            else:
                _paragraph(pdf, block)
    if report.signature:
        if pdf.will_page_break(30):
            pdf.add_page()
        pdf.ln(6)
        pdf.set_x(pdf.l_margin + pdf.epw / 2)
        pdf.set_font(FONT, "B", 11)
        pdf.multi_cell(pdf.epw / 2, 6, nfc("\n".join(report.signature)), align="C",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
