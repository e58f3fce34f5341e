"""Risk categories and corporate priorities are the organisation's lists, which only the PMO
configures: a register owner importing a register that names an entry the lists lack gets an
error row naming the entries there are, and nothing is created (issue 17: a register owner's
import had added the global categories `+SUM(1,2)` and `=2`)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from risks.importers import import_register
from risks.models import CorporatePriority, Risk, RiskCategory
from tests.test_risks.test_import import HEADER, ROW, workbook

CATEGORY = ROW.index("Reputational")
PRIORITY = ROW.index("Dacorum Delivers")


def row(ref, category="Reputational", priority="Dacorum Delivers"):
    values = [ref, *ROW[1:]]
    values[CATEGORY], values[PRIORITY] = category, priority
    return values


def csv(*rows):
    """As the attacker sent it: a spreadsheet program would take `=2` for a formula."""
    lines = [HEADER, *rows]
    return "".join(",".join(f'"{v}"' for v in line) + "\n" for line in lines).encode()


def preview(client, register, content, name="r.csv"):
    url = f"/risks/{register.slug}/import/"
    # The upload answers with its job's page, which shows the preview once it is made.
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True).text


def lists():
    return sorted(RiskCategory.objects.values_list("name", flat=True)), sorted(
        CorporatePriority.objects.values_list("name", flat=True)
    )


def test_a_register_owner_cannot_add_categories_by_importing(client_for, register, alice):
    CorporatePriority.objects.create(name="Dacorum Delivers")
    before = lists()
    content = csv(row("R1", "+SUM(1,2)"), row("R2", "=2"), row("R3"))

    page = preview(client_for(alice), register, content)

    assert "2 errors: nothing will be imported until the file is corrected." in page
    known = ", ".join(sorted(RiskCategory.objects.values_list("name", flat=True)))
    for name in ("+SUM(1,2)", "=2"):
        assert (
            f"The category &#x27;{name}&#x27; is not one Highlight knows (Highlight&#x27;s are: "
            f"{known}). Only the PMO adds categories: choose one of these, or ask the PMO to "
            "add it." in page
        )
    assert "<td>r.csv</td><td>2</td><td>R1</td>" in page  # its sheet, row and ref
    assert "Confirm the import" not in page and "pending_upload" not in client_for(alice).session
    assert lists() == before and not Risk.objects.exists()

    # Nor by calling the import directly as the owner.
    outcome = import_register(register, content, "r.csv", user=alice)
    assert [e.ref for e in outcome.errors] == ["R1", "R2"]
    assert lists() == before and not Risk.objects.exists()


def test_a_register_owner_cannot_add_corporate_priorities_either(register, alice):
    before = lists()
    outcome = import_register(register, csv(row("R1", priority="=HYPERLINK(1)")), "r.csv",
                              user=alice)  # fmt: skip
    assert outcome.errors[0].message == (
        "The corporate priority '=HYPERLINK(1)' is not one Highlight knows (Highlight has none "
        "yet). Only the PMO adds corporate priorities: choose one of these, or ask the PMO to "
        "add it."
    )
    assert lists() == before and not Risk.objects.exists()


def test_the_owner_imports_entries_the_lists_have_in_any_case(register, alice):
    CorporatePriority.objects.create(name="Dacorum Delivers")
    outcome = import_register(register, workbook(row("R1", "reputational")), "r.xlsx", user=alice)
    assert (outcome.created, outcome.errors) == (1, [])
    assert Risk.objects.get().category.name == "Reputational"


def test_the_pmo_adds_entries_to_the_lists_by_importing(client_for, register, pam):
    client = client_for(pam)
    page = preview(client, register, workbook(row("R1", "Climate"), row("R2", "Climate")), "r.xlsx")
    assert "New entries for the lists: category “Climate”; corporate priority “Dacorum" in page
    from tests.imports import token_of

    client.post(f"/risks/{register.slug}/import/confirm/", {"token": token_of(page)})
    assert RiskCategory.objects.filter(name="Climate").count() == 1
    assert Risk.objects.filter(category__name="Climate").count() == 2
