"""Risks newly outside appetite are posted to the channel once (issue 21, point 4): from
the risk's page, a review and an import; never from an import's preview, and not again
while a risk stays outside."""

import datetime

import pytest
from django.urls import reverse

from projects.models import ChannelHook
from risks import registers
from risks.importers import import_register
from risks.models import Level, Risk, RiskCategory
from tests.factories import ProgrammeFactory, RiskFactory, RiskRegisterFactory
from tests.forms import read_form
from tests.test_risks.test_import import HEADER, ROW, workbook

D = datetime.date


@pytest.fixture
def averse(db):
    """Reputational risks may be Green at most: anything above is outside appetite."""
    category = RiskCategory.objects.get(name="Reputational")
    category.tolerated_level = Level.GREEN
    category.save()
    return category


@pytest.fixture
def risk(register, averse):
    return RiskFactory(register=register, ref="PP_1", title="Press criticism", category=averse,
                       residual=(1, 1))  # fmt: skip


def review(risk, user, residual):
    registers.record_review(
        risk, user, D(2024, 5, 1), "Reviewed", False, D(2024, 8, 1),
        residual_probability=residual[0], residual_impact=residual[1],
    )  # fmt: skip


def test_a_review_that_takes_a_risk_outside_posts_once(risk, alice, channel_hook, posted):
    ChannelHook.objects.create(url=channel_hook.url(), kind="slack")
    for residual in ((4, 4), (4, 3), (1, 1), (3, 4)):
        with posted():
            review(risk, alice, residual)
    assert (
        channel_hook.texts()
        == [
            "OFFICIAL · Performance and Projects: risk PP_1 Press criticism is now outside the "
            "risk appetite."
        ]
        * 2
    )  # out, still out (not told again), back in, out again
    button = channel_hook.bodies[0]["blocks"][1]["elements"][0]
    assert button["url"].endswith("/risks/performance-and-projects/PP_1/")


def test_an_edit_on_the_risk_s_page_posts(risk, alice, client_for, channel_hook, posted):
    ChannelHook.objects.create(url=channel_hook.url())
    url = reverse("risks:risk-edit", args=[risk.register.slug, risk.ref])
    client = client_for(alice)
    form = read_form(client, url)
    with posted():
        response = client.post(url, {**form.fields, "residual_probability": "4",
                                     "residual_impact": "4"})  # fmt: skip
    assert response.status_code == 302
    assert len(channel_hook.received) == 1
    assert "PP_1 Press criticism is now outside" in channel_hook.texts()[0]


def test_an_import_posts_one_message_naming_the_new_breaches(
    register, averse, channel_hook, posted
):
    ChannelHook.objects.create(url=channel_hook.url())
    rows = [[f"R{n}", f"Risk {n}", *ROW[2:]] for n in range(1, 8)]  # residual 8 Amber
    content = workbook(*rows, header=HEADER)
    with posted():
        outcome = import_register(register, content, "r.xlsx", dry_run=True)
    assert outcome.created == 7 and channel_hook.received == []  # a preview posts nothing
    with posted():
        import_register(register, content, "r.xlsx")
    assert Risk.objects.filter(register=register).count() == 7
    assert channel_hook.texts() == [
        "OFFICIAL · Performance and Projects: 7 risks are now outside the risk appetite: "
        "R1 Risk 1; R2 Risk 2; R3 Risk 3; R4 Risk 4; R5 Risk 5 and 2 more."
    ]
    with posted():
        import_register(register, content, "r.xlsx")  # the same again: nothing new
    assert len(channel_hook.received) == 1


def test_a_programme_s_register_posts_to_the_programme_s_channel(
    project, alice, averse, channel_hook, posted
):
    project.parent = ProgrammeFactory(code="PROG.1")
    project.save()
    ChannelHook.objects.create(url=channel_hook.url(path="/organisation"))
    ChannelHook.objects.create(programme=project.parent, url=channel_hook.url(path="/prog"))
    register = RiskRegisterFactory(name="Library risks", project=project, owner=alice)
    risk = RiskFactory(register=register, ref="LR_1", category=averse, residual=(1, 1))
    with posted():
        review(risk, alice, (4, 4))
    assert [r["path"] for r in channel_hook.received] == ["/prog"]
