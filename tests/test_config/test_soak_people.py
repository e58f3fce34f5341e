"""`make soak`'s people read forms off the pages and post them back as a browser would
(bench/soak_forms.py): if they posted something else, the soak would time refusals, and a
"lost save" or a "conflict" in its results would mean nothing."""

import importlib.util
from pathlib import Path

from django.urls import reverse

from tests.factories import ConcernFactory
from tests.totp import code

BENCH = Path(__file__).resolve().parents[2] / "bench"


def soak_forms():
    spec = importlib.util.spec_from_file_location("soak_forms", BENCH / "soak_forms.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


forms = soak_forms()


def test_the_report_form_as_read_saves_what_was_changed_and_nothing_else(report, client_for):
    ConcernFactory(report=report, concern="Supplier capacity", countermeasure="A second one")
    manager = client_for(report.project.manager)
    url = reverse("projects:report-edit", args=[report.project.code, report.period_slug])
    found = forms.form(manager.get(url).text, having="version")
    before = dict(found["fields"])
    assert before["version"] == str(report.version) and "csrfmiddlewaretoken" in before
    answer = manager.post(url, data=as_posted(forms.with_values(found, summary="Soak save 1")))
    assert answer.status_code == 302, forms.errors(answer.text)
    report.refresh_from_db()
    assert report.summary == "Soak save 1" and report.version == int(before["version"]) + 1
    concern = report.concerns.get()
    assert (concern.concern, concern.countermeasure) == ("Supplier capacity", "A second one")
    # The version it saw is now old: the same form again is a conflict, said as one.
    stale = manager.post(url, data=as_posted(forms.with_values(found, summary="Soak save 2")))
    assert stale.status_code == 409 and "so your changes were not saved" in stale.text
    report.refresh_from_db()
    assert report.summary == "Soak save 1"


def test_the_form_reader_posts_what_a_browser_posts():
    page = """<form action="/x/"><input name="a"><input name="b" value="1">
    <input type="checkbox" name="c"><input type="checkbox" name="d" checked>
    <input type="submit" name="go" value="Go"><input name="e" disabled value="no">
    <select name="f"><option value="1">one</option><option value="2" selected>two</option>
    </select><select name="g"><option value="x">x</option></select>
    <textarea name="h">
first line</textarea></form><form action="/y/"><input name="z"></form>"""
    found = forms.form(page, action_ends="/x/")
    assert found["fields"] == [
        ["a", ""], ["b", "1"], ["d", "on"], ["f", "2"], ["g", "x"], ["h", "first line"],
    ]  # fmt: skip
    assert forms.form(page, having="z")["action"] == "/y/"
    assert forms.with_values(found, a="new", k="added")[0] == ["a", "new"]


def test_the_code_it_computes_is_the_one_the_sign_in_takes():
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    assert forms.totp_code(secret, at=1_700_000_000) == code(secret, at=1_700_000_000)


def as_posted(fields):
    """The fields as Django's test client posts them (several values for one name)."""
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_only_this_machine_is_loaded():
    """The soak must never be pointed at someone's live Highlight."""
    for url in ("http://127.0.0.1:8000", "http://localhost:1234/", "http://[::1]:80"):
        assert forms.this_machine(url)
    for url in (
        "https://highlight.council.example",
        "http://10.0.0.5:8000",
        "",
        "http://127.0.0.2",
    ):
        assert not forms.this_machine(url)
