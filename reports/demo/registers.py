"""The living demo's risk registers: the council's corporate register, which the PMO links
to the Estates and Assets programme (whose board owns its building safety and net zero
risks, and has no register of its own), and the registers of the two other programmes.
Some risks sit outside their category's appetite, and monthly reviews
(risks.registers.record_review, oldest first) give the movement arrows. Three registers,
not one per project: the monthly run renders every register, and seeding stays quick."""

import datetime

from projects.periods import months_later
from risks.models import Level, RiskCategory, RiskMatrix, RiskRegister
from risks.models import Risk as RiskRow
from risks.registers import record_review

# The appetite the categories are seeded with (risks' migration 0002), for a database
# where the PMO has removed one: a category is never changed here.
CATEGORIES = {
    "Strategic": ("open", Level.AMBER),
    "Operational": ("cautious", Level.AMBER),
    "Financial": ("cautious", Level.AMBER),
    "Reputational": ("cautious", Level.AMBER),
    "People": ("cautious", Level.AMBER),
    "Compliance and Legal": ("minimal", Level.YELLOW),
    "Health and Safety": ("averse", Level.GREEN),
    "Information and Technology": ("cautious", Level.AMBER),
    "Project Delivery": ("open", Level.AMBER),
}
APPETITE = (
    "Brackenford Borough Council (a demo) is **open** to risk in pursuit of its strategic "
    "aims and in delivering its projects; **cautious** with money, services, people and "
    "technology; **minimal** in compliance and legal matters; and **averse** to risks to "
    "the health and safety of residents and staff."
)
# ref, risk, category, owner, residual (probability, impact) at each monthly review, oldest
# first (the last is the risk's score now), inherent and target scores, current controls,
# actions. Scores are on the register's matrix: 5×5, or 4×4 for Digital Services.
CORPORATE = [
    ("CR01", "The council cannot set a balanced budget for next year without further savings",
     "Financial", "david.marsh", [(4, 4), (4, 4), (4, 4), (4, 4)], (5, 5), (3, 3),
     "Medium-term financial plan; monthly budget monitoring; savings tracked at CMT",
     "Savings options to Cabinet; review of reserves; fees and charges review"),
    ("CR02", "Demand for adult social care outstrips the budget", "Financial", "priya.raman",
     [(4, 4), (4, 3), (4, 3), (4, 3)], (5, 4), (3, 3),
     "Demand modelling; Adult Social Care Transformation programme",
     "Deliver the reablement and front door projects; winter pressures plan"),
    ("CR03", "A cyber attack takes key systems offline", "Information and Technology",
     "david.marsh", [(3, 5), (3, 5), (3, 5), (3, 5)], (4, 5), (2, 4),
     "Firewalls, patching, staff training, offline backups",
     "Cyber security improvement plan (DSP-05); recovery exercise"),
    ("CR04", "A failure of fire, water or asbestos safety in a council building",
     "Health and Safety", "helen.okafor", [(2, 5), (2, 4), (2, 4), (2, 4)], (3, 5), (1, 3),
     "Statutory inspections; compliance dashboard; competent contractors",
     "Close overdue fire risk assessment actions; asbestos re-surveys"),
    ("CR05", "We cannot recruit and keep social workers and planners", "People",
     "priya.raman", [(4, 4), (4, 3), (4, 3), (3, 3)], (5, 4), (3, 2),
     "Market supplements; grow-our-own scheme", "Refresh the recruitment campaign"),
    ("CR06", "The council does not meet its net zero commitment for 2030", "Strategic",
     "helen.okafor", [(3, 3), (3, 3), (3, 3), (3, 3)], (4, 4), (2, 3),
     "Climate action plan; decarbonisation projects", "Second decarbonisation grant bid"),
    ("CR07", "A serious data protection breach", "Compliance and Legal", "david.marsh",
     [(2, 3), (2, 3), (3, 3), (2, 3)], (3, 4), (1, 3),
     "Mandatory training; information asset owners; breach procedure",
     "Retention labels in Microsoft 365 (DSP-04)"),
    # The Estates and Assets programme's own (the register is linked to it).
    ("CR08", "Construction cost inflation exceeds the programme's contingency", "Financial",
     "rachel.hughes", [(4, 4), (4, 4), (4, 3), (4, 3)], (5, 4), (3, 3),
     "Fixed-price contracts where possible; 10% contingency",
     "Value engineering on the depot; re-phase the second tranche"),
    ("CR09", "Asbestos found during the works stops work on site", "Health and Safety",
     "james.lee", [(2, 2), (2, 2), (1, 2), (1, 2)], (4, 3), (1, 2),
     "Refurbishment and demolition surveys before work starts",
     "Licensed contractor on call for the roof works"),
    ("CR10", "Capital receipts fall short as land values soften", "Financial",
     "rachel.hughes", [(3, 3), (3, 3), (3, 4), (3, 4)], (4, 4), (2, 3),
     "Independent valuations; phased disposals", "Review the disposal timetable with Finance"),
]  # fmt: skip
DIGITAL = [
    ("DSP-R01", "ERP go-live slips past the payroll year end", "Project Delivery",
     "kwame.mensah", [(3, 4), (4, 4), (4, 4), (4, 4)], (4, 4), (2, 3),
     "Parallel payroll runs; supplier recovery plan", "Decide the go-live date at the board"),
    ("DSP-R02", "Residents cannot or will not use the new online services", "Reputational",
     "grace.adeyemi", [(2, 3), (2, 3), (2, 3), (2, 3)], (3, 3), (2, 2),
     "User research; assisted digital in libraries", "Digital inclusion sessions"),
    ("DSP-R03", "Errors in migrated financial balances", "Financial", "fiona.baird",
     [(3, 4), (3, 4), (2, 4), (2, 4)], (4, 4), (1, 4),
     "Reconciliation at each migration rehearsal", "Third rehearsal before go-live"),
    ("DSP-R04", "Ransomware encrypts servers and their backups", "Information and Technology",
     "ian.shaw", [(3, 4), (3, 4), (3, 4), (3, 4)], (4, 4), (2, 3),
     "Immutable backups for finance systems; endpoint protection",
     "Extend immutable backups to all servers"),
    ("DSP-R05", "Staff fall for phishing emails", "Information and Technology", "ian.shaw",
     [(3, 3), (3, 2), (3, 2), (2, 2)], (4, 3), (2, 2),
     "Phishing simulations; email filtering", "Quarterly phishing campaign"),
    ("DSP-R06", "Subject access requests are answered late", "Compliance and Legal", "ian.shaw",
     [(3, 2), (3, 2), (2, 2), (2, 2)], (3, 3), (1, 2),
     "Request tracker; weekly report to the DPO", "Temporary officer to clear the backlog"),
]  # fmt: skip
CARE = [
    ("ASC-R01", "The care market cannot meet demand for home care", "Operational",
     "martin.cole", [(4, 3), (4, 4), (4, 4), (4, 4)], (5, 4), (3, 3),
     "Provider forums; fee uplift; hospital discharge team",
     "Commission additional rural rounds; fee review (ASC-04)"),
    ("ASC-R02", "Savings from reablement are not realised", "Financial", "nadia.hussain",
     [(3, 3), (3, 3), (3, 3), (3, 3)], (4, 4), (2, 3),
     "Benefits tracking at the programme board", "Outcome reporting from the new rotas"),
    ("ASC-R03", "Case records are lost or corrupted in the system migration",
     "Compliance and Legal", "daniel.wright", [(2, 4), (3, 4), (3, 4), (2, 3)], (4, 5), (1, 4),
     "Migration rehearsals; record counts reconciled", "Independent data quality check"),
]  # fmt: skip
# name, project (a programme's own register) or none, owner, matrix, linked programmes, risks.
REGISTERS = [
    ("Brackenford Corporate Risk Register", None, "david.marsh", "5x5", ("EAP",), CORPORATE),
    ("Digital Services Programme Risks", "DSP", "owen.price", "4x4", (), DIGITAL),
    ("Adult Social Care Transformation Risks", "ASC", "nadia.hussain", "5x5", (), CARE),
]
OVERDUE_REVIEW = {"CR06", "DSP-R06"}  # reviews fell behind: their next review date has passed


