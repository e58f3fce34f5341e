"""Hostile review of issue 20's milestones (branch review-milestones). Each test here is a
defect demonstrated against the code as built: it fails today and passes once fixed.
FINDINGS.md gives severity, reproduction and a suggested fix for each."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from projects import milestones, schedule
from projects.models import Deputy, Milestone, Rebaseline, Workstream
from tests.factories import ReportFactory
from tests.imports import token_of, upload
from tests.onboarding import as_csv, as_xlsx

D = datetime.date
HEADER = ["Milestone", "Workstream", "Baseline", "Forecast", "Actual", "Status", "Key"]


def formset_data(rows):
    """The edit page's POST: `rows` are dicts of fields, existing ones with their id."""
    existing = [r for r in rows if r.get("id")]
    data = {"milestones-TOTAL_FORMS": str(len(rows)),
            "milestones-INITIAL_FORMS": str(len(existing)),
            "milestones-MIN_NUM_FORMS": "0", "milestones-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"milestones-{index}-{name}"] = value
    return data


def row_of(milestone, **changes):
    values = {
        "id": milestone.pk, "version": milestone.version, "name": milestone.name,
        "workstream": milestone.workstream_id or "", "order": milestone.order,
        "baseline": milestone.baseline or "", "forecast": milestone.forecast or "",
        "actual": milestone.actual or "", "status": milestone.status,
        **({"key": "on"} if milestone.key else {}),
    }  # fmt: skip
    return {**values, **changes}


def edit_url(project):
    return reverse("projects:milestones-edit", args=[project.code])


@pytest.fixture
def agreed(project):
    """A key milestone whose baseline was agreed (4 March 2024)."""
    return Milestone.objects.create(project=project, name="Contract signed", key=True,
                                    baseline=D(2024, 3, 4), forecast=D(2024, 3, 4))  # fmt: skip


def exported(client, project):
    book = load_workbook(
        io.BytesIO(client.get(reverse("projects:milestones-export", args=[project.code])).content)
    )
    return [["" if c is None else c for c in r] for r in book.active.iter_rows(values_only=True)]


def import_through_page(client, project, rows, name="m.xlsx"):
    """Upload `rows` and confirm the preview; the job page after the upload."""
    content = as_xlsx(rows) if name.endswith(".xlsx") else as_csv(rows)
    page = upload(client, reverse("projects:milestones-import", args=[project.code]), name,
                  content)  # fmt: skip
    token = token_of(page)
    if token:
        client.post(reverse("projects:milestones-import-confirm", args=[project.code]),
                    {"token": token}, follow=True)  # fmt: skip
    return page


# --- 1. An agreed baseline reset by deleting the milestone and adding it again ------------


@pytest.mark.django_db
def test_deleting_and_re_adding_a_milestone_does_not_reset_its_agreed_baseline(
    client, project, alice, agreed
):
    """Defect: the manager (or an editor, or the PMO) moves an agreed baseline without the
    sponsor in two saves of the edit page: tick Delete on the milestone, save; add a row of
    the same name with any baseline, save. The report then shows the milestone on its
    (new) baseline, with no Rebaseline, and the last report's forecast is lost (lines are
    matched by id). Expected: a milestone whose baseline is agreed is not deleted from the
    edit page (only the sponsor can retire it, or deletion keeps it as withdrawn), so its
    baseline stays 04/03/2024."""
    client.force_login(alice)
    client.post(edit_url(project), formset_data([row_of(agreed, DELETE="on")]))
    client.post(edit_url(project), formset_data([
        {"name": "Contract signed", "baseline": "2024-09-02", "forecast": "2024-09-02",
         "status": "on_track", "order": "0", "key": "on"},
    ]))  # fmt: skip
    milestone = Milestone.objects.get(project=project, name="Contract signed")
    assert milestone.baseline == D(2024, 3, 4)


@pytest.mark.django_db
def test_deleting_a_milestone_keeps_the_sponsors_re_baselines(client, project, alice, bob, agreed):
    """Defect: Rebaseline cascades from Milestone, so when the manager deletes a
    milestone on the edit page the record of every re-baseline the sponsor agreed (from,
    to, why, who) disappears with it, from the milestones page and the database. Expected:
    a re-baselined milestone cannot be deleted from the edit page (or the Rebaseline is
    kept: on_delete=PROTECT, or a soft delete)."""
    milestones.rebaseline(agreed, D(2024, 4, 1), "Legal review took a month.", bob)
    agreed.refresh_from_db()
    client.force_login(alice)
    client.post(edit_url(project), formset_data([row_of(agreed, DELETE="on")]))
    assert Rebaseline.objects.filter(reason="Legal review took a month.").exists()


# --- 2. Dates outside 1900–2199 through the re-baseline form and the import ---------------


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_re_baseline_form_refuses_a_date_outside_the_years_highlight_takes(
    client, project, bob, agreed, day
):
    """Defect: RebaselineForm's new_baseline is a bare forms.DateField: the model's
    validate_year (1900–2199) is never run, since rebaseline() saves without full_clean.
    The sponsor can store 31/12/9999 or 01/01/0001, and every page that works out the
    slippage then walks millions of days (see the timing test). Expected: the form says
    "Enter a date between 1900 and 2199" and the baseline stays put."""
    client.force_login(bob)
    url = reverse("projects:milestone-rebaseline", args=[project.code, agreed.pk])
    client.post(url, {"new_baseline": day, "reason": "Typo in the year."})
    agreed.refresh_from_db()
    assert agreed.baseline == D(2024, 3, 4)
    assert not Rebaseline.objects.exists()


@pytest.mark.django_db
def test_an_import_refuses_dates_outside_the_years_highlight_takes(client, project, alice):
    """Defect: the importer reads dates with read_date and saves without full_clean, so
    validate_year is skipped: a csv row with 31/12/9999 (or 01/01/0001) is stored as a
    milestone's forecast/baseline, where the edit page would refuse it. Expected: the row
    is an error ("between 1900 and 2199") and nothing is written."""
    client.force_login(alice)
    rows = [HEADER, ["Far away", "", "01/01/0001", "31/12/9999", "", "On track", "yes"]]
    import_through_page(client, project, rows, name="m.csv")
    assert not Milestone.objects.filter(project=project).exists()


# --- 3. Slippage walks day by day: far-apart dates make every page slow --------------------


@pytest.mark.django_db
def test_far_apart_dates_do_not_make_the_milestones_and_report_pages_slow(client, project,
                                                                          alice):  # fmt: skip
    """Defect: working_days_between steps one day at a time (with a holiday lookup per
    day, and a 64-year cache the 300 years evict each call): baseline 01/01/1900 and
    forecast 31/12/2199, both accepted by the edit page, cost ~0.15 s per milestone on each
    view. Twenty such milestones (an editor can save 1000 in one post) take seconds on the
    milestones page and on every read of the report page (key ones), for every reader.
    Expected: slippage is worked out arithmetically (whole weeks, then holidays counted
    from the holiday table between the two dates), so each page stays well under a
    second."""
    for i in range(20):
        Milestone.objects.create(project=project, name=f"Stage {i}", key=True,
                                 baseline=D(1900, 1, 1), forecast=D(2199, 12, 31))  # fmt: skip
    report = ReportFactory(project=project, period_start=D(2024, 3, 1))
    client.force_login(alice)
    client.get(reverse("projects:milestones", args=[project.code]))  # warm caches
    # Not a time (tests assert none: make bench times pages): the work itself. Day by day
    # was 109,573 holiday lookups a milestone; by weeks it is one per year spanned, each
    # read from the cache once the first view has filled it.
    for url in (reverse("projects:milestones", args=[project.code]), report.get_absolute_url()):
        before = schedule._bank_holidays.cache_info()
        assert client.get(url).status_code == 200
        after = schedule._bank_holidays.cache_info()
        assert after.misses == before.misses, url  # every year already read
        assert after.hits - before.hits <= 20 * 300 + 100, url


# --- 4. The edit page runs a query per milestone --------------------------------------------


@pytest.mark.django_db
def test_the_edit_page_costs_the_same_queries_however_many_milestones(client, project, alice):
    """Defect: MilestoneForm gives each row its own `project.workstreams.all()` queryset,
    and each row's workstream <select> runs it: the edit page's queries grow by one per
    milestone (16 with 1 milestone, 35 with 20; 1000 with a large plan). Expected: a
    constant number (share one evaluated queryset/choices across the formset's forms)."""
    workstream = Workstream.objects.create(project=project, name="Building works")
    client.force_login(alice)

    def queries(n):
        for i in range(Milestone.objects.count(), n):
            Milestone.objects.create(project=project, name=f"M{i}", workstream=workstream)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(edit_url(project)).status_code == 200
        return len(captured)

    one = queries(1)
    twenty = queries(20)
    assert twenty <= one + 2, (one, twenty)


# --- 5. Export → import is not a round trip for a name with a double space ---------------


@pytest.mark.django_db
def test_a_name_with_a_double_space_imports_back_as_the_same_milestone(client, project, alice):
    """Defect: the edit page keeps a name as typed ("Go  live", two spaces), but the
    importer collapses spaces in the file's names and then matches them against the stored
    names as they are: re-importing the export adds a second "Go live" milestone (with a
    fresh baseline of its own). Expected: names are normalised the same way on both paths
    (the form collapses spaces, or the importer matches on normalised stored names), so the
    round trip changes nothing."""
    client.force_login(alice)
    client.post(edit_url(project), formset_data([
        {"name": "Go  live", "baseline": "2024-09-02", "forecast": "2024-09-02",
         "status": "on_track", "order": "0"},
    ]))  # fmt: skip
    assert Milestone.objects.count() == 1
    import_through_page(client, project, exported(client, project), name="e.xlsx")
    assert Milestone.objects.count() == 1


# --- 6. Names that differ only in case -----------------------------------------------------


@pytest.mark.django_db
def test_the_edit_page_refuses_a_name_that_differs_only_in_case(client, project, alice, agreed):
    """Defect: the unique constraint is on (project, name) as typed, so the edit page
    accepts "CONTRACT SIGNED" beside "Contract signed"; the importer matches names without
    regard to case ({name.lower(): milestone}), so a file row then updates whichever of the
    two the dict kept last (its preview reads "Update ... name, baseline, ..." against the
    wrong one) and the report lists two look-alike key milestones. Expected: names are
    unique ignoring case (UniqueConstraint(Lower("name"), "project")), the form says so."""
    client.force_login(alice)
    client.post(edit_url(project), formset_data([
        row_of(agreed),
        {"name": "CONTRACT SIGNED", "baseline": "2025-01-06", "status": "not_started",
         "order": "1", "key": "on"},
    ]))  # fmt: skip
    assert Milestone.objects.filter(project=project).count() == 1


# --- 7. A deputy has more than the sponsor they stand in for --------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("sponsor_is", ["the manager", "in the PMO"])
def test_a_deputy_may_not_re_baseline_for_a_sponsor_who_may_not(
    client, project, agreed, alice, pam, olive, sponsor_is
):
    """Defect: may_rebaseline checks the deputy's own roles only. Where the sponsor may
    not agree a baseline themselves (they manage the project, or they are in the PMO), their
    deputy still may, and the Rebaseline is recorded as agreed *for* that sponsor: the
    manager's own deputy moves the manager's baseline. Approval already refuses this
    (access.deputising_approver: "a deputy never has more than the person they stand in
    for"). Expected: PermissionDenied."""
    sponsor = alice if sponsor_is == "the manager" else pam
    project.sponsor = sponsor
    project.save()
    today = datetime.date.today()
    Deputy.objects.create(person=sponsor, deputy=olive, starts=today, ends=today)
    assert not milestones.may_rebaseline(sponsor, project)  # the sponsor may not
    client.force_login(olive)  # nor, then, may their deputy
    url = reverse("projects:milestone-rebaseline", args=[project.code, agreed.pk])
    client.post(url, {"new_baseline": "2024-09-02", "reason": "Agreed for the sponsor."})
    agreed.refresh_from_db()
    assert agreed.baseline == D(2024, 3, 4)
    assert not Rebaseline.objects.exists()


# --- 8. A completed milestone re-baselined by a hand-made URL -------------------------------


@pytest.mark.django_db
def test_a_completed_milestone_is_not_re_baselined(client, project, bob, agreed):
    """Defect: the milestones page offers Re-baseline only while a milestone has no actual
    date (a completed milestone's slippage is history), but the view does not check it:
    the sponsor POSTing to /milestones/<pk>/rebaseline/ moves the baseline of a milestone
    delivered 3 months late onto its actual date, and it then reads "on its baseline".
    Expected: 403 (or a form error) for a milestone with an actual date."""
    agreed.actual = D(2024, 6, 3)
    agreed.status = Milestone.Status.COMPLETE
    agreed.save()
    client.force_login(bob)
    url = reverse("projects:milestone-rebaseline", args=[project.code, agreed.pk])
    client.post(url, {"new_baseline": "2024-06-03", "reason": "Make it look on time."})
    agreed.refresh_from_db()
    assert agreed.baseline == D(2024, 3, 4)


# --- 9. Two people adding the first milestones at once -------------------------------------


@pytest.mark.django_db
def test_two_people_adding_the_same_first_milestone_at_once_get_no_error_page(
    client, project, alice, erin, monkeypatch
):
    """Defect: the edit view's lock is select_for_update on the project's milestones, which
    locks nothing while the plan is empty. The manager and an editor both add "Go live" to
    an empty plan: both formsets validate (no such name yet), the first commits, and the
    second's insert hits unique_milestone_name: an IntegrityError, a 500 page, the
    editor's rows lost. Simulated here by committing the other person's row between this
    request's validation and its save (what the lock should have prevented). Expected: the
    view locks the project row (or catches IntegrityError) and shows the form again with
    "a milestone of that name was added meanwhile"."""
    from projects.forms.plan import BaseMilestoneFormSet

    validated = BaseMilestoneFormSet.is_valid

    def meanwhile(self):
        valid = validated(self)
        Milestone.objects.create(project=project, name="Go live")  # erin's save, committed
        return valid

    monkeypatch.setattr(BaseMilestoneFormSet, "is_valid", meanwhile)
    client.raise_request_exception = False
    client.force_login(alice)
    response = client.post(edit_url(project), formset_data([
        {"name": "Go live", "forecast": "2024-09-02", "status": "on_track", "order": "0"},
    ]))  # fmt: skip
    assert response.status_code in (200, 302)
