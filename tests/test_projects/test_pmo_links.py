"""Creating projects, registers and plans, and a project's people and reporting rules, are
the PMO's (projects.access.can_create_project and can_configure_project,
risks.access.can_create_register, businessplan.access.can_manage_plans): the pages offer
them to the PMO and to nobody else."""

from django.urls import reverse

from tests.factories import BusinessPlanFactory

PMO_LINKS = [
    ("projects:project-list", "New project"),
    ("risks:register-list", "New register"),
    ("businessplan:plan-list", "New plan"),
]


def test_only_the_pmo_is_offered_new_projects_registers_and_plans(client_for, pam, diana, alice):
    for user, offered in ((pam, True), (diana, False), (alice, False)):
        for name, link in PMO_LINKS:
            page = client_for(user).get(reverse(name)).content.decode()
            assert (link in page) is offered, (user.username, link)


def test_only_the_pmo_is_offered_a_plans_import_and_front_matter(client_for, pam, diana):
    plan = BusinessPlanFactory(status="published")
    for user, offered in ((pam, True), (diana, False)):
        page = client_for(user).get(plan.get_absolute_url()).content.decode()
        assert ("Edit front matter" in page) is offered, user.username


def test_a_manager_edits_the_project_but_not_its_people(client_for, project, alice, pam):
    url = reverse("projects:project-edit", args=[project.code])
    assert "sponsor" not in client_for(alice).get(url).context["form"].fields
    assert "sponsor" in client_for(pam).get(url).context["form"].fields
