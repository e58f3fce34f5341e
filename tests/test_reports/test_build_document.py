import pytest
from django.core.management import CommandError, call_command

from tests.pdf import pdf_text


def test_build_document_writes_the_reports_pdf(report, tmp_path):
    out = tmp_path / "report.pdf"
    call_command(
        "build_document", "highlight_report", "--project", "TEST.1", "--period", "2024-03",
        "--out", str(out),
    )  # fmt: skip
    text = pdf_text(out.read_bytes())
    assert "TEST.1" in text and "Library Refurbishment" in text
    assert "Bob Baker, Director of Place" in text
    for dimension in ("Overall", "Timeline", "Budget", "Issues & Risks"):
        assert dimension in text
    assert "Not yet agreed and authorised by the Project Sponsor" in text


def test_build_document_explains_a_wrong_period(report, tmp_path):
    out = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match="has no report for January 1999"):
        call_command(
            "build_document", "highlight_report", "--project", "TEST.1", "--period", "1999-01",
            "--out", str(out),
        )  # fmt: skip
    assert not out.exists()
