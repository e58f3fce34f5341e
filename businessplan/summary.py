"""Status counts for a plan's sections, in one query (or from activities already read)."""

from dataclasses import dataclass

from django.db.models import Count

from .models import Activity

# Status colours for the summary bar; the name and count are always written beside them.
COLOURS = {
    Activity.Status.ON_TARGET: "#00703c",
    Activity.Status.COMPLETED: "#1d70b8",
    Activity.Status.EXCEEDED: "#4c2c92",
    Activity.Status.SLIPPAGE: "#f47738",
    Activity.Status.NOT_STARTED: "#b1b4b6",
    Activity.Status.DISCONTINUED: "#505a5f",
    "": "#ffffff",
}
ORDER = [*Activity.Status.values, ""]


@dataclass
class SectionSummary:
    section: object
    counts: list  # (status value, label, colour, count), in ORDER, counts > 0 only
    total: int


def status_summary(plan):
    counts = {
        (section_id, status): n
        for section_id, status, n in Activity.objects.filter(section__plan=plan)
        .values_list("section_id", "status")
        .annotate(n=Count("id"))
    }
    return summarise(plan.sections.all(), counts)


def summarise(sections, counts):
    """Each section's SectionSummary from {(section id, status): number of activities}."""
    labels = {**dict(Activity.Status.choices), "": "No status"}
    summaries = []
    for section in sections:
        rows = [
            (status, labels[status], COLOURS[status], counts.get((section.pk, status), 0))
            for status in ORDER
        ]
        rows = [row for row in rows if row[3]]
        summaries.append(SectionSummary(section, rows, sum(row[3] for row in rows)))
    return summaries
