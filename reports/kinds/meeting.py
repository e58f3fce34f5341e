"""The meeting a board pack is for and the PMO's covering note: asked for on the documents
page, or set once in the monthly run's settings. Printed on the pack's cover and first page;
what nobody wrote is not printed."""

import datetime

from .base import SourceMissing

MEETING_FIELDS = ("meeting", "meeting_date", "agenda_item", "author", "covering_note")
LIMITS = {"meeting": 120, "agenda_item": 20, "author": 120, "covering_note": 4000}


def meeting(params):
    """The pack's meeting details, as written, with the date as dd/mm/yyyy."""
    details = {name: str(params.get(name) or "").strip() for name in MEETING_FIELDS}
    for name, limit in LIMITS.items():
        if len(details[name]) > limit:
            raise SourceMissing(f"The {name.replace('_', ' ')} is longer than {limit} characters.")
    if details["meeting_date"]:
        try:
            day = datetime.date.fromisoformat(details["meeting_date"])
        except ValueError:
            raise SourceMissing(f"{details['meeting_date']!r} is not a date.") from None
        details["meeting_date"] = day.strftime("%d/%m/%Y")
    return details
