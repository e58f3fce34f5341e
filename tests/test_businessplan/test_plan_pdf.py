"""The business plan's PDF: the published one leaves out internal links, the internal one is
for directors and the PMO only, and a PDF made from a draft stays private once the plan is
published."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from businessplan.models import Activity, BusinessPlan
from reports.models import Document
from reports.services import render_source, request_document
from reports.worker import render_document
from tests.pdf import pdf_body_text, pdf_text


def test_internal_column_only_in_the_internal_pdf(plan, imported):
    links = Activity.objects.exclude(internal_links="").first().internal_links
    published, _, _ = render_source("business_plan", plan, {"internal": False})
    internal, _, _ = render_source("business_plan", plan, {"internal": True})
    published_text = pdf_text(published.content) + pdf_body_text(published.content)
    internal_text = pdf_body_text(internal.content)
    first_words = " ".join(links.split()[:4])
    assert first_words not in published_text and "not for publication" not in published_text
    assert first_words in internal_text and "Key documents (internal only)" in internal_text
    assert "C&I" in published_text and "Case-handling - Advice" in published_text


def test_a_pdf_made_from_a_draft_plan_stays_private_once_published(
    client_for, plan, imported, diana, olive
):
    plan.status = BusinessPlan.Status.DRAFT
    plan.save()
    draft = request_document("business_plan", {"plan": "2019-20"}, diana)
    render_document.delay(draft.pk)
    Activity.objects.filter(ref="1").update(title="Edited after the draft PDF")
    plan.status = BusinessPlan.Status.PUBLISHED
    plan.save()
    client = client_for(olive)
    assert client.get(reverse("reports:document-download", args=[draft.pk])).status_code == 404
    assert f"/documents/{draft.pk}/" not in client.get(plan.get_absolute_url()).content.decode()
    published = request_document("business_plan", {"plan": "2019-20"}, olive)
    render_document.delay(published.pk)
    assert client.get(reverse("reports:document-download", args=[published.pk])).status_code == 200


def test_only_directors_and_the_pmo_get_the_internal_pdf(client_for, plan, imported, olive, diana):
    with pytest.raises(PermissionDenied):
        request_document("business_plan", {"plan": "2019-20", "internal": True}, olive)
    internal = request_document("business_plan", {"plan": "2019-20", "internal": True}, diana)
    render_document.delay(internal.pk)
    assert internal.params["internal"] is True
    client_for(olive).post(reverse("businessplan:plan-pdf", args=["2019-20"]), {"internal": "1"})
    assert not Document.objects.filter(params__internal=True).exclude(pk=internal.pk).exists()
    page = client_for(olive).get(plan.get_absolute_url()).content.decode()
    assert f"/documents/{internal.pk}/" not in page
