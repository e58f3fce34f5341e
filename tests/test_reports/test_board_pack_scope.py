"""What a board pack draws its risks from: a programme's pack holds its projects' registers
and the registers the PMO links to the programme, never unrelated work; the portfolio's
pack adds the corporate registers."""

import datetime

import pytest

from reports.kinds import get_kind
from reports.services import render_source
from tests.factories import (
    ProgrammeFactory,
    ProjectFactory,
    RiskFactory,
    RiskRegisterFactory,
    marking,
)
from tests.pdf import pdf_body_text, pdf_text

PERIOD = "2024-03"


def pack_text(programme=""):
    params = {"programme": programme, "period": PERIOD}
    spec = get_kind("board_pack")
    source = spec.resolve(params)
    pdf, _, _ = render_source("board_pack", source, spec.params_for(source, params))
    return f"{pdf_text(pdf.content)} {pdf_body_text(pdf.content)}"


@pytest.fixture
def registers(alice, bob):
    estates = ProgrammeFactory(code="EST", name="Estates", manager=alice, sponsor=bob)
    other = ProgrammeFactory(code="DIG", name="Digital", manager=alice, sponsor=bob)
    start = datetime.date(2023, 1, 1)
    depot = ProjectFactory(code="DEPOT", parent=estates, manager=alice, sponsor=bob, start=start)
    website = ProjectFactory(code="WEB", parent=other, manager=alice, sponsor=bob, start=start)
    made = {
        "DEPOTR": RiskRegisterFactory(name="Depot risks", project=depot, owner=alice),
        "WEBR": RiskRegisterFactory(name="Website risks", project=website, owner=alice),
        "LINKED": RiskRegisterFactory(name="Property risks", owner=alice),
        "CORP": RiskRegisterFactory(name="Corporate risks", owner=alice),
    }
    made["LINKED"].programmes.add(estates)
    for ref, register in made.items():
        RiskFactory(register=register, ref=ref, title=f"Risk of {register.name}")
    return made


def test_a_programme_pack_holds_its_projects_and_linked_registers_only(registers):
    text = pack_text("EST")
    assert "DEPOTR" in text and "LINKED" in text
    assert "WEBR" not in text and "CORP" not in text
    assert "From the risk registers Depot risks, Property risks." in text


def test_the_portfolio_pack_adds_the_corporate_registers(registers):
    text = pack_text()
    for ref in ("DEPOTR", "WEBR", "LINKED", "CORP"):
        assert ref in text


def test_a_linked_register_raises_the_programme_packs_marking(registers):
    registers["LINKED"].marking = marking("OFFICIAL-SENSITIVE")
    registers["LINKED"].save()
    registers["CORP"].marking = marking("OFFICIAL-SENSITIVE")
    registers["CORP"].save()
    assert "OFFICIAL-SENSITIVE" in pack_text("EST")
    registers["LINKED"].programmes.clear()
    # Only the unrelated corporate register is sensitive now: the programme's pack is not.
    assert "OFFICIAL-SENSITIVE" not in pack_text("EST")


def test_only_the_pmo_links_a_register_to_a_programme(client_for, alice, pam, registers):
    register = registers["CORP"]
    digital = registers["WEBR"].project.parent
    url = f"/risks/{register.slug}/edit/"
    owner_form = client_for(alice).get(url)
    assert 'name="programmes"' not in owner_form.text
    seen = owner_form.context["form"]["seen"].value()
    client_for(alice).post(url, {"name": register.name, "programmes": [digital.pk], "seen": seen})
    assert not register.programmes.exists()  # the owner's form has no such field
    page = client_for(pam).get(url)
    assert 'name="programmes"' in page.text
    response = client_for(pam).post(
        url,
        {
            "name": register.name,
            "owner": alice.pk,
            "programmes": [digital.pk],
            "seen": page.context["form"]["seen"].value(),
        },
    )
    assert response.status_code == 302
    assert list(register.programmes.all()) == [digital]
    detail = client_for(alice).get(f"/risks/{register.slug}/")
    assert "also in the board packs of" in detail.text and "Digital" in detail.text
    assert "CORP" in pack_text("DIG")


def test_a_project_cannot_be_linked_as_a_programme(client_for, pam, registers):
    register = registers["CORP"]
    project = registers["DEPOTR"].project
    url = f"/risks/{register.slug}/edit/"
    page = client_for(pam).get(url)
    response = client_for(pam).post(
        url,
        {
            "name": register.name,
            "owner": register.owner_id,
            "programmes": [project.pk],
            "seen": page.context["form"]["seen"].value(),
        },
    )
    assert "is not one of the available choices" in response.text
    assert not register.programmes.exists()


def test_two_pmo_people_linking_programmes_at_once_do_not_lose_a_link(client_for, pam, registers):
    register = registers["CORP"]
    estates, digital = registers["LINKED"].programmes.get(), registers["WEBR"].project.parent
    url = f"/risks/{register.slug}/edit/"
    both_saw = client_for(pam).get(url).context["form"]["seen"].value()
    fields = {"name": register.name, "owner": register.owner_id, "seen": both_saw}
    client_for(pam).post(url, {**fields, "programmes": [estates.pk]})
    response = client_for(pam).post(url, {**fields, "programmes": [digital.pk]})
    assert "Someone else saved this after you opened it" in response.text
    assert list(register.programmes.all()) == [estates]


def test_a_register_linked_to_a_programme_and_its_project_is_named_once(registers):
    depot = registers["DEPOTR"]
    # Linked to its own programme and to another: one row of the join for each link.
    depot.programmes.add(depot.project.parent, registers["WEBR"].project.parent)
    assert "From the risk registers Depot risks, Property risks." in pack_text("EST")
