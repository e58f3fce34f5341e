import io
import re

from pypdf import PdfReader

# Page furniture: running header and footer, the draft watermark, list bullets (extracted
# apart from their items). Removing them lets a paragraph that runs over a page break be
# read as one.
FURNITURE = re.compile(
    r"^(•|DRAFT|SUBMITTED|RETURNED|.*Page \d+ of \d+|(Project|Strategic) Highlight Report .+ · .+"
    r"|Risk register .+)$"
)


def _pages(content):
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content):
    """The text of a PDF, pages joined, whitespace collapsed (line breaks split phrases)."""
    return " ".join(" ".join(_pages(content)).split())


def pdf_body_text(content):
    """The text without page furniture, so a paragraph broken across pages reads whole."""
    lines = [
        line
        for page in _pages(content)
        for line in page.splitlines()
        if not FURNITURE.match(line.strip())
    ]
    return " ".join(" ".join(lines).split())
