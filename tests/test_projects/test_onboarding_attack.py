"""Hostile review of issue 19 (bulk onboarding): each test shows a defect found by the
review and states the behaviour expected. They fail until the defect is fixed."""

import contextlib
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from projects import uploads, workflow
from projects.models import AuditEvent, HighlightReport, Organisation, Project, User
from projects.onboarding.people import PeopleImporter
from projects.workbooks import WRITING
from tests.factories import ProgrammeFactory, ProjectFactory, ReportFactory, UserFactory
from tests.imports import token_of, upload
from tests.onboarding import as_csv, run

PEOPLE = ["Email", "Full name", "Job title", "Organisation unit", "Groups", "Active"]
RAG = ["Project", "Month", "Dimension", "Status", "Comment", "Approved by", "Approved on",
       "Submitted on"]  # fmt: skip
PROJECTS = ["Code", "Name", "Kind", "Sponsor", "Manager"]
PASSWORD = "a long and new passphrase 42"


@pytest.fixture(autouse=True)
def groups(db):
    return Group.objects.filter(name__in=["PMO", "Directors"])


def link_in(message):
    return re.search(r"http://[^/]+(/accounts/invitation/\S+/)", message.body).group(1)


def choose_password(client, link):
    page = client.get(link, follow=True)
    return client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )


def exported(client, which):
    book = load_workbook(io.BytesIO(client.get(reverse(f"projects:{which}-export")).content))
    return [
        [c if c is not None else "" for c in r] for r in book.active.iter_rows(values_only=True)
    ]


def confirm_through_page(client, which, name, content, capture):
    page = upload(client, reverse(f"projects:{which}-import"), name, content)
    token = token_of(page)
    assert token, page.content.decode()
    with capture(execute=True):
        client.post(reverse(f"projects:{which}-import-confirm"), {"token": token})
    return page


# --- (a) A PMO member (not a superuser) against the people import ---------------------------


@pytest.mark.django_db
def test_a_pmo_member_cannot_mint_an_account_of_their_own_through_the_import(client, pam, settings):
    """DEFECT (high): the admin refuses the PMO adding people (HighlightUserAdmin.
    has_add_permission: "were the PMO to make one ... it would have an account of its own to
    appoint sponsor and approve with"), but the people import let any PMO member create an
    account for an address they choose; the invitation went to that address, so the PMO
    member set its password and held a second, non-PMO account they could name sponsor and
    approve with. Fixed: the PMO's page adds people only at PEOPLE_EMAIL_DOMAINS (unset:
    nobody), mailboxes the PMO cannot make for itself; only a superuser adds others."""
    client.force_login(pam)
    rows = [["Email", "Full name"], ["pam.private@mailbox.example", "Sam Sock"]]
    for domains in ([], ["example.org"]):
        settings.PEOPLE_EMAIL_DOMAINS = domains
        page = upload(client, reverse("projects:people-import"), "people.csv", as_csv(rows))
        assert token_of(page) is None, page.content.decode()
    assert not User.objects.filter(email="pam.private@mailbox.example").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_pmo_member_cannot_switch_a_switched_off_director_back_on(
    client, pam, diana, django_capture_on_commit_callbacks
):
    """DEFECT (medium): rights are a superuser's to grant, and groups in the file are
    ignored for a PMO member; but a PMO member can switch back on a leaver who still holds
    the Directors (or PMO) group, giving those rights back (and the leaver's old password
    works again). Expected: a non-superuser's import does not switch on an account that
    holds PMO or Directors (an error, as for an account that reaches the admin, or the
    groups cleared)."""
    diana.is_active = False
    diana.save()
    client.force_login(pam)
    rows = [PEOPLE, [diana.email, "Diana Drake", "", "", "", "yes"]]
    page = upload(client, reverse("projects:people-import"), "people.csv", as_csv(rows))
    token = token_of(page)
    if token:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("projects:people-import-confirm"), {"token": token})
    diana.refresh_from_db()

    assert not (diana.is_active and diana.groups.filter(name="Directors").exists())


