"""The business plan's part of the data map (projects/personal_data.py)."""

from projects.personal_data import API, DOCUMENTS, FREE_TEXT, SPREADSHEETS, mark

mark("businessplan.OwnerRole", exported=(API, DOCUMENTS, SPREADSHEETS), name=None)
mark("businessplan.ActivityUpdate", exported=(API, DOCUMENTS, SPREADSHEETS), status=None,
     comment=FREE_TEXT)  # fmt: skip
