"""Hostile spreadsheets through the real upload pages, and hostile links in what is printed:
an XML entity bomb, a zip bomb, a 100,000-row workbook, a workbook of the wrong layout, a
zip with a bad checksum, an encrypted part or an unknown compression method, a CSV full of
formulas, and Markdown pointing PDFs at file://, a local web server and data:
URLs. Each is refused with a
message a person can act on, changes nothing, and makes WeasyPrint fetch nothing."""

import functools
import io
import re
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from businessplan.models import Activity, BusinessPlan, Section
from projects.models import HighlightReport, ImportJob
from projects.spreadsheets import MAX_UNCOMPRESSED_BYTES
from reports.services import render_source
from risks.models import Risk, RiskCategory, RiskMatrix
from tests.factories import (
    ActivityFactory,
    BusinessPlanFactory,
    RiskFactory,
    RiskRegisterFactory,
    SectionFactory,
)
from tests.hostile_zips import HOSTILE_ZIP_IDS, HOSTILE_ZIPS
from tests.imports import token_of, upload
from tests.pdf import pdf_text
from tests.test_risks.test_import import HEADER, ROW


@pytest.fixture
def register(project, alice):
    return RiskRegisterFactory(
        name="Library risks", project=project, matrix=RiskMatrix.objects.get(name="5x5"),
        owner=alice,
    )  # fmt: skip


@pytest.fixture
def plan(db):
    return BusinessPlanFactory(year="2019-20", status=BusinessPlan.Status.PUBLISHED)


def entity_bomb():
    """A workbook whose worksheet expands to gigabytes if XML entities are expanded."""
    book = Workbook()
    book.active.append(["Ref", "Risk"])
    book.active.append(["R1", "placeholder"])
    out = io.BytesIO()
    book.save(out)
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[-1]
                data = (
                    b'<?xml version="1.0"?><!DOCTYPE worksheet [' + entities.encode() + b"]>"
                    + body.replace(b"placeholder", b"&lol9;")
                )  # fmt: skip
            target.writestr(item, data)
    return bomb.getvalue()


@functools.cache  # 4 s to write; the same bytes serve both importers
def many_rows(count):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    sheet.append(["Ref", "Risk", "Owner", "Probability", "Impact"])
    for i in range(count):
        sheet.append([f"R{i}", f"Risk {i}", "Someone", 3, 4])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def wrong_layout():
    book = Workbook()
    book.active.append(["Invoice", "Amount", "Paid on"])
    book.active.append(["INV-1", 120.5, "01/02/2024"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def state():
    return (
        list(Risk.objects.values_list("ref", "title")),
        list(Activity.objects.values_list("ref", "title")),
        list(Section.objects.values_list("name")),
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (entity_bomb, "it declares XML entities"),
        (lambda: many_rows(100_000), "far larger than a register or a plan"),
        (wrong_layout, "No header row"),
        *HOSTILE_ZIPS,
    ],
    ids=["entity bomb", "100,000 rows", "wrong layout", *HOSTILE_ZIP_IDS],
)
@pytest.mark.parametrize("target", ["register", "plan"])
def test_hostile_workbooks_are_refused_with_a_reason_and_change_nothing(
    request, client_for, pam, register, plan, content, message, target, media_root
):
    client = client_for(pam)
    url = (
        reverse("risks:register-import", args=[register.slug])
        if target == "register"
        else reverse("businessplan:plan-import", args=[plan.year])
    )
    before = state()
    response = upload(client, url, "upload.xlsx", content())
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, page[page.find("alert") - 200 : page.find("alert") + 600]
    assert token_of(response) is None  # nothing offered for confirmation
    assert ImportJob.objects.get().fingerprint == ""
    assert list((media_root / "imports").iterdir()) == []  # nor kept
    assert state() == before


@pytest.mark.parametrize(("content", "message"), HOSTILE_ZIPS, ids=HOSTILE_ZIP_IDS)
@pytest.mark.parametrize("target", ["register", "plan"])
def test_a_tampered_zip_ends_its_job_with_the_reason_and_changes_nothing(
    client_for, pam, register, plan, content, message, target, tmp_path
):
    """zipfile raised BadZipFile, RuntimeError or NotImplementedError half-way through
    reading these: a 500 on the upload page. Each is now told apart before anything reads
    the workbook, on the page, by the job and by the import commands."""
    client = client_for(pam)
    url = (
        reverse("risks:register-import", args=[register.slug])
        if target == "register"
        else reverse("businessplan:plan-import", args=[plan.year])
    )
    before = state(), list(RiskCategory.objects.values_list("name"))
    page = upload(client, url, "upload.xlsx", content()).content.decode()
    assert re.search(
        rf"<strong>The file cannot be imported.</strong> [^<]*{re.escape(message)}[^<]* Nothing "
        "was changed.",
        page,
    ), page[page.find("alert") - 200 : page.find("alert") + 600]
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and message in job.message
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content())
    command = (
        ("import_risks", str(path), "--register", register.name)
        if target == "register"
        else ("import_business_plan", str(path), "--plan", plan.title, "--year", plan.year)
    )
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command(*command)
    assert (state(), list(RiskCategory.objects.values_list("name"))) == before