@pytest.mark.django_db
def test_a_username_matches_one_person_even_where_two_differ_only_in_case(tmp_path, olive):
    """DEFECT (medium): Django usernames are case-sensitive, so "olive" and "Olive" can both
    exist; the importer's username index keeps one of them per lower-cased name (the last
    it meets) and a row naming "olive" updates -- here switches off -- the other person.
    Expected: a username matches its exact holder, or the row is refused as ambiguous."""
    other = UserFactory(username="Olive", first_name="Zoe", last_name="Olive",
                        email="zoe@example.org")  # fmt: skip
    rows = [["Username", "First name", "Last name", "Active"], ["olive", "Olive", "Owen", "no"]]
    with contextlib.suppress(CommandError):
        run("import_people", tmp_path, rows)
    other.refresh_from_db()
    assert other.is_active, "the row for 'olive' switched off 'Olive' (Zoe)"


@pytest.mark.django_db
def test_one_person_twice_in_a_file_by_email_and_by_username_is_reported(tmp_path, olive):
    """DEFECT (low): duplicates are found on (email or username), so the same person on two
    rows -- once by email, once by username -- is not reported; both rows are applied, the
    later silently winning, and the preview lists two updates of one person. Expected: the
    second row is an error ("Also on ... row N: each appears once in a file")."""
    rows = [
        ["Email", "Username", "First name", "Last name", "Job title"],
        [olive.email, "", "Olive", "Owen", "Head of Finance"],
        ["", "olive", "Olive", "Owen", "Cleaner"],
    ]
    with pytest.raises(CommandError):
        run("import_people", tmp_path, rows)
    assert "each appears once" in run.last["errors"][0]["message"]


@pytest.mark.django_db
def test_a_check_made_before_the_lock_is_made_again_under_it(pam, olive, bob, alice):
    """DEFECT (medium): confirming reads and checks the file before taking the lock ("the
    long part holds no lock": up to a minute on a big file), and under the lock compares
    only the people rows' fingerprint, which does not cover what the checks rely on
    (projects managed or sponsored, is_staff). A project import confirmed meanwhile by a
    colleague (same lock, then released) that makes Olive a project's manager does not
    change the people fingerprint, so the people import switches Olive off while she is
    responsible for a project. Expected: RecordsChanged, nothing written."""
    rows = [PEOPLE, [olive.email, "Olive Owen", "", "", "", "no"]]
    content = as_csv(rows)
    target = Organisation.objects.get(pk=Organisation.current().pk)
    outcome, seen = uploads.preview(PeopleImporter, target, content, "p.csv", pam)
    assert seen and not outcome.errors

    def meanwhile(step, done, total):  # the colleague's project import commits now
        if step == WRITING and not Project.objects.filter(manager=olive).exists():
            ProjectFactory(code="NEW.1", manager=olive, sponsor=bob)

    with contextlib.suppress(uploads.RecordsChanged):
        uploads.confirm(
            PeopleImporter, target, content, "p.csv", seen, user=pam, progress=meanwhile
        )
    olive.refresh_from_db()
    assert olive.is_active, "switched off while managing NEW.1"


# --- (c) The invitation link ----------------------------------------------------------------


@pytest.mark.django_db
def test_an_invitation_does_not_work_once_the_person_is_switched_off(
    client, tmp_path, django_capture_on_commit_callbacks
):
    """DEFECT (medium): AcceptInvitation is Django's PasswordResetConfirmView, whose get_user
    does not look at is_active, and switching someone off does not change the token's hash
    inputs; so a person switched off after being invited (a wrong address, a leaver on their
    first week) can still use the link and set a password on the switched-off account, ready
    for the day it is switched back on. Expected: the link says it has been used or has
    expired, and no password is set."""
    with django_capture_on_commit_callbacks(execute=True):
        run("import_people", tmp_path, [["Email", "Full name"], ["ann@example.org", "Ann Smith"]])
    link = link_in(mail.outbox[0])
    run("import_people", tmp_path,
        [["Email", "Full name", "Active"], ["ann@example.org", "Ann Smith", "no"]])  # fmt: skip
    ann = User.objects.get(email="ann@example.org")
    assert not ann.is_active

    choose_password(client, link)

    ann.refresh_from_db()
    assert not ann.has_usable_password()


