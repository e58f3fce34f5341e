"""Cells that hold HTML (a workbook exported from a web system writes “<i>Scotland</i>”,
“&amp;” or “<br>”): their text, as an activity's plain fields hold it, never their tags.

nh3 (Ammonia, already Highlight's sanitiser) parses the markup as a browser would and keeps
only the tags that shape the text: paragraphs, line breaks, lists and links. Every other tag
goes and its words stay (a script's or style's content goes too). The standard library's
HTML parser then writes what is left as text: a paragraph or a break as a new line, a list
item as "- item" (as plans write lists in a cell), a link as its words and its address.
Entities are unescaped. A cell without markup is returned as it is.
"""

import re
from html.parser import HTMLParser

import nh3

SHAPING_TAGS = {"p", "br", "div", "ul", "ol", "li", "a"}
ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)
BLOCKS = {"p", "div", "ul", "ol"}


def plain_text(value):
    """A cell's text with any HTML in it turned into plain text."""
    if not (nh3.is_html(value) or ENTITY.search(value)):
        return value
    # Line breaks typed in the cell (Alt+Enter) are the writer's: keep them through the
    # parse, which would fold them into spaces.
    value = value.replace("\r\n", "\n").replace("\n", "<br>")
    cleaned = nh3.clean(
        value,
        tags=SHAPING_TAGS,
        attributes={"a": {"href"}},
        link_rel=None,
        url_schemes={"http", "https", "mailto"},
    )
    writer = _TextWriter()
    writer.feed(cleaned)
    writer.close()
    return writer.text()


class _TextWriter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.lists, self.links = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag in BLOCKS:
            self.parts.append("\n")
            if tag in ("ul", "ol"):
                self.lists.append(0 if tag == "ol" else None)
        elif tag == "li":
            number = self.lists[-1] if self.lists else None
            if number is None:
                self.parts.append("\n- ")
            else:
                self.lists[-1] = number + 1
                self.parts.append(f"\n{number + 1}. ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append("\n")
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
        elif tag == "a" and self.links:
            href, at = self.links.pop()
            words = "".join(self.parts[at:]).strip()
            if href and href.removeprefix("mailto:") != words:
                self.parts.append(f" ({href})" if words else href)

    def handle_data(self, data):
        self.parts.append(data)

    def text(self):
        lines = [" ".join(line.split()) for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{2,}", "\n", "\n".join(lines)).strip()
