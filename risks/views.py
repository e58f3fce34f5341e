from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import access as project_access
from projects import audit, upload_pages
from projects.documents import request_pdf, shown_pdf
from projects.forms import REMOVED_MEANWHILE
from projects.history import last_change
from projects.models import Organisation

from . import access, exports, importers, registers, scoring
from .forms import (
    ImportForm,
    RegisterEditForm,
    RegisterForm,
    ReviewForm,
    RiskFilter,
    RiskForm,
)
from .models import Risk, RiskMatrix, RiskRegister

PAGE_SIZE = 50  # rows per page of every list


@require_GET
def register_list(request):
    # Counted per register shown (a subquery), not by grouping every register's risks.
    open_risks = (
        Risk.objects.filter(register=OuterRef("pk"), status=Risk.Status.OPEN)
        .order_by()
        .values("register")
        .annotate(n=Count("pk"))
        .values("n")
    )
    items = (
        access.readable_registers(request.user)
        .select_related("project", "owner", "matrix")
        .annotate(open_risks=Coalesce(Subquery(open_risks), 0))
        .order_by("name")
    )
    search = request.GET.get("q", "").strip()[:100]
    if search:
        items = items.filter(
            Q(name__icontains=search)
            | Q(project__code__icontains=search)
            | Q(project__name__icontains=search)
        )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "risks/register_list.html",
        {
            "page": page,
            "search": search,
            "query": urlencode({"q": search}) if search else "",
            "can_create": access.can_create_register(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def register_create(request):
    project_access.require_pmo(request.user)
    form = RegisterForm(request.POST or None)
    if form.is_valid():
        register = form.save()
        messages.success(request, f"Register “{register.name}” created.")
        return redirect(register)
    return render(request, "risks/register_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def register_edit(request, slug):
    register, role = access.get_register(request.user, slug, manage=True)
    saved = None
    try:
        with transaction.atomic():
            # Held while checked and saved: two people saving at once are taken in turn,
            # and the second is told the first saved (the form's digest of what they saw).
            RiskRegister.objects.select_for_update().filter(pk=register.pk).first()
            form = RegisterEditForm(request.POST or None, instance=register, pmo=role.pmo)
            if form.is_valid():
                saved = form.save()
    except IntegrityError:
        saved = None
        form.add_error(None, REMOVED_MEANWHILE)
    if saved:
        messages.success(request, f"Register “{saved.name}” saved.")
        return redirect(saved)
    register.refresh_from_db()  # the page's heading and links are for the stored register
    return render(request, "risks/register_form.html", {"form": form, "register": register})


@require_GET
def register_detail(request, slug):
    register, role = access.get_register(request.user, slug)
    matrix = register.matrix
    all_rows = registers.rows(registers.for_summary(register.risks.all()), matrix)
    filters = RiskFilter(
        request.GET or None, queryset=registers.with_scores(register.risks.all()), register=register
    )
    sort = request.GET.get("sort", "residual")
    order = {
        "residual": ["-residual_score", "ref"],
        "inherent": ["-inherent_score", "ref"],
        "ref": ["ref"],
        "review": ["next_review_date", "ref"],
    }.get(sort, ["-residual_score", "ref"])
    page = Paginator(filters.qs.order_by(*order), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    as_at, as_at_source = registers.as_at(register)
    context = {
        "register": register,
        "as_at": as_at,
        "as_at_source": as_at_source,
        "role": role,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "rows": registers.rows(page.object_list, matrix),
        "total": len(all_rows),
        "sort": sort,
        "heat_maps": [
            ("Inherent", "inherent", registers.heat_map(all_rows, matrix, "inherent")),
            ("Residual", "residual", registers.heat_map(all_rows, matrix, "residual")),
        ],
        "breaches": sum(row.outside_appetite for row in all_rows),
        "overdue": sum(row.overdue for row in all_rows),
        "document": shown_pdf("risk_register", register, request.user),
    }
    return render(request, "risks/register_detail.html", context)


@require_GET
def risk_detail(request, slug, ref):
    risk, role = access.get_risk(request.user, slug, ref)
    matrix = risk.register.matrix
    reviews = list(risk.reviews.select_related("reviewed_by"))
    context = {
        "risk": risk,
        "register": risk.register,
        "role": role,
        "can_edit": role.can_edit(risk, request.user),
        "scores": scoring.assessments(risk, matrix),
        "outside_appetite": scoring.outside_appetite(risk, matrix),
        "overdue": registers.is_overdue(risk, timezone.localdate()),
        "reviews": [(review, scoring.assessments(review, matrix)) for review in reviews],
        # The project's RAID actions that treat it (issue 20), with their project: one query.
        "treating": list(risk.treated_by.select_related("project").order_by("number")),
    }
    return render(request, "risks/risk_detail.html", context)


def _risk_form(request, register, risk, template, extra, manage=True):
    form = RiskForm(request.POST or None, instance=risk, register=register, manage=manage)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = registers.save_risk(form, form.cleaned_data["version"])
        except registers.StaleRisk:
            stale = True
            messages.error(
                request,
                f"{last_change(risk)} changed this risk after you opened it, so your changes "
                "were not saved. They are still below: open the risk in a new tab to see the "
                "latest version, then copy your changes across.",
            )
        else:
            messages.success(request, f"{saved.ref} saved.")
            return redirect(saved)
    if risk.pk:
        # A refused form has written what was typed (a ref, say) onto the instance; the
        # page's links and heading are for the risk as it is stored.
        risk = Risk.objects.select_related("register").get(pk=risk.pk)
    context = {"form": form, "register": register, "risk": risk, **extra}
    return render(request, template, context, status=409 if stale else 200)


@require_http_methods(["GET", "POST"])
def risk_create(request, slug):
    register, role = access.get_register(request.user, slug, manage=True)
    return _risk_form(request, register, Risk(register=register), "risks/risk_form.html", {})


@require_http_methods(["GET", "POST"])
def risk_edit(request, slug, ref):
    risk, role = access.get_risk(request.user, slug, ref, edit=True)
    return _risk_form(
        request, risk.register, risk, "risks/risk_form.html", {}, manage=role.can_manage
    )


@require_http_methods(["GET", "POST"])
def risk_review(request, slug, ref):
    risk, role = access.get_risk(request.user, slug, ref, edit=True)
    form = ReviewForm(request.POST or None, risk=risk)
    stale = False
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            registers.record_review(
                risk,
                request.user,
                data.pop("reviewed_on"),
                data.pop("comment"),
                data.pop("signed_off"),
                data.pop("next_review_date"),
                expected_version=data.pop("version"),
                **data,
            )
        except registers.StaleRisk:
            stale = True
            messages.error(
                request,
                f"{last_change(risk)} changed this risk after you opened the review, so it "
                "was not recorded. Your review is still below: open the risk in a new tab to "
                "see the change, then record the review again.",
            )
        else:
            messages.success(request, f"Review of {risk.ref} recorded.")
            return redirect(risk)
    context = {"form": form, "risk": risk, "register": risk.register}
    return render(request, "risks/review_form.html", context, status=409 if stale else 200)


@require_GET
def outside_appetite(request):
    readable = access.readable_registers(request.user)
    breaches = scoring.beyond_appetite(Risk.objects.filter(register__in=readable))
    page = Paginator(
        registers.with_scores(breaches)
        .select_related("register")
        .order_by("-residual_score", "register__name", "ref"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    # One object per matrix, bands prefetched, rather than a query per risk.
    matrices = {m.pk: m for m in RiskMatrix.objects.prefetch_related("bands")}
    page.object_list = [
        registers.rows([risk], matrices[risk.register.matrix_id])[0] for risk in page.object_list
    ]
    return render(
        request,
        "risks/outside_appetite.html",
        {"page": page, "organisation": Organisation.current()},
    )


@require_POST
def register_pdf(request, slug):
    register, role = access.get_register(request.user, slug)
    return request_pdf(request, "risk_register", register)


# --- Import and export -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register_import(request, slug):
    """Upload a workbook and see what it would do: nothing is written until confirmed."""
    register, role = access.get_register(request.user, slug, manage=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    job_page = ("risks:register-import-job", register.slug)
    return upload_pages.upload_page(
        request,
        importers.RegisterImporter,
        register,
        form,
        "risks/import.html",
        {"register": register},
        job_page,
    )


@require_GET
def register_import_job(request, slug, job):
    register, role = access.get_register(request.user, slug, manage=True)
    return upload_pages.job_page(
        request,
        importers.RegisterImporter,
        register,
        job,
        ImportForm(),
        "risks/import.html",
        {"register": register},
    )


@require_POST
def register_import_confirm(request, slug):
    register, role = access.get_register(request.user, slug, manage=True)
    pages = ("risks:register-import-job", register.slug), ("risks:register-import", register.slug)
    return upload_pages.confirm_page(request, importers.RegisterImporter, register, *pages)


@require_GET
def register_export(request, slug):
    register, role = access.get_register(request.user, slug)
    response = HttpResponse(
        exports.register_workbook(register),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{register.slug}-risk-register.xlsx"'
    audit.record(audit.Kind.EXPORT, request=request, obj=register, description="Register as .xlsx.")
    return response
