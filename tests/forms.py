"""Reading a page's form as a browser would, so a test posts what a person's browser would
send: the fields that are there, with the values they hold."""

from html.parser import HTMLParser


class FormReader(HTMLParser):
    """The fields of the page's main form and their values, as a browser would send them."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside = action, False
        self.fields, self.text_fields, self.limits, self.options = {}, set(), {}, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("method", "").lower() == "post" and (
                attrs.get("action") in (None, "", self.action)
            )
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file"):
                return
            self.fields[name] = attrs.get("value", "")
            if kind in ("text", "search"):
                self.text_fields.add(name)
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
            self.text_fields.add(name)
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs)
            self.options[name] = []
        elif tag == "option" and self._select:
            name, multiple = self._select
            self.options[name].append(attrs.get("value", ""))
            if "selected" in attrs:
                if multiple:
                    self.fields.setdefault(name, [])
                    self.fields[name].append(attrs.get("value", ""))
                else:
                    self.fields[name] = attrs.get("value", "")
        if name and attrs.get("maxlength"):
            self.limits[name] = int(attrs["maxlength"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        if tag == "textarea" and self._textarea:
            # As in a browser: the newline just after <textarea> is not part of the value.
            value = self.fields[self._textarea]
            self.fields[self._textarea] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        if tag == "select" and self._select:
            name, multiple = self._select
            # With nothing selected a browser sends a single select's first option.
            if not multiple and name not in self.fields and self.options[name]:
                self.fields[name] = self.options[name][0]
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def read_form(client, url):
    page = client.get(url)
    assert page.status_code == 200, url
    reader = FormReader(url)
    reader.feed(page.content.decode())
    assert reader.fields, f"no form on {url}"
    return reader
