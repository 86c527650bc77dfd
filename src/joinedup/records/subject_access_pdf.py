"""The subject access export as a PDF, drawn with ReportLab (BSD licence, pure Python).

The same headed sections as the page (subject_access.document). Fonts: DejaVu Sans when the
machine has it (wider coverage of alphabets), otherwise Bitstream Vera, which ReportLab ships.
The JSON and the page carry every character; a PDF font may lack a rare one.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from joinedup.records.subject_access import Block, document
from joinedup.web.templatetags.joinedup import govuk_date

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
BLACK = colors.HexColor("#0b0c0c")
GREY = colors.HexColor("#505a5f")
RULE = colors.HexColor("#b1b4b6")


@cache
def _fonts() -> tuple[str, str]:
    """(regular, bold) font names, registered once."""
    if (DEJAVU / "DejaVuSans.ttf").exists() and (DEJAVU / "DejaVuSans-Bold.ttf").exists():
        pdfmetrics.registerFont(TTFont("JU", str(DEJAVU / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("JU-Bold", str(DEJAVU / "DejaVuSans-Bold.ttf")))
    else:
        pdfmetrics.registerFont(TTFont("JU", "Vera.ttf"))
        pdfmetrics.registerFont(TTFont("JU-Bold", "VeraBd.ttf"))
    pdfmetrics.registerFontFamily("JU", normal="JU", bold="JU-Bold")
    return "JU", "JU-Bold"


@cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13, textColor=BLACK)
    sizes = {1: 20, 2: 16, 3: 13, 4: 11.5, 5: 10.5, 6: 10}
    styles = {"body": body, "label": ParagraphStyle("label", parent=body, fontName=bold)}
    styles["small"] = ParagraphStyle("small", parent=body, fontSize=8.5, textColor=GREY)
    for level, size in sizes.items():
        styles[f"h{level}"] = ParagraphStyle(
            f"h{level}",
            parent=body,
            fontName=bold,
            fontSize=size,
            leading=size * 1.25,
            spaceBefore=size * 0.9,
            spaceAfter=size * 0.4,
            keepWithNext=True,
        )
    return styles


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), _styles()[style])


def _fields(rows: list[tuple[str, str]], width: float) -> Table:
    table = Table(
        [[_p(label, "label"), _p(value, "body")] for label, value in rows],
        colWidths=[width * 0.32, width * 0.68],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _grid(block: Block, width: float) -> Table:
    head = [_p(c, "label") for c in block.columns]
    body = [[_p(v, "body") for v in row] for row in block.rows]
    widths = [width / len(block.columns)] * len(block.columns)
    table = Table([head, *body], repeatRows=1, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, BLACK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _flow(block: Block, width: float) -> list[Any]:
    out: list[Any] = [_p(block.heading, f"h{min(block.level, 6)}")]
    if block.fields:
        out.append(_fields(block.fields, width))
    if block.rows:
        out.append(_grid(block, width))
    for child in block.children:
        out += _flow(child, width)
    if not (block.fields or block.rows or block.children) and block.empty:
        out.append(_p(block.empty, "body"))
    return out


def render(data: dict[str, Any]) -> bytes:
    """The PDF of one export (the dict subject_access.build returns)."""
    buffer = io.BytesIO()
    reference = data["person"]["reference"]
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=f"Subject access: {reference}",
        author=getattr(settings, "JOINEDUP_PARTNERSHIP", "joinedup"),
        subject="Everything joinedup holds about one person",
    )
    width = doc.width
    story: list[Any] = [
        _p("Subject access: everything we hold", "h1"),
        _p(f"Person {reference}. Produced {govuk_date(data['generated_at'])}.", "body"),
        _p(
            'Other people are shown as "[another person]" and practitioners by their role '
            "and organisation.",
            "small",
        ),
        Spacer(1, 4 * mm),
    ]
    for section in document(data):
        story += _flow(section, width)

    def footer(canvas: Any, doc_: Any) -> None:
        canvas.saveState()
        canvas.setFont(_fonts()[0], 8)
        canvas.setFillColor(GREY)
        canvas.drawString(
            18 * mm, 10 * mm, f"Personal data: subject access for {reference}. Page {doc_.page}"
        )
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
