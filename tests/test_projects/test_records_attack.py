"""A hostile user's and a data protection officer's look at issue 22 (records and data
protection): anonymising leavers, subject access, the data map and the published statements.
Fifteen tests here found defects, fourteen since fixed: a namesake's records rewritten, a name
replaced inside a longer one or a username inside words, short usernames and names, accented
names in JSON, emails in another case, report parts and history reasons left out, the nightly
run racing a person switched back on, the command taking an active colleague, the webhook
secret in the archive, the data map's blind spot, the notice out of date. The archive's gap
(records naming someone without a link) is marked as known. The others guard rules that held."""

import datetime
import io
import zipfile

import pytest
from axes.models import AccessLog
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from projects import anonymise, audit, milestones, personal_data, statements, subject_access
from projects.models import (
    AuditEvent,
    ChannelHook,
    Concern,
    Deliverable,
    HighlightReport,
    Milestone,
    Organisation,
    RagRating,
    ReportReminder,
    User,
    WorkstreamProgress,
)
from tests.factories import (
    ConcernFactory,
    DeliverableFactory,
    ProjectFactory,
    ReportFactory,
    RiskFactory,
    UserFactory,
    WorkstreamProgressFactory,
)

D = datetime.date


def leaver(**fields):
    fields.setdefault("is_active", False)
    return UserFactory(**fields)


def archive_text(person):
    content = subject_access.archive(person)
    zipped = zipfile.ZipFile(io.BytesIO(content))
    return "\n".join(zipped.read(name).decode("utf-8-sig") for name in zipped.namelist())


# --- Anonymising: other people's records damaged ----------------------------------------


def test_a_namesake_s_audit_is_not_rewritten(alice):
    """Two people called Alice Archer: anonymising one rewrites the audit's events about
    the other, so the audit now says the leaver's account did what the other's did."""
    namesake = UserFactory(username="aarcher2", first_name="Alice", last_name="Archer")
    event = audit.record(audit.Kind.SIGN_IN, actor=namesake, obj=namesake)
    assert event.object_repr == "Alice Archer"
    alice.is_active = False
    alice.save()
    anonymise.anonymise(alice, why="on request")
    event.refresh_from_db()
    assert event.object_id == str(namesake.pk)
    assert event.object_repr == "Alice Archer", event.object_repr


def test_a_name_inside_another_name_is_left_alone(db):
    """Anonymising Ann Lee turns Ann Leeson (someone else) into "Former member of staff
    Nson" in free text: the replacement is not bounded by words."""
    leaver(username="annlee", first_name="Ann", last_name="Lee")
    project = ProjectFactory(objectives="Ann Leeson chairs the board.")
    anonymise.anonymise(User.objects.get(username="annlee"), why="on request")
    project.refresh_from_db()
    assert project.objectives == "Ann Leeson chairs the board.", project.objectives


def test_a_person_without_a_name_leaves_words_containing_their_username_alone(db):
    """No first or last name: name_and_role is the username, so "mark" is replaced inside
    "market" in every free-text field, though the rule is the username only in sign-in
    identifiers and, as a whole word, in system text."""
    mark = leaver(username="mark", first_name="", last_name="", job_title="")
    project = ProjectFactory(objectives="The market review.")
    anonymise.anonymise(mark, why="on request")
    project.refresh_from_db()
    assert project.objectives == "The market review.", project.objectives


# --- Anonymising: names left behind ------------------------------------------------------


def test_a_short_username_goes_from_the_audit_and_sign_in_logs(db):
    """SHORTEST_TRACE guards against replacing inside words, but it also drops a short
    username from the exact (whole-value) matches: the audit's actor_name and django-axes'
    sign-in records still say "ed" after Ed Wu is anonymised."""
    ed = UserFactory(username="ed", first_name="Ed", last_name="Wu")
    audit.record(audit.Kind.SIGN_IN, actor=ed, obj=ed)
    AccessLog.objects.create(user_agent="Firefox", ip_address="192.0.2.4", username="ed",
                             http_accept="*/*", path_info="/accounts/login/")  # fmt: skip
    ed.is_active = False
    ed.save()
    anonymise.anonymise(ed, why="on request")
    assert not AuditEvent.objects.filter(actor_name="ed").exists()
    assert not AccessLog.objects.filter(username="ed").exists()


def test_a_short_name_goes_from_a_field_that_holds_only_a_name(db):
    """A person called just "Bo": Risk.owner_name holds exactly "Bo" (the whole value, no
    risk of damaging other words), yet it is left."""
    bo = leaver(username="bo.k", first_name="Bo", last_name="")
    risk = RiskFactory(owner_name="Bo")
    anonymise.anonymise(bo, why="on request")
    risk.refresh_from_db()
    assert risk.owner_name != "Bo"


