"""The risks app's demo data: the operational risk register (shared/samples/
risk-register-page.txt and risk-register-sample.xlsx, kept beside this module), imported from
the workbook, which lacks the page's "Progress so Far", added here. The only appetite statement
in the samples belongs to another organisation's business plan (businessplan/demo), so this
register prints none."""

from pathlib import Path

from risks.importers import import_register
from risks.models import CorporatePriority, RiskMatrix, RiskRegister

WORKBOOK = Path(__file__).resolve().parent / "risk-register-sample.xlsx"

USERS = [("robert.smyth", "Robert", "Smyth", "", "Performance and Projects", [])]
RISK_REGISTER = "Performance and Projects"
PP_R011_PROGRESS = """\
These actions are managed and supported by the Digital team and governed by a Digital Project Board. They are also monitored at the monthly Performance Board.

### Progress so far

- A Digital Dacorum Strategy and Implementation Plan have been launched
- Our new website has gone live (Project 1)
- We improved the content on our website and reduced the number of pages (Project 2)
- An online solution for benefits, green waste charging, allotments and reports of homelessness has been launched (Project 3&4)
- An LGA funded research project to develop options for channel shift has been completed (Project 6)
- A detailed action plan has been developed for supporting digital inclusion (Project 7)
- A new social media strategy has been developed and implemented (project 8)
- Direct debits have been extended and a new payment portal has been introduced (Project 9)
- Proposals are in place for developing a new CRM solution (Project 10)"""


def seed(users, stdout):
    """The register and its risks, once: importing the same workbook again changes nothing."""
    owner = users["robert.smyth"]
    # The council's corporate priority, which its PMO keeps in the list: the register's
    # owner imports, and only the PMO adds to the organisation's lists.
    CorporatePriority.objects.get_or_create(name="Dacorum Delivers")
    register, _ = RiskRegister.objects.get_or_create(
        name=RISK_REGISTER,
        defaults={"matrix": RiskMatrix.objects.get(name="4x4"), "owner": owner},
    )
    outcome = import_register(register, WORKBOOK.read_bytes(), WORKBOOK.name, user=owner)
    register.risks.filter(ref="PP_R011", actions="").update(actions=PP_R011_PROGRESS)
    stdout.write(
        f"  {register.name}: {outcome.created} risks created, {outcome.unchanged} unchanged"
    )
