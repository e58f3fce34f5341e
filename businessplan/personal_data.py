"""The business plan's part of the data map (projects/personal_data.py)."""

from projects.personal_data import API, DOCUMENTS, FREE_TEXT, SPREADSHEETS, mark, scheduled

PUBLISHED = (API, DOCUMENTS, SPREADSHEETS)
PLANS = scheduled("business_plans")

mark("businessplan.OwnerRole", kept=PLANS, exported=(API, DOCUMENTS, SPREADSHEETS), name=None)
mark("businessplan.ActivityUpdate", kept=PLANS, exported=(API, DOCUMENTS, SPREADSHEETS),
     status=None, comment=FREE_TEXT)  # fmt: skip
mark("businessplan.BusinessPlan", kept=PLANS, exported=PUBLISHED, organisation=None,
     title=None, year=None, status=None, strapline=FREE_TEXT, introduction=FREE_TEXT,
     vision=FREE_TEXT, values=FREE_TEXT, equalities=FREE_TEXT, risk_appetite=FREE_TEXT,
     resources=FREE_TEXT, glossary=FREE_TEXT)  # fmt: skip
mark("businessplan.StrategicAim", kept=PLANS, exported=PUBLISHED, text=FREE_TEXT)
mark("businessplan.Section", kept=PLANS, name=None, slug=None)
mark("businessplan.Activity", kept=PLANS, exported=PUBLISHED, ref=None, title=FREE_TEXT,
     kind=None, frequency=None, priority=None, measure=FREE_TEXT, status=None, comment=FREE_TEXT,
     internal_links=FREE_TEXT, origin=None)  # fmt: skip
