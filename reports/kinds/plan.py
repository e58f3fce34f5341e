"""The business plan: front matter, the status summary, then each section's activities in
landscape, each with its latest quarterly update. The published version leaves out the
internal-only links column; the internal one (directors and the PMO) keeps it and ends with
an appendix of the plan's data-quality findings (businessplan.quality).

Two options narrow a print, for a meeting that goes through what needs attention:
``exceptions`` (only the activities slipping or not started) and ``owner`` (only the
activities of one person, by username: those whose owner role they are in). A print with
either leaves out the front matter but the strategic aims, which the tables refer to."""

from collections import Counter
from dataclasses import asdict

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils.text import slugify

from businessplan import access as plan_access
from businessplan import quality
from businessplan.exports import PRIORITY_CODES
from businessplan.models import Activity, ActivityUpdate, BusinessPlan, StrategicAim
from businessplan.summary import summarise

from .base import DocumentKind, SourceMissing, day, fingerprint, register_kind

# What an exceptions-only print keeps.
EXCEPTIONS = (Activity.Status.SLIPPAGE, Activity.Status.NOT_STARTED)


@register_kind
class BusinessPlanKind(DocumentKind):
    name = "business_plan"
    label = "Business plan"
    request_fields = ("plan", "internal", "exceptions", "owner")
    required_fields = ("plan",)
    order = 40
    template_name = "pdf/business_plan.html"

    def params_for(self, plan, params=None):
        params = params or {}
        canonical = {"plan": plan.year, "internal": bool(params.get("internal"))}
        # The options are written only when asked for, so the whole plan's params, its
        # documents' key, are what they always were.
        if params.get("exceptions"):
            canonical["exceptions"] = True
        if params.get("owner"):
            canonical["owner"] = str(params["owner"])
        return canonical

    def resolve(self, params):
        key = params.get("plan") or ""
        # The year first: it is what params_for writes, and a plan may be titled like
        # another plan's year.
        plans = BusinessPlan.objects
        plan = plans.filter(year=key).first() or plans.filter(title=key).first()
        if plan is None:
            raise self.missing(params)
        return plan

    def missing(self, params):
        key = params.get("plan") or ""
        return SourceMissing(f"No business plan for {key!r} (give its year or title).")

    def can_read(self, user, plan, params=None):
        if plan_access.sees_internal(user):
            return True
        return plan.status == plan.Status.PUBLISHED and not (params or {}).get("internal")

    def refusal(self, plan, params):
        """A draft plan is, to those who may not read it, no plan at all; the internal
        version of a published plan is refused as such (the plan itself is public)."""
        if plan.status != plan.Status.PUBLISHED:
            return self.missing(params)
        return super().refusal(plan, params)

    def can_read_document(self, user, plan, document):
        """Directors and the PMO read every version; anyone else only the published PDF of
        the plan as it stands (not one made from a draft, nor the internal version)."""
        if plan_access.sees_internal(user):
            return True
        return self.can_read(user, plan, document.params) and document.fingerprint == fingerprint(
            self.printable(plan, document.params)
        )

    def page_documents(self, documents):
        """The plan's page offers the whole plan's PDF: an extract is its requester's."""
        return documents.exclude(params__has_key="exceptions").exclude(params__has_key="owner")

    def title(self, plan, params=None):
        """ "Business plan 2019-20 — exceptions — Niki Maclean (internal)"."""
        params = params or {}
        options = "".join(f" — {option}" for option in _options(params))
        internal = " (internal)" if params.get("internal") else ""
        return f"Business plan {plan.year}{options}{internal}"

    def filename(self, plan, params=None):
        params = params or {}
        options = "".join(f"-{slugify(option)}" for option in _options(params))
        internal = "-internal" if params.get("internal") else ""
        return f"business-plan-{plan.year}{options}{internal}.pdf"

    def gather(self, plan, params=None, progress=None):
        params = params or {}
        internal, exceptions = bool(params.get("internal")), bool(params.get("exceptions"))
        owner = _owner(params.get("owner"))
        activities = _activities(plan, owner)
        printed = [a for a in activities if not exceptions or a.status in EXCEPTIONS]
        rows = {}
        for activity in printed:
            rows.setdefault(activity.section_id, []).append(_row(activity, internal))
        whole = not (exceptions or owner)
        sections = list(plan.sections.all())
        summaries = summarise(sections, Counter((a.section_id, a.status) for a in activities))
        data = {
            "internal": internal,
            "whole": whole,
            "extract": " — ".join(_options(params, owner)),
            "scope": "" if whole else _scope(owner, activities, printed, exceptions),
            "plan": {
                "title": plan.title,
                "full_title": plan.full_title,
                "year": plan.year,
                "organisation": plan.organisation,
                "strapline": plan.strapline,
                "status": plan.get_status_display(),
                **{name: getattr(plan, name) for name in plan.FRONT_MATTER},
            },
            # An aim not written yet (an imported plan's aims are numbers until the PMO
            # writes them on the plan's page) is left out rather than printed as a dash.
            "aims": [{"number": a.number, "text": a.text} for a in plan.aims.all() if a.text],
            "priorities": [(PRIORITY_CODES[v], label) for v, label in Activity.Priority.choices],
            "sections": [
                {**section_status(summary), "activities": rows.get(summary.section.pk, [])}
                for summary in summaries
                # An owner's print leaves out the sections they own nothing in.
                if summary.total or not owner
            ],
        }
        if internal:
            found = quality.plan_findings(plan)
            if not whole:  # an extract's findings are those on what it prints
                names = {section.pk: section.name for section in sections}
                shown = {(names[a.section_id], a.ref) for a in printed}
                found = [f for f in found if (f.section, f.ref) in shown]
            data["findings"] = [asdict(finding) for finding in found]
        return data


