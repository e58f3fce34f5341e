"""Report templates: the words a highlight report's sections are headed with, and which of
the optional sections the form offers. The organisation has a default; a programme may have
its own, which its projects use too. The page, the form and the PDF all take their headings
from here, so they say the same thing.

A section that has content always prints, whatever the template says: a template only
decides what the form offers and what a section is called.
"""

from dataclasses import dataclass

from .models import ReportTemplate

BODY = "{body}"  # stands for the project's "reports go to" in a heading


@dataclass(frozen=True)
class Section:
    key: str
    heading: str  # Highlight's own words, until a template says otherwise
    optional: bool  # a template may leave it off the form
    about: str  # for the PMO choosing headings


SECTIONS = (
    Section("summary", "Summary", False, "The overall position in a paragraph or two."),
    Section(
        "planned_this_period",
        "Planned for this period",
        True,
        "What the last report said this period would bring.",
    ),
    Section(
        "achievements",
        "Achievements this period",
        False,
        "What was done; also each workstream's achievements.",
    ),
    Section(
        "next_period",
        "Planned for next period",
        False,
        "What comes next; also each workstream's next steps.",
    ),
    Section("deliverables", "Deliverables", True, "The table of deliverables and their status."),
    Section("concerns", "Concerns and countermeasures", True, "Concerns, each with its answer."),
    Section("issues", "Issues", True, "Issues in prose."),
    Section("risks_narrative", "Risks", True, "Risks in prose (the register holds the detail)."),
    Section(
        "decisions_required",
        f"Decisions and recommendations for {BODY}",
        True,
        f"What the board is asked to decide; {BODY} is the project's “reports go to”.",
    ),
    Section("governance", "Governance", True, "How the work is governed."),
    Section("communication", "Communication", True, "Who was told what."),
)
BY_KEY = {section.key: section for section in SECTIONS}


def template_for(project):
    """The template a project's reports follow: its programme's (or, for a programme, its
    own), else the organisation's default."""
    programme_ids = [pk for pk in (project.pk if project.kind == "programme" else None,
                                   project.parent_id) if pk]  # fmt: skip
    templates = ReportTemplate.objects.filter(programme_id__in=programme_ids).first()
    return templates or ReportTemplate.default()


def headings(template, body):
    """Every section's heading under this template, {body} filled in."""
    return {
        section.key: (template.heading(section.key) or section.heading).replace(BODY, body)
        for section in SECTIONS
    }


def complete(given, body):
    """Headings for printing: those a report was gathered with, and Highlight's own words
    for any it lacks (a report approved before templates existed)."""
    words = {section.key: section.heading.replace(BODY, body) for section in SECTIONS}
    words.update({key: value for key, value in (given or {}).items() if value})
    return words


def offered(template, report):
    """The optional sections the form offers for this report: those the template uses, and
    any that already hold something (so nothing written is hidden)."""
    return {
        section.key
        for section in SECTIONS
        if not section.optional or template.shows(section.key) or has_content(report, section.key)
    }


def has_content(report, key):
    if key == "deliverables":
        return bool(report.deliverables_title.strip()) or (
            report.pk is not None and report.deliverables.exists()
        )
    if key == "concerns":
        return report.pk is not None and report.concerns.exists()
    return bool((getattr(report, key, "") or "").strip())
