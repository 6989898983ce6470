"""Printable paper forms (PDF) for questionnaires and idea boxes.

Each form carries a box for a form number, written by the agent when the form comes back,
which the typing-in screen records so that a form is never entered twice. ReportLab's
built-in fonts cover French (Windows-1252), so no font is downloaded or shipped.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from palabre.processes.models import Process

from .models import Question, Section

_STYLES = getSampleStyleSheet()
TITLE = ParagraphStyle("title", parent=_STYLES["Title"], fontSize=16, leading=20, alignment=0)
HEADING = ParagraphStyle("heading", parent=_STYLES["Heading2"], fontSize=13, spaceBefore=8)
BODY = ParagraphStyle("body", parent=_STYLES["BodyText"], fontSize=10.5, leading=14)
QUESTION = ParagraphStyle("question", parent=BODY, fontName="Helvetica-Bold", spaceBefore=6)
HINT = ParagraphStyle("hint", parent=BODY, fontSize=9, textColor=colors.HexColor("#444444"))


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


class _Square(Flowable):
    """An empty square to tick (or to write a rank in)."""

    SIZE = 4.5 * mm

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.SIZE, self.SIZE

    def draw(self) -> None:
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, self.SIZE, self.SIZE)


def _boxes(labels: Sequence[str]) -> Table:
    """One empty square to tick per label."""
    rows = [[_Square(), _p(label)] for label in labels]
    table = Table(rows, colWidths=[8 * mm, 158 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _lines(count: int) -> Table:
    """Ruled lines to write on."""
    table = Table([[""]] * count, colWidths=[170 * mm], rowHeights=[8 * mm] * count)
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.grey)]))
    return table


def _number_box() -> Table:
    table = Table(
        [[_p(_("Form number (filled in by the local government)")), ""]],
        colWidths=[120 * mm, 50 * mm],
        rowHeights=[10 * mm],
    )
    table.setStyle(TableStyle([("BOX", (1, 0), (1, 0), 0.8, colors.black)]))
    return table


def _question_flowables(question: Question) -> list[Flowable]:
    mark = " *" if question.required else ""
    out: list[Flowable] = [_p(question.text + mark, QUESTION)]
    if question.help_text:
        out.append(_p(question.help_text, HINT))
    labels = [c.label for c in question.choices.all()]
    if question.kind == Question.Kind.SINGLE:
        out += [_p(_("Tick one box."), HINT), _boxes(labels)]
    elif question.kind == Question.Kind.MULTIPLE:
        hint = _("Tick every box that applies.")
        if question.max_choices:
            hint = _("Tick at most %(n)d boxes.") % {"n": question.max_choices}
        out += [_p(hint, HINT), _boxes(labels)]
    elif question.kind == Question.Kind.SCALE:
        labels = [label for _value, label in question.scale_values()]
        out += [_p(_("Tick one box."), HINT), _boxes(labels)]
    elif question.kind == Question.Kind.RANKING:
        out += [
            _p(_("Write 1 in front of your first choice, 2 for the second, and so on."), HINT),
            _boxes(labels),
        ]
    else:
        out.append(_lines(5))
    return [KeepTogether(out)]


def _document(process: Process, story: list[Flowable]) -> bytes:
    buffer = io.BytesIO()
    organization = process.organization

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(20 * mm, 10 * mm, f"{organization.name} — {process.title} — {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=process.title,
        author=organization.name,
        lang="fr",
    )
    head: list[Flowable] = [
        _p(organization.name, HINT),
        _p(process.title, TITLE),
        _p(process.question, BODY),
        Spacer(1, 4 * mm),
        _number_box(),
        Spacer(1, 2 * mm),
    ]
    tail: list[Flowable] = [
        Spacer(1, 6 * mm),
        _p(
            _(
                "Your answers will be typed in by the local government's staff and analysed "
                "with every other contribution. Do not write your name or anyone's personal "
                "information in your answers."
            ),
            HINT,
        ),
    ]
    doc.build(head + story + tail, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _neighbourhood_block(process: Process) -> list[Flowable]:
    names = [n.name for n in process.organization.neighbourhoods.all()]
    if not names:
        return []
    return [
        _p(_("Your neighbourhood (optional)"), QUESTION),
        _p(_("Tick one box."), HINT),
        _boxes(names),
    ]


def questionnaire_pdf(
    *, process: Process, blocks: Sequence[tuple[Section | None, Sequence[Question]]]
) -> bytes:
    story: list[Flowable] = []
    if any(q.required for _s, questions in blocks for q in questions):
        story.append(_p(_("Questions marked with * require an answer."), HINT))
    for section, questions in blocks:
        if section is not None:
            story.append(_p(section.title, HEADING))
            if section.description:
                story.append(_p(section.description, BODY))
        for question in questions:
            story += _question_flowables(question)
    story += _neighbourhood_block(process)
    return _document(process, story)


def idea_box_pdf(*, process: Process) -> bytes:
    story: list[Flowable] = [
        _p(_("Title of your idea"), QUESTION),
        _lines(1),
        _p(_("Your idea"), QUESTION),
        _lines(10),
    ]
    themes = [t.name for t in process.themes.all()]
    if themes:
        story += [_p(_("Theme (optional)"), QUESTION), _p(_("Tick one box."), HINT), _boxes(themes)]
    story += _neighbourhood_block(process)
    return _document(process, story)