def test_an_accented_name_goes_from_json_snapshots(db):
    """PostgreSQL prints jsonb as text with "ë" itself; the search looks for json.dumps'
    "\\u00eb", so an approved report's frozen snapshot keeps Zoë Brontë's name."""
    zoe = leaver(username="zbronte", first_name="Zoë", last_name="Brontë")
    report = ReportFactory(project=ProjectFactory(code="ZB"), period_start=D(2024, 3, 1))
    HighlightReport.objects.filter(pk=report.pk).update(
        approved_snapshot={"project": {"manager": "Zoë Brontë"}}
    )
    anonymise.anonymise(zoe, why="on request")
    report.refresh_from_db()
    assert "Brontë" not in str(report.approved_snapshot), report.approved_snapshot


def test_an_email_written_in_another_case_goes(db):
    """Emails are case-insensitive; the replacement is not. "Zelda.Q@Example.org" typed in
    a report stays after zelda.q@example.org is anonymised (and so does a sign-in record
    of her typing it that way)."""
    zelda = leaver(username="zq", first_name="Zelda", last_name="Quintrell",
                   email="zelda.q@example.org")  # fmt: skip
    project = ProjectFactory(objectives="Write to Zelda.Q@Example.org for keys.")
    AccessLog.objects.create(user_agent="Firefox", ip_address="192.0.2.4",
                             username="Zelda.Q@Example.org", http_accept="*/*",
                             path_info="/accounts/login/")  # fmt: skip
    anonymise.anonymise(zelda, why="on request")
    project.refresh_from_db()
    assert "zelda.q@example.org" not in project.objectives.lower()
    assert not AccessLog.objects.filter(username__iexact="zelda.q@example.org").exists()


def test_report_parts_lose_the_name_too(db, bob):
    """Only models linked to a user are in the data map, so a highlight report's RAG
    comments, concerns, deliverables and workstream progress, and the reminders' recipient
    addresses, are never anonymised: all printed in the report or held with the email."""
    zelda = UserFactory(username="zq", first_name="Zelda", last_name="Quintrell",
                        email="zelda.q@example.org")  # fmt: skip
    project = ProjectFactory(code="LIB", manager=zelda, sponsor=bob)
    report = ReportFactory(project=project, period_start=D(2024, 3, 1), rated=True)
    RagRating.objects.filter(report=report).update(comment="Zelda Quintrell is off sick.")
    ConcernFactory(report=report, concern="Zelda Quintrell leaves in May.")
    DeliverableFactory(report=report, description="Handover from Zelda Quintrell")
    WorkstreamProgressFactory(report=report, achievements="Zelda Quintrell signed it off.")
    ReportReminder.objects.create(project=project, period_start=D(2024, 3, 1),
                                  kind="due_soon", recipients="zelda.q@example.org")  # fmt: skip
    zelda.is_active = False
    zelda.save()
    anonymise.anonymise(zelda, why="on request")
    left = [
        model.__name__
        for model, field in [
            (RagRating, "comment"),
            (Concern, "concern"),
            (Deliverable, "description"),
            (WorkstreamProgress, "achievements"),
        ]
        if model.objects.filter(**{f"{field}__contains": "Quintrell"}).exists()
    ]
    if ReportReminder.objects.filter(recipients__contains="zelda.q@").exists():
        left.append("ReportReminder")
    assert left == []


def test_a_rebaseline_reason_goes_from_the_milestone_s_history(db, alice, bob):
    """Rebaseline.reason is anonymised, but its copy in the milestone's history
    (history_change_reason, "Re-baselined: …") is not: Milestone is not in the data map."""
    zelda = UserFactory(username="zq", first_name="Zelda", last_name="Quintrell")
    project = ProjectFactory(code="LIB", manager=alice, sponsor=bob)
    milestone = Milestone.objects.create(project=project, name="Doors open",
                                         baseline=D(2024, 6, 1))  # fmt: skip
    milestones.rebaseline(milestone, D(2024, 9, 1), "Zelda Quintrell is away", bob)
    zelda.is_active = False
    zelda.save()
    anonymise.anonymise(zelda, why="on request")
    reasons = list(milestone.history.values_list("history_change_reason", flat=True))
    assert not any("Quintrell" in (reason or "") for reason in reasons), reasons


# --- Anonymising: who and when ------------------------------------------------------------