def seed(projects, users, today):
    """Each register, once, with its risks and their reviews; returns how many risks."""
    made = 0
    for name, project, owner, matrix, programmes, risks in REGISTERS:
        register, created = RiskRegister.objects.get_or_create(
            name=name,
            defaults={
                "project": projects.get(project),
                "owner": users[owner],
                "matrix": RiskMatrix.objects.get(name=matrix),
                "heading": "CORPORATE RISK REGISTER" if risks is CORPORATE else "",
                "appetite_statement": APPETITE,
            },
        )
        if not created:
            continue
        register.programmes.set(projects[code] for code in programmes)
        for row in risks:
            add_risk(register, row, users, today)
            made += 1
    return made


def add_risk(register, row, users, today):
    ref, title, category, owner, reviews, inherent, target, controls, actions = row
    appetite, level = CATEGORIES[category]
    risk = RiskRow.objects.create(
        register=register,
        ref=ref,
        title=title,
        category=RiskCategory.objects.get_or_create(
            name=category, defaults={"appetite": appetite, "tolerated_level": level}
        )[0],
        owner=users[owner],
        inherent_probability=inherent[0],
        inherent_impact=inherent[1],
        residual_probability=reviews[0][0],
        residual_impact=reviews[0][1],
        target_probability=target[0],
        target_impact=target[1],
        controls=controls,
        actions=actions,
    )
    late = 2 if ref in OVERDUE_REVIEW else 0  # months since the last review
    before = None
    for number, (probability, impact) in enumerate(reviews):
        months_ago = len(reviews) - 1 - number + late
        reviewed_on = months_later(today, -months_ago) - datetime.timedelta(days=3)
        record_review(
            risk,
            users[owner],
            reviewed_on,
            review_comment(before, probability * impact),
            signed_off=True,
            next_review_date=months_later(reviewed_on, 1),
            residual_probability=probability,
            residual_impact=impact,
        )
        before = probability * impact


def review_comment(before, now):
    if before is None:
        return "Reviewed with the owner; scores agreed."
    if now > before:
        return "Score up: the position has worsened since the last review."
    if now < before:
        return "Score down: the actions are taking effect."
    return "Reviewed; no change. Actions continue."
