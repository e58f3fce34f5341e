from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Prefetch, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import access as project_access
from projects import audit, portfolio, upload_pages
from projects.documents import request_pdf, shown_pdf
from projects.forms import REMOVED_MEANWHILE
from projects.history import last_change
from projects.models import Project

from . import access, activities, exports, importers
from .forms import ActivityFilter, AimFormSet, ImportForm, PlanForm, UpdateForm
from .models import Activity, BusinessPlan, StrategicAim
from .summary import status_summary

PAGE_SIZE = 50  # rows per page, as every list


def rank(field, choices):
    """Sort by a choice field in the order of its choices (Statutory before High…), with
    empty values last, rather than alphabetically by stored code."""
    return Case(
        *(When(**{field: value}, then=Value(i)) for i, value in enumerate(choices)),
        default=Value(len(choices)),
    )


SORTS = {
    "ref": ["order", "pk"],
    "status": [rank("status", Activity.Status.values), "order"],
    "priority": [rank("priority", Activity.Priority.values), "order"],
    "end": [F("end_date").asc(nulls_last=True), "order"],
    "owner": ["owner__name", "order"],
}


@require_GET
def plan_list(request):
    return render(
        request,
        "businessplan/plan_list.html",
        {
            "plans": access.visible_plans(request.user),
            "can_manage": access.can_manage_plans(request.user),
        },
    )


