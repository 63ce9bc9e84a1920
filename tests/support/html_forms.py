"""Read a form from a rendered page and fill it in as a browser would submit it."""

from html.parser import HTMLParser


class _Form:
    def __init__(self, attrs: dict):
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").lower()
        self.attrs = attrs
        self.fields: list[tuple[str, str]] = []  # what the browser sends, in page order
        self.names: set[str] = set()  # every named control, sent or not (unchecked boxes)
        self.choices: dict[str, list[str]] = {}  # radio/checkbox/select values on offer
        self.buttons: list[tuple[str, str]] = []  # named submit buttons: the one pressed is sent
        self.files: list[str] = []  # file inputs (sent only when a test gives a file)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._textarea: tuple[str, list[str], _Form] | None = None
        self._select: tuple[str, bool, list[tuple[str, bool]], _Form] | None = None
        self._option: tuple[str | None, bool, list[str]] | None = None
        # Forms named by a control's ``form`` attribute before the form itself stands on the page.
        self._ahead: dict[str, _Form] = {}

    def _owner(self, a: dict) -> "_Form | None":
        """The form a control belongs to: the one its ``form`` attribute names (anywhere on the
        page, before or after the control, as browsers do), else the form it stands in."""
        if "form" in a:
            found = next((f for f in self.forms if f.attrs.get("id") == a["form"]), None)
            return found or self._ahead.setdefault(a["form"], _Form({"id": a["form"]}))
        return self._form

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            form = self._ahead.pop(a.get("id", ""), None)
            if form is None:
                form = _Form(a)
            else:  # controls that stood before it already belong to it
                form.action, form.method, form.attrs = a.get("action") or "", (a.get("method") or "get").lower(), a
            self._form = form
            self.forms.append(form)
            return
        form = self._owner(a)
        if form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "button" and name and a.get("type", "submit").lower() == "submit":
            form.buttons.append((name, a.get("value", "")))
            return
        if tag == "input" and name and a.get("type", "").lower() == "submit":
            form.buttons.append((name, a.get("value", "")))
            return
        if tag == "input" and name and a.get("type", "").lower() == "file":
            form.files.append(name)
            return
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            form.names.add(name)
            if kind in ("checkbox", "radio"):
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [], form)
        elif tag == "select" and name:
            self._select = (name, "multiple" in a, [], form)
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a, [])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            name, text, form = self._textarea
            form.names.add(name)
            # Browsers drop one newline right after <textarea>.
            value = "".join(text)
            form.fields.append((name, value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select[2].append((value if value is not None else "".join(text).strip(), selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, options, form = self._select
            form.names.add(name)
            form.choices[name] = [v for v, _ in options]
            chosen = [v for v, s in options if s]
            if not chosen and not multiple:
                chosen = [v for v, _ in options[:1]]  # a single select sends its first option
            form.fields.extend((name, v) for v in (chosen if multiple else chosen[-1:]))
            self._select = None


def forms_in(html: str | bytes) -> list[_Form]:
    parser = _Parser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.forms


def as_post_data(form: _Form) -> dict:
    """{name: value}, a list where a name repeats (a multiple select, ticked boxes of one name)."""
    data: dict = {}
    for name, value in form.fields:
        if name in data:
            data[name] = [*data[name], value] if isinstance(data[name], list) else [data[name], value]
        else:
            data[name] = value
    return data


def post_form(html: str, method: str = "post", form_id: str | None = None) -> _Form:
    """The first form on the page with this method (or the one with this id)."""
    found = [f for f in forms_in(html) if f.method == method and (form_id is None or f.attrs.get("id") == form_id)]
    assert found, f"the page has no {method} form" + (f" with id {form_id!r}" if form_id else "")
    return found[0]


def fill(form: _Form, press: str | None = None, **values: str) -> dict[str, str]:
    """The form's own values with some fields filled in, as sent by pressing the button ``press``
    (its name, or name=value for one of several buttons with the same name).

    A field or button the page does not render is an error.
    """
    data = dict(form.fields)
    if press is not None:
        name, _, value = press.partition("=")
        pressed = [(n, v) for n, v in form.buttons if n == name and (not value or v == value)]
        assert pressed, f"the page renders no button {press!r} (it has {form.buttons})"
        data[name] = pressed[0][1]
    for name, value in values.items():
        assert name in form.names, f"the page renders no field named {name!r} (it has {sorted(form.names)})"
        if name in form.choices:
            assert value in form.choices[name], f"{value!r} is not offered for {name!r}: {form.choices[name]}"
        data[name] = value
    return data
