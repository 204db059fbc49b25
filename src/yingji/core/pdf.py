"""Formal documents as PDF (通报, 决定书, 告知书 ...): one small layout every app uses.

A document is a title and a list of blocks: a heading, a paragraph, a table, or a
label-value list. Text is drawn as text (never markup): ReportLab's Paragraph parses
a small HTML-like language, so every string is escaped before it is laid out.

Chinese needs no font file: ReportLab's CID font STSong-Light is one of Adobe's Asian
fonts that PDF readers carry themselves, so the file stays small and works on an
intranet without a font package on the server.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_TITLE = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=1, spaceAfter=6 * mm)
_HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=13, leading=20, spaceBefore=4 * mm, spaceAfter=2 * mm)
_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=17, wordWrap="CJK")
_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")


@dataclass
class Heading:
    text: str


@dataclass
class Text:
    """A paragraph; blank lines in it are kept as paragraph breaks."""

    text: str


@dataclass
class Fields:
    """Label-value pairs, as on a form (案由: ..., 当事人: ...)."""

    rows: list[tuple[str, object]]


@dataclass
class Grid:
    """A table with a header row."""

    header: list[str]
    rows: list[list[object]] = field(default_factory=list)


Block = Heading | Text | Fields | Grid


def _para(value: object, style: ParagraphStyle) -> Paragraph:
    text = "" if value is None else str(value)
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(rows: list[list[object]], *, header: bool, widths: list[float] | None = None) -> Table:
    table = Table([[_para(c, _CELL) for c in row] for row in rows], colWidths=widths, repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(style))
    return table


def _flowables(block: Block) -> list:
    if isinstance(block, Heading):
        return [_para(block.text, _HEADING)]
    if isinstance(block, Text):
        return [_para(part, _BODY) for part in block.text.split("\n\n")] + [Spacer(1, 2 * mm)]
    if isinstance(block, Fields):
        return [_table([[label, value] for label, value in block.rows], header=False, widths=[40 * mm, 130 * mm]),
                Spacer(1, 3 * mm)]
    return [_table([block.header, *block.rows], header=True), Spacer(1, 3 * mm)]


def render(title: str, blocks: list[Block], *, author: str = "Yingji 应急") -> bytes:
    """The PDF of one document: its title centred on top, then the blocks in order."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, author=author,
                            leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm)
    story = [_para(title, _TITLE)]
    for block in blocks:
        story.extend(_flowables(block))
    doc.build(story)
    return buffer.getvalue()