@require_GET
def plan_detail(request, year):
    plan = access.get_plan(request.user, year)
    context = {
        "plan": plan,
        "aims": plan.aims.all(),
        "summaries": status_summary(plan),
        "can_manage": access.can_manage_plans(request.user),
        "sees_internal": access.sees_internal(request.user),
        "document": shown_pdf("business_plan", plan, request.user),
    }
    return render(request, "businessplan/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def plan_edit(request, year):
    plan = access.get_plan(request.user, year, manage=True)
    saved = None
    try:
        with transaction.atomic():
            # Held while checked and saved: of two people saving at once, the second is
            # told the first saved (the form's digest of what they saw).
            BusinessPlan.objects.select_for_update().filter(pk=plan.pk).first()
            form = PlanForm(request.POST or None, instance=plan)
            aims = AimFormSet(request.POST or None, instance=plan, prefix="aims")
            if request.method == "POST" and form.is_valid() and aims.is_valid():
                saved = form.save()
                aims.save()
    except IntegrityError:
        saved = None
        form.add_error(None, REMOVED_MEANWHILE)
    if saved:
        messages.success(request, "Plan saved.")
        return redirect(saved)
    # A refused form has written what was typed (the year, say) onto the instance.
    plan = BusinessPlan.objects.get(pk=plan.pk)
    return render(
        request, "businessplan/plan_form.html", {"plan": plan, "form": form, "aims": aims}
    )


def activity_rows(activities):
    """Activities with what their table rows show, in a fixed number of queries."""
    return activities.select_related("owner").prefetch_related(
        Prefetch("aims", queryset=StrategicAim.objects.only("pk", "number"))
    )


@require_GET
def section_detail(request, year, section):
    section = access.get_section(request.user, year, section)
    plan = section.plan
    filters = ActivityFilter(request.GET or None, queryset=section.activities.all(), plan=plan)
    sort = request.GET.get("sort", "ref")
    page = Paginator(
        activity_rows(filters.qs.order_by(*SORTS.get(sort, SORTS["ref"]))), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "plan": plan,
        "section": section,
        "filters": filters,
        "page": page,
        "sort": sort,
        "query": query.urlencode(),
        "aim_numbers": list(plan.aims.values_list("number", flat=True)),
        "sees_internal": access.sees_internal(request.user),
    }
    return render(request, "businessplan/section_detail.html", context)


@require_GET
def activity_detail(request, year, section, ref):
    activity = access.get_activity(request.user, year, section, ref)
    linked = None
    if activity.project_id:
        linked = portfolio.latest_status(
            Project.objects.filter(pk=activity.project_id), request.user
        )[0]
    context = {
        "activity": activity,
        "section": activity.section,
        "plan": activity.section.plan,
        "aims": activity.aims.all(),
        "updates": activity.updates.select_related("updated_by"),
        "linked": linked,
        "can_update": access.can_update(request.user, activity),
        "sees_internal": access.sees_internal(request.user),
    }
    return render(request, "businessplan/activity_detail.html", context)


@require_http_methods(["GET", "POST"])
def activity_update(request, year, section, ref):
    """A quarterly update: recorded in the activity's history, and the activity's status
    and comment become the update's."""
    activity = access.get_activity(request.user, year, section, ref, update=True)
    form = UpdateForm(
        request.POST or None, initial={"version": activity.version, "status": activity.status}
    )
    stale = False
    if form.is_valid():
        try:
            update = activities.record_update(
                activity, form, request.user, form.cleaned_data["version"]
            )
        except activities.StaleActivity:
            stale = True
            # Offer the form again against the version now current, so saving again works.
            activity.refresh_from_db()
            messages.error(
                request,
                f"{last_change(activity)} updated this activity after you opened the form, so "
                "your update was not saved. It is still below, with the latest update above "
                "it: check it, then save again.",
            )
            data = request.POST.copy()
            data["version"] = activity.version
            form = UpdateForm(data)
        else:
            messages.success(request, f"Q{update.quarter} update of {activity.ref} recorded.")
            return redirect(activity)
    context = {
        "activity": activity,
        "section": activity.section,
        "plan": activity.section.plan,
        "form": form,
        "latest": activity.updates.select_related("updated_by").first(),
    }
    return render(request, "businessplan/update_form.html", context, status=409 if stale else 200)


@require_GET
def changes(request, year):
    """Completions carried forward from last year and additions made in the year."""
    plan = access.get_plan(request.user, year)
    activities = activity_rows(
        Activity.objects.filter(section__plan=plan)
        .exclude(origin=Activity.Origin.PLANNED)
        .select_related("section__plan")
        .order_by("origin", "section__order", "order")
    )
    groups = {origin: [] for origin in (Activity.Origin.CARRIED_FORWARD, Activity.Origin.IN_YEAR)}
    for activity in activities:
        groups[activity.origin].append(activity)
    return render(
        request,
        "businessplan/changes.html",
        {"plan": plan, "groups": groups, "labels": dict(Activity.Origin.choices)},
    )


@require_POST
def plan_pdf(request, year):
    plan = access.get_plan(request.user, year)
    internal = request.POST.get("internal") == "1" and access.sees_internal(request.user)
    return request_pdf(request, "business_plan", plan, internal=internal)


@require_GET
def plan_export(request, year):
    plan = access.get_plan(request.user, year)
    internal = request.GET.get("internal") == "1" and access.sees_internal(request.user)
    response = HttpResponse(
        exports.plan_workbook(plan, internal=internal),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    suffix = "-internal" if internal else ""
    response["Content-Disposition"] = (
        f'attachment; filename="business-plan-{plan.year}{suffix}.xlsx"'
    )
    audit.record(
        audit.Kind.EXPORT,
        request=request,
        obj=plan,
        description=f"Plan as .xlsx{', internal edition' if internal else ''}.",
    )
    return response


@require_http_methods(["GET", "POST"])
def plan_create(request):
    project_access.require_pmo(request.user)
    form = PlanForm(request.POST or None)
    if form.is_valid():
        plan = form.save()
        messages.success(request, f"{plan} created: import its workbook next.")
        return redirect("businessplan:plan-import", plan.year)
    return render(
        request, "businessplan/plan_form.html", {"form": form, "plan": None, "aims": None}
    )


@require_http_methods(["GET", "POST"])
def plan_import(request, year):
    """Upload the plan's workbook and see what it would do; nothing is written until the
    PMO confirms."""
    plan = access.get_plan(request.user, year, manage=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    job_page = ("businessplan:plan-import-job", plan.year)
    return upload_pages.upload_page(
        request,
        importers.PlanImporter,
        plan,
        form,
        "businessplan/import.html",
        {"plan": plan},
        job_page,
    )


@require_GET
def plan_import_job(request, year, job):
    plan = access.get_plan(request.user, year, manage=True)
    return upload_pages.job_page(
        request,
        importers.PlanImporter,
        plan,
        job,
        ImportForm(),
        "businessplan/import.html",
        {"plan": plan},
    )


@require_POST
def plan_import_confirm(request, year):
    plan = access.get_plan(request.user, year, manage=True)
    pages = ("businessplan:plan-import-job", plan.year), ("businessplan:plan-import", plan.year)
    return upload_pages.confirm_page(request, importers.PlanImporter, plan, *pages)
