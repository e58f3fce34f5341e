"""The business plan's part of the data map (projects/personal_data.py)."""

from projects.personal_data import API, DOCUMENTS, FREE_TEXT, SPREADSHEETS, mark

PUBLISHED = (API, DOCUMENTS, SPREADSHEETS)

mark("businessplan.OwnerRole", exported=(API, DOCUMENTS, SPREADSHEETS), name=None)
mark("businessplan.ActivityUpdate", exported=(API, DOCUMENTS, SPREADSHEETS), status=None,
     comment=FREE_TEXT)  # fmt: skip
mark("businessplan.BusinessPlan", exported=PUBLISHED, organisation=None, title=None, year=None,
     status=None, strapline=FREE_TEXT, introduction=FREE_TEXT, vision=FREE_TEXT,
     values=FREE_TEXT, equalities=FREE_TEXT, risk_appetite=FREE_TEXT, resources=FREE_TEXT,
     glossary=FREE_TEXT)  # fmt: skip
mark("businessplan.StrategicAim", exported=PUBLISHED, text=FREE_TEXT)
mark("businessplan.Section", name=None, slug=None)
mark("businessplan.Activity", exported=PUBLISHED, ref=None, title=FREE_TEXT, kind=None,
     frequency=None, priority=None, measure=FREE_TEXT, status=None, comment=FREE_TEXT,
     internal_links=FREE_TEXT, origin=None)  # fmt: skip