# --- (d) RAG history ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_project_code_in_other_case_still_protects_a_report_written_in_highlight(
    tmp_path, report, bob
):
    """DEFECT (medium): projects are found case-insensitively but the reports already there
    are looked up with project__code__in=<the file's codes> (case-sensitive), so "test.1"
    misses TEST.1's March report written in Highlight: instead of the row error "written in
    Highlight: an import never replaces it" the import crashes with an IntegrityError (the
    page: "could not be read (IntegrityError)"). Expected: the row error."""
    rows = [RAG, ["test.1", "2024-03", "Overall", "Green", "", bob.email, "10/04/2024", ""]]
    with pytest.raises(CommandError):
        run("import_rag_history", tmp_path, rows)
    assert "never replaces it" in run.last["errors"][0]["message"]


@pytest.mark.django_db
def test_reimporting_history_with_the_code_in_other_case_changes_nothing(tmp_path, project, bob):
    """DEFECT (medium, idempotence): the same history imported again with the project code
    written in lower case does not find its imported reports (case-sensitive lookup) and
    crashes with an IntegrityError instead of reporting them unchanged."""
    row = ["TEST.1", "2024-01", "Overall", "Green", "", bob.email, "12/02/2024", ""]
    run("import_rag_history", tmp_path, [RAG, row])
    outcome = run("import_rag_history", tmp_path, [RAG, ["test.1", *row[1:]]])
    assert (outcome["created"], outcome["updated"], outcome["unchanged"]) == (0, 0, 1)


@pytest.mark.django_db
def test_the_history_export_imports_again_when_highlight_has_approved_reports(
    client, tmp_path, pam, report, alice, bob
):
    """DEFECT (medium, idempotence): the RAG-history export lists every approved report,
    imported or written in Highlight, but importing the export refuses every row of a report
    written in Highlight ("an import never replaces it"), and any error imports nothing: the
    export of a live system never imports again. Expected: rows that match a report written in
    Highlight exactly are unchanged (or skipped with a warning), not errors."""
    workflow.submit(report, alice)
    report.refresh_from_db()
    workflow.approve(report, bob)
    client.force_login(pam)
    rows = exported(client, "rag-history")
    assert len(rows) > 1

    outcome = run("import_rag_history", tmp_path, rows, name="export.xlsx")

    assert outcome["errors"] == [] and (outcome["created"], outcome["updated"]) == (0, 0)


@pytest.mark.django_db
def test_a_reopened_imported_report_is_not_approved_again_by_a_reimport(
    tmp_path, project, bob, pam
):
    """DEFECT (medium): an imported report the PMO reopens (to correct it in Highlight) stays
    imported=True, so importing the history file again silently sets the draft back to
    approved -- approved_by and approved_at restored, the reopen bypassed, and the ratings
    corrected in Highlight overwritten -- with no workflow transition. Expected: a report
    not approved any more (being worked on in Highlight) is refused like one written there."""
    rows = [RAG, ["TEST.1", "2024-01", "Overall", "Green", "", bob.email, "12/02/2024", ""]]
    run("import_rag_history", tmp_path, rows)
    imported = HighlightReport.objects.get(project=project)
    workflow.reopen(imported, pam, "The January RAG was wrong")
    imported.refresh_from_db()
    overall = imported.ratings.get(dimension__name="Overall")
    overall.status = overall.status.__class__.objects.get(name="Red")
    overall.comment = "Corrected in Highlight"
    overall.save()

    with contextlib.suppress(CommandError):
        run("import_rag_history", tmp_path, rows)

    imported.refresh_from_db()
    assert imported.status == HighlightReport.Status.DRAFT
    assert imported.ratings.get(dimension__name="Overall").comment == "Corrected in Highlight"


@pytest.mark.django_db
def test_a_report_cannot_be_submitted_after_it_was_approved(tmp_path, project, bob):
    """DEFECT (low): Submitted on is checked only to be within the month and today, not
    against Approved on, so history saying a report was approved on 5 February and
    submitted on 20 February is imported as it is (first_submitted_at after approved_at,
    counted in on-time rates). Expected: a row error."""
    rows = [RAG, ["TEST.1", "2024-01", "Overall", "Green", "", bob.email, "05/02/2024",
                  "20/02/2024"]]  # fmt: skip
    with pytest.raises(CommandError):
        run("import_rag_history", tmp_path, rows)


