"""The business plan: front matter, the status summary, then each section's activities in
landscape with the strategic-aim columns. The published version leaves out the
internal-only links column; the internal one (directors and the PMO) keeps it."""

from django.db.models import Prefetch

from businessplan import access as plan_access
from businessplan.models import Activity, BusinessPlan, StrategicAim
from businessplan.summary import status_summary

from .base import DocumentKind, SourceMissing, day, fingerprint, register_kind


@register_kind
class BusinessPlanKind(DocumentKind):
    name = "business_plan"
    label = "Business plan"
    request_fields = ("plan", "internal")
    required_fields = ("plan",)
    order = 40
    template_name = "pdf/business_plan.html"

    def params_for(self, plan, params=None):
        return {"plan": plan.year, "internal": bool((params or {}).get("internal"))}

    def resolve(self, params):
        key = params.get("plan") or ""
        # The year first: it is what params_for writes, and a plan may be titled like
        # another plan's year.
        plans = BusinessPlan.objects
        plan = plans.filter(year=key).first() or plans.filter(title=key).first()
        if plan is None:
            raise SourceMissing(f"No business plan for {key!r} (give its year or title).")
        return plan

    def can_read(self, user, plan, params=None):
        if plan_access.sees_internal(user):
            return True
        return plan.status == plan.Status.PUBLISHED and not (params or {}).get("internal")

    def can_read_document(self, user, plan, document):
        """Directors and the PMO read every version; anyone else only the published PDF of
        the plan as it stands (not one made from a draft, nor the internal version)."""
        if plan_access.sees_internal(user):
            return True
        return self.can_read(user, plan, document.params) and document.fingerprint == fingerprint(
            self.printable(plan, document.params)
        )

    def title(self, plan, params=None):
        internal = " (internal)" if (params or {}).get("internal") else ""
        return f"Business plan {plan.year}{internal}"

    def filename(self, plan, params=None):
        internal = "-internal" if (params or {}).get("internal") else ""
        return f"business-plan-{plan.year}{internal}.pdf"

    def gather(self, plan, params=None, progress=None):
        internal = bool((params or {}).get("internal"))
        activities = _activities(plan, internal)
        return {
            "internal": internal,
            "plan": {
                "title": plan.title,
                "full_title": plan.full_title,
                "year": plan.year,
                "organisation": plan.organisation,
                "strapline": plan.strapline,
                "status": plan.get_status_display(),
                **{name: getattr(plan, name) for name in plan.FRONT_MATTER},
            },
            "aims": [{"number": a.number, "text": a.text} for a in plan.aims.all()],
            "aim_numbers": [a.number for a in plan.aims.all()],
            "sections": [
                {**section_status(summary), "activities": activities.get(summary.section.pk, [])}
                for summary in status_summary(plan)
            ],
        }


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


def _activities(plan, internal):
    """Each section's activities as printed, keyed by section id."""
    activities = {}
    for activity in (
        Activity.objects.filter(section__plan=plan)
        .select_related("owner")
        .prefetch_related(Prefetch("aims", queryset=StrategicAim.objects.only("number")))
        .order_by("section__order", "order", "pk")
    ):
        activities.setdefault(activity.section_id, []).append(
            {
                "ref": activity.ref,
                "title": activity.title,
                "kind": activity.get_kind_display(),
                "frequency": activity.frequency,
                "start": day(activity.start_date),
                "end": day(activity.end_date),
                "aims": sorted(a.number for a in activity.aims.all()),
                "priority": activity.get_priority_display(),
                "owner": str(activity.owner or ""),
                "measure": activity.measure,
                "status": activity.get_status_display(),
                "status_key": activity.status,
                "comment": activity.comment,
                **({"internal_links": activity.internal_links} if internal else {}),
            }
        )
    return activities
