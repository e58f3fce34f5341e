"""The living demo's people: Brackenford Borough Council's directors, heads of service,
programme and project managers and their officers. All invented; each signs in with
settings.DEMO_PASSWORD, as every demo user does."""

from projects.demo import seed_users

# username, first, last, job title, organisation unit, groups: as every part's USERS.
USERS = [
    # The directors sponsor the programmes and read the whole portfolio.
    ("helen.okafor", "Helen", "Okafor", "Director of Place", "Place", ["Directors"]),
    ("david.marsh", "David", "Marsh", "Director of Corporate Resources", "Corporate Resources",
     ["Directors"]),
    ("priya.raman", "Priya", "Raman", "Director of Adult Social Care", "Adult Social Care",
     ["Directors"]),
    # Heads of service sponsor the projects.
    ("tom.whitfield", "Tom", "Whitfield", "Head of Property Services", "Place", []),
    ("grace.adeyemi", "Grace", "Adeyemi", "Chief Digital Officer", "Corporate Resources", []),
    ("fiona.baird", "Fiona", "Baird", "Head of Finance", "Corporate Resources", []),
    ("martin.cole", "Martin", "Cole", "Head of Commissioning", "Adult Social Care", []),
    ("joanne.frost", "Joanne", "Frost", "Head of Adult Social Work", "Adult Social Care", []),
    # Programme managers.
    ("rachel.hughes", "Rachel", "Hughes", "Programme Manager, Estates and Assets", "Place", []),
    ("owen.price", "Owen", "Price", "Programme Manager, Digital Services", "Corporate Resources",
     []),
    ("nadia.hussain", "Nadia", "Hussain", "Programme Manager, Adult Social Care Transformation",
     "Adult Social Care", []),
    # Project managers.
    ("james.lee", "James", "Lee", "Senior Project Manager", "Property Services", []),
    ("sophie.turner", "Sophie", "Turner", "Project Manager", "Property Services", []),
    ("kwame.mensah", "Kwame", "Mensah", "Senior Project Manager", "Digital Services", []),
    ("emma.clarke", "Emma", "Clarke", "Project Manager", "Digital Services", []),
    ("lucy.evans", "Lucy", "Evans", "Project Manager", "Adult Social Care", []),
    ("daniel.wright", "Daniel", "Wright", "Project Manager", "Adult Social Care", []),
    # Officers who draft reports for their managers (project editors), and risk owners.
    ("mark.jennings", "Mark", "Jennings", "Project Officer", "Property Services", []),
    ("aisha.begum", "Aisha", "Begum", "Project Officer", "Adult Social Care", []),
    ("chris.doyle", "Chris", "Doyle", "Project Support Officer", "Digital Services", []),
    ("ian.shaw", "Ian", "Shaw", "Information Governance Manager", "Corporate Resources", []),
]  # fmt: skip


def seed():
    """The people, by username, made as the samples' are."""
    return seed_users(USERS)
