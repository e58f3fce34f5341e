"""Directors and the PMO read every document (reports.access.sees_every_document); anyone
else the ones they asked for, and the documents page says which list it shows."""

from django.urls import reverse

from reports import access
from tests.factories import DocumentFactory


def test_directors_and_the_pmo_see_every_document(client_for, diana, pam, olive):
    asked_by_diana = DocumentFactory(requested_by=diana)
    for user, sees_all in ((diana, True), (pam, True), (olive, False)):
        assert access.sees_every_document(user) is sees_all
        assert (asked_by_diana in access.visible_documents(user)) is sees_all
        page = client_for(user).get(reverse("reports:document-list")).content.decode()
        assert ("Every PDF Highlight has made" in page) is sees_all
        assert ("The PDFs you have asked for" in page) is not sees_all
