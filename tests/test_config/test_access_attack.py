"""Hostile review of the access matrix: outsiders (signed in, another project's manager or
sponsor, a risk owner) try every page and export with the variations the table does not
try (the second month of a two-month report, htmx, filters, the CSV audit export, another
person's import job), and the dashboard's programme punctuality is read before and after a
report nobody outside the team may read is submitted."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from projects import workflow
from projects.models import RagStatus
from tests.factories import ProgrammeFactory, ProjectFactory, ReportFactory
from tests.test_config.test_access_matrix import (
    OUTSIDERS,
    UNSEEN,
    attempt,
    shown,
    traces,
    world,  # noqa: F401  (the fixture)
)


def variants(world):  # noqa: F811
    """(url, extra request headers) an outsider tries beyond the table's rows."""
    reports = world["reports"]
    for status in UNSEEN:
        report = reports[status]
        code = report.project.code
        for month in {report.period_start, report.period_end.replace(day=1)}:
            slug = f"{month:%Y-%m}"
            for name in ("report-detail", "report-history", "report-edit"):
                yield reverse(f"projects:{name}", args=[code, slug]), {}
    for code in ("TEST.1", "PROG.1"):
        url = reverse("projects:project-detail", args=[code])
        yield url, {}
        yield url, {"HTTP_HX_REQUEST": "true"}
    amber_red = RagStatus.objects.get(name="Amber/Red").pk
    for month in ("2023-11", "2023-12", "2024-02", "2024-03", "2024-04", "2024-05"):
        for extra in ("", f"&rag={amber_red}", "&rag=none"):
            yield f"{reverse('projects:dashboard')}?month={month}{extra}", {}
            yield f"{reverse('projects:dashboard-export')}?month={month}{extra}", {}
    yield reverse("projects:dashboard"), {"HTTP_HX_REQUEST": "true"}
    yield reverse("projects:home"), {}
    yield reverse("projects:project-list"), {}
    yield reverse("reports:document-list"), {"HTTP_HX_REQUEST": "true"}
    yield f"{reverse('risks:register-list')}?q=TEST", {}
    yield reverse("risks:outside-appetite"), {}


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_see_nothing_of_unread_reports_in_any_variant(role, world):  # noqa: F811
    leaks = []
    for url, headers in variants(world):
        client = Client(raise_request_exception=False)
        client.force_login(world["users"][role])
        response = client.get(url, **headers)
        if response.status_code not in (200, 302, 403, 404):
            leaks.append(f"{url}: {response.status_code}")
            continue
        # The export repeats the filter chosen ("Overall RAG: Amber/Red"): not a leak.
        text = (
            re.sub(r"Filters: [^\n]*", "", shown(response)) if response.status_code == 200 else ""
        )
        if found := traces(text, world):
            leaks.append(f"{url} {headers}: {', '.join(sorted(found))}")
    assert not leaks, f"{role}:\n" + "\n".join(leaks)


@pytest.mark.parametrize("role", [*OUTSIDERS, "director", "manager"])
def test_only_the_pmo_reads_the_audit_in_any_form(role, world):  # noqa: F811
    for name in ("projects:audit", "projects:audit-export", "projects:audit-export-csv"):
        response = attempt(world, role, "get", reverse(name), None)
        assert response.status_code == 403, (name, response.status_code)


@pytest.mark.parametrize("role", [r for r in OUTSIDERS if r != "anonymous"] + ["sponsor"])
def test_nobody_but_its_uploader_finds_an_import_job(role, world):  # noqa: F811
    job = world["jobs"]["risks:register-import-job"]
    register = world["registers"]["project"]
    url = reverse("risks:register-import-job", args=[register.slug, job.pk])
    response = attempt(world, role, "get", url, None)
    assert response.status_code in (403, 404)
    assert "upload.xlsx" not in response.content.decode(errors="replace")


PUNCTUALITY = re.compile(r"\((\d+) of (\d+) reports\)")


def punctuality_seen_by(user, month):
    client = Client()
    client.force_login(user)
    page = client.get(reverse("projects:dashboard"), {"month": month}).text
    return PUNCTUALITY.findall(page)


def test_the_dashboard_does_not_tell_outsiders_a_report_was_submitted(alice, bob, olive):
    """The dashboard is 'read from approved reports only'. Its programme punctuality counts
    reports by first_submitted_at whatever their status, so anyone signed in learns that a
    report only its team may read exists and was submitted (on time), before any approval."""
    with time_machine.travel(datetime.datetime(2024, 6, 3, 9, tzinfo=datetime.UTC)):
        programme = ProgrammeFactory(code="PROG.9", name="Culture Programme")
        project = ProjectFactory(
            code="PUN.1", manager=alice, sponsor=bob, parent=programme,
            start=datetime.date(2024, 5, 1),
        )  # fmt: skip
        report = ReportFactory(project=project, period_start=datetime.date(2024, 5, 1))
    with time_machine.travel(datetime.datetime(2024, 6, 20, 9, tzinfo=datetime.UTC)):
        before = punctuality_seen_by(olive, "2024-05")
    with time_machine.travel(datetime.datetime(2024, 6, 4, 9, tzinfo=datetime.UTC)):
        workflow.submit(report, alice)  # submitted, not approved: only the team reads it
    with time_machine.travel(datetime.datetime(2024, 6, 20, 9, tzinfo=datetime.UTC)):
        after = punctuality_seen_by(olive, "2024-05")
    assert before == after, f"olive (no role) saw {before}, then {after} after the submission"
