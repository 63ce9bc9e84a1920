"""Every admin page a user can open, read from the admin's registry and URLconf, and what each shows.

``admin_pages`` lists, for each registered model, its changelist, add form, the change form, history
page and delete confirmation of one object, and every other GET page its admin adds (Borttagna, the
CSV import, …), plus the site's own pages (the index, each app's list, the password change): a model
or an admin URL added tomorrow is walked without touching the test. ``visible_text`` is what a reader
sees of a page: its text and the attributes a browser shows or reads aloud, without scripts or styles.
"""

import re
from html.parser import HTMLParser

from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, URLResolver, reverse

# Admin URLs that are not pages to read: JSON, redirects, log-out, a catch-all, and POST-only actions.
NOT_PAGES = {"logout", "jsi18n", "autocomplete", "view_on_site", "login"}
# Pages a signed-in user is sent on from: the log-in page redirects, "done" follows a form.
SKIPPED_SUFFIXES = ("_autocomplete", "_revert", "_preview")
# Attributes a browser shows (placeholder, title on hover, a button's value) or reads aloud.
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "aria-description")


def _patterns(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _sample(model):
    return model._default_manager.order_by("pk").first()


def admin_pages(site=admin.site) -> list[tuple[str, str]]:
    """(what it is, URL) for every admin page a GET opens."""
    pages: list[tuple[str, str]] = []
    samples = {}
    for model in site._registry:
        info = model._meta.app_label, model._meta.model_name
        samples[info] = _sample(model)
    for _pattern, url_pattern in _patterns(site.get_urls()):
        name = url_pattern.name
        if not name or name in NOT_PAGES or name.endswith(SKIPPED_SUFFIXES):
            continue
        keywords = set(url_pattern.pattern.regex.groupindex)
        if not keywords:
            pages.append((name, reverse(f"admin:{name}")))
            continue
        if keywords == {"app_label"}:
            for app_label in sorted({label for label, _ in samples}):
                pages.append((f"{name} {app_label}", reverse(f"admin:{name}", kwargs={"app_label": app_label})))
            continue
        owner = next((info for info in samples if name.startswith("{}_{}_".format(*info))), None)
        if owner is None or len(keywords) != 1 or not keywords <= {"object_id", "id"}:
            continue
        sample = samples[owner]
        assert sample is not None, f"no {owner[1]} to open {name} with: the test must make one"
        try:
            pages.append((name, reverse(f"admin:{name}", kwargs={keywords.pop(): sample.pk})))
        except NoReverseMatch:
            continue
    return sorted(set(pages), key=lambda page: page[1])


# Elements without an end tag: they never open a hidden stretch of the page.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _hidden(tag: str, a: dict) -> bool:
    """Not shown and not read aloud: a script, ``hidden``, or the admin's ``hidden`` class (display: none)."""
    return tag in ("script", "style", "template") or "hidden" in a or "hidden" in (a.get("class") or "").split()


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._open: list[str] = []  # the tags open inside the hidden element the parser is in

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag in VOID:
            if not self._open and tag == "input" and a.get("type", "").lower() in ("submit", "button", "reset"):
                self.parts.append(a.get("value", ""))
            if not self._open and tag == "img":
                self.parts.append(a.get("alt", ""))
            return
        if self._open or _hidden(tag, a):
            self._open.append(tag)
            return
        self.parts += [a[name] for name in SHOWN_ATTRIBUTES if a.get(name)]

    def handle_endtag(self, tag):
        if self._open and tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data):
        if not self._open:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()
