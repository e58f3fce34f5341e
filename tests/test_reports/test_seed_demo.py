from django.core.management import call_command

from businessplan.models import Activity, BusinessPlan, OwnerRole
from projects.models import Concern, HighlightReport, Organisation, Project, RagRating, User
from reports.demo import people, portfolio
from reports.models import Document
from risks.models import RiskRegister

# The living demo organisation seeded beside the samples (test_seed_living_demo.py).
LIVING = list(portfolio.SPECS)


def test_seed_demo_is_faithful_to_the_sample_and_idempotent(
    db, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", allow_live=True)
    call_command("seed_demo", allow_live=True)
    samples = Project.objects.exclude(code__in=LIVING)
    assert sorted(samples.values_list("code", flat=True)) == ["CAP", "SIB", "SORPv.1"]
    assert HighlightReport.objects.filter(project__in=samples).count() == 3  # SIB: one report
    approved_pdfs = Document.objects.filter(kind="highlight_report", status=Document.Status.DONE)
    assert approved_pdfs.exclude(params__project__in=LIVING).count() == 2
    # The safeguarding sample is one report, dated 07/12/11, telling of November.
    (sib,) = HighlightReport.objects.filter(project__code="SIB")
    assert (sib.period_label, f"{sib.report_date:%d/%m/%y}") == ("November 2011", "07/12/11")
    assert Project.objects.get(code="CAP").manager is None  # the sample names none
    project = Project.objects.get(code="SORPv.1")
    assert project.name == "Statements of Required Management Practice (SORPs)"
    assert project.sponsor.name_and_role == "Joss Foster, Director of Business Strategy"
    assert project.manager.name_and_role == "Liz Sanderson, Business Strategy"
    report = project.reports.get()
    assert report.period_label == "August 2011"
    assert report.report_date.strftime("%d/%m/%y") == "30/08/11"
    assert "**SORP 2** will be presented to DAT" in report.next_period
    assert "### Communicating & Embedding" in report.achievements
    assert Concern.objects.filter(report=report).count() == 3
    # The sample has no RAG ratings: every line stays "not rated".
    assert RagRating.objects.filter(report=report, status__isnull=True).count() == 4
    director = User.objects.get(username="director")
    assert director.groups.filter(name="Directors").exists()
    assert User.objects.get(username="pmo").groups.filter(name="PMO").exists()
    assert director.check_password(settings.DEMO_PASSWORD)


def test_seed_demo_composes_each_apps_part_once(db, capsys):
    """projects, risks and businessplan each seed their own part; a second run adds nothing."""
    call_command("seed_demo", allow_live=True)
    call_command("seed_demo", allow_live=True)
    assert "0 risks created, 2 unchanged" in capsys.readouterr().out
    register = RiskRegister.objects.get(name="Performance and Projects")
    assert register.owner.username == "robert.smyth"
    assert register.risks.count() == 2
    assert "### Progress so far" in register.risks.get(ref="PP_R011").actions
    # The samples' only appetite statement is the SPSO plan's, not the organisation's.
    assert not Organisation.current().risk_appetite
    plan = BusinessPlan.objects.get(year="2019-20")
    assert plan.aims.count() == 5
    assert Activity.objects.filter(section__plan=plan).count() == 33
    assert OwnerRole.objects.get(name="Dir - C&I").users.get().username == "niki.maclean"
    assert User.objects.exclude(username__in=[u[0] for u in people.USERS]).count() == 9


def test_demo_users_sign_in_and_sponsor_sees_report_to_approve(client, db, settings):
    call_command("seed_demo", allow_live=True)
    client.post("/accounts/login/", {"username": "joss.foster", "password": settings.DEMO_PASSWORD})
    page = client.get("/").content.decode()
    assert "To approve" in page
    assert "SORPv.1 Statements of Required Management Practice (SORPs)" in page
