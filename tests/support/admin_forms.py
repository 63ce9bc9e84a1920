"""Posting admin forms back the way a browser does: only what the rendered page holds.

The data comes from the HTML the test client got, not from Django's form objects, so a field the
page does not render (say, a hidden version) is not posted either, just as a browser would not.
"""

import re

from tests.support.html_forms import as_post_data, forms_in


def rendered_form(html: str, form_id: str = r".+_form") -> dict:
    """What a browser would post from the page's form: {name: value} (a list where a name repeats)."""
    pattern = re.compile(form_id)
    found = [form for form in forms_in(html) if pattern.fullmatch(form.attrs.get("id", ""))]
    assert found, f"no <form id={form_id!r}> in the page"
    return as_post_data(found[0])


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
