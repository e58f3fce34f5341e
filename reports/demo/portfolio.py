"""Brackenford Borough Council's portfolio: three programmes and their projects, each with
the people who run it, its dates (in months from last month, so the demo never goes
stale), how often it reports, how its RAG tends to move, and the stages of its work."""

from dataclasses import dataclass

from projects.models import Organisation, Project
from projects.periods import add_months, month_end

# Plainly a demo wherever it is printed: on every page and every PDF's letterhead.
ORGANISATION = "Brackenford Borough Council (demo)"
MONTHLY, QUARTERLY, AS_REQUIRED = (c.value for c in Project.Cadence)


@dataclass(frozen=True)
class Spec:
    code: str
    name: str
    sponsor: str
    manager: str
    started: int  # months from last month: -20 started twenty months before it
    ends: int
    aim: str  # what it will do, finishing "The project will …"
    benefit: str
    stages: tuple
    programme: str = ""
    editors: tuple = ()
    cadence: str = MONTHLY
    closed: bool = False
    temper: str = "steady"  # how its RAG moves (story.TEMPERS)
    area: str = "Wards affected – All"

    @property
    def is_programme(self):
        return not self.programme


PROGRAMMES = [
    Spec("EAP", "Estates and Assets", "helen.okafor", "rachel.hughes", -30, 18,
         "make the council's buildings cheaper to run, safer and ready for net zero by 2030",
         "£1.2m a year less spent running the estate; £6m of capital receipts from surplus sites",
         ("mobilisation", "the first tranche of projects", "the second tranche of projects",
          "benefits realisation")),
    Spec("DSP", "Digital Services", "david.marsh", "owen.price", -30, 15,
         "move residents' most used services online and replace the council's ageing systems",
         "70% of transactions online; £900k a year saved on systems and contact handling",
         ("discovery", "core platforms", "service by service migration", "benefits realisation")),
    Spec("ASC", "Adult Social Care Transformation", "priya.raman", "nadia.hussain", -30, 20,
         "help more people live independently at home for longer, within a balanced budget",
         "fewer long-term placements; £2.4m of savings to the adult social care budget",
         ("design", "pilots", "roll-out across the borough", "embedding")),
]  # fmt: skip