def zip_bomb():
    """Under 100 KB on disk, more than the unpacked-size limit once inflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (MAX_UNCOMPRESSED_BYTES + 1))
    assert len(out.getvalue()) < 100_000
    return out.getvalue()


@pytest.mark.parametrize("target", ["register", "plan"])
def test_a_zip_bomb_through_the_upload_page_is_refused(client_for, pam, register, plan, target):
    url = (
        reverse("risks:register-import", args=[register.slug])
        if target == "register"
        else reverse("businessplan:plan-import", args=[plan.year])
    )
    before = state()
    response = upload(client_for(pam), url, "upload.xlsx", zip_bomb())
    page = response.content.decode()
    assert "unpacks to more than" in page and 'name="token"' not in page
    assert state() == before


FORMULAS = ['=HYPERLINK("http://evil.example/","Click")', "=1+1", "+SUM(A1:A2)", "-2+3",
            "@SUM(1,1)", '=cmd|"/c calc"!A0']  # fmt: skip


def test_formulas_in_an_imported_csv_stay_text_in_every_export(client_for, pam, alice):
    """A register kept in a spreadsheet arrives with formulas in it: they are imported as
    the text they are, and no export turns them back into formulas."""
    register = RiskRegisterFactory(
        name="Corporate risks", matrix=RiskMatrix.objects.get(name="4x4"), owner=alice
    )  # the sample's matrix, which the sample row's scores are written in
    rows = [HEADER]
    for n, formula in enumerate(FORMULAS, start=1):
        row = dict(zip(HEADER, ROW, strict=True))
        row.update({"Ref": f"R{n}", "Risk": formula, "Current Controls": formula})
        rows.append(list(row.values()))
    text = "\n".join(",".join(f'"{value.replace(chr(34), chr(34) * 2)}"' for value in row)
                     for row in rows)  # fmt: skip
    client = client_for(pam)
    url = reverse("risks:register-import", args=[register.slug])
    token = token_of(upload(client, url, "register.csv", text.encode()))
    client.post(reverse("risks:register-import-confirm", args=[register.slug]), {"token": token})
    assert sorted(Risk.objects.values_list("title", flat=True)) == sorted(FORMULAS)

    export = client.get(reverse("risks:register-export", args=[register.slug]))
    book = load_workbook(io.BytesIO(export.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    shown = {cell.value for cell in cells if isinstance(cell.value, str)}
    for formula in FORMULAS:
        assert "'" + formula in shown  # quoted: a spreadsheet shows it, never runs it
    text = pdf_text(render_source("risk_register", register, {})[0].content)
    assert 'HYPERLINK("http://evil.example/","Click")' in text


class Recorder(BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_pdfs_fetch_nothing_a_user_points_them_at(report, register, plan, local_server):
    hostile = (
        f"![chart]({local_server}/markdown.png) [minutes](file:///etc/passwd)\n\n"
        f'<img src="{local_server}/raw.png"> <img src="file:///etc/passwd">\n\n'
        f'<link rel="stylesheet" href="{local_server}/sheet.css">'
        f"<style>@import url({local_server}/import.css); body {{ background: "
        f"url({local_server}/bg.png) }}</style>\n\n"
        f'<div style="background-image: url({local_server}/inline.png)">styled</div>\n\n'
        "![pixel](data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9z"
        "dmciIHdpZHRoPSIxIiBoZWlnaHQ9IjEiLz4=) Written by hand."
    )
    HighlightReport.objects.filter(pk=report.pk).update(summary=hostile, issues=hostile)
    RiskFactory(register=register, ref="R1", title="Leak", controls=hostile, actions=hostile)
    ActivityFactory(section=SectionFactory(plan=plan), ref="1", title="Leak", measure=hostile)
    for kind, source in (
        ("highlight_report", HighlightReport.objects.get(pk=report.pk)),
        ("risk_register", register),
        ("business_plan", plan),
    ):
        pdf, _, _ = render_source(kind, source)
        text = pdf_text(pdf.content)
        assert "Written by hand" in text, kind
        assert "root:x:0" not in text, kind
    assert Recorder.hits == []
