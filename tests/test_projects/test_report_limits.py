"""What one highlight report may hold (issue 17, finding 5): a manager added hundreds of
20,000-character deliverables, and the report's PDF ran to 2,642 pages and held a worker
for 219 s. A report now holds at most 100 deliverables, 50 concerns and 100,000 characters
of text, far beyond any real one; a save past a limit is refused whole, saying why."""

from projects.forms import MAX_CONCERNS, MAX_DELIVERABLES, MAX_REPORT_LINES, TEXT_LIMIT
from projects.models import Deliverable
from tests.factories import DeliverableFactory
from tests.test_projects.test_report_form import edit_url, form_data


def with_new_deliverables(report, count, description):
    """The form as posted with `count` new deliverables typed into it."""
    data = form_data(report)
    first = report.deliverables.count()
    data["deliverables-TOTAL_FORMS"] = first + count
    for i in range(first, first + count):
        data[f"deliverables-{i}-description"] = description
        data[f"deliverables-{i}-status"] = "in_progress"
        data[f"deliverables-{i}-order"] = i
    return data


def stored(report):
    report.refresh_from_db()
    return report.version, list(report.deliverables.values_list("description", flat=True))


def test_a_save_of_110_long_deliverables_is_refused_whole(client_for, report, alice):
    """The attack: as many 20,000-character deliverables as one request carries."""
    before = stored(report)
    data = with_new_deliverables(report, 110, "x" * TEXT_LIMIT)
    response = client_for(alice).post(edit_url(report), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert f"A report holds at most {MAX_DELIVERABLES} deliverables: nothing was saved." in page
    assert stored(report) == before


def test_long_deliverables_added_a_few_at_a_time_stop_at_the_text_limit(client_for, report, alice):
    """Under the row limit, save after save: the report's text in all is what stops it."""
    client = client_for(alice)
    for _ in range(2):  # 80,000 characters in all
        stored(report)
        data = with_new_deliverables(report, 2, "y" * TEXT_LIMIT)
        assert client.post(edit_url(report), data).status_code == 302
    before = stored(report)
    response = client.post(edit_url(report), with_new_deliverables(report, 2, "z" * TEXT_LIMIT))
    page = response.content.decode()
    assert "characters of text; a report holds at most 100,000" in page
    assert stored(report) == before


def test_a_report_at_the_limit_still_saves_and_one_more_row_does_not(client_for, report, alice):
    client = client_for(alice)
    DeliverableFactory.create_batch(MAX_DELIVERABLES - 1, report=report, description="Survey")
    data = with_new_deliverables(report, 1, "The hundredth deliverable")
    assert client.post(edit_url(report), data).status_code == 302
    assert report.deliverables.count() == MAX_DELIVERABLES

    before = stored(report)
    response = client.post(edit_url(report), with_new_deliverables(report, 1, "One too many"))
    assert "A report holds at most 100 deliverables" in response.content.decode()
    assert stored(report) == before
    # Deleting one makes room for another in the same save.
    data = with_new_deliverables(report, 1, "A replacement")
    data["deliverables-0-DELETE"] = "on"
    assert client.post(edit_url(report), data).status_code == 302
    assert report.deliverables.count() == MAX_DELIVERABLES
    assert Deliverable.objects.filter(description="A replacement").exists()


def test_the_edit_page_offers_no_empty_rows_past_the_limit(client_for, report, alice):
    DeliverableFactory.create_batch(MAX_DELIVERABLES, report=report, description="Survey")
    page = client_for(alice).get(edit_url(report)).content.decode()
    assert f'name="deliverables-TOTAL_FORMS" value="{MAX_DELIVERABLES}"' in page


def test_too_many_concerns_are_refused(client_for, report, alice):
    data = form_data(report)
    data["concerns-TOTAL_FORMS"] = MAX_CONCERNS + 1
    for i in range(MAX_CONCERNS + 1):
        data[f"concerns-{i}-concern"] = f"Concern {i}"
    response = client_for(alice).post(edit_url(report), data)
    assert f"A report holds at most {MAX_CONCERNS} concerns" in response.content.decode()
    assert not report.concerns.exists()


def test_long_narrative_alone_counts_towards_the_limit(client_for, report, alice):
    """Six sections each at the field's own limit: each is allowed, together they are not."""
    sections = ("summary", "achievements", "next_period", "issues", "risks_narrative",
                "governance")  # fmt: skip
    data = form_data(report, **dict.fromkeys(sections, "w" * TEXT_LIMIT))
    response = client_for(alice).post(edit_url(report), data)
    # Said once, in the alert at the top of the form, not again inside it.
    assert response.content.decode().count("The report would hold 120,0") == 1
    report.refresh_from_db()
    assert report.version == 1 and report.summary == "Work is progressing to plan."


def test_one_letter_bullets_count_as_the_lines_they_print(client_for, report, alice):
    """100,000 characters written as '- a' bullets printed 533 pages in 262 s: a report's
    text is measured in printed lines as well as characters."""
    bullets = "- a\n" * (TEXT_LIMIT // 4)  # 5,000 lines in 20,000 characters
    data = form_data(report, summary=bullets, issues=bullets[: len(bullets) // 2])
    response = client_for(alice).post(edit_url(report), data)
    assert "The report would print 7,5" in response.content.decode()
    assert f"a report prints at most {MAX_REPORT_LINES:,}" in response.content.decode()
    report.refresh_from_db()
    assert report.version == 1 and report.summary == "Work is progressing to plan."
    # A long list of real bullets, within the limits, saves.
    data = form_data(report, summary="- a bullet a person wrote\n" * 700)
    assert client_for(alice).post(edit_url(report), data).status_code == 302
