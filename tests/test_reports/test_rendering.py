import pytest
from weasyprint import HTML

from reports import rendering
from reports.kinds import get_kind
from reports.rendering import STATIC_BASE, RefusedURL, StaticOnlyFetcher
from reports.services import render_source
from tests.pdf import pdf_text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://example.com/style.css",
        "ftp://example.com/x",
        "data:text/plain,hello",
        f"{STATIC_BASE}../../../../etc/passwd",
        f"{STATIC_BASE}css/../../../etc/passwd",
        f"{STATIC_BASE}%2e%2e/%2e%2e/etc/passwd",
        "https://static.highlight.invalid/media/documents/1/secret.pdf",
        f"{STATIC_BASE}css/no-such-file.css",
    ],
)
def test_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_our_print_stylesheet():
    response = StaticOnlyFetcher().fetch(f"{STATIC_BASE}css/print.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_html_pointing_at_local_files_and_network_renders_without_them(monkeypatch):
    """Even if markup slipped past the sanitiser, rendering fetches nothing it should not."""
    refused, served = [], []
    real_fetch = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = real_fetch(self, url, headers)
        except RefusedURL:
            refused.append(url)
            raise
        served.append(url)
        return response

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    html = (
        '<link rel="stylesheet" href="http://example.com/evil.css">'
        '<img src="file:///etc/passwd"><img src="http://example.com/pixel.png">'
        '<iframe src="file:///etc/passwd"></iframe><p>Visible text</p>'
    )
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher()).render()
    text = pdf_text(document.write_pdf())
    assert "Visible text" in text
    assert "root:" not in text
    assert served == []
    assert {"file:///etc/passwd", "http://example.com/pixel.png"} <= set(refused)


def test_report_text_with_file_and_http_urls_never_reaches_them(report, monkeypatch):
    asked = []
    real_fetch = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    report.summary = (
        '![passwd](file:///etc/passwd) <img src="http://example.com/track.png">\n\n'
        '<link rel="stylesheet" href="http://example.com/x.css"> Summary survives'
    )
    report.achievements = '<iframe src="file:///etc/passwd"></iframe> [link](file:///etc/passwd)'
    report.save()
    pdf, _, _ = render_source("highlight_report", report)
    text = pdf_text(pdf.content)
    assert "Summary survives" in text
    assert "root:" not in text
    # The sanitiser removed the tags, so only our stylesheet was asked for; had anything
    # else been, the fetcher would have refused it (the test above).
    assert asked == [f"{STATIC_BASE}css/print.css"]


def test_print_stylesheet_is_applied(report, monkeypatch):
    fetched = []
    real_fetch = StaticOnlyFetcher.fetch
    monkeypatch.setattr(
        StaticOnlyFetcher,
        "fetch",
        lambda self, url, headers=None: fetched.append(url) or real_fetch(self, url, headers),
    )
    data = get_kind("highlight_report").gather(report)
    pdf = rendering.render_pdf("pdf/highlight_report.html", data)
    assert fetched == [f"{STATIC_BASE}css/print.css"]
    assert "Page 1 of 1" in pdf_text(pdf.content)


def test_fetcher_refuses_a_symlink_out_of_the_static_folder(settings, tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0")
    (static / "css" / "innocent.css").symlink_to(secret)
    (static / "css" / "real.css").write_text("p { color: red }")
    settings.STATICFILES_DIRS = [static]
    from django.contrib.staticfiles import finders

    finders.get_finder.cache_clear()
    try:
        assert b"color" in StaticOnlyFetcher().fetch(f"{STATIC_BASE}css/real.css").read()
        with pytest.raises(RefusedURL):
            StaticOnlyFetcher().fetch(f"{STATIC_BASE}css/innocent.css")
    finally:
        finders.get_finder.cache_clear()
