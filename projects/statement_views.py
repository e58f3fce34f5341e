"""The privacy notice and accessibility statement (public: linked from the sign-in page and
every page's footer), the PMO's page that writes them, and the data map (issue 22)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from . import access, personal_data, statements
from .forms import StatementsForm
from .models import Organisation


@login_not_required
@require_GET
def statement_page(request, which):
    title, html, highlights_own = statements.statement(which)
    context = {"title": title, "html": html, "highlights_own": highlights_own}
    return render(request, "statements/page.html", context)


@require_http_methods(["GET", "POST"])
def statements_settings(request):
    access.require_pmo(request.user)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().filter(pk=1).first()
        organisation = organisation or Organisation.current()
        form = StatementsForm(request.POST or None, instance=organisation)
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, "The statements are saved and published.")
            return redirect("projects:statements")
    defaults = {which: statements.default_text(which) for which in statements.STATEMENTS}
    return render(request, "projects/settings/statements.html", {"form": form, **defaults})


@require_GET
def data_map_page(request):
    access.require_pmo(request.user)
    context = {"rows": personal_data.data_map(), "unmarked": personal_data.unmarked()}
    return render(request, "projects/settings/data_map.html", context)
