import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import User
from reports.models import Document
from reports.services import render_source
from risks import registers
from risks.models import Risk, RiskCategory, RiskRegister
from tests.factories import RiskFactory, RiskRegisterFactory, UserFactory
from tests.pdf import pdf_body_text, pdf_text

D = datetime.date


def risk(register, ref, residual=(2, 4), category="Reputational", **fields):
    """A risk named after its ref, in one of the seeded categories (on the 4x4, Reputational
    tolerates up to Amber and Health and Safety only Green)."""
    return RiskFactory(
        register=register,
        ref=ref,
        title=f"Risk {ref}",
        category=RiskCategory.objects.get(name=category) if category else None,
        inherent=(3, 4),
        residual=residual,
        **fields,
    )


def test_appetite_breaches_are_exactly_the_risks_above_their_categorys_appetite(
    client_for, register, alice
):
    # 4x4: Reputational tolerates up to Amber; Health and Safety only Green.
    inside = risk(register, "IN", residual=(2, 4))  # 8 Amber, Reputational: inside
    above = risk(register, "OUT", residual=(3, 4))  # 12 Red, Reputational: outside
    safety = risk(register, "HS", residual=(2, 2), category="Health and Safety")  # 4 Green
    unsafe = risk(register, "HS2", residual=(2, 3), category="Health and Safety")  # 6 Amber
    none = risk(register, "NOCAT", residual=(4, 4), category=None)
    rows = registers.rows(registers.with_scores(register.risks.all()), register.matrix)
    flagged = {row.risk.ref for row in rows if row.outside_appetite}
    assert flagged == {above.ref, unsafe.ref}
    assert {inside.ref, safety.ref, none.ref}.isdisjoint(flagged)
    page = client_for(alice).get(reverse("risks:outside-appetite")).content.decode()
    assert ">OUT</a>" in page and ">HS2</a>" in page and ">IN</a>" not in page


@pytest.fixture
def people(register, alice, bob, charlie, pam, diana, olive):
    owned = risk(register, "OWNED", owner=bob)
    other = risk(register, "OTHER", owner=charlie)
    return {"owned": owned, "other": other}


@pytest.mark.parametrize(
    "user, ref, expected",
    [
        ("alice", "OTHER", 200),  # register owner: everything
        ("pam", "OTHER", 200),  # PMO: everything
        ("bob", "OWNED", 200),  # risk owner: their own risk
        ("bob", "OTHER", 403),  # ...not someone else's
        ("diana", "OTHER", 403),  # director: reads, does not edit
        ("olive", "OTHER", 404),  # outsider: may not read a corporate register
    ],
)
def test_who_may_edit_and_review(request, client_for, people, register, user, ref, expected):
    client = client_for(request.getfixturevalue(user))
    for action in ("risk-edit", "risk-review"):
        assert (
            client.get(reverse(f"risks:{action}", args=[register.slug, ref])).status_code
            == expected
        )


def test_who_may_read_a_project_register(
    client_for, project, matrix_4x4, alice, bob, erin, charlie, pam, diana
):
    project_register = RiskRegisterFactory(
        name="Library", project=project, matrix=matrix_4x4, owner=pam
    )
    url = project_register.get_absolute_url()
    for reader in (alice, bob, erin, pam, diana):  # team, sponsor, PMO, directors
        assert client_for(reader).get(url).status_code == 200
    assert client_for(charlie).get(url).status_code == 404
    assert (
        client_for(alice)
        .get(reverse("risks:risk-create", args=[project_register.slug]))
        .status_code
        == 403
    )  # reads it, does not manage it


def test_risk_owner_reviews_through_the_page(client_for, people, register, bob):
    url = reverse("risks:risk-review", args=[register.slug, "OWNED"])
    response = client_for(bob).post(
        url,
        {
            "version": 1,
            "reviewed_on": "2024-03-01",
            "next_review_date": "2024-04-01",
            "signed_off": "on",
            "comment": "Mitigation **working**",
            "inherent_probability": 3,
            "inherent_impact": 4,
            "residual_probability": 1,
            "residual_impact": 4,
        },
    )
    assert response.status_code == 302
    owned = Risk.objects.get(ref="OWNED")
    assert (owned.residual_probability, owned.next_review_date) == (1, D(2024, 4, 1))
    page = client_for(bob).get(owned.get_absolute_url()).content.decode()
    assert "Mitigation <strong>working</strong>" in page and "Signed off" in page


def test_stale_risk_edit_is_refused(client_for, people, register, alice, bob):
    url = reverse("risks:risk-edit", args=[register.slug, "OWNED"])
    data = {
        "ref": "OWNED",
        "title": "Changed by Alice",
        "treatment": "treat",
        "status": "open",
        "inherent_probability": 3,
        "inherent_impact": 4,
        "residual_probability": 2,
        "residual_impact": 4,
        "version": 1,
    }
    assert client_for(bob).post(url, {**data, "title": "Bob's"}).status_code == 302
    response = client_for(alice).post(url, data)
    assert response.status_code == 409
    assert Risk.objects.get(ref="OWNED").title == "Bob's"


