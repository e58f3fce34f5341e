"""A project's money (issue 20): each financial year's budget, spend and forecast, capital
and revenue apart. Thin: access and figures are projects.finance's."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import access, finance
from .forms.money import SAVED_MEANWHILE, FinanceFormSet
from .models import Project


@require_GET
def money(request, code):
    project, role = access.get_project(request.user, code)
    return render(request, "projects/money.html", {
        "project": project, "years": finance.by_year(project.finance.all()),
        "may_edit": finance.may_edit(request.user, project),
        "this_year": finance.year_label(finance.year_of(timezone.localdate())),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def money_edit(request, code):
    project, role = access.get_project(request.user, code)
    if not finance.may_edit(request.user, project):
        raise PermissionDenied
    saved = False
    this_year = finance.year_of(timezone.localdate())
    try:
        with transaction.atomic():
            # The project held while checked and saved: of two people adding the same year's
            # line at once, the second is checked against the first.
            Project.objects.select_for_update().filter(pk=project.pk).first()
            formset = FinanceFormSet(request.POST or None, instance=project, prefix="money",
                                     user=request.user, this_year=this_year)  # fmt: skip
            if request.method == "POST" and formset.is_valid():
                formset.save()
                saved = True
    except IntegrityError:
        saved = False
        formset._non_form_errors = formset.error_class([SAVED_MEANWHILE])
    if saved:
        messages.success(request, "Money saved.")
        return redirect("projects:money", project.code)
    return render(request, "projects/money_form.html",
                  {"project": project, "formset": formset})  # fmt: skip
