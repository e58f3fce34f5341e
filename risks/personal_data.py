"""The risks app's part of the data map (projects/personal_data.py)."""

from projects.personal_data import API, DOCUMENTS, FREE_TEXT, NAME, SPREADSHEETS, mark, scheduled

EXPORTED = (API, DOCUMENTS, SPREADSHEETS)
CLOSED_RISKS = scheduled("closed_risks")

mark("risks.RiskRegister", exported=EXPORTED, name=None, slug=None, description=FREE_TEXT,
     heading=FREE_TEXT, appetite_statement=FREE_TEXT)  # fmt: skip
mark("risks.Risk", exported=EXPORTED, kept=CLOSED_RISKS, ref=None, title=FREE_TEXT, owner_name=NAME,
     portfolio_holder=NAME, treatment=None, consequences=FREE_TEXT, controls=FREE_TEXT,
     assurance=FREE_TEXT, actions=FREE_TEXT, status=None)  # fmt: skip
mark("risks.RiskReview", exported=EXPORTED, kept=CLOSED_RISKS, comment=FREE_TEXT)
mark("risks.RiskMatrix", name=None, probability_labels=None, impact_labels=None)
mark("risks.RiskBand", name=None, colour=None)
mark("risks.RiskCategory", name=None, appetite=FREE_TEXT)
mark("risks.CorporatePriority", name=None)
