"""Search in a real browser: the chosen code beside the results on wide screens (htmx, real
addresses, the back button), plain links on narrow ones, the home page's live box, and axe."""

from tests.support.browser import axe_violations, needs_chromium

pytestmark = [needs_chromium]


def test_on_a_wide_screen_a_chosen_hit_opens_beside_the_results_and_back_closes_it(site, page):
    page.set_viewport_size({"width": 1300, "height": 900})
    page.goto(site + "/sok/?q=KBT")
    first = page.locator("#sokvy a.traff__lank").first
    code = first.get_attribute("href").split("/")[2]
    first.click()
    page.locator("#vald-kod").wait_for()
    assert f"kod={code}" in page.url and page.url.startswith(site + "/sok/")
    results = page.locator(".sokresultat").bounding_box()
    panel = page.locator("#vald-kod").bounding_box()
    assert panel["x"] > results["x"] + results["width"] - 1  # side by side
    assert abs(panel["y"] - results["y"]) < 200
    page.go_back()
    page.wait_for_function("() => !document.querySelector('#vald-kod')")
    assert "kod=" not in page.url
    assert page.locator("#sokvy a.traff__lank").count() > 0
    # The address of a chosen hit works on its own (a reload, a pasted link).
    page.goto(site + f"/sok/?q=KBT&kod={code}")
    assert page.locator("#vald-kod").count() == 1


def test_on_a_narrow_screen_a_hit_is_an_ordinary_link_to_the_code(site, page):
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(site + "/sok/?q=KBT")
    first = page.locator("#sokvy a.traff__lank").first
    href = first.get_attribute("href")
    first.click()
    page.wait_for_url(site + href)


def test_without_javascript_a_hit_is_an_ordinary_link(site, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1300, "height": 900})
    tab = context.new_page()
    tab.goto(site + "/sok/?q=KBT")
    first = tab.locator("#sokvy a.traff__lank").first
    href = first.get_attribute("href")
    first.click()
    tab.wait_for_url(site + href)
    context.close()


def test_the_home_pages_big_box_shows_live_results(site, page):
    page.goto(site + "/")
    page.locator("#start-q").type("krisplan", delay=30)
    page.locator("#start-live a.traff__lank").first.wait_for()
    assert "AU123" in page.locator("#start-live").inner_text()
    page.locator("#start-q").press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('#start-live') !== null")


def test_no_accessibility_violations_on_search_pages(site, page):
    page.set_viewport_size({"width": 1300, "height": 900})
    found = {}
    for path in ("/sok/?q=KBT&kod=DU011", "/sok/?q=psykotrapeut", "/sok/?q=hembes%C3%B6k&inom=bhv"):
        page.goto(site + path)
        if violations := axe_violations(page):
            found[path] = violations
    assert found == {}
