"""Read a form out of a rendered page, as a browser would submit it (for public and login forms)."""

from tests.support.html_forms import as_post_data, forms_in


def rendered_form(html: str | bytes, index: int = 0, form_id: str | None = None) -> dict:
    """The form's action, method, and the fields it would send untouched; file inputs listed apart."""
    # The admin's header holds a log-out form: never the one a test means unless it names it.
    forms = [
        f
        for f in forms_in(html)
        if (f.attrs.get("id") == form_id if form_id else not f.attrs.get("action", "").endswith("/logout/"))
    ]
    form = forms[index]
    return {"action": form.action, "method": form.method, "fields": as_post_data(form), "files": list(form.files)}


def every_form(html: str | bytes) -> list[dict]:
    """Every form of the page (the admin's log-out form left out), as ``rendered_form`` gives each."""
    found, index = [], 0
    while True:
        try:
            found.append(rendered_form(html, index=index))
        except IndexError:
            return found
        index += 1


def submit(client, url: str, changes: dict | None = None, index: int = 0, form_id: str | None = None, **extra):
    """GET the page, fill in only fields the form renders, and send it the way the form says."""
    page = client.get(url, **extra)
    assert page.status_code == 200, (url, page.status_code)
    form = rendered_form(page.content, index=index, form_id=form_id)
    data = form["fields"]
    for name, value in (changes or {}).items():
        assert name in data or name in form["files"], f"the form on {url} has no field {name!r}"
        data[name] = value
    action = form["action"] or url
    if form["method"] == "post":
        return client.post(action, data, **extra)
    return client.get(action, data, **extra)
