"""A leaver's hand-over (issue 19): every responsibility goes to the successor in one step,
what the leaver did stays theirs, the leaver is switched off, and the audit and the
records' history say who handed what to whom. `manage.py hand_over` does it."""

import io
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from projects import access, handover
from projects.models import AuditEvent, HighlightReport, User
from tests.factories import (
    MonthlyRunFactory,
    OwnerRoleFactory,
    ProjectFactory,
    ReportFactory,
    RiskFactory,
    RiskRegisterFactory,
    UserFactory,
)


def links_to_people():
    """Every foreign key and many-to-many to a person, but the history's own copies."""
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue
        for f in model._meta.get_fields():
            if f.concrete and f.is_relation and f.related_model is User:
                yield f"{model._meta.label}.{f.name}"


def test_every_link_to_a_person_is_either_moved_or_kept_as_history():
    links = set(links_to_people())
    unclassified = links - handover.MOVES - handover.HISTORY
    assert not unclassified, f"say whether a hand-over moves these: {sorted(unclassified)}"
    assert not (handover.MOVES | handover.HISTORY) - links, "names of links that do not exist"
    assert not handover.MOVES & handover.HISTORY


@pytest.fixture
def world(db):
    """Lee leaves; Sam succeeds. Each of Lee's responsibilities, and things Lee did."""
    lee = UserFactory(username="lee", first_name="Lee", last_name="Leaver")
    sam = UserFactory(username="sam", first_name="Sam", last_name="Successor")
    other = UserFactory(username="other")
    sponsored = ProjectFactory(code="SPv.1", sponsor=lee)
    managed = ProjectFactory(code="MGv.1", manager=lee, director=lee)
    edited = ProjectFactory(code="EDv.1", editors=[lee, other])
    waiting = ReportFactory(project=ProjectFactory(code="APv.1"), named_approver=lee)
    waiting.status = HighlightReport.Status.SUBMITTED
    waiting.save()
    approved = ReportFactory(project=ProjectFactory(code="HIv.1"), named_approver=lee,
                             period_start=waiting.period_start)  # fmt: skip
    approved.status, approved.approved_by = HighlightReport.Status.APPROVED, lee
    approved.save()
    approved.writers.add(lee)
    register = RiskRegisterFactory(owner=lee, name="Estates risks")
    open_risk = RiskFactory(register=RiskRegisterFactory(owner=other, name="Corporate"), owner=lee)
    closed_risk = RiskFactory(register=open_risk.register, owner=lee, status="closed")
    role = OwnerRoleFactory(name="Dir - C&I", users=[lee])
    run = MonthlyRunFactory()
    run.notify.add(lee)
    return {"lee": lee, "sam": sam, "other": other, "sponsored": sponsored,
            "managed": managed, "edited": edited, "waiting": waiting, "approved": approved,
            "register": register, "open_risk": open_risk, "closed_risk": closed_risk,
            "role": role, "run": run}  # fmt: skip


def test_a_hand_over_moves_every_responsibility_and_leaves_history_alone(world):
    lee, sam = world["lee"], world["sam"]
    preview = handover.plan(lee, sam)
    assert not preview.errors
    assert [i.what for i in preview.items] == [
        f"Sponsor of {world['sponsored']}",
        f"Manager of {world['managed']}",
        f"Director of {world['managed']}",
        f"Editor of {world['edited']}",
        f"Named to approve {world['waiting']}",
        "Told when the monthly run's documents are ready",
        "Owner of the risk register Estates risks",
        f"Owner of the risk {world['open_risk']} ({world['open_risk'].register})",
        "In the business plan's owner role Dir - C&I",
    ]
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    handover.carry_out(preview, by=boss)
    for key, role in (("sponsored", "sponsor"), ("managed", "manager"), ("managed", "director"),
                      ("waiting", "named_approver"), ("register", "owner"),
                      ("open_risk", "owner")):  # fmt: skip
        world[key].refresh_from_db()
        assert getattr(world[key], role) == sam, f"{key}.{role} not moved"
    assert set(world["edited"].editors.all()) == {sam, world["other"]}
    assert list(world["role"].users.all()) == [sam]
    assert list(world["run"].notify.all()) == [sam]
    # What Lee did stays Lee's.
    world["approved"].refresh_from_db()
    world["closed_risk"].refresh_from_db()
    assert world["approved"].approved_by == lee and world["approved"].named_approver == lee
    assert list(world["approved"].writers.all()) == [lee]
    assert world["closed_risk"].owner == lee
    lee.refresh_from_db()
    assert not lee.is_active
    event = AuditEvent.objects.get(kind="handover")
    assert (event.actor, event.object_repr) == (boss, str(lee))
    assert event.description.startswith("Handed over to sam and switched off (9 responsibilities):")
    assert f"Sponsor of {world['sponsored']}" in event.description
    latest = world["sponsored"].history.latest()
    assert (latest.sponsor_id, latest.history_user) == (sam.pk, boss)


