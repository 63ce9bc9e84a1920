"""The help pages in Chromium: accessible (axe), and reached from the header."""

import pytest

from tests.support.browser import axe_violations, needs_chromium

pytestmark = [needs_chromium]


def test_the_help_pages_have_no_accessibility_violations(site, page):
    found = {}
    for path in ("/hjalp/", "/hjalp/kliniker/", "/hjalp/samordnare/", "/hjalp/utbildare/"):
        page.goto(site + path)
        if violations := axe_violations(page):
            found[path] = violations
    assert found == {}


@pytest.mark.parametrize("width", [375, 1280])
def test_the_header_leads_to_the_help_and_its_contents_to_a_section(site, page, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(site + "/kod/AU118/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Hjälp").click()
    page.wait_for_url(site + "/hjalp/")
    page.get_by_role("link", name="Jag registrerar koder").click()
    page.wait_for_url(site + "/hjalp/kliniker/")
    page.get_by_role("navigation", name="På den här sidan").get_by_role("link", name="Besöksguiden").click()
    assert page.evaluate("location.hash") == "#besoksguiden"
    assert page.locator("#besoksguiden").is_visible()
