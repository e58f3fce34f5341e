from django.core.management import call_command
from django.urls import reverse

from projects import workflow
from reports.models import Document
from reports.services import request_document
from tests.factories import ProjectFactory


def test_ask_for_a_board_pack_and_watch_it(
    client_for, db, diana, django_capture_on_commit_callbacks
):
    call_command("seed_demo", allow_live=True, samples_only=True)
    client = client_for(diana)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/documents/",
            {"kind": "board_pack", "programme": "CAP", "period": "2024-01"},
            follow=True,
        )
    assert "Board pack Culture Action Plan January 2024 requested." in response.content.decode()
    document = Document.objects.get(kind="board_pack")
    page = client.get("/documents/").content.decode()
    assert 'hx-trigger="every 3s"' in page and "Queued" in page  # it polls while unfinished
    Document.objects.filter(pk=document.pk).update(
        status="running", progress_done=3, progress_total=5
    )
    fragment = client.get("/documents/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<div id="document-table"')
    assert "Rendering: 3 of 5 sections" in fragment
    Document.objects.filter(pk=document.pk).update(status="queued")
    from reports.worker import render_document

    for pk in Document.objects.filter(status="queued").values_list("pk", flat=True):
        render_document.apply(args=[pk])  # the pack and the demo's approved reports
    page = client.get("/documents/").content.decode()
    assert 'hx-trigger="every 3s"' not in page and "Download" in page
    assert "January 2024" in page


def test_a_request_missing_what_it_needs_is_explained(client_for, diana):
    response = client_for(diana).post("/documents/", {"kind": "highlight_report"})
    assert "Needed for this kind of document." in response.content.decode()
    assert not Document.objects.exists()


def test_a_request_for_something_one_may_not_read_is_refused(client_for, olive, db):
    call_command("seed_demo", allow_live=True, samples_only=True)
    response = client_for(olive).post("/documents/", {"kind": "board_pack", "period": "2011-11"})
    assert "You may not read what that document would print." in response.content.decode()
    assert not Document.objects.filter(kind="board_pack").exists()


def test_a_failed_document_shows_its_error_and_can_be_retried(client_for, report, alice):
    from reports.services import request_document

    failed = request_document("highlight_report", {"project": "TEST.1", "period": "2024-03"}, alice)
    Document.objects.filter(pk=failed.pk).update(status="failed", error="Font went missing")
    client = client_for(alice)
    assert "Font went missing" in client.get("/documents/").content.decode()
    client.post(reverse("reports:document-retry", args=[failed.pk]))
    assert Document.objects.exclude(pk=failed.pk).get().kind == "highlight_report"


def test_documents_come_in_pages_of_50_and_the_request_form_lists_every_project(
    client_for, diana, alice, bob
):
    ProjectFactory(code="A&B", name="<Roads> & paths", manager=alice, sponsor=bob)
    Document.objects.bulk_create(
        Document(kind="board_pack", params={"period": f"20{n:02d}-01"},
                 params_key=f"pack-{n}", title=f"Pack number {n:02d}", fingerprint=str(n),
                 status="done")
        for n in range(55)
    )  # fmt: skip
    client = client_for(diana)
    first = client.get("/documents/").content.decode()
    assert "Page 1 of 2" in first and first.count("Pack number") == 50
    second = client.get("/documents/?page=2").content.decode()
    assert second.count("Pack number") == 5
    # The project select is written out by hand (LongSelect): escaped like any other.
    assert '<option value="A&amp;B">A&amp;B &lt;Roads&gt; &amp; paths</option>' in first
    chosen = client.post("/documents/", {"kind": "highlight_report", "project": "A&B"})
    assert '<option value="A&amp;B" selected>' in chosen.content.decode()


def test_a_shared_document_shows_in_the_list_of_everyone_who_asked(client_for, report, alice, bob):
    workflow.submit(report, alice)
    workflow.approve(report, bob)  # makes the approved PDF (asked for by Bob)
    document = request_document(
        "highlight_report", {"project": "TEST.1", "period": "2024-03"}, alice
    )
    assert document.requested_by == bob
    page = client_for(alice).get("/documents/").content.decode()
    assert f"/documents/{document.pk}/" in page