@pytest.mark.django_db
def test_history_of_a_quarterly_project_does_not_overlap_its_quarterly_reports(
    tmp_path, project, bob
):
    """DEFECT (medium): the history importer makes a one-month report whatever the project's
    cadence, and looks for an existing report by (project, first day of the month) only. For
    a quarterly project whose Q1 2024 report (January - March) was written in Highlight, a
    row for February 2024 is imported as an approved February report lying inside that
    quarter: two reports for the same days, one of them overriding the real one in the
    previous-RAG and trend. Expected: a row error (the month is covered by a report written
    in Highlight), or months gathered into the project's reporting period."""
    project.reporting_cadence = Project.Cadence.QUARTERLY
    project.save()
    ReportFactory(project=project, period_start=datetime.date(2024, 1, 1),
                  period_end=datetime.date(2024, 3, 31), rated=True)  # fmt: skip
    rows = [RAG, ["TEST.1", "2024-02", "Overall", "Green", "", bob.email, "10/03/2024", ""]]
    with contextlib.suppress(CommandError):
        run("import_rag_history", tmp_path, rows)
    assert HighlightReport.objects.filter(project=project).count() == 1


# --- (b)/(e) Projects -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_project_made_a_programme_leaves_its_programme(tmp_path, alice, bob):
    """DEFECT (medium): a row turning a project into a programme, in a file without a
    Programme column (or the export trimmed to the columns that changed), keeps its parent:
    a programme inside a programme, which the project form refuses ("A programme cannot sit
    inside another programme"). Expected: a row error, as the form gives."""
    parent = ProgrammeFactory(code="PROG.1", manager=alice, sponsor=bob)
    ProjectFactory(code="CHILD.1", parent=parent, manager=alice, sponsor=bob)
    rows = [PROJECTS, ["CHILD.1", "Child", "Programme", bob.email, alice.email]]
    with contextlib.suppress(CommandError):
        run("import_projects", tmp_path, rows)
    child = Project.objects.get(code="CHILD.1")
    assert not (child.kind == Project.Kind.PROGRAMME and child.parent_id)


@pytest.mark.django_db
def test_the_projects_export_imports_again_with_a_switched_off_manager(
    client, tmp_path, pam, other_project, charlie
):
    """DEFECT (low, idempotence): a closed project whose manager has left (switched off in
    the admin, which does not hand over) exports with that manager, and importing the export
    refuses the row ("switched off: name someone who is here") although nothing changes;
    any error imports nothing, so the export does not import again. Expected: a person who is
    already in that role is accepted when unchanged."""
    other_project.status = Project.Status.CLOSED
    other_project.save()
    charlie.is_active = False
    charlie.save()
    client.force_login(pam)
    rows = exported(client, "projects")

    outcome = run("import_projects", tmp_path, rows, name="export.xlsx")

    assert outcome["errors"] == [] and (outcome["created"], outcome["updated"]) == (0, 0)


@pytest.mark.django_db
def test_the_people_export_imports_again_when_two_accounts_share_an_address(
    client, tmp_path, pam, alice
):
    """DEFECT (low, idempotence): two accounts may share an email address (a person's own
    and their admin account); the export writes both with their usernames, but the import
    refuses both rows ("2 people in Highlight have the email address ...: give the username
    instead") although the username is given. Expected: the username decides, unchanged."""
    UserFactory(username="alice-admin", email=alice.email, first_name="Alice",
                last_name="Admin")  # fmt: skip
    client.force_login(pam)
    rows = exported(client, "people")

    outcome = run("import_people", tmp_path, rows, name="export.xlsx")

    assert outcome["errors"] == [] and (outcome["created"], outcome["updated"]) == (0, 0)


@pytest.mark.django_db
def test_a_new_username_is_the_one_its_owner_signs_in_with(
    client, tmp_path, django_capture_on_commit_callbacks
):
    """DEFECT (low): a new person's username is stored as written, not NFKC-normalised as
    Django's user forms and sign-in do; a full-width "ａnn" (an IME, a pasted list) is
    accepted, the invitation says "Your username is ａnn", and the sign-in form normalises
    what is typed to "ann", so the person can never sign in with a password. Expected: the
    username normalised (User.normalize_username) or the row refused."""
    rows = [["Username", "Email", "Full name"], ["\uff41nn", "ann@example.org", "Ann Smith"]]
    with django_capture_on_commit_callbacks(execute=True):
        run("import_people", tmp_path, rows)
    ann = User.objects.get(email="ann@example.org")
    choose_password(client, link_in(mail.outbox[0]))
    signed_in = client.post(reverse("login"), {"username": ann.username, "password": PASSWORD})
    assert signed_in.status_code == 302, "the invited person cannot sign in"


