"""A :class:`~ungpho.core.formats.report.Report` as DOCX (python-docx), in Vietnamese.

Set in Times New Roman 13 pt, the face and size of Vietnamese administrative documents
(Nghị định 30/2020/NĐ-CP, Phụ lục I), which the word processors that open it have with every
Vietnamese letter; the runs name it for every script slot (ascii, hAnsi, cs, eastAsia) so no
letter falls back to another face. Text is normalised to NFC, as in the PDF.
"""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ungpho.core.formats.report import MOTTO, Paragraph, Report, Section, Table, nfc

FONT = "Times New Roman"
_RED = RGBColor(0xC8, 0x1E, 0x1E)
_GREY = RGBColor(0x6E, 0x6E, 0x6E)


def _font(element, size_pt: float | None = None) -> None:
    """Name FONT for every script on a style or run (python-docx sets only ascii/hAnsi)."""
    element.font.name = FONT
    if size_pt is not None:
        element.font.size = Pt(size_pt)
    fonts = element.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)


def _run(paragraph, text: str, *, bold=False, italic=False, underline=False,
         size_pt: float | None = None, color: RGBColor | None = None):
    run = paragraph.add_run(nfc(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    _font(run, size_pt)
    if color is not None:
        run.font.color.rgb = color
    return run


def _para(container, text: str = "", *, align=None, space_after_pt: float = 3, **style):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after_pt)
    if text:
        _run(paragraph, text, **style)
    return paragraph


def _no_borders(table) -> None:
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is not None:
        table._tbl.tblPr.remove(borders)


def _heading(document, report: Report) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    left.paragraphs[0].alignment = right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(left.paragraphs[0], report.issuer, bold=True, size_pt=12)
    _para(left, f"Số: {report.number}", align=WD_ALIGN_PARAGRAPH.CENTER, size_pt=12)
    _run(right.paragraphs[0], MOTTO[0], bold=True, size_pt=12)
    _para(right, MOTTO[1], align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, underline=True,
          size_pt=13)
    _para(right, report.place_date, align=WD_ALIGN_PARAGRAPH.CENTER, italic=True,
          size_pt=13)
    _para(document, "", space_after_pt=6)
    _para(document, report.title.vi.upper(), align=WD_ALIGN_PARAGRAPH.CENTER, bold=True,
          size_pt=15, space_after_pt=0)
    _para(document, report.title.en, align=WD_ALIGN_PARAGRAPH.CENTER, italic=True,
          size_pt=10, color=_GREY, space_after_pt=2)
    _para(document, report.subtitle, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True,
          space_after_pt=10)


def _section_title(document, number: int, section: Section) -> None:
    heading = document.add_heading(level=1)
    heading.paragraph_format.space_before = Pt(10)
    heading.paragraph_format.space_after = Pt(0)
    _run(heading, f"{number}. {section.title.vi}", bold=True, size_pt=13,
         color=RGBColor(0, 0, 0))
    english = section.title.en + (f" — {section.citation}" if section.citation else "")
    _para(document, english, italic=True, size_pt=9.5, color=_GREY, space_after_pt=4)


def _paragraph(document, block: Paragraph) -> None:
    for i, line in enumerate(block.text.split("\n")):
        paragraph = _para(document)
        paragraph.paragraph_format.first_line_indent = Cm(1) if not block.label else None
        if block.label and i == 0:
            _run(paragraph, f"{block.label}: ", bold=True)
        _run(paragraph, line)


def _table(document, block: Table) -> None:
    count = max((len(r) for r in block.rows), default=len(block.columns)) or 1
    table = document.add_table(rows=0, cols=count)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if block.columns:
        cells = table.add_row().cells
        for cell, column in zip(cells, block.columns, strict=False):
            _run(cell.paragraphs[0], column.vi, bold=True, size_pt=10.5)
            _run(cell.add_paragraph(), column.en, italic=True, size_pt=8.5, color=_GREY)
    for row in block.rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=False)):
            lines = text.split("\n")
            _run(cell.paragraphs[0], lines[0], size_pt=10.5,
                 bold=not block.columns and i == 0)
            for line in lines[1:]:
                _run(cell.add_paragraph(), line, size_pt=10.5)
    _para(document, "", space_after_pt=2)


def _marks(document, report: Report) -> None:
    marks = report.marks()
    if not marks:
        return
    header = document.sections[0].header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(header, " · ".join(f"{m.vi} / {m.en}" for m in marks), bold=True, size_pt=11,
         color=_RED)


def report_docx(report: Report, *, created: dt.datetime | None = None) -> bytes:
    """The report as DOCX bytes. ``created``: the document's creation date (metadata)."""
    document = Document()
    page = document.sections[0]
    page.page_height, page.page_width = Cm(29.7), Cm(21)
    page.top_margin = page.bottom_margin = Cm(2)
    page.left_margin, page.right_margin = Cm(3), Cm(1.5)
    _font(document.styles["Normal"], 13)
    props = document.core_properties
    props.title = nfc(f"{report.title.vi} — {report.subtitle}")
    props.author = nfc(report.issuer.replace("\n", " "))
    props.language = "vi-VN"
    if created is not None:
        props.created = created
    _marks(document, report)
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, report.footer, size_pt=9, color=_GREY)
    _heading(document, report)
    for number, section in enumerate(report.sections, start=1):
        _section_title(document, number, section)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(document, block)
            else:
                _paragraph(document, block)
    if report.signature:
        table = document.add_table(rows=1, cols=2)
        _no_borders(table)
        cell = table.rows[0].cells[1]
        for i, line in enumerate(report.signature):
            paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(paragraph, line, bold=i == 0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
