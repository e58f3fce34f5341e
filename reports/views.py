from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import access


@require_GET
def document_list(request):
    documents = access.visible_documents(request.user)[:200]
    return render(request, "reports/document_list.html", {"documents": documents})


@require_GET
def document_detail(request, pk):
    document = access.get_document(request.user, pk)
    template = "reports/_document_status.html" if request.htmx else "reports/document_detail.html"
    return render(request, template, {"document": document})


@require_GET
def document_download(request, pk):
    document = access.get_document(request.user, pk)
    if document.status != document.Status.DONE or not document.file:
        raise Http404("This document is not ready.")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this document is missing.") from None
    return FileResponse(
        handle, as_attachment=True, filename=document.filename, content_type="application/pdf"
    )