def test_the_nightly_run_spares_someone_switched_back_on_meanwhile(db, settings, monkeypatch):
    """leavers_due is read once; anonymise() then locks each person but never checks they
    are still switched off and due. A PMO switching someone back on while the run is going
    (it takes a while with a big history) gets them anonymised anyway: irreversible."""
    settings.LEAVER_RETENTION_DAYS = 730
    zelda = leaver(username="zq", first_name="Zelda", last_name="Quintrell")
    User.objects.filter(pk=zelda.pk).update(left_on=D(2020, 1, 1))
    real = anonymise.anonymise

    def switched_back_on_first(person, **kwargs):
        # The PMO's change commits just before the run reaches this person.
        User.objects.filter(pk=person.pk).update(is_active=True, left_on=None)
        return real(person, **kwargs)

    monkeypatch.setattr(anonymise, "anonymise", switched_back_on_first)
    anonymise.anonymise_leavers()
    zelda.refresh_from_db()
    assert zelda.is_active and zelda.anonymised_at is None and zelda.last_name == "Quintrell"


def test_the_command_refuses_an_active_colleague(alice):
    """--yes on a username that is still switched on (a typo, or the wrong Alice) erases
    a working colleague at once, irreversibly; the command should ask for the account to
    be switched off first, as it does for administration rights."""
    assert alice.is_active
    with pytest.raises(CommandError):
        call_command("anonymise_person", "alice", "--reason", "asked", "--yes",
                     stdout=io.StringIO())  # fmt: skip
    alice.refresh_from_db()
    assert alice.anonymised_at is None


# --- Subject access ---------------------------------------------------------------------


def test_the_archive_keeps_the_chat_channel_s_webhook_secret(alice):
    """ChannelHook.url is a secret (whoever holds it can post to the channel; pages show
    only its host), but the archive of the person who last changed it prints it whole."""
    ChannelHook.objects.create(kind="slack", changed_by=alice,
                               url="https://hooks.slack.com/services/T0/B0/s3cr3tXYZ")  # fmt: skip
    assert "s3cr3tXYZ" not in archive_text(alice)


def test_archive_holds_data_held_without_a_link(alice, project):
    """Found in review: the archive followed only links to the account, so their sign-in
    records (django-axes: username, network address, browser), the reminders sent to their
    address and records naming them in a name field were left out of the answer."""
    AccessLog.objects.create(user_agent="Firefox/128", ip_address="198.51.100.23",
                             username="alice", http_accept="*/*",
                             path_info="/accounts/login/")  # fmt: skip
    ReportReminder.objects.create(project=ProjectFactory(code="X9"), period_start=D(2024, 3, 1),
                                  kind="overdue", recipients=alice.email)  # fmt: skip
    RiskFactory(owner_name="Alice Archer", title="Library roof leaks")
    text = archive_text(alice)
    missing = [
        what
        for what, words in [
            ("sign-in log", "198.51.100.23"),
            ("reminders", "Overdue"),
            ("risk owned by name", "Library roof leaks"),
        ]
        if words not in text
    ]
    assert missing == []


def test_the_archive_takes_names_as_whole_words_and_leaves_a_namesakes_out(alice, project):
    """Text naming 'Alice Archerson' is not about Alice Archer; nor is a risk owned by
    'Alice Archer' when two people have that name (it may be the other's)."""
    RiskFactory(owner_name="Alice Archerson", title="Damp in the reading room")
    RiskFactory(owner_name="Alice Archer", title="Library roof leaks")
    assert "Library roof leaks" in archive_text(alice)
    assert "Damp in the reading room" not in archive_text(alice)
    UserFactory(username="alice2", first_name="Alice", last_name="Archer")
    assert "Library roof leaks" not in archive_text(alice)


def test_the_archive_searches_no_account_but_the_persons_own(alice):
    """Another account whose email or name mentions theirs is not their data; their own
    account is account.json, once."""
    UserFactory(username="alice-archer-fan", first_name="Bert", email="alice@example.org.uk")
    names = zipfile.ZipFile(io.BytesIO(subject_access.archive(alice))).namelist()
    assert not [name for name in names if name.startswith("projects/user-")]
    assert "alice-archer-fan" not in archive_text(alice)


def test_a_longer_name_written_by_hand_is_not_theirs(alice):
    """'Alice Archer-Smith' typed into a risk (no account of that name) is someone else."""
    RiskFactory(owner_name="Alice Archer-Smith", title="Boiler fails")
    RiskFactory(owner_name="Alice Archer", title="Library roof leaks")
    text = archive_text(alice)
    assert "Library roof leaks" in text and "Boiler fails" not in text


def test_the_archive_has_no_password_mfa_or_token_secrets(alice):
    from allauth.mfa.models import Authenticator

    from projects import api_tokens

    Authenticator.objects.create(user=alice, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})
    token = api_tokens.create(alice, "Feed")[0]
    text = archive_text(alice)
    assert "JBSWY3DPEHPK3PXP" not in text and token.digest not in text
    assert alice.password not in text and "pbkdf2" not in text