def test_heat_map_cells_link_to_their_risks(client_for, register, alice):
    risk(register, "A", residual=(2, 4))
    risk(register, "B", residual=(2, 4))
    risk(register, "C", residual=(4, 4))
    client = client_for(alice)
    page = client.get(register.get_absolute_url()).content.decode()
    assert f'href="{register.get_absolute_url()}?cell=residual-2-4"' in page
    assert "probability 2 Unlikely, impact 4 Severe, score 8 Amber: 2 risks" in page
    cell = client.get(register.get_absolute_url() + "?cell=residual-2-4").content.decode()
    assert ">A</a>" in cell and ">B</a>" in cell and ">C</a>" not in cell


def test_register_filters_and_sorting(client_for, register, alice):
    risk(register, "LOW", residual=(1, 1))
    risk(register, "HIGH", residual=(4, 4), treatment="tolerate")
    client = client_for(alice)
    page = client.get(register.get_absolute_url()).content.decode()
    assert page.index(">HIGH</a>") < page.index(">LOW</a>")  # highest residual first
    red = register.matrix.bands.get(name="Red").pk
    filtered = client.get(f"{register.get_absolute_url()}?band={red}").content.decode()
    assert ">HIGH</a>" in filtered and ">LOW</a>" not in filtered
    tolerated = client.get(f"{register.get_absolute_url()}?treatment=tolerate").content.decode()
    assert ">HIGH</a>" in tolerated and ">LOW</a>" not in tolerated


