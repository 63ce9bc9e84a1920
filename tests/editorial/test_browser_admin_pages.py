"""The coordinator's pages in a real browser on a laptop screen (1366 × 768): the entry form texts first with
its save buttons in view, the history's insertions and deletions in colour with enough contrast, the
review page styled like the rest of the admin, and axe on each.

Debian's Chromium through Playwright, as in tests/support/browser.py (`make test` installs it).
"""

import re

import pytest
from django.apps import apps

from catalog.models import CodeList, Draft, Entry
from tests.support.browser import axe_violations, coordinator_page, needs_chromium
from tests.support.unquoted import unquoted_entries

pytestmark = [needs_chromium]

LAPTOP = {"width": 1366, "height": 768}


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(n) for n in re.findall(r"[\d.]+", css)[:4])


def _luminance(css: str) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(css)[:3]
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_entry_form_opens_on_its_texts_with_a_save_button_in_view_on_a_laptop(site, browser):
    entry = unquoted_entries(1)[0]
    page = coordinator_page(browser, site, "anna", viewport=LAPTOP)
    page.goto(f"{site}/admin/catalog/entry/{entry.pk}/change/")

    beskrivning, save = page.locator("#id_beskrivning"), page.locator('input[name="_save"]')
    assert in_view(page, beskrivning)
    assert in_view(page, save)
    # The texts come before where the entry stands (list, section, code), which sit under their heading.
    assert beskrivning.bounding_box()["y"] < page.locator("#id_anvisning").bounding_box()["y"]
    assert page.locator("#id_anvisning").bounding_box()["y"] < page.locator("#id_code_list").bounding_box()["y"]
    assert page.get_by_role("heading", name="Var posten står").count() == 1
    # Scrolled down to the last field, the save button is still in view.
    page.locator("#id_note").scroll_into_view_if_needed()
    assert in_view(page, save)
    assert axe_violations(page) == []


def test_history_shows_insertions_and_deletions_in_colour_with_enough_contrast(site, browser):
    entry = unquoted_entries(1)[0]
    page = coordinator_page(browser, site, "anna", viewport=LAPTOP)
    page.goto(f"{site}/admin/catalog/entry/{entry.pk}/change/")
    page.locator("#id_anvisning").fill("Helt nya ord i anvisningen.")
    page.locator('input[name="_save"]').click()
    page.wait_for_url(f"{site}/admin/catalog/entry/")

    page.goto(f"{site}/admin/catalog/entry/{entry.pk}/history/")
    page_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    for tag in ("ins", "del"):
        marked = page.locator(f"#change-history {tag}").first
        style = marked.evaluate("e => { const s = getComputedStyle(e); return [s.color, s.backgroundColor]; }")
        color, background = style
        assert _rgb(background)[3:] != (0.0,), f"{tag} has no background of its own: {background}"
        assert background != page_background
        assert contrast(color, background) >= 4.5, (tag, color, background)
    assert page.locator("#change-history .handelse").first.inner_text() == "Ändrad"
    assert axe_violations(page) == []


def test_the_review_page_has_the_admins_breadcrumbs_and_buttons(site, browser):
    entry = Entry.objects.get(code__code="AU118", code_list__slug="psykiatri")
    anna = coordinator_page(browser, site, "anna", viewport=LAPTOP)
    anna.goto(f"{site}/admin/catalog/entry/{entry.pk}/change/")
    anna.locator("#id_anvisning").fill(entry.anvisning + " Ny mening.")
    default_button = anna.locator('input[name="_save"]').evaluate("e => getComputedStyle(e).backgroundColor")
    anna.get_by_role("button", name="Spara som utkast").click()
    anna.wait_for_url(re.compile(r".*/admin/catalog/draft/\d+/change/"))

    bengt = coordinator_page(browser, site, "bengt", viewport=LAPTOP)
    bengt.goto(f"{site}/admin/catalog/draft/{Draft.objects.get().pk}/change/")
    crumbs = bengt.locator(".breadcrumbs li")
    assert crumbs.first.inner_text() == "Hem"
    assert "Start" not in bengt.locator(".breadcrumbs").inner_text()
    approve = bengt.get_by_role("button", name="Godkänn och publicera")
    send_back = bengt.get_by_role("button", name="Skicka tillbaka")
    assert approve.evaluate("e => getComputedStyle(e).backgroundColor") == default_button
    assert send_back.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(239, 239, 239)"  # not the browser's
    assert axe_violations(bengt) == []


@pytest.mark.parametrize("path", ["/admin/catalog/entry/borttagna/", "/admin/catalog/codelist/{list}/import/"])
def test_the_admins_own_pages_say_hem_in_their_breadcrumbs(site, browser, path):
    page = coordinator_page(browser, site, "anna", viewport=LAPTOP)
    page.goto(site + path.format(list=CodeList.objects.order_by("pk").first().pk))
    assert page.locator(".breadcrumbs li").first.inner_text() == "Hem"


@pytest.mark.parametrize(
    ("model", "text"),
    [("section", "title"), ("code", "title"), ("wizardstep", "question"), ("wizardoption", "label")],
)
def test_other_guidance_forms_open_on_their_texts_with_a_save_button_in_view(site, browser, model, text):
    pk = apps.get_model("catalog", model).objects.order_by("pk").values_list("pk", flat=True).first()
    page = coordinator_page(browser, site, "anna", viewport=LAPTOP)
    page.goto(f"{site}/admin/catalog/{model}/{pk}/change/")
    assert in_view(page, page.locator(f"#id_{text}"))
    assert in_view(page, page.locator('input[name="_save"]'))
    assert axe_violations(page) == []
