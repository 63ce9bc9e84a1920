"""The page "Vad letar klinikerna efter?" in a real browser: a coordinator reads a count made by an
anonymous visitor's browser, axe finds nothing, and a print leaves out the admin's header and menus.

Debian's Chromium through Playwright, as in tests/support/browser.py (`make test` installs it).
"""

from tests.support.browser import axe_violations, coordinator_page, needs_chromium

pytestmark = [needs_chromium]
URL = "/admin/catalog/searchmiss/vad-letar-klinikerna-efter/"


def test_a_coordinator_reads_a_visitors_code_read_in_the_table_and_axe_finds_nothing(site, browser, page):
    page.goto(f"{site}/kod/AU118/")
    page.goto(f"{site}/kod/AU118/")
    coordinator = coordinator_page(browser, site)
    coordinator.goto(site + URL)
    assert coordinator.locator("h1").inner_text() == "Vad letar klinikerna efter?"
    this_week = coordinator.locator("#koder-veckor tbody tr").first
    assert this_week.locator("td").first.inner_text() == "2"
    assert coordinator.locator("#koder-flest tbody th").first.inner_text().startswith("AU118")
    assert coordinator.locator("figure svg[role=img]").count() == 5
    assert axe_violations(coordinator) == []
    coordinator.context.close()


def test_printed_the_page_keeps_the_charts_and_tables_and_leaves_out_the_admins_chrome(site, browser):
    coordinator = coordinator_page(browser, site, java_script_enabled=False)
    coordinator.goto(site + URL)
    assert coordinator.locator("#sokningar-veckor").is_visible()  # without JavaScript too
    coordinator.emulate_media(media="print")
    assert not coordinator.locator("#header").is_visible()
    assert not coordinator.locator(".breadcrumbs").is_visible()
    assert coordinator.locator("#koder svg").is_visible() and coordinator.locator("#koder-veckor").is_visible()
    coordinator.context.close()
