"""The documents' part of the data map (projects/personal_data.py)."""

from projects.personal_data import API, FREE_TEXT, NAME, mark, scheduled

KEPT = scheduled("board_packs", "other_documents", "approved_reports")
mark("reports.Document", exported=(API,), kept=KEPT, kind=None, params=None, params_key=None,
     title=FREE_TEXT, fingerprint=None, status=None, file=FREE_TEXT, marking=None,
     sha256=None, error=None)  # fmt: skip
mark("reports.MonthlyRun", meeting=FREE_TEXT, meeting_dates=None, agenda_item=None,
     author=NAME, covering_note=FREE_TEXT)  # fmt: skip
