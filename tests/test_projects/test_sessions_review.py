"""Hostile review of issue 18's sessions: failing tests for what keeps a session past its
limits, and for an htmx page left on a session ended elsewhere."""

from django.urls import reverse

from projects.models import User
from reports.models import Document
from tests.factories import DocumentFactory
from tests.test_projects.test_sessions import SERVER, at, is_signed_in, signed_in


def poll(client, path="/documents/", target="document-table"):
    """What htmx sends for `hx-trigger="every 3s"` (with the page's hx-headers marking it a
    poll): nobody is at the keyboard."""
    return client.get(
        path,
        HTTP_HX_REQUEST="true",
        HTTP_X_HIGHLIGHT_POLL="1",
        HTTP_HX_TRIGGER=target,
        HTTP_HX_TARGET=target,
        HTTP_HX_CURRENT_URL=f"{SERVER}{path}",
    )


def test_a_page_polling_by_itself_does_not_keep_an_idle_session_open(alice, report):
    # A PDF waiting for the document service (Redis down) stays queued, so the documents
    # page polls every 3 seconds for as long as the tab is open.
    DocumentFactory(report=report, status=Document.Status.QUEUED)
    with at(0):
        client = signed_in()
    for minute in range(1, 3 * 60):
        with at(minute):
            response = poll(client)
        if response.status_code != 200:
            break  # the session ended: as it should, somewhere after 60 minutes
        assert 'hx-trigger="every 3s" hx-headers=\'{"X-Highlight-Poll": "1"}\'' in response.text
    assert minute <= 61 + 1, f"still signed in after {minute} minutes of nobody there"


def test_an_htmx_poll_on_a_session_ended_everywhere_sends_the_whole_page_to_sign_in(alice):
    here, elsewhere = signed_in(), signed_in()
    here.post(reverse("sign-out-everywhere"))

    response = poll(elsewhere)

    # A 302 is followed by the browser's XHR: htmx swaps the whole sign-in page into the
    # documents table (and, on the import pages, hx-select finds nothing and empties it).
    assert response.status_code == 204 and "HX-Redirect" in response, response.status_code


def test_a_save_of_a_person_read_before_they_signed_out_everywhere_does_not_undo_it(alice):
    lost_phone = signed_in()
    read_earlier = User.objects.get(pk=alice.pk)  # e.g. the admin's change form, mid-request
    here = signed_in()
    here.post(reverse("sign-out-everywhere"))

    read_earlier.job_title = "Head of Libraries"
    read_earlier.save()  # writes every column, the sessions epoch it read too

    assert not is_signed_in(lost_phone)[0], "the lost phone's session works again"


def test_signing_out_everywhere_from_an_idle_session_still_signs_out_everywhere(alice):
    with at(0):
        left_at_work = signed_in()
    with at(20):
        at_home = signed_in()
        at_home.get(reverse("account"))  # the account page, then away from the desk
    with at(60):
        assert is_signed_in(left_at_work)[0]  # someone at work is using it
    with at(20 + 62):
        # Back: "Sign out everywhere" is pressed on the page still open. This session was
        # idle, so it ends, and the request it carried is dropped.
        response = at_home.post(
            reverse("sign-out-everywhere"), HTTP_REFERER=f"{SERVER}{reverse('account')}"
        )
        assert response.status_code == 302
    with at(85):
        assert not is_signed_in(left_at_work)[0], "the session at work is still open"
