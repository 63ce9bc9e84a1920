"""Read a form out of a rendered page, as a browser would submit it (for public and login forms)."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"attrs": a, "fields": {}, "files": [], "order": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self._form["files"].append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "image", "reset"):
                fields[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self._first_option = None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
                fields.setdefault(self._select, value)
            if "selected" in a:
                fields[self._select] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data.removeprefix("\n")


def rendered_form(html: str | bytes, index: int = 0, form_id: str | None = None) -> dict:
    """The form's action, method, and the fields it would send untouched; file inputs listed apart."""
    parser = _Forms()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    # The admin's header holds a log-out form: never the one a test means unless it names it.
    forms = [
        f
        for f in parser.forms
        if (f["attrs"].get("id") == form_id if form_id else not f["attrs"].get("action", "").endswith("/logout/"))
    ]
    form = forms[index]
    return {
        "action": form["attrs"].get("action", ""),
        "method": form["attrs"].get("method", "get").lower(),
        "fields": dict(form["fields"]),
        "files": list(form["files"]),
    }


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