def test_nobody_in_the_pmo_takes_over_a_sponsor(world):
    world["sam"].groups.add(Group.objects.get_or_create(name=access.PMO)[0])
    preview = handover.plan(world["lee"], world["sam"])
    assert any("is in the PMO" in e for e in preview.errors)
    with pytest.raises(ValueError, match="is in the PMO"):
        handover.carry_out(preview)
    world["sponsored"].refresh_from_db()
    assert world["sponsored"].sponsor == world["lee"] and world["lee"].is_active


def test_a_writer_of_a_waiting_report_is_not_named_to_approve_it(world):
    world["waiting"].writers.add(world["sam"])
    preview = handover.plan(world["lee"], world["sam"])
    assert any("wrote part of it" in e for e in preview.errors)


def test_responsibilities_changed_since_the_preview_change_nothing(world):
    preview = handover.plan(world["lee"], world["sam"])
    ProjectFactory(code="NEWv.1", manager=world["lee"])
    with pytest.raises(ValueError, match="changed since the preview"):
        handover.carry_out(preview)
    world["sponsored"].refresh_from_db()
    assert world["sponsored"].sponsor == world["lee"]
    assert User.objects.get(username="lee").is_active


def test_nobody_hands_over_to_themselves_or_to_someone_switched_off(world):
    assert handover.plan(world["lee"], world["lee"]).errors
    world["sam"].is_active = False
    world["sam"].save()
    assert any("switched off" in e for e in handover.plan(world["lee"], world["sam"]).errors)


def test_the_command_lists_then_hands_over(world):
    out = io.StringIO()
    call_command("hand_over", "--from", "lee", "--to", "sam", "--dry-run", "--json", stdout=out)
    dry = json.loads(out.getvalue())
    assert dry["handed_over"] is False and len(dry["items"]) == 9 and dry["errors"] == []
    assert User.objects.get(username="lee").is_active, "a dry run changed something"
    out = io.StringIO()
    call_command("hand_over", "--from", "lee", "--to", "sam", stdout=out)
    assert "Handed over 9 responsibilities of lee to sam:" in out.getvalue()
    assert "lee is switched off." in out.getvalue()
    world["managed"].refresh_from_db()
    assert world["managed"].manager == world["sam"]
    with pytest.raises(CommandError, match="Nobody has the username 'nobody'"):
        call_command("hand_over", "--from", "nobody", "--to", "sam", stdout=io.StringIO())


@pytest.fixture
def pmo_client(world):
    from django.test import Client

    pat = UserFactory(username="pat")
    pat.groups.add(Group.objects.get_or_create(name=access.PMO)[0])
    client = Client()
    client.force_login(pat)
    return client


def test_the_pmo_sees_every_item_then_hands_over_on_its_page(world, pmo_client):
    from django.urls import reverse

    url = reverse("projects:hand-over")
    chosen = {"leaver": world["lee"].pk, "successor": world["sam"].pk}
    page = pmo_client.get(url, chosen).text
    assert "Lee Leaver to Sam Successor: 9 responsibilities" in page
    assert f"<li>Sponsor of {world['sponsored']}</li>" in page
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    ProjectFactory(code="LATEv.1", manager=world["lee"])  # meanwhile
    stale = pmo_client.post(url, {**chosen, "fingerprint": fingerprint}, follow=True)
    assert "Responsibilities changed since the list below was made" in stale.text
    assert User.objects.get(username="lee").is_active
    page = pmo_client.get(url, chosen).text
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    done = pmo_client.post(url, {**chosen, "fingerprint": fingerprint}, follow=True)
    assert "Lee Leaver&#x27;s 10 responsibilities are Sam Successor&#x27;s" in done.text
    assert not User.objects.get(username="lee").is_active
    assert AuditEvent.objects.get(kind="handover").actor.username == "pat"


def test_the_pmo_cannot_switch_off_an_account_that_reaches_the_admin(world, pmo_client):
    from django.urls import reverse

    world["lee"].is_staff = True
    world["lee"].save()
    chosen = {"leaver": world["lee"].pk, "successor": world["sam"].pk}
    assert pmo_client.get(reverse("projects:hand-over"), chosen).status_code == 403


@pytest.mark.django_db
def test_open_raid_items_move_to_the_successor_and_closed_ones_stay(project, alice, olive):
    import datetime

    from projects import handover
    from projects.models import RaidItem

    day = datetime.date(2024, 3, 1)
    open_action = RaidItem.objects.create(project=project, kind="action", number=1,
                                          title="Chase", owner=alice, raised_on=day)  # fmt: skip
    done = RaidItem.objects.create(project=project, kind="action", number=2, title="Done",
                                   owner=alice, raised_on=day, status="closed",
                                   resolution="Done")  # fmt: skip
    plan = handover.plan(alice, olive)
    assert any(item.obj == open_action for item in plan.items)
    assert not any(item.obj == done for item in plan.items)
    project.manager = olive  # so that what alice manages does not block the test
    project.save()
    handover.carry_out(handover.plan(alice, olive))
    open_action.refresh_from_db(), done.refresh_from_db()
    assert open_action.owner == olive and done.owner == alice
