"""What the first audit missed (the hostile review of issue 17): accounts made with rights,
passwords disabled, refused restores and stale confirms, the confirm's address, typed
control characters, and exports that said "filters: none" or dropped events silently."""

import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from projects import audit, audit_views, uploads
from projects.models import AuditEvent, ImportJob, User
from risks.importers import RegisterImporter
from risks.models import RiskMatrix
from tests.factories import RiskRegisterFactory
from tests.test_projects.test_import_preview_and_confirm import REGISTER_SAMPLE


def events(kind, **more):
    return list(AuditEvent.objects.filter(kind=kind, **more).order_by("id"))


def test_an_account_made_with_rights_is_recorded(db):
    User.objects.create_superuser("boss", "boss@example.org", "a-long-passphrase-1")
    User.objects.create_user("clerk", "clerk@example.org", is_active=False)
    (boss,) = events("rights", object_repr__contains="boss")
    assert boss.description == "Account created: staff on, superuser on."
    (clerk,) = events("rights", object_repr__contains="clerk")
    assert clerk.description == "Account created: inactive."


def test_a_superuser_disabling_a_password_is_recorded(alice):
    boss = User.objects.create_superuser("boss", "boss@example.org", "a-long-passphrase-1")
    client = Client()
    client.force_login(boss)
    url = reverse("admin:auth_user_password_change", args=[alice.pk])  # Django's name
    response = client.post(url, {"usable_password": "false", "unset-password": "1"})
    assert response.status_code == 302, response.text[:2000]
    alice.refresh_from_db()
    assert not alice.has_usable_password()
    (event,) = events("password_set", object_id=str(alice.pk))
    assert event.actor == boss
    assert event.description.startswith("Password disabled in the admin")


def test_a_refused_restore_is_recorded(db, tmp_path):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not a backup")
    with pytest.raises(CommandError):
        call_command("restore", str(bad), interactive=False)
    (event,) = events("restore")
    assert event.outcome == "refused" and "cannot be read" in event.description
    assert event.description.endswith("Nothing was changed.")


def test_a_stale_confirm_is_recorded_with_its_address(pam):
    register = RiskRegisterFactory(matrix=RiskMatrix.objects.get(name="4x4"), owner=pam)
    content = REGISTER_SAMPLE.read_bytes()
    uploads.preview(RegisterImporter, register, content, "risks.xlsx")
    with pytest.raises(uploads.RecordsChanged):
        uploads.confirm(RegisterImporter, register, content, "risks.xlsx", "stale",
                        user=pam, address="198.51.100.7")  # fmt: skip
    (event,) = events("import")
    assert (event.actor, event.outcome, event.address) == (pam, "refused", "198.51.100.7")
    assert event.description.startswith("risks.xlsx: Records changed since the preview")


def test_the_confirm_page_hands_its_address_to_the_worker(pam, client_for, media_root):
    register = RiskRegisterFactory(matrix=RiskMatrix.objects.get(name="4x4"), owner=pam)
    client = client_for(pam)
    upload = io.BytesIO(REGISTER_SAMPLE.read_bytes())
    upload.name = "risks.xlsx"
    client.post(reverse("risks:register-import", args=[register.slug]), {"file": upload})
    job = ImportJob.objects.get()
    client.post(reverse("risks:register-import-confirm", args=[register.slug]),
                {"token": job.pk}, REMOTE_ADDR="192.0.2.44")  # fmt: skip
    job.refresh_from_db()
    assert job.address == "192.0.2.44"


def test_an_import_on_a_worker_is_recorded_with_the_confirms_address(pam, media_root):
    """The worker has no request: the address is the one the confirm page stored."""
    register = RiskRegisterFactory(matrix=RiskMatrix.objects.get(name="4x4"), owner=pam)
    content = REGISTER_SAMPLE.read_bytes()
    job = uploads.start_preview(pam, RegisterImporter, register, "risks.xlsx", content)
    assert uploads.start_import(pam, RegisterImporter, register, job.pk, "192.0.2.44")
    (event,) = events("import")
    assert (event.actor, event.outcome, event.address) == (pam, "success", "192.0.2.44")


def test_typed_control_characters_are_shown_not_obeyed(client, pam, client_for):
    spoof = "adm\u202enimda\u200b"
    client.post(reverse("login"), {"username": spoof, "password": "x"})
    (event,) = events("sign_in_failed")
    assert event.object_repr == "no account adm\\u202enimda\\u200b"
    page = client_for(pam).get(reverse("projects:audit")).text
    assert "adm\\u202enimda\\u200b" in page and "\u202e" not in page


@pytest.fixture
def three_events(pam, alice):
    for name in ("first", "=cmd|'/C calc'!A0", "third"):
        audit.record(audit.Kind.DOWNLOAD, actor=alice, object_repr=name)
    return pam


def test_an_export_with_bad_filters_is_refused_and_not_recorded(three_events, client_for):
    client = client_for(three_events)
    for name in ("projects:audit-export", "projects:audit-export-csv"):
        query = {"since": "not a date", "kind": "download"}
        response = client.get(reverse(name), query, follow=True)
        assert response.redirect_chain[0][0].startswith(reverse("projects:audit") + "?")
        assert "Correct the filters, then export." in response.text
        assert "Enter a valid date." in response.text  # the list shows what is wrong
    assert not events("export")


def test_an_xlsx_export_over_its_limit_says_so_instead_of_cutting(
    three_events, client_for, monkeypatch
):
    monkeypatch.setattr(audit_views, "EXPORT_LIMIT", 2)
    response = client_for(three_events).get(
        reverse("projects:audit-export"), {"kind": "download"}, follow=True
    )
    assert "3 events match these filters; an .xlsx export holds at most 2." in response.text
    assert "export as CSV" in response.text
    assert not events("export")


def test_the_csv_export_streams_every_event_as_inert_text(three_events, client_for):
    response = client_for(three_events).get(
        reverse("projects:audit-export-csv"), {"kind": "download"}
    )
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["When", "Who", "What"]
    assert sorted(r[4] for r in rows[1:]) == ["'=cmd|'/C calc'!A0", "first", "third"]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", rows[1][0])
    (exported,) = events("export")
    assert exported.description == "3 event(s) as CSV; filters: kind download."


def test_an_import_that_breaks_on_the_worker_is_recorded(pam, media_root, monkeypatch):
    register = RiskRegisterFactory(matrix=RiskMatrix.objects.get(name="4x4"), owner=pam)
    content = REGISTER_SAMPLE.read_bytes()
    job = uploads.start_preview(pam, RegisterImporter, register, "risks.xlsx", content)

    def breaks(*args, **kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(uploads, "confirm", breaks)
    assert uploads.start_import(pam, RegisterImporter, register, job.pk, "192.0.2.9")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    (event,) = events("import")
    assert (event.actor, event.outcome, event.address) == (pam, "failure", "192.0.2.9")
    assert event.description == (
        "risks.xlsx: The file could not be read (RuntimeError); nothing was changed."
    )
    assert event.object_type == "risks.riskregister" and event.object_id == str(register.pk)
