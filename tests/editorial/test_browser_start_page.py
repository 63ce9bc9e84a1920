"""In a real browser: a coordinator edits an Anvisning from the public code page ("Redigera") and a
visitor then sees the new text and no "Redigera"; the start page's search; axe on the new pages.

Debian's Chromium through Playwright, as in tests/support/browser.py (`make test` installs it).
"""

import re

from tests.support.browser import axe_violations, coordinator_page, needs_chromium

pytestmark = [needs_chromium]

ADDED = "En mening som samordnaren lade till i webbläsaren."


def test_a_coordinator_edits_from_the_code_page_and_a_visitor_then_sees_the_new_text(site, browser, page):
    page.goto(f"{site}/kod/AU118/")  # a visitor first: the public page is now kept
    assert page.locator("a.redigera").count() == 0

    anna = coordinator_page(browser, site)
    anna.goto(f"{site}/kod/AU118/")
    anna.get_by_role("link", name=re.compile(r"^Redigera AU118")).click()
    anna.wait_for_url(re.compile(r"/admin/catalog/entry/\d+/change/"))
    anvisning = anna.locator("#id_anvisning")
    anvisning.fill(anvisning.input_value() + "\n\n" + ADDED)
    anna.locator('input[name="_save"]').click()
    anna.wait_for_url(f"{site}/kod/AU118/")
    assert ADDED in anna.locator("main").inner_text()
    assert anna.locator("a.redigera").count() == 1

    page.goto(f"{site}/kod/AU118/")
    assert ADDED in page.locator("main").inner_text()
    assert page.locator("a.redigera").count() == 0
    assert page.get_by_text("Redigera").count() == 0
    anna.context.close()


def test_the_start_page_and_the_code_search_have_no_accessibility_violations(site, browser):
    anna = coordinator_page(browser, site)
    anna.set_viewport_size({"width": 1366, "height": 768})
    found = {}
    anna.goto(f"{site}/admin/")
    assert anna.get_by_role("heading", name="Ändra en kods texter").is_visible()
    tables = anna.locator("#alla-tabeller a[href='/admin/catalog/entry/']").first
    assert not tables.is_visible()  # folded
    anna.locator("#alla-tabeller summary").click()
    assert tables.is_visible()
    if violations := axe_violations(anna):
        found["/admin/"] = violations
    anna.get_by_label("Kod eller ord").fill("du011")
    anna.get_by_role("button", name="Sök").click()
    anna.wait_for_url(re.compile(r"/admin/catalog/code/sok/\?q=du011"))
    assert anna.locator("#content-main a[href*='/admin/catalog/entry/']").count() == 2
    if violations := axe_violations(anna):
        found["sökresultat"] = violations
    anna.goto(f"{site}/admin/catalog/code/sok/?q=")
    if violations := axe_violations(anna):
        found["tom sökning"] = violations
    assert found == {}
    anna.context.close()