def test_register_page_queries_do_not_grow_with_risks(client_for, register, alice):
    client = client_for(alice)

    def count():
        client.get(register.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(register.get_absolute_url()).status_code == 200
        return len(queries)

    for i in range(3):
        risk(register, f"S{i}")
    few = count()
    owners = User.objects.bulk_create(User(username=f"o{i}") for i in range(5))
    for i in range(60):
        risk(register, f"M{i}", residual=(1 + i % 4, 1 + i % 3), owner=owners[i % 5])
    assert count() == few


def test_register_pdf_carries_every_field_of_each_imported_risk(sample_register):
    pdf, _, _ = render_source("risk_register", sample_register)
    text = f"{pdf_text(pdf.content)} {pdf_body_text(pdf.content)}"
    for ref in ("PP_R011", "PP_R012"):
        r = sample_register.risks.get(ref=ref)
        review = r.reviews.get()
        expected = [
            r.ref,
            r.title,
            "Reputational",
            "Dacorum Delivers",
            "Robert Smyth",
            "Neil Harden",
            "Treat",
            "3 Likely",
            "4 Severe",
            "12 Red",
            "2 Unlikely",
            "8 Amber",
            "Sign off complete",
        ]
        for chunk in (r.consequences, r.controls, r.assurance, review.comment):
            expected += [
                " ".join(line.lstrip("- ").split()) for line in chunk.splitlines() if line.strip()
            ]
        missing = [value for value in expected if value not in text]
        assert not missing, missing


def test_a_projects_top_risks_appear_on_its_highlight_report(
    client_for, report, matrix_4x4, alice, pam
):
    project_register = RiskRegisterFactory(
        name="Library", project=report.project, matrix=matrix_4x4, owner=pam
    )
    for i, residual in enumerate([(1, 1), (4, 4), (2, 4), (3, 3), (1, 2), (2, 2), (4, 3)]):
        risk(project_register, f"L{i}", residual=residual)
    risk(project_register, "SHUT", residual=(4, 4), status="closed")
    page = client_for(alice).get(report.get_absolute_url()).content.decode()
    section = page[page.index("Top risks by residual score") :]
    order = [section.index(f">{ref}</a>") for ref in ("L1", "L6", "L3", "L2", "L5")]
    assert order == sorted(order)  # 16, 12, 9, 8, 4: the top five, highest first
    assert ">L0</a>" not in section and ">SHUT</a>" not in section


def test_register_pdf_is_requested_from_the_page_and_downloaded(
    client_for, sample_register, alice, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("risks:register-pdf", args=[sample_register.slug]))
    document = Document.objects.get()
    assert response["Location"] == document.get_absolute_url()
    document.refresh_from_db()
    assert document.status == "done" and document.kind == "risk_register"
    download = client.get(reverse("reports:document-download", args=[document.pk]))
    text = pdf_text(b"".join(download.streaming_content))
    assert "PP_R011" in text and "Residual risk" in text
    assert client_for_outsider_gets_404(client_for, document)


def client_for_outsider_gets_404(client_for, document):
    outsider = UserFactory(username="nobody")
    url = reverse("reports:document-download", args=[document.pk])
    return client_for(outsider).get(url).status_code == 404


def test_top_risks_are_shown_only_to_readers_of_the_register(
    client_for, report, matrix_4x4, alice, bob, charlie, pam
):
    from projects import workflow

    project_register = RiskRegisterFactory(
        name="Library", project=report.project, matrix=matrix_4x4, owner=pam
    )
    risk(project_register, "SECRET", residual=(4, 4))
    workflow.submit(report, alice)
    workflow.approve(report, bob)
    assert ">SECRET</a>" in client_for(alice).get(report.get_absolute_url()).content.decode()
    outsider_page = client_for(charlie).get(report.get_absolute_url()).content.decode()
    assert "SECRET" not in outsider_page and "Top risks" not in outsider_page
    pdf, _, _ = render_source("highlight_report", report)
    assert "SECRET" not in pdf_text(pdf.content)  # the approved PDF goes to everyone


def test_register_list_comes_in_pages_of_50_and_finds_by_name_or_project(
    client_for, diana, alice, matrix_4x4
):
    RiskRegister.objects.bulk_create(
        RiskRegister(name=f"Service {n:02d}", slug=f"service-{n:02d}", matrix=matrix_4x4,
                     owner=alice)
        for n in range(60)
    )  # fmt: skip
    counted = RiskRegister.objects.get(name="Service 00")
    risk(counted, "R1")
    risk(counted, "R2")
    risk(counted, "R3", status=Risk.Status.CLOSED)
    client = client_for(diana)
    first = client.get(reverse("risks:register-list")).content.decode()
    assert "60 registers, page 1 of 2" in first
    row = first.split(">Service 00</a>")[1].split("</tr>")[0]
    assert row.endswith("<td>2</td>")  # open risks only
    assert first.split(">Service 01</a>")[1].split("</tr>")[0].endswith("<td>0</td>")
    assert "Service 49" in first and "Service 50" not in first
    second = client.get(reverse("risks:register-list") + "?page=2").content.decode()
    assert "Service 50" in second and "Service 59" in second
    found = client.get(reverse("risks:register-list") + "?q=service+07").content.decode()
    assert "Service 07" in found and "Service 08" not in found
    hostile = client.get(reverse("risks:register-list") + "?q=<script>x</script>").content.decode()
    assert "<script>x</script>" not in hostile and "&lt;script&gt;x&lt;/script&gt;" in hostile


def test_heat_map_counted_in_sql_is_the_register_pages_heat_map(register):
    """Board packs count residual cells in SQL (registers.residual_counts); the register
    page counts them from its rows. Same cells, same counts, same breaches."""
    risk(register, "A", residual=(2, 4))
    risk(register, "B", residual=(3, 4))
    risk(register, "C", residual=(3, 4), category="Health and Safety")
    risk(register, "D", residual=(2, 3), category="Health and Safety")
    risk(register, "E", residual=(4, 4), category=None)
    risk(register, "F", residual=(4, 4), status=Risk.Status.CLOSED)
    matrix = register.matrix
    from_rows = registers.heat_map(
        registers.rows(registers.with_scores(register.risks.all()), matrix), matrix, "residual"
    )
    counts, breaches = registers.residual_counts(register.risks.filter(status=Risk.Status.OPEN))[
        matrix.pk
    ]
    from_sql = registers.heat_cells(counts, breaches, matrix)
    assert from_sql == from_rows
    assert sum(cell.count for row in from_sql for cell in row) == 5
    assert sum(cell.outside_appetite for row in from_sql for cell in row) == 3  # B, C, D


def test_register_names_excel_and_urls_dislike_still_work(client_for, matrix_4x4, pam):
    odd = RiskRegisterFactory(name="Finance: IT [2024/25]?", matrix=matrix_4x4, owner=pam)
    twin = RiskRegisterFactory(name="Finance IT 2024 25", matrix=matrix_4x4, owner=pam)
    new = RiskRegisterFactory(name="New", matrix=matrix_4x4, owner=pam)
    assert odd.slug != twin.slug and new.slug == "new-register"
    response = client_for(pam).get(reverse("risks:register-export", args=[odd.slug]))
    assert response.status_code == 200
    assert client_for(pam).get(new.get_absolute_url()).status_code == 200


def test_closed_risks_are_not_outside_appetite(register):
    risk(register, "SHUT", residual=(4, 4), status="closed")
    rows = registers.rows(registers.with_scores(register.risks.all()), register.matrix)
    assert [row.outside_appetite for row in rows] == [False]


def test_a_risk_owner_cannot_hand_their_risk_to_someone_else(client_for, register, bob, charlie):
    risk(register, "MINE", owner=bob)
    url = reverse("risks:risk-edit", args=[register.slug, "MINE"])
    response = client_for(bob).post(
        url,
        {
            "version": 1,
            "title": "Edited",
            "ref": "RENAMED",
            "owner": charlie.pk,
            "treatment": "treat",
            "status": "open",
            "inherent_probability": 3,
            "inherent_impact": 4,
            "residual_probability": 2,
            "residual_impact": 4,
        },
    )
    assert response.status_code == 302
    mine = Risk.objects.get(title="Edited")
    assert (mine.ref, mine.owner) == ("MINE", bob)
