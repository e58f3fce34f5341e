"""Each kind of document prints at most so many pages (issue 17, finding 5: a highlight
report made of hundreds of long deliverables printed 2,642 pages in 219 s). Past its kind's
limit a document fails, once laid out and before it is written, and says so where people
look for it; the limits sit well above the largest documents `make bench` renders."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports import kinds
from reports.models import Document
from reports.services import render_source
from tests.factories import DeliverableFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def long_report(report):
    """TEST.1's draft with enough deliverables to print on more than one page."""
    DeliverableFactory.create_batch(40, report=report, description="Survey the roof " * 20)
    return report


def test_a_document_past_its_kinds_limit_fails_saying_why_and_writes_nothing(
    client_for, long_report, alice, monkeypatch, media_root, django_capture_on_commit_callbacks
):
    # The real limit (150 pages) takes minutes to pass; the rule is the same at 1.
    monkeypatch.setattr(kinds.get_kind("highlight_report"), "max_pages", 1)
    client = client_for(alice)
    url = reverse("projects:report-pdf", args=[long_report.project.code, "2024-03"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    document = Document.objects.get()
    assert document.status == Document.Status.FAILED and not document.file
    assert document.error.startswith("Too long to print: ")
    pages = int(document.error.split(": ")[1].split(" ")[0])
    assert pages > 1
    expected = f"Too long to print: {pages} pages, the limit is 1 for a highlight report."
    assert expected in document.error
    page = client.get(document.get_absolute_url()).content.decode()
    assert f"The PDF could not be made: {expected}" in page
    assert expected in client.get(reverse("reports:document-list")).content.decode()
    assert not (media_root / "documents").exists()


def test_the_build_command_refuses_it_too(long_report, monkeypatch, tmp_path):
    monkeypatch.setattr(kinds.get_kind("highlight_report"), "max_pages", 1)
    out = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match="Too long to print: .* the limit is 1 for a highl"):
        call_command("build_document", "highlight_report", "--project", "TEST.1",
                     "--period", "2024-03", "--out", str(out))  # fmt: skip
    assert not out.exists()


def test_a_document_within_its_limit_prints(long_report, monkeypatch):
    monkeypatch.setattr(kinds.get_kind("highlight_report"), "max_pages", 50)
    pdf, _, _ = render_source("highlight_report", long_report, {})
    assert 1 < pdf.pages <= 50


def test_every_kinds_limit_is_well_above_the_largest_the_bench_renders():
    measured = json.loads((ROOT / "bench/results/latest.json").read_text())["pdfs"]
    largest = {}
    for name, result in measured.items():
        kind = next(k for k in kinds.all_kinds() if name == k or name.startswith(f"{k}_"))
        largest[kind] = max(largest.get(kind, 0), result["pages"])
    assert set(largest) >= {"highlight_report", "risk_register", "board_pack"}
    for kind in kinds.all_kinds():
        limit = kinds.get_kind(kind).max_pages
        assert limit >= 4 * max(largest.get(kind, 0), 4), (kind, limit, largest.get(kind))
    assert kinds.get_kind("highlight_report").max_pages < 2_642  # the attack's report