@pytest.mark.django_db
def test_the_audit_names_the_pmo_member_whose_import_made_an_account(pam, settings):
    """DEFECT (medium): an account is a right in itself (audit_receivers.user_saved records
    "Account created"), and the people page is the first way someone other than a superuser
    makes one; but the import runs on a Celery worker, where no request is being served, so
    the RIGHTS events of the accounts it creates, switches off or on carry no actor: the audit
    cannot say which PMO member made an account. Expected: the rights events name the
    uploader (pam), as the import's own event does."""
    settings.PEOPLE_EMAIL_DOMAINS = ["example.org"]
    content = as_csv([["Email", "Full name"], ["ann@example.org", "Ann Smith"]])
    target = Organisation.objects.get(pk=Organisation.current().pk)
    outcome, seen = uploads.preview(PeopleImporter, target, content, "p.csv", pam)
    # As projects.uploads._import runs it on the worker: no request.
    uploads.confirm(PeopleImporter, target, content, "p.csv", seen, user=pam)

    ann = User.objects.get(email="ann@example.org")
    created = AuditEvent.objects.get(kind="rights", object_id=str(ann.pk))
    assert created.actor == pam, f"{created.description!r} by {created.actor_name or 'nobody'}"


@pytest.mark.django_db
def test_a_new_username_may_not_be_another_persons_email_address(tmp_path, project, alice, bob):
    """DEFECT (low): a new person's username may be another person's email address (both
    allow @ and .); the row is accepted, and from then on People (the lookup the projects and
    RAG-history imports use) finds that address ambiguous, so alice can no longer be named
    by her own email address -- and the projects export, which names people by email, no
    longer imports again. Expected: the people row refused ("the username ... is someone
    else's email address")."""
    rows = [["Username", "Email", "Full name"],
            [alice.email, "mallory@elsewhere.example", "Mallory Mole"]]  # fmt: skip
    with contextlib.suppress(CommandError):
        run("import_people", tmp_path, rows)
    with contextlib.suppress(CommandError):
        run(
            "import_projects",
            tmp_path,
            [PROJECTS, ["TEST.1", project.name, "Project", bob.email, alice.email]],
        )
    assert run.last["errors"] == []


@pytest.mark.django_db
def test_a_full_name_with_two_spaces_exports_and_imports_again_unchanged(client, tmp_path, pam):
    """DEFECT (low, idempotence): "Ann  Smith" (two spaces, as pasted lists have) is split
    on the last space, so the first name is stored as "Ann " with a trailing space; the export
    writes it and the import strips cells, so export-then-import reports Ann's first name
    changed. Expected: parts of a full name stripped (and inner runs of spaces collapsed);
    export-then-import changes nothing."""
    run("import_people", tmp_path, [["Email", "Full name"], ["ann@example.org", "Ann  Smith"]])
    client.force_login(pam)
    rows = exported(client, "people")

    outcome = run("import_people", tmp_path, rows, name="export.xlsx")

    assert (outcome["created"], outcome["updated"]) == (0, 0), repr(
        User.objects.get(email="ann@example.org").first_name
    )


@pytest.mark.django_db
def test_a_blank_name_cell_does_not_leave_a_person_nameless(tmp_path, olive):
    """DEFECT (low): a new person without a name is refused ("A new person needs a name"),
    but for an existing person a blank Full name cell (a messy sheet) blanks their first and
    last names, leaving a nameless account in every list and report. Expected: the same row
    error as for a new person (or blank name cells leave names alone)."""
    rows = [["Email", "Full name", "Job title"], [olive.email, "", "Planner"]]
    with contextlib.suppress(CommandError):
        run("import_people", tmp_path, rows)
    olive.refresh_from_db()
    assert olive.get_full_name() == "Olive Owen"
