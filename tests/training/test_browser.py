"""Practice cases and presentation mode in a real browser: solving with and without JavaScript,
one screen per step at 1,024 × 768 and 150 % zoom, digit keys, and axe on the new pages."""

import pytest

from catalog.loading.read import read_content
from catalog.visits import store as wizard_store
from tests.support.browser import axe_violations, needs_chromium

pytestmark = [needs_chromium]

CASE = "/ovningar/samtal-med-barnet-ensamt/"


def solve(tab, url: str, codes: str) -> str:
    tab.goto(url)
    tab.fill("#koder", codes)
    tab.get_by_role("button", name="Rätta").click()
    tab.wait_for_selector("#aterkoppling")
    return tab.locator(".aterkoppling__poang").get_attribute("data-lost")


@pytest.mark.parametrize("javascript", [True, False], ids=["med-js", "utan-js"])
def test_a_learner_solves_a_case_right_and_wrong(site, browser, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    try:
        tab = context.new_page()
        assert solve(tab, site + CASE, "DU056") == "nej"
        wrong = tab.locator('[data-code="DU056"]')
        assert wrong.get_attribute("data-verdict") == "fel"
        assert "med barn och förälder" in wrong.inner_text()
        assert tab.locator('[data-code="DU057"]').get_attribute("data-verdict") == "saknas"
        assert "koder=DU056" in tab.url and "ratta=1" in tab.url
        tab.get_by_text("Visa facit").click()
        assert tab.locator(".facit__koder").first.get_attribute("data-facit") == "DU057"
        assert solve(tab, site + CASE, "du057") == "ja"
        assert tab.locator('[data-code="DU057"]').get_attribute("data-verdict") == "ratt"
    finally:
        context.close()


def test_typing_in_the_code_search_suggests_codes_to_add(site, page):
    page.goto(site + CASE)
    page.fill("#koder", "DU056")
    page.locator("#ovning-sok").press_sequentially("barn utan förälder", delay=20)
    page.wait_for_selector("#forslag li")
    assert "DU057" in page.locator("#forslag").inner_text()
    page.locator("#forslag li", has_text="DU057").get_by_role("link").click()
    page.wait_for_url("**koder=DU056+DU057**")
    assert page.input_value("#koder") == "DU056 DU057"


def path_to(tree, target: str) -> list[str]:
    """Answers that reach the target step, by breadth-first search over real walks (so an answer
    offered only on some paths is taken only there)."""
    from catalog.visits import wizard

    queue, seen = [[]], set()
    while queue:
        path = queue.pop(0)
        walk = wizard.walk(tree, path)
        step = walk.current
        if step is None:
            continue
        if step.slug == target:
            return walk.answers[-1].path if walk.answers else []
        if step.slug in seen:
            continue
        seen.add(step.slug)
        options = wizard.available(step, walk.answers)
        if step.kind == "multiple":
            queue.append([*path, options[0].slug])
        else:
            queue += [[*path, o.slug] for o in options]
    raise AssertionError(f"{target} is not reachable")


def test_presentation_mode_shows_question_and_every_answer_on_one_screen_at_150_percent(site, browser, tmp_path):
    """Browser zoom at 150 % on a 1,024 × 768 screen gives a 683 × 512 CSS-pixel viewport at a
    device pixel ratio of 1.5: that is what the context emulates (CSS zoom on <html> would not
    shrink the viewport that media queries and layout see)."""
    content = read_content()
    tree = wizard_store.tree_from_content(content.wizard, wizard_store.contacts_from_content(content.documents))
    context = browser.new_context(viewport={"width": 683, "height": 512}, device_scale_factor=1.5)
    too_tall = {}
    try:
        tab = context.new_page()
        steps = [s for s in tree.steps.values() if len(s.options) <= 6]
        assert steps
        for step in steps:
            url = site + "/besok/" + "".join(f"{s}/" for s in path_to(tree, step.slug)) + "?projektor=1"
            tab.goto(url)
            # Every answer the step offers on this path, and its way out ("Inget av dessa …"), last.
            answers = tab.locator(".val__knapp, .kryss")
            assert answers.count() >= 2, step.slug
            assert tab.locator(".val__knapp--utvag, .kryss--inget").count() == 1, step.slug
            last = answers.last.bounding_box()
            question = tab.locator("#steg-fraga").bounding_box()
            if question["y"] < 0 or last["y"] + last["height"] > 512:
                too_tall[step.slug] = round(last["y"] + last["height"])
        biggest = max(steps, key=lambda s: (len(s.options), sum(len(o.label) + len(o.help) for o in s.options)))
        tab.goto(site + "/besok/" + "".join(f"{s}/" for s in path_to(tree, biggest.slug)) + "?projektor=1")
        shot = tab.screenshot(path=str(tmp_path / "projektor.png"))
        assert len(shot) > 1000
        assert tab.evaluate("window.innerWidth") == 683 and tab.evaluate("window.devicePixelRatio") == 1.5
    finally:
        context.close()
    assert too_tall == {}, f"last answer below the screen (y in CSS px): {too_tall}"


def test_digit_keys_choose_an_answer_in_presentation_mode_and_focus_moves_to_the_question(site, page):
    page.goto(site + "/besok/?projektor=1")
    second = page.locator(".val__knapp").nth(1)
    assert second.locator(".val__siffra").inner_text() == "2"
    expected = second.get_attribute("href")
    question = page.locator("#steg-fraga").inner_text()
    page.keyboard.press("2")
    page.wait_for_function(
        "q => { const h = document.querySelector('#steg-fraga'); return h && h.innerText !== q; }", arg=question
    )
    assert page.url.endswith(expected)
    # htmx settles the new step a moment after the swap; then focus is on its question.
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'steg-fraga'", timeout=5000)
    # Outside presentation mode the digits do nothing.
    page.goto(site + "/besok/")
    page.keyboard.press("1")
    page.wait_for_timeout(300)
    assert page.url.endswith("/besok/")


def test_copy_link_to_the_step_copies_its_address(site, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        tab = context.new_page()
        tab.goto(site + "/besok/?projektor=1")
        tab.get_by_role("button", name="Kopiera länk till steget").click()
        tab.wait_for_function("() => document.querySelector('.dela .kopiera__status').textContent !== ''")
        assert tab.evaluate("navigator.clipboard.readText()") == site + "/besok/"
    finally:
        context.close()


def test_no_accessibility_violations_on_the_new_pages(site, page):
    found = {}
    for path in (
        "/ovningar/",
        "/ovningar/set/fallor/",
        "/ovningar/set/fallor/sammanfattning/",
        CASE,
        CASE + "?koder=DU056+XX1+AU118&ratta=1",
        "/ovningar/fornyad-hjalpmedelsforskrivning-per-telefon/?koder=&kontakt=vardval-rehab-distans%2Ftelefon-ersatter-besok&ratta=1",
        CASE + "?sok=barn",
        "/besok/?projektor=1",
        "/besok/?ovning=samtal-med-barnet-ensamt",
        "/besok/psykiatri/?projektor=1&ovning=samtal-med-barnet-ensamt",
    ):
        page.goto(site + path)
        if page.locator("details.facit").count():
            page.locator("details.facit summary").click()
        if violations := axe_violations(page):
            found[path] = violations
    assert found == {}


def test_the_result_in_presentation_mode_shows_big_code_badges(site, page):
    content = read_content()
    tree = wizard_store.tree_from_content(content.wizard, wizard_store.contacts_from_content(content.documents))
    from catalog.visits import wizard

    segments: list[str] = []
    walk = wizard.walk(tree, segments)
    while walk.current is not None:
        step = walk.current
        segments.append(step.options[0].slug if step.kind == "single" or not step.optional else "inga")
        walk = wizard.walk(tree, segments)
    assert walk.suggestion.codes
    url = site + "/besok/" + "".join(f"{s}/" for s in segments)
    size = "el => parseFloat(getComputedStyle(el).fontSize)"
    page.goto(url)
    ordinary = page.locator("#forslag .forslag__rad .kod, #forslag .forslag__rad .kod-utanfor").first.evaluate(size)
    page.goto(url + "?projektor=1")
    big = page.locator("#forslag .forslag__rad .kod, #forslag .forslag__rad .kod-utanfor").first.evaluate(size)
    assert big >= 2 * ordinary