PROJECTS = [
    Spec("EAP-01", "Civic Centre roof replacement", "tom.whitfield", "james.lee", -20, 4,
         "replace the failing 1970s roof of the Civic Centre and fit a solar array",
         "no more leaks closing the council chamber; 90 MWh a year of our own electricity",
         ("condition survey", "design and listed building consent", "tender and contract award",
          "scaffold and strip-out", "new roof covering", "solar array", "handover and defects"),
         "EAP", ("mark.jennings",), temper="troubled", area="Wards affected – Castle"),
    Spec("EAP-02", "Depot relocation to Mill Lane", "tom.whitfield", "sophie.turner", -24, 9,
         "move waste and fleet services from the Riverside depot to a new depot at Mill Lane",
         "frees the Riverside site for 120 homes; a depot that meets current standards",
         ("site acquisition", "planning application", "detailed design", "enabling works",
          "construction", "fit-out", "move of services"),
         "EAP", ("mark.jennings",), temper="wobbly", area="Wards affected – Riverside, Millbrook"),
    Spec("EAP-03", "Corporate estate decarbonisation", "tom.whitfield", "james.lee", -30, 20,
         "replace gas boilers with heat pumps and fit LED lighting in our twelve largest buildings",
         "1,100 tonnes of CO2 a year less; energy bills down by a third in those buildings",
         ("heat surveys", "grant bid", "first six buildings", "second six buildings",
          "monitoring and evaluation"), "EAP"),
    Spec("EAP-04", "Market Hall refurbishment", "tom.whitfield", "sophie.turner", -9, 10,
         "repair and reopen the Grade II listed Market Hall for traders and events",
         "40 market stalls back in use; a venue for 30 events a year in the town centre",
         ("survey and design", "heritage consent", "tender", "structural repairs", "fit-out",
          "reopening"), "EAP", temper="wobbly", area="Wards affected – Castle"),
    Spec("EAP-05", "Surplus land and property disposals", "fiona.baird", "rachel.hughes", -36, 12,
         "sell eleven surplus sites identified in the asset review",
         "£6m of capital receipts towards the capital programme; lower holding costs",
         ("site reviews", "cabinet approval", "marketing", "sales completed"), "EAP",
         cadence=QUARTERLY),
    Spec("EAP-06", "Leisure centre LED lighting", "tom.whitfield", "james.lee", -16, -5,
         "replace the lighting in the three leisure centres with LED and controls",
         "£85k a year off the leisure centres' energy bills",
         ("survey", "procurement", "installation", "commissioning"), "EAP", closed=True),
    Spec("EAP-07", "Community hubs co-location", "helen.okafor", "sophie.turner", -28, 14,
         "bring libraries, advice services and health partners together in four community hubs",
         "four buildings released; services residents can reach in one visit",
         ("options appraisal", "engagement with partners", "lease negotiations", "moves"),
         "EAP", cadence=AS_REQUIRED, temper="wobbly"),
    Spec("EAP-08", "Town Hall accessibility works", "tom.whitfield", "james.lee", 2, 12,
         "make the Town Hall fully accessible: a new lift, ramps and a Changing Places toilet",
         "every public meeting held in an accessible building",
         ("access audit", "design", "works"), "EAP", area="Wards affected – Castle"),
    Spec("DSP-01", "Customer portal and online forms", "grace.adeyemi", "kwame.mensah", -26, 6,
         "give residents one account to report, apply and pay for council services online",
         "60% of service requests made online; 25,000 fewer calls a year",
         ("discovery", "platform build", "waste and street services forms", "council tax forms",
          "housing forms", "switch-off of old forms"), "DSP", ("chris.doyle",), temper="wobbly"),
    Spec("DSP-02", "ERP replacement (finance, HR and payroll)", "fiona.baird", "kwame.mensah",
         -30, 8, "replace the finance, HR and payroll systems with one cloud system",
         "£350k a year saved on licences and support; monthly accounts closed in five days",
         ("procurement", "design", "build and configuration", "data migration",
          "testing and parallel payroll", "go-live", "stabilisation"), "DSP", ("chris.doyle",),
         temper="troubled"),
    Spec("DSP-03", "Telephony move to a cloud contact centre", "grace.adeyemi", "emma.clarke",
         -20, -3, "move the council's phones and contact centre to a cloud service",
         "£120k a year saved; callers told their place in the queue",
         ("procurement", "design", "pilot in revenues", "roll-out", "old system switched off"),
         "DSP", temper="wobbly", closed=True),
    Spec("DSP-04", "Microsoft 365 and records migration", "grace.adeyemi", "emma.clarke", -22, 4,
         "move email, files and records to Microsoft 365 with retention labels applied",
         "shared drives closed; records kept and disposed of by the retention schedule",
         ("tenant set-up", "email migration", "shared drives migration", "records labelling",
          "old servers decommissioned"), "DSP"),
    Spec("DSP-05", "Cyber security improvement plan", "david.marsh", "owen.price", -30, 12,
         "meet the Cyber Assessment Framework's baseline and pass the PSN health check",
         "a tested recovery from ransomware; PSN compliance kept",
         ("assessment", "quick fixes", "backup and recovery", "identity and access",
          "exercise and assurance"), "DSP", cadence=QUARTERLY, temper="wobbly"),
    Spec("DSP-06", "Data warehouse and performance reporting", "grace.adeyemi", "emma.clarke",
         -6, 12, "bring service data into one warehouse with dashboards for managers",
         "monthly performance reports produced automatically, not by hand",
         ("discovery", "warehouse build", "first dashboards", "roll-out to services"), "DSP"),
    Spec("DSP-07", "Library self-service kiosks", "grace.adeyemi", "chris.doyle", -14, 3,
         "install self-service kiosks and open-access hours in five branch libraries",
         "libraries open 30 more hours a week at no extra staff cost",
         ("procurement", "building works", "installation", "open-access pilot", "roll-out"),
         "DSP"),
    Spec("DSP-08", "Revenues and benefits system upgrade", "fiona.baird", "kwame.mensah", -12, 5,
         "upgrade the revenues and benefits system to the supplier's supported version",
         "supported software; e-billing for council tax",
         ("planning", "test environment", "testing", "upgrade weekend", "e-billing launch"),
         "DSP", temper="wobbly"),
    Spec("ASC-01", "Front door and early help", "joanne.frost", "lucy.evans", -24, 6,
         "resolve more enquiries at first contact with advice, equipment and community support",
         "40% of contacts resolved at the front door; fewer people waiting for assessment",
         ("design", "pilot in the north locality", "training", "roll-out", "evaluation"),
         "ASC", ("aisha.begum",)),
    Spec("ASC-02", "Reablement service redesign", "martin.cole", "lucy.evans", -20, 8,
         "double the reablement service so people leaving hospital regain their independence",
         "70% of people need no ongoing care after reablement",
         ("design", "recruitment", "new rotas", "hospital discharge pathway", "evaluation"),
         "ASC", temper="wobbly"),
    Spec("ASC-03", "Technology-enabled care", "martin.cole", "daniel.wright", -18, 10,
         "offer sensors, alarms and video care to everyone assessed for care at home",
         "fewer falls and night visits; 1,500 people supported by technology",
         ("procurement", "pilot", "assessor training", "roll-out", "analogue to digital switch"),
         "ASC"),
    Spec("ASC-04", "Care market sufficiency and fee review", "martin.cole", "nadia.hussain",
         -30, 6, "set fair fees with providers and commission enough care for the next five years",
         "a stable care market; no waiting for home care",
         ("cost of care exercise", "consultation with providers", "fee setting",
          "market position statement"), "ASC", cadence=QUARTERLY, temper="wobbly"),
    Spec("ASC-05", "Case management system replacement", "joanne.frost", "daniel.wright", -28, 3,
         "replace the adult social care case management system and its finance module",
         "practitioners record once; providers paid on time from the same system",
         ("procurement", "configuration", "data migration", "testing", "training", "go-live"),
         "ASC", ("aisha.begum",), temper="troubled"),
    Spec("ASC-06", "Shared Lives expansion", "joanne.frost", "lucy.evans", -10, 14,
         "recruit and support 30 more Shared Lives carers",
         "30 more people living in a family home rather than residential care",
         ("campaign", "carer assessments", "matching", "placements"), "ASC"),
    Spec("ASC-07", "Direct payments and personal budgets", "joanne.frost", "daniel.wright",
         -16, 8, "make direct payments simpler to take up and manage, with pre-paid cards",
         "25% of people with care at home using a direct payment",
         ("design", "pre-paid card procurement", "pilot", "roll-out"), "ASC", ("aisha.begum",),
         temper="wobbly"),
    Spec("ASC-08", "Extra care housing at Orchard Court", "martin.cole", "lucy.evans", -30, 24,
         "build 80 extra care flats at Orchard Court with a housing association partner",
         "80 people living independently with care on site instead of in residential care",
         ("partner selection", "planning", "construction", "allocations and care contract"),
         "ASC", temper="wobbly", area="Wards affected – Northgate"),
]  # fmt: skip