def test_the_archive_s_csv_makes_formulas_inert(alice):
    audit.record(audit.Kind.SIGN_IN, actor=alice, description='=HYPERLINK("http://e")')
    content = subject_access.archive(alice)
    zipped = zipfile.ZipFile(io.BytesIO(content))
    csv_text = zipped.read("projects/auditevent-actor.csv").decode("utf-8-sig")
    assert ",=HYPERLINK" not in csv_text and "'=HYPERLINK" in csv_text


# --- The data map -----------------------------------------------------------------------


def test_the_data_map_covers_fields_naming_people_on_models_without_a_link(db):
    """A model with no link to a user is never asked for markers, so the map (and the test
    meant to keep it true) misses text that names people: a report's RAG comments and
    concerns, the reminders' recipient addresses, the organisation's privacy contact."""
    mapped = {f"{row.model}.{row.field}" for row in personal_data.data_map()}
    expected = {
        "projects.RagRating.comment",
        "projects.Concern.concern",
        "projects.ReportReminder.recipients",
        "projects.Organisation.privacy_contact",
    }
    assert expected - mapped == set()


# --- The published statements -----------------------------------------------------------


def test_the_privacy_notice_says_leavers_are_anonymised(db, settings):
    """Highlight's own notice says a switched-off account keeps its name on the records
    and says nothing of anonymising after LEAVER_RETENTION_DAYS: the notice published to
    staff is wrong about how long their name is kept (transparency)."""
    text = statements.default_text("privacy")
    assert "keeps its name on the records" not in text
    assert str(settings.LEAVER_RETENTION_DAYS) in text


def test_statements_are_public_and_their_settings_are_the_pmo_s(client_for, olive, pam):
    assert Client().get(reverse("projects:privacy")).status_code == 200
    assert Client().get(reverse("projects:accessibility")).status_code == 200
    url = reverse("projects:statements")
    assert client_for(olive).get(url).status_code == 403
    assert client_for(olive).get(reverse("projects:data-map")).status_code == 403
    assert client_for(olive).get(reverse("projects:subject-access")).status_code == 403
    assert Client().get(url).status_code == 302


def test_pmo_markdown_cannot_put_scripts_or_images_on_the_public_page(db):
    organisation = Organisation.current()
    organisation.privacy_notice = (
        "[click](javascript:alert(1)) ![x](https://evil.example/p.png) "
        '<img src=x onerror=alert(1)> <a href="data:text/html,x">d</a> '
        "<iframe src=//evil></iframe> [ok](https://ico.org.uk)"
    )
    organisation.save()
    organisation.privacy_contact = "<script>alert(2)</script>"
    organisation.save()
    html = Client().get(reverse("projects:privacy")).content.decode()
    body = html.split('<article class="statement">', 1)[1].split("</article>", 1)[0]
    for bad in ('href="javascript', "<img", "onerror=", 'href="data:', "<iframe", "<script"):
        assert bad not in body, bad
    assert 'href="https://ico.org.uk"' in body


# --- The audit's guard ------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        "kind = 'export'",
        "at = at - interval '1 day'",
        "actor_id = NULL",
        "address = '203.0.113.1'",
        "outcome = 'failure'",
        "object_id = '999'",
    ],
)
def test_with_the_anonymise_flag_on_only_the_text_may_change(alice, change):
    event = audit.record(audit.Kind.SIGN_IN, actor=alice, obj=alice, address="192.0.2.1")
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL highlight.audit_anonymise = 'on'")
        cursor.execute(f"UPDATE {table} SET {change} WHERE id = %s", [event.pk])  # noqa: S608


def test_with_the_anonymise_flag_on_the_audit_still_refuses_deletion(alice):
    event = audit.record(audit.Kind.SIGN_IN, actor=alice, obj=alice)
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL highlight.audit_anonymise = 'on'")
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])  # noqa: S608


def test_the_flag_does_not_outlive_the_anonymisation_in_its_transaction(alice):
    alice.is_active = False
    alice.save()
    event = audit.record(audit.Kind.SIGN_IN, actor=alice, obj=alice)
    table = AuditEvent._meta.db_table
    with transaction.atomic():
        anonymise.anonymise(alice, why="on request")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"UPDATE {table} SET description = 'x' WHERE id = %s", [event.pk])  # noqa: S608


def test_apostrophes_and_like_wildcards_in_a_name_are_taken_literally(db):
    obrien = leaver(username="sobrien", first_name="Siobhán", last_name="O'Brien_100%")
    other = ProjectFactory(objectives="Siobhán OXBrienX100 is someone else.")
    mine = ProjectFactory(objectives="Ask Siobhán O'Brien_100% first.")
    anonymise.anonymise(obrien, why="on request")
    other.refresh_from_db()
    mine.refresh_from_db()
    assert other.objectives == "Siobhán OXBrienX100 is someone else."
    assert mine.objectives == f"Ask Former member of staff {obrien.pk} first."
