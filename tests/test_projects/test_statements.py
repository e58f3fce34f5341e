"""The privacy notice and the accessibility statement (issue 22, point 4): public, linked
from the sign-in page and every page's foot, Highlight's own text describing Highlight as
set up here until the PMO writes the organisation's."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from projects.models import ChannelHook, Organisation
from tests.forms import read_form


def page_text(response):
    html = response.content.decode()
    body = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


@pytest.mark.django_db
def test_highlight_s_privacy_notice_says_what_is_set_up_here(settings):
    settings.AUDIT_RETENTION_DAYS = 400
    settings.INVITATION_DAYS = 10
    organisation = Organisation.current()
    organisation.name = "Dacorum Borough Council"
    organisation.save()
    response = Client().get(reverse("projects:privacy"))
    assert response.status_code == 200
    text = page_text(response)
    assert "Dacorum Borough Council uses Highlight" in text
    assert "The audit: 400 days" in text and "lapses after 10 days" in text
    assert "Contact the PMO (who look after Highlight)." in text
    assert "Chat channel messages" not in text  # none is set up
    ChannelHook.objects.create(url="https://hooks.example.com/x")
    organisation.privacy_contact = "The Data Protection Officer, dpo@dacorum.gov.uk"
    organisation.save()
    text = page_text(Client().get(reverse("projects:privacy")))
    assert "Chat channel messages" in text
    assert "Contact The Data Protection Officer, dpo@dacorum.gov.uk." in text


@pytest.mark.django_db
def test_the_accessibility_statement_names_the_standard_and_who_to_tell():
    organisation = Organisation.current()
    organisation.accessibility_contact = "The PMO, pmo@example.gov.uk"
    organisation.save()
    response = Client().get(reverse("projects:accessibility"))
    text = page_text(response)
    assert "WCAG) version 2.2 at level AA" in text
    assert "axe-core" in text and "PDF/UA-1" in text
    assert "contact The PMO, pmo@example.gov.uk." in text
    assert "<h2>How it is tested</h2>" in response.content.decode()


@pytest.mark.django_db
def test_every_page_s_foot_links_both_statements(client_for, alice):
    pages = [Client().get(reverse("login")), client_for(alice).get(reverse("projects:home"))]
    for response in pages:
        footer = response.content.decode().split("<footer", 1)[1]
        assert f'href="{reverse("projects:privacy")}">Privacy notice</a>' in footer
        assert f'href="{reverse("projects:accessibility")}">Accessibility statement</a>' in footer


def test_the_pmo_publishes_the_organisation_s_own_words_escaped(client_for, pam):
    client = client_for(pam)
    url = reverse("projects:statements")
    form = read_form(client, url)
    written = "# Our privacy notice\n\nWe keep <script>alert(1)</script> **little**."
    response = client.post(url, {**form.fields, "privacy_notice": written})
    assert response.status_code == 302
    html = Client().get(reverse("projects:privacy")).content.decode()
    assert "<h2>Our privacy notice</h2>" in html and "<strong>little</strong>" in html
    assert "<script>alert" not in html
    assert "What Highlight holds about you" not in html
    # Emptied, Highlight's own text is published again.
    form = read_form(client, url)
    client.post(url, {**form.fields, "privacy_notice": ""})
    assert (
        "What Highlight holds about you"
        in Client().get(reverse("projects:privacy")).content.decode()
    )


def test_a_statement_saved_meanwhile_is_not_overwritten(client_for, pam, olive):
    olive.groups.add(Group.objects.get(name="PMO"))
    url = reverse("projects:statements")
    first, second = client_for(pam), client_for(olive)
    first_form, second_form = read_form(first, url), read_form(second, url)
    assert first.post(url, {**first_form.fields, "accessibility_contact": "A"}).status_code == 302
    refused = second.post(url, {**second_form.fields, "accessibility_contact": "B"})
    assert refused.status_code == 200
    assert Organisation.objects.get().accessibility_contact == "A"
