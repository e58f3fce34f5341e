"""The privacy notice and the accessibility statement a public body publishes (issue 22):
the organisation's own words where the PMO wrote them, else Highlight's, which describe
Highlight as it is set up here (the audit's retention, the invitations' lapse, channels)."""

from django.conf import settings
from django.template.loader import render_to_string

from . import retention
from .models import ChannelHook, Organisation
from .text import render_markdown

STATEMENTS = {
    "privacy": ("Privacy notice", "privacy_notice", "privacy_contact"),
    "accessibility": ("Accessibility statement", "accessibility_statement",
                      "accessibility_contact"),
}  # fmt: skip
NOBODY_NAMED = "the PMO (who look after Highlight)"


def default_text(which, organisation=None):
    """Highlight's own text, in Markdown, for this organisation as it is set up."""
    organisation = organisation or Organisation.current()
    _title, _field, contact_field = STATEMENTS[which]
    context = {
        "organisation_name": organisation.name or "The organisation",
        "contact": getattr(organisation, contact_field) or NOBODY_NAMED,
        "site_url": settings.SITE_URL.rstrip("/"),
        "audit_days": settings.AUDIT_RETENTION_DAYS,
        "invitation_days": settings.INVITATION_DAYS,
        "leaver_days": settings.LEAVER_RETENTION_DAYS,
        "channels": ChannelHook.objects.exists(),
        "schedule": [
            f"{kind.label}: {rule.period} {kind.counted_from}"
            if rule.active
            else f"{kind.label}: until the PMO removes them"
            for kind, rule in retention.schedule()
        ],
    }
    return render_to_string(f"statements/{which}.md", context).strip()


def statement(which):
    """(title, HTML, whether it is Highlight's own text) as the page publishes it."""
    organisation = Organisation.current()
    title, field, _contact = STATEMENTS[which]
    written = getattr(organisation, field).strip()
    text = written or default_text(which, organisation)
    return title, render_markdown(text, top=2), not written