SPECS = {spec.code: spec for spec in PROGRAMMES + PROJECTS}


def name_the_organisation(stdout):
    """Name the organisation for the demo, unless the PMO has named it already (the
    migration leaves the name empty). Done before anything is approved: every document's
    fingerprint holds the letterhead, and a later rename would make them all again."""
    organisation = Organisation.current()
    if organisation.name:
        stdout.write(f"  The organisation keeps its name, {organisation.name}")
        return
    organisation.name = ORGANISATION
    organisation.save()
    stdout.write(f"  The organisation is named {ORGANISATION}")


def seed(users, anchor):
    """The programmes and projects, created once (a PMO may change them later): {code:
    Project}. Dates are months from `anchor`, last month when the demo was first seeded."""
    projects = {}
    for spec in PROGRAMMES + PROJECTS:
        project, created = Project.objects.get_or_create(
            code=spec.code, defaults=fields(spec, users, anchor, projects)
        )
        if created:
            project.editors.set(users[u] for u in spec.editors)
        projects[spec.code] = project
    return projects


def fields(spec, users, anchor, projects):
    programme = SPECS[spec.programme] if spec.programme else spec
    return {
        "name": spec.name,
        "kind": Project.Kind.PROGRAMME if spec.is_programme else Project.Kind.PROJECT,
        "parent": projects.get(spec.programme),
        "sponsor": users[spec.sponsor],
        "manager": users[spec.manager],
        "director": users[programme.sponsor],
        "start": add_months(anchor, spec.started),
        "start_precision": "month",
        "end": month_end(add_months(anchor, spec.ends)),
        "end_precision": "month",
        "status": Project.Status.CLOSED if spec.closed else Project.Status.ACTIVE,
        "reporting_cadence": spec.cadence,
        "area": spec.area,
        "benefits": f"- {spec.benefit[0].upper()}{spec.benefit[1:]}".replace("; ", "\n- "),
        "objectives": f"The {'programme' if spec.is_programme else 'project'} will {spec.aim}.",
        "approach": "Delivered in stages:\n\n"
        + "\n".join(f"1. {s[0].upper()}{s[1:]}" for s in spec.stages),
        "governance_body": (
            "the Corporate Management Team"
            if spec.is_programme
            else f"the {programme.name} Programme Board"
        ),
        "distribution": (
            "Corporate Management Team; PMO"
            if spec.is_programme
            else f"{programme.name} Programme Board; PMO"
        ),
    }
