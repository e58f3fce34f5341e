"""A register back to .xlsx, in the layout it is imported from (so a round trip changes
nothing), with every text cell kept inert."""

import io
import re

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from projects import markings
from projects.exports import HEADER, HEADER_FILL, text

from . import registers, scoring

COLUMNS = ["Ref", "Risk", "Category", "Corporate Priority", "Risk Owner", "Portfolio Holder",
           "Tolerance", "Inherent Probability", "Inherent Impact", "Inherent Risk Score",
           "Residual Probability", "Residual Impact", "Residual Risk Score",
           "Target Probability", "Target Impact", "Target Risk Score", "Consequences",
           "Current Controls", "Assurance", "Actions", "Sign Off", "Comments", "Next Review",
           "Status"]  # fmt: skip
WIDTHS = [10, 50, 16, 18, 18, 18, 11] + [13] * 9 + [50, 50, 40, 40, 14, 50, 12, 9]


def level(number, label):
    return f"{number} {label}" if number else ""


def score(assessment):
    if assessment is None:
        return ""
    return f"{assessment.score} {assessment.band.name if assessment.band else ''}".strip()


def register_workbook(register):
    matrix = register.matrix
    risks = registers.with_scores(register.risks.all()).order_by("ref")
    latest = {}
    for review in registers.RiskReview.objects.filter(risk__register=register).order_by(
        "risk_id", "-reviewed_on", "-pk"
    ):
        latest.setdefault(review.risk_id, review)
    book = Workbook()
    sheet = book.active
    # Excel forbids these in a sheet's name.
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", register.name)[:31].strip() or "Register"
    sheet.append([text(f"{register.name.upper()} RISK REGISTER - {timezone.localdate():%B %Y}")])
    sheet.append([text(f"{register.name} - {register.owner}")])
    sheet.append([])
    sheet.append(COLUMNS)
    for cell in sheet[4]:
        cell.font, cell.fill = HEADER, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
    for risk in risks:
        scores = scoring.assessments(risk, matrix)
        review = latest.get(risk.pk)
        row = [risk.ref, risk.title, str(risk.category or ""), str(risk.corporate_priority or ""),
               risk.owner_display, risk.portfolio_holder, risk.get_treatment_display()]  # fmt: skip
        for kind in scoring.KINDS:
            a = scores[kind]
            row += [
                level(a.probability, a.probability_label) if a else "",
                level(a.impact, a.impact_label) if a else "",
                score(a),
            ]
        row += [
            risk.consequences,
            risk.controls,
            risk.assurance,
            risk.actions,
            ("Sign Off Complete" if review.signed_off else "Not signed off") if review else "",
            review.comment if review else "",
            risk.next_review_date.strftime("%d/%m/%Y") if risk.next_review_date else "",
            risk.get_status_display(),
        ]
        sheet.append([text(value) for value in row])
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column in (10, 13, 16):
            a = scores[scoring.KINDS[(column - 10) // 3]]
            if a and a.band:
                cell = sheet.cell(sheet.max_row, column)
                cell.fill = PatternFill("solid", fgColor=a.band.colour.lstrip("#").upper())
                cell.font = Font(bold=True, color=a.band.text_colour.lstrip("#").upper())
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "C5"
    markings.mark_workbook(book, markings.marking_of(register))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