def section_status(summary):
    """A section's activities counted by status, for the shared ``pdf/_status_bar.html``."""
    return {
        "name": summary.section.name,
        "total": summary.total,
        "counts": [
            {
                "label": label,
                "colour": colour,
                "count": count,
                "share": round(100 * count / summary.total, 1),
            }
            for _status, label, colour, count in summary.counts
        ],
    }


def _owner(username):
    """The person an owner's print is for, or None for every owner's."""
    if not username:
        return None
    person = get_user_model().objects.filter(username=username).first()
    if person is None:
        raise SourceMissing(f"No one has the username {username!r}.")
    return person


def _options(params, owner=None):
    """What an extract says it is, in its title, file name and running header."""
    options = ["exceptions"] if params.get("exceptions") else []
    if params.get("owner"):
        owner = owner or get_user_model().objects.filter(username=params["owner"]).first()
        options.append(str(owner or params["owner"]))
    return options


def _scope(owner, activities, printed, exceptions):
    """The sentence under a narrowed print's title saying what it holds."""
    whose = ""
    if owner:
        roles = sorted({a.owner.name for a in activities})
        whose = f" of {owner}" + (f" ({', '.join(roles)})" if roles else "")
    which = " slipping or not started" if exceptions else ""
    if exceptions:
        return f"Only the activities{whose}{which}: {len(printed)} of {len(activities)}."
    return f"Only the activities{whose}: {len(printed)}."


def _activities(plan, owner):
    """The plan's activities (or the owner's) in the plan's order, each with its aims and
    its latest quarterly update (`latest`, a list of none or one), in a fixed number of
    queries however many there are."""
    newest = ActivityUpdate.objects.filter(activity=OuterRef("activity")).order_by(
        "-updated_at", "-pk"
    )
    latest = ActivityUpdate.objects.filter(pk=Subquery(newest.values("pk")[:1]))
    activities = Activity.objects.filter(section__plan=plan)
    if owner:
        activities = activities.filter(owner__users=owner)
    return list(
        activities.select_related("owner")
        .prefetch_related(
            Prefetch("aims", queryset=StrategicAim.objects.only("number")),
            Prefetch("updates", queryset=latest.select_related("updated_by"), to_attr="latest"),
        )
        .order_by("section__order", "order", "pk")
    )


def _row(activity, internal):
    """An activity as its table row prints it."""
    update = activity.latest[0] if activity.latest else None
    return {
        "ref": activity.ref,
        "title": activity.title,
        "kind": activity.get_kind_display(),
        "frequency": activity.frequency,
        "start": short_day(activity.start_date),
        "end": short_day(activity.end_date),
        "aims": sorted(a.number for a in activity.aims.all()),
        "priority": PRIORITY_CODES.get(activity.priority, ""),
        "owner": str(activity.owner or ""),
        "measure": activity.measure,
        "status": activity.get_status_display(),
        "status_key": activity.status,
        # The latest update's comment is usually the activity's (an update sets it): it
        # prints once, under the update's heading.
        "comment": "" if update and update.comment == activity.comment else activity.comment,
        "update": update
        and {
            "quarter": f"Q{update.quarter}",
            "status": update.get_status_display(),
            "date": day(update.updated_at),
            "by": str(update.updated_by or ""),
            "comment": update.comment,
        },
        **({"internal_links": activity.internal_links} if internal else {}),
    }


def short_day(value):
    """A date as the activity tables print it, in a narrow column: 01/04/19."""
    return value.strftime("%d/%m/%y") if value else ""
