"""HTML to PDF with WeasyPrint, fetching nothing but our own static files.

Print templates refer to their stylesheets relative to STATIC_BASE, a host that can never
resolve (.invalid is reserved by RFC 2606). The fetcher maps that host's /static/ paths to
files found by Django's static finders (or in STATIC_ROOT), and one more file: the
organisation's logo, which Highlight re-encoded itself (projects/logos.py), under
MEDIA_BASE. It refuses every other URL: no network, no file://, no data a user could point
a PDF at.
"""

import logging
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from projects.media import media_path

logger = logging.getLogger(__name__)

STATIC_HOST = "static.highlight.invalid"
STATIC_BASE = f"https://{STATIC_HOST}/static/"
MEDIA_BASE = f"https://{STATIC_HOST}/media/"
# The only media a PDF may show: a logo as projects/logos.py writes it.
LOGO_PATH = re.compile(r"^/media/(organisation/logo-[0-9a-f]{16}(?:_[A-Za-z0-9]{7})?\.png)$")


class RefusedURL(URLFetchingError):
    """WeasyPrint skips the resource (an image, a stylesheet) and carries on rendering."""


def static_path(url):
    """The local file a URL under STATIC_BASE stands for, or None if it is anything else."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != STATIC_HOST or parts.query:
        return None
    logo = LOGO_PATH.match(parts.path)
    if logo:
        return media_path(logo.group(1))
    if not parts.path.startswith("/static/"):
        return None
    relative = unquote(parts.path.removeprefix("/static/"))
    if not relative or ".." in Path(relative).parts or relative.startswith("/"):
        return None
    candidate = finders.find(relative) or Path(settings.STATIC_ROOT) / relative
    # Resolved, so that a symlink inside a static folder cannot point outside it.
    path = Path(candidate).resolve()
    if path.is_file() and any(path.is_relative_to(root) for root in static_roots()):
        return path
    return None


def static_roots():
    roots = [Path(settings.STATIC_ROOT)]
    for finder in finders.get_finders():
        roots += [Path(location) for _prefix, location in getattr(finder, "locations", [])]
        roots += [Path(storage.location) for storage in getattr(finder, "storages", {}).values()]
    return [root.resolve() for root in roots]


class StaticOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        path = static_path(url)
        if path is None:
            logger.warning("PDF rendering refused to fetch %.200s", url)
            raise RefusedURL(f"Refused to fetch {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


class TooLongToPrint(Exception):
    """The document laid out to more pages than its kind may print: it is not written."""

    def __init__(self, pages, limit, what="document"):
        super().__init__(
            f"Too long to print: {pages:,} pages, the limit is {limit:,} for a {what}. "
            "Shorten what it prints and ask for it again."
        )


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int
    html: str = ""  # what WeasyPrint was given (the bench renders it again as its floor)
    marking: str = ""  # the protective marking printed on every page


def render_pdf(template_name, context, max_pages=None, what="document", **options):
    """`options` go to WeasyPrint (e.g. pdf_variant="pdf/ua-1" for a tagged PDF). Raises
    TooLongToPrint, once laid out, for more than `max_pages` pages (a `what`)."""
    html = render_to_string(
        template_name, {**context, "STATIC_BASE": STATIC_BASE, "MEDIA_BASE": MEDIA_BASE}
    )
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher()).render(
        **options
    )
    if max_pages is not None and len(document.pages) > max_pages:
        raise TooLongToPrint(len(document.pages), max_pages, what)  # before writing it
    return RenderedPdf(content=document.write_pdf(**options), pages=len(document.pages), html=html)
