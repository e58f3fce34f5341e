"""The plan's pages: who edits the plan, who reads drafts and internal links, sorting a
section by priority, and pages whose queries do not grow with the activities."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from businessplan.models import Activity, BusinessPlan, OwnerRole


def test_the_pmo_edits_the_plan_and_others_do_not(client_for, plan, alice, pam):
    url = reverse("businessplan:plan-edit", args=["2019-20"])
    assert client_for(alice).get(url).status_code == 403
    assert client_for(pam).get(url).status_code == 200


def test_drafts_and_internal_links_are_for_directors_and_the_pmo(
    client_for, plan, imported, olive, diana
):
    section = plan.sections.get(name="2018-19 Completions")
    links = Activity.objects.exclude(internal_links="").first().internal_links.split()[0]
    assert links not in client_for(olive).get(section.get_absolute_url()).content.decode()
    assert links in client_for(diana).get(section.get_absolute_url()).content.decode()
    plan.status = BusinessPlan.Status.DRAFT
    plan.save()
    assert client_for(olive).get(plan.get_absolute_url()).status_code == 404
    assert client_for(diana).get(plan.get_absolute_url()).status_code == 200


def test_priority_sorts_in_the_plans_order(client_for, plan, imported, diana):
    url = plan.sections.get(name="C&I").get_absolute_url() + "?sort=priority"
    html = client_for(diana).get(url).content.decode()
    body = html[html.index("<tbody>") :]
    positions = [body.index(label) for label in ("Statutory", "High", "Medium")]
    assert positions == sorted(positions)


def test_section_page_queries_do_not_grow_with_activities(client_for, plan, imported, diana):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(diana)
    url = plan.sections.get(name="C&I").get_absolute_url()

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    section = plan.sections.get(name="C&I")
    Activity.objects.bulk_create(
        Activity(section=section, ref=f"N{i}", title="More", order=100 + i) for i in range(60)
    )
    assert count() == few


def test_changes_and_section_pages_queries_do_not_grow(client_for, plan, imported, diana):
    client = client_for(diana)
    pages = [
        reverse("businessplan:changes", args=["2019-20"]),
        plan.sections.get(name="2018-19 Completions").get_absolute_url(),
    ]

    def counts():
        result = []
        for url in pages:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            result.append(len(queries))
        return result

    before = counts()
    section = plan.sections.get(name="2018-19 Completions")
    owners = OwnerRole.objects.bulk_create(OwnerRole(name=f"Role {i}") for i in range(5))
    Activity.objects.bulk_create(
        Activity(
            section=section,
            ref=f"N{i}",
            title="More",
            order=100 + i,
            origin="carried_forward",
            owner=owners[i % 5],
        )
        for i in range(40)
    )
    assert counts() == before


def test_a_plan_with_no_sections_yet_exports_its_headings(client_for, pam):
    """It gave a server error (a workbook must have a sheet), found by the audit's tests."""
    import io

    from openpyxl import load_workbook

    from tests.factories import BusinessPlanFactory

    plan = BusinessPlanFactory(year="2030-31")
    response = client_for(pam).get(reverse("businessplan:plan-export", args=[plan.year]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Activities"
    assert "Activity" in [c for row in sheet.iter_rows(values_only=True) for c in row if c]
