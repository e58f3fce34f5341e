"""Importing people (issue 19): from the command line (an administrator) and from the
PMO's upload page; matched on email so re-importing changes nothing; every bad row reported
with its sheet and row, changing nothing; rights granted only by a superuser."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import AuditEvent, User
from tests.factories import UserFactory
from tests.imports import token_of, upload
from tests.onboarding import as_csv, as_xlsx, run

HEADER = ["Email", "Full name", "Job title", "Organisation unit", "Groups", "Active"]
ANN = ["ann.smith@example.org", "Ann Smith", "Head of Finance", "Resources", "", "yes"]
CAROL = ["carol.white@example.org", "Carol White", "PMO Officer", "PMO", "PMO", "yes"]


def people():
    return sorted(
        User.objects.values_list(
            "username",
            "email",
            "first_name",
            "last_name",
            "job_title",
            "organisation_unit",
            "is_active",
        )
    )


@pytest.mark.django_db
def test_the_command_creates_people_with_no_password_and_invites_them(
    tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run("import_people", tmp_path, [HEADER, ANN, CAROL], name="people.xlsx")

    assert {k: outcome[k] for k in ("created", "updated", "unchanged", "rows")} == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rows": 2,
    }
    assert outcome["warnings"] == outcome["errors"] == []
    ann = User.objects.get(email="ann.smith@example.org")
    assert (ann.username, ann.first_name, ann.last_name, ann.job_title, ann.organisation_unit) == (
        "ann.smith@example.org",
        "Ann",
        "Smith",
        "Head of Finance",
        "Resources",
    )
    assert not ann.has_usable_password()  # nobody but Ann will know it
    assert list(ann.groups.values_list("name", flat=True)) == []
    carol = User.objects.get(email="carol.white@example.org")
    assert list(carol.groups.values_list("name", flat=True)) == ["PMO"]  # an administrator's
    assert sorted(m.to[0] for m in mail.outbox) == [ann.email, carol.email]
    assert "/accounts/invitation/" in mail.outbox[0].body


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing_and_sends_nothing(
    tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run("import_people", tmp_path, [HEADER, ANN, CAROL])
    before, sent = people(), len(mail.outbox)
    assert sent == 2

    with django_capture_on_commit_callbacks(execute=True):
        outcome = run("import_people", tmp_path, [HEADER, ANN, CAROL])

    assert (outcome["created"], outcome["updated"], outcome["unchanged"]) == (0, 0, 2)
    assert people() == before and len(mail.outbox) == sent


@pytest.mark.django_db
def test_a_changed_row_updates_the_person_it_matches_by_email(tmp_path, alice):
    row = [alice.email.upper(), "Alice Archer-Jones", "Head of Libraries", "Place", "", "yes"]
    outcome = run("import_people", tmp_path, [HEADER, row])

    alice.refresh_from_db()
    assert (outcome["created"], outcome["updated"]) == (0, 1)
    assert (alice.last_name, alice.job_title, alice.organisation_unit) == (
        "Archer-Jones",
        "Head of Libraries",
        "Place",
    )
    assert alice.email == "alice@example.org"  # an import never changes an email address


BAD_ROWS = [
    (["not-an-email", "Dan Dare", "", "", "", ""], "is not an email address"),
    (["dan@example.org", "Dan Dare", "", "", "Admins", ""], "Groups are PMO and Directors"),
    (["dan@example.org", "", "", "", "", ""], "A new person needs a name"),
    (["", "Dan Dare", "", "", "", ""], "Give an email address or a username"),
    (["dan@example.org", "Dan Dare", "", "", "", "perhaps"], "write yes or no"),
    (["dan@example.org", "Dan Dare", "x" * 151, "", "", ""], "longer than 150"),
    (["ann.smith@example.org", "Ann Smith", "", "", "", ""], "Also on"),  # twice in a file
]


@pytest.mark.django_db
@pytest.mark.parametrize("bad, message", BAD_ROWS)
def test_a_bad_row_is_reported_with_its_row_and_nothing_is_imported(
    tmp_path, bad, message, django_capture_on_commit_callbacks
):
    with pytest.raises(CommandError), django_capture_on_commit_callbacks(execute=True):
        run("import_people", tmp_path, [HEADER, ANN, bad])

    errors = run.last["errors"]
    assert len(errors) == 1 and message in errors[0]["message"], errors
    assert (errors[0]["sheet"], errors[0]["row"]) == ("list.csv", 3)
    assert not User.objects.filter(email="ann.smith@example.org").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_file_without_the_columns_or_not_a_spreadsheet_changes_nothing(tmp_path):
    with pytest.raises(CommandError):
        run("import_people", tmp_path, [["Person", "Phone"], ["Ann", "0123"]])
    assert "No sheet has a header row naming Email or Username" in run.last["errors"][0]["message"]
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"%PDF-1.4 not a workbook")
    with pytest.raises(CommandError, match="not a spreadsheet"):
        from django.core.management import call_command

        call_command("import_people", str(path))
    assert not User.objects.filter(email="ann.smith@example.org").exists()


@pytest.mark.django_db
def test_nobody_is_switched_off_while_responsible_for_something(tmp_path, project, alice):
    with pytest.raises(CommandError):
        run("import_people", tmp_path, [HEADER, [alice.email, "Alice Archer", "", "", "", "no"]])

    assert "hand them over to a successor" in run.last["errors"][0]["message"]
    alice.refresh_from_db()
    assert alice.is_active


@pytest.mark.django_db
def test_a_username_or_email_held_by_someone_else_is_refused(tmp_path, alice, bob):
    rows = [
        ["Username", "Email", "Full name"],
        ["alice", "new.alice@example.org", "A A"],
        ["bob", alice.email, "B B"],
    ]
    with pytest.raises(CommandError):
        run("import_people", tmp_path, rows)

    messages = [e["message"] for e in run.last["errors"]]
    assert "has another email address in Highlight" in messages[0]
    assert "'bob' has another email address in Highlight" in messages[1]
    assert User.objects.get(username="alice").email == "alice@example.org"


@pytest.mark.django_db
def test_the_pmo_page_imports_but_grants_no_rights(
    client, pam, olive, django_capture_on_commit_callbacks, settings
):
    settings.PEOPLE_EMAIL_DOMAINS = ["example.org"]
    client.force_login(pam)
    rows = [HEADER, ANN, CAROL, [olive.email, "Olive Owen", "", "", "Directors", "yes"]]
    page = upload(client, reverse("projects:people-import"), "people.xlsx", as_xlsx(rows))

    text = page.content.decode()
    assert "2 new" in text and "Groups not changed (to PMO)" in text
    assert "Groups not changed (to Directors)" in text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("projects:people-import-confirm"), {"token": token_of(page)})

    carol = User.objects.get(email="carol.white@example.org")
    assert not carol.groups.exists() and not olive.groups.exists()
    assert AuditEvent.objects.filter(kind="import", actor=pam).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["ann.smith@example.org", carol.email]


@pytest.mark.django_db
def test_the_pmo_page_changes_no_account_that_reaches_the_admin(client, pam):
    admin = UserFactory(username="root", email="root@example.org", is_superuser=True)
    client.force_login(pam)
    rows = [HEADER, ["root@example.org", "Someone Else", "", "", "", "yes"]]
    page = upload(client, reverse("projects:people-import"), "people.csv", as_csv(rows))

    assert "reaches the admin: only a superuser changes it" in page.content.decode()
    assert token_of(page) is None
    admin.refresh_from_db()
    assert admin.get_full_name() != "Someone Else"


@pytest.mark.django_db
def test_single_sign_on_groups_claim_decides_groups(tmp_path, settings, olive):
    settings.OIDC_GROUPS_CLAIM = "groups"
    outcome = run(
        "import_people", tmp_path, [HEADER, [olive.email, "Olive Owen", "", "", "PMO", "yes"]]
    )

    assert not olive.groups.exists()
    assert "single sign-on's groups claim decides" in outcome["warnings"][0]["message"]


@pytest.mark.django_db
def test_a_pmo_member_cannot_be_made_a_sponsor_by_import(tmp_path, project, bob):
    with pytest.raises(CommandError):
        run("import_people", tmp_path, [HEADER, [bob.email, "Bob Baker", "", "", "PMO", "yes"]])
    assert "nobody in the PMO sponsors" in run.last["errors"][0]["message"]
    assert not bob.groups.exists()


@pytest.mark.django_db
def test_the_export_imports_again_unchanged(client, tmp_path, pam, alice, diana):
    alice.job_title = '=HYPERLINK("http://evil")'  # exported inert, imported as it was
    alice.save()
    client.force_login(pam)
    response = client.get(reverse("projects:people-export"))
    book = load_workbook(io.BytesIO(response.content))
    rows = [
        [c if c is not None else "" for c in r] for r in book.active.iter_rows(values_only=True)
    ]
    assert rows[0][:3] == ["Username", "Email", "First name"]
    assert any(r[1] == alice.email and r[4].startswith("'=") for r in rows)
    assert any(r[1] == diana.email and r[6] == "Directors" for r in rows)
    before = people()

    outcome = run("import_people", tmp_path, rows, name="export.xlsx")

    assert (outcome["created"], outcome["updated"]) == (0, 0), outcome
    assert outcome["unchanged"] == User.objects.count() == len(rows) - 1
    assert people() == before


@pytest.mark.django_db
def test_only_the_pmo_reaches_the_import_and_the_export(client, alice, diana):
    for person in (alice, diana):
        client.force_login(person)
        assert client.get(reverse("projects:people-import")).status_code == 403
        assert client.get(reverse("projects:people-export")).status_code == 403
        assert client.get(reverse("projects:projects-export")).status_code == 403


@pytest.mark.django_db
def test_a_person_is_switched_off_by_import_when_nothing_is_theirs(tmp_path, olive):
    outcome = run(
        "import_people", tmp_path, [HEADER, [olive.email, "Olive Owen", "", "", "", "no"]]
    )
    olive.refresh_from_db()
    assert outcome["updated"] == 1 and not olive.is_active
    assert olive.sessions_epoch == 1  # their sessions ended


@pytest.fixture(autouse=True)
def groups(db):
    return Group.objects.filter(name__in=["PMO", "Directors"])


@pytest.mark.django_db
def test_the_pmo_page_adds_people_only_at_the_organisations_own_addresses(client, pam, settings):
    """An account the PMO could sign in to could be appointed sponsor and approve: the page
    adds people only at the organisation's domains, mailboxes the PMO cannot make."""
    client.force_login(pam)
    rows = [HEADER, ["pam.private@gmail.com", "Pam Price", "", "", "", "yes"]]
    page = upload(client, reverse("projects:people-import"), "people.csv", as_csv(rows))
    assert "Only a superuser adds people until PEOPLE_EMAIL_DOMAINS" in page.content.decode()

    settings.PEOPLE_EMAIL_DOMAINS = ["example.org"]
    page = upload(client, reverse("projects:people-import"), "people.csv", as_csv(rows))
    assert "is not an address of the organisation&#x27;s own (example.org)" in page.content.decode()
    assert token_of(page) is None
    assert not User.objects.filter(email="pam.private@gmail.com").exists()
