from django.core.management import call_command

from businessplan.models import Activity
from projects.models import HighlightReport, Project, RagRating
from reports.models import Document
from risks.models import Risk


def portfolio_state():
    return sorted(
        Project.objects.filter(code__startswith="SC").values_list(
            "code", "kind", "parent__code", "sponsor__username"
        )
    )


SMALL = {"projects": 40, "months": 3, "risks_per_project": 2, "activities": 30, "seed": 7}


def test_seed_scale_is_deterministic_realistic_and_replaces_itself(db):
    call_command("seed_scale", allow_live=True, **SMALL)
    first = portfolio_state()
    projects = Project.objects.filter(code__startswith="SC", kind="project")
    assert projects.count() == 40
    sizes = [
        p.children.count() for p in Project.objects.filter(code__startswith="SC", kind="programme")
    ]
    assert all(1 <= size <= 30 for size in sizes) and sum(sizes) == 40
    reports = HighlightReport.objects.filter(project__code__startswith="SC")
    assert reports.count() == (40 + len(sizes)) * 3
    assert reports.exclude(summary="").count() == reports.count()  # every section filled
    latest = reports.filter(period_start="2024-12-01", status="approved")
    assert latest.exists() and not latest.filter(approved_snapshot__isnull=True).exists()
    spread = {
        name: RagRating.objects.filter(report__in=reports, status__name=name).count()
        for name in ("Green", "Amber", "Red")
    }
    assert spread["Green"] > spread["Amber"] > spread["Red"] > 0
    assert Risk.objects.filter(register__name__startswith="SC ").count() == 80
    assert Activity.objects.filter(section__plan__year="2099-00").count() == 30
    call_command("seed_scale", allow_live=True, **SMALL)
    assert portfolio_state() == first  # same seed, same data, nothing doubled
    # The monthly run's PDFs of the approved reports, for the documents page.
    assert Document.objects.filter(status="done").count() == latest.count()
    assert Project.objects.filter(code__startswith="SC", kind="project").count() == 40


def test_a_month_end_to_sign_in_to(db, settings, client):
    """`make soak`: the newest month is being reported, everyone has the password, and the
    PMO (MFA_REQUIRED_FOR) signs in with a code of the given secret, as a phone computes it."""
    from django.urls import reverse

    from tests import totp

    settings.MFA_REQUIRED_FOR = ["pmo"]
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    call_command(
        "seed_scale", allow_live=True, month_end=True, password="soak pass 1",
        totp_secret=secret, **SMALL,
    )  # fmt: skip
    newest = HighlightReport.objects.filter(
        project__code__startswith="SC", period_start="2024-12-01"
    )
    statuses = {s: newest.filter(status=s).count() for s in ("draft", "submitted", "approved")}
    assert sum(statuses.values()) == newest.count() and all(statuses.values()), statuses
    assert statuses["draft"] > statuses["submitted"]
    assert not newest.filter(status="approved", approved_snapshot__isnull=True).exists()
    assert not newest.filter(status="submitted", first_submitted_at__isnull=True).exists()
    assert not Document.objects.exists()  # the month's run is still to come
    manager = Project.objects.filter(code__startswith="SC", kind="project")[0].manager.username
    signed = client.post(reverse("login"), {"username": manager, "password": "soak pass 1"})
    assert signed["Location"] == "/"
    pmo = client.__class__()
    held = pmo.post(reverse("login"), {"username": "sc.pmo", "password": "soak pass 1"})
    assert held["Location"] == reverse("second-factor")
    done = pmo.post(reverse("second-factor"), {"code": totp.code(secret)})
    assert done["Location"] == "/"
    assert "Monthly run" in pmo.get(reverse("reports:document-list")).text
