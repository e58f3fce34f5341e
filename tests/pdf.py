import io
import re

from pypdf import PdfReader

# Page furniture: running header and footer, the draft watermark, list bullets (extracted
# apart from their items). Removing them lets a paragraph that runs over a page break be
# read as one.
FURNITURE = re.compile(r"^(•|DRAFT|SUBMITTED|RETURNED)$")
# The page's margin boxes come last in its text, opened by the protective marking: the
# marking, the running header, the running footer and the marking again.
MARGINS = re.compile(r"^(OFFICIAL(-SENSITIVE)?|SECRET-\d+)$")


def _body_lines(page):
    lines = [line.strip() for line in page.splitlines()]
    for at, line in enumerate(lines):
        if MARGINS.match(line):
            return lines[:at]
    return lines


def page_edges(content):
    """For each page, the text printed highest on it and the text printed lowest (of what
    is on the paper: text pushed past its edge is clipped, so it does not count)."""
    edges = []
    for page in PdfReader(io.BytesIO(content)).pages:
        placed = []
        height = float(page.mediabox.height)

        def seen(text, cm, tm, font, size, placed=placed, height=height):
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            # Text laid out beyond the page's edge is in the file but not on the paper.
            if text.strip() and 0 <= y <= height - size * 0.7:
                placed.append((y, text.strip()))

        page.extract_text(visitor_text=seen)
        placed.sort()
        edges.append((placed[-1][1], placed[0][1]))
    return edges


def _pages(content):
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content):
    """The text of a PDF, pages joined, whitespace collapsed (line breaks split phrases)."""
    return " ".join(" ".join(_pages(content)).split())


def pdf_body_text(content):
    """The text without page furniture, so a paragraph broken across pages reads whole."""
    lines = [
        line for page in _pages(content) for line in _body_lines(page) if not FURNITURE.match(line)
    ]
    return " ".join(" ".join(lines).split())
