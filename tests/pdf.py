import io

from pypdf import PdfReader


def pdf_text(content):
    """The text of a PDF, pages joined, whitespace collapsed (line breaks split phrases)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
