"""The seeding commands on a live database (issue 17, finding 12). seed_demo made a staff
PMO and directors who sign in with the demo password everyone knows, and set that password
again on every run; seed_scale deletes whatever shares its scale data's names. With DEBUG off
(a live Highlight) both refuse unless told --allow-live, and seed_demo never sets a password
on an account it did not make, or that no longer has the demo's."""

import io

import pytest
from django.core.management import CommandError, call_command

from projects.models import Project, User
from tests.factories import ProjectFactory, UserFactory

LIVE = "DEBUG is off, so this looks like a live Highlight, and"
NOT_CHANGED = (
    "Nothing was changed. Run it with DEBUG=1 on a development database, or add --allow-live "
    "if this database is for demonstration."
)


def seed(*args, **options):
    out = io.StringIO()
    call_command("seed_demo", *args, samples_only=True, stdout=out, **options)
    return out.getvalue()


def test_seed_demo_refuses_a_live_database(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as refused:
        seed()
    assert str(refused.value) == (
        f"{LIVE} seed_demo adds about thirty demo accounts, among them a PMO with staff status "
        "and directors, that sign in with the demo password, DEMO_PASSWORD, which anyone who "
        f"has read Highlight's README knows. {NOT_CHANGED}"
    )
    assert not User.objects.filter(username__in=["pmo", "director"]).exists()


def test_seed_scale_refuses_a_live_database(db, settings):
    settings.DEBUG = False
    schools = ProjectFactory(code="SCHOOLS.1", name="Schools Capital Programme")
    with pytest.raises(CommandError) as refused:
        call_command("seed_scale", projects=10, months=1, stdout=io.StringIO())
    assert str(refused.value) == (
        f"{LIVE} seed_scale first deletes every project whose code starts SC, with its reports, "
        "every register named 'SC …' and the 2099-00 business plan, and makes a scale user a "
        f"director. {NOT_CHANGED}"
    )
    assert list(Project.objects.values_list("code", flat=True)) == [schools.code]


def test_seed_demo_runs_with_debug_on_as_make_run_does_and_when_told(db, settings):
    settings.DEBUG = True
    seed()
    pmo = User.objects.get(username="pmo")
    assert pmo.is_staff and pmo.check_password(settings.DEMO_PASSWORD)
    settings.DEBUG = False
    seed("--allow-live")  # as typed at the command line
    assert User.objects.get(username="pmo").password == pmo.password  # not set again


def test_seed_demo_leaves_an_account_it_did_not_make_as_it_is(db, settings):
    """A real director who happens to be called `director`, and a demo sponsor whose person
    has chosen a password of their own."""
    real = UserFactory(username="director", first_name="Real", last_name="Person")
    real.set_password("their own passphrase")
    real.save()
    settings.DEBUG = True
    seed()
    sponsor = User.objects.get(username="joss.foster")
    sponsor.set_password("joss chose this one")
    sponsor.groups.clear()
    sponsor.save()

    out = seed()

    real.refresh_from_db()
    assert real.check_password("their own passphrase")
    assert (real.first_name, real.is_staff, list(real.groups.all())) == ("Real", False, [])
    sponsor.refresh_from_db()
    assert sponsor.check_password("joss chose this one")
    assert not sponsor.check_password(settings.DEMO_PASSWORD)
    assert "director: not a demo account (its password is not the demo's); left as it is" in out
    assert "joss.foster: not a demo account" in out
    # The demo's own accounts are still the demo's.
    pmo = User.objects.get(username="pmo")
    assert pmo.check_password(settings.DEMO_PASSWORD)
    assert pmo.groups.filter(name="PMO").exists()
