"""The PDF panel every page with a document shares: ask for the PDF, show how it is
coming along, and link to the download. The hub holds it so that projects, risks and
business plans answer alike, and it asks for documents only through reports.services."""

from django.shortcuts import redirect, render

from reports import services


def request_pdf(request, kind, source, **options):
    """Ask for `source`'s document (the caller has checked the user may read `source`) and
    answer with its state: the panel for htmx, else the document's own page."""
    document = services.request_document(kind, options or None, request.user, source=source)
    document.refresh_from_db()  # with tasks in-process it may be done already
    if request.htmx:
        return render(request, "reports/_document_status.html", {"document": document})
    return redirect(document)


def shown_pdf(kind, source, user):
    """The document the source's page shows in its panel (None: not asked for yet)."""
    return services.shown_document(kind, source, user)
