"""What a report's page offers each person in each state (workflow.available_actions: their
role, as projects.access decides it, and the report's state, as the workflow allows), and
what their home page lists for them to write and to approve."""

import pytest
from django.urls import reverse

from projects import access, workflow

# state → {persona: the actions offered}; anyone not named is offered nothing.
OFFERED = {
    "draft": {"alice": {"edit", "submit"}, "erin": {"edit"}, "pam": {"edit", "submit"}},
    "returned": {"alice": {"edit", "submit"}, "erin": {"edit"}, "pam": {"edit", "submit"}},
    "submitted": {"alice": {"withdraw"}, "pam": {"withdraw"}, "bob": {"approve", "return"}},
    "approved": {"pam": {"reopen"}},
}


@pytest.mark.parametrize("state", OFFERED)
def test_each_person_is_offered_what_their_role_and_the_state_allow(
    report, state, alice, bob, erin, pam, diana, olive
):
    report.status = state
    for user in (alice, bob, erin, pam, diana, olive):
        role = access.project_role(user, report.project)
        expected = OFFERED[state].get(user.username, set())
        assert workflow.available_actions(report, role) == expected, user.username


BUTTONS = {
    "edit": ">Edit</a>",
    "submit": "Submit to sponsor</button>",
    "withdraw": "Withdraw</button>",
    "approve": "Approve</button>",
    "return": "Return</button>",
    "reopen": "Reopen</button>",
}


def test_the_page_shows_the_buttons_offered_and_no_others(client_for, report, alice, bob, pam):
    def buttons(user):
        page = client_for(user).get(report.get_absolute_url()).content.decode()
        return {action for action, button in BUTTONS.items() if button in page}

    assert buttons(alice) == {"edit", "submit"}
    workflow.submit(report, alice)
    assert (buttons(alice), buttons(bob)) == ({"withdraw"}, {"approve", "return"})
    workflow.approve(report, bob)
    assert (buttons(alice), buttons(bob), buttons(pam)) == (set(), set(), {"reopen"})


def test_a_sponsor_who_also_manages_is_not_asked_to_approve(client_for, report, alice, bob):
    """As the workflow: nobody approves a report they wrote."""
    workflow.submit(report, alice)
    bob_home = client_for(bob).get(reverse("projects:home"))
    assert list(bob_home.context["to_approve"]) == [report]
    report.project.sponsor = alice
    report.project.save()
    alice_home = client_for(alice).get(reverse("projects:home"))
    assert list(alice_home.context["to_approve"]) == []
    assert list(alice_home.context["awaiting_sponsor"]) == [report]


def test_history_is_for_those_who_read_drafts(client_for, report, alice, bob, erin, olive):
    workflow.submit(report, alice)
    workflow.approve(report, bob)  # everyone reads it now, but not its earlier drafts
    url = reverse("projects:report-history", args=[report.project.code, report.period_slug])
    assert client_for(olive).get(report.get_absolute_url()).status_code == 200
    assert client_for(olive).get(url).status_code == 404
    assert client_for(erin).get(url).status_code == 200


def test_the_home_page_lists_the_drafts_each_person_writes(
    client_for, report, alice, erin, pam, olive
):
    """Those who draft (ProjectRole.can_draft): the manager, editors and the PMO."""
    for user, drafts, projects in (
        (alice, [report], [report.project]),
        (erin, [report], [report.project]),
        (pam, [report], []),
        (olive, [], []),
    ):
        home = client_for(user).get(reverse("projects:home")).context
        assert list(home["to_write"]) == drafts, user.username
        assert list(home["my_projects"]) == projects, user.username
