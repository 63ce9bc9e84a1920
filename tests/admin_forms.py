"""Posting admin forms back the way a browser does: only what the rendered page holds.

The data comes from the HTML the test client got, not from Django's form objects, so a field the
page does not render (say, a hidden version) is not posted either, just as a browser would not.
"""

import re
from html.parser import HTMLParser

UNSENT_INPUTS = {"submit", "button", "reset", "image", "file"}


class _FormParser(HTMLParser):
    """The successful controls of one <form> (the first one whose id matches), in document order."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = re.compile(form_id)
        self.in_form = False
        self.found = False
        self.pairs: list[tuple[str, str]] = []
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._option: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: ("" if value is None else value) for key, value in attrs}
        if tag == "form" and not self.found and self.form_id.fullmatch(attrs.get("id", "")):
            self.in_form = self.found = True
            return
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in UNSENT_INPUTS or (kind in ("checkbox", "radio") and "checked" not in attrs):
                return
            self.pairs.append((name, attrs.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs, [])
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, []]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            text = "".join(parts)
            # Browsers drop the newline right after <textarea> (Django's widget writes one).
            self.pairs.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value, selected, label = self._option
            self._select[2].append((value if value is not None else "".join(label).strip(), selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]  # a single select sends its first option when none is selected
            self.pairs.extend((name, value) for value in (chosen if multiple else chosen[-1:]))
            self._select = None


def rendered_form(html: str, form_id: str = r".+_form") -> dict:
    """What a browser would post from the page's form: {name: value} (a list where a name repeats)."""
    parser = _FormParser(form_id)
    parser.feed(html)
    assert parser.found, f"no <form id={form_id!r}> in the page"
    data: dict = {}
    for name, value in parser.pairs:
        if name in data:
            data[name] = [*data[name], value] if isinstance(data[name], list) else [data[name], value]
        else:
            data[name] = value
    return data


def change_form_data(response) -> dict:
    """Everything an admin add or change page would post: its form, hidden fields and inline rows."""
    assert response.status_code == 200, response.status_code
    return rendered_form(response.content.decode())


def add_inline_row(data: dict, prefix: str, values: dict) -> dict:
    """Add an inline row as the admin's "Lägg till" link does: copy the empty row, count it, fill it."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    template = f"{prefix}-__prefix__-"
    for name, value in list(data.items()):
        if name.startswith(template):
            data[f"{prefix}-{index}-{name[len(template) :]}"] = value
    for key, value in values.items():
        field = f"{prefix}-{index}-{key}"
        assert field in data or value in (False, None), f"the page has no field {field}"
        if value is False or value is None:
            data.pop(field, None)
        else:
            data[field] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return data
