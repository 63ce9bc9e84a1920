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


@pytest.mark.parametrize("javascript", [True, False], ids=["med-js", "utan-js"])
def test_after_ratta_the_page_opens_at_the_feedback_on_the_projector(site, browser, javascript):
    """At 683 × 512 the feedback started almost two screens down: the room saw nothing change."""
    context = browser.new_context(
        viewport={"width": 683, "height": 512}, device_scale_factor=1.5, java_script_enabled=javascript
    )
    try:
        tab = context.new_page()
        tab.goto(site + CASE)
        tab.fill("#koder", "DU056")
        tab.get_by_role("button", name="Rätta").click()
        tab.wait_for_url("**#aterkoppling")
        heading = tab.locator("#aterkoppling-rubrik").bounding_box()
        assert -1 <= heading["y"] < 512 / 3 and tab.evaluate("window.scrollY") > 200
        if javascript:
            tab.wait_for_function("() => document.activeElement.id === 'aterkoppling'")
    finally:
        context.close()


def test_the_hint_comes_before_the_key_and_keeps_the_typed_codes(site, page):
    page.goto(site + "/ovningar/remiss-fordjupad-lakemedelsgenomgang/")
    page.fill("#koder", "XV016")
    page.get_by_role("button", name="Visa ledtråd").click()
    page.wait_for_url("**#ledtrad")
    page.wait_for_function("() => document.activeElement.id === 'ledtrad'")
    hint = page.locator("#ledtrad")
    assert "Observera att åtgärden kräver att en enkel läkemedelsgenomgång har utförts." in hint.inner_text()
    assert "XV01" not in hint.inner_text() and page.locator("#aterkoppling").count() == 0
    assert page.input_value("#koder") == "XV016"
    page.get_by_role("button", name="Rätta").click()
    page.wait_for_url("**#aterkoppling")
    assert page.locator("#ledtrad").count() == 1
    assert page.locator('[data-code="XV016"]').get_attribute("data-verdict") == "fel"


def test_a_case_in_presentation_mode_is_large_and_has_no_site_header(site, browser):
    context = browser.new_context(viewport={"width": 683, "height": 512}, device_scale_factor=1.5)
    try:
        tab = context.new_page()
        tab.goto(site + CASE)
        ordinary = tab.locator(".ovning__text").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert tab.locator(".sidhuvud").count() == 1
        tab.get_by_role("link", name="Presentationsläge").click()
        tab.wait_for_url("**projektor=1")
        assert tab.locator(".sidhuvud").count() == 0
        assert tab.locator("h1").bounding_box()["y"] < 60
        big = tab.locator(".ovning__text").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert big >= 1.15 * ordinary
        tab.fill("#koder", "DU057")
        tab.get_by_role("button", name="Rätta").click()
        tab.wait_for_url("**projektor=1**#aterkoppling")
        assert tab.locator(".sidhuvud").count() == 0
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


def step_url(site: str, tree, slug: str) -> str:
    return site + "/besok/" + "".join(f"{s}/" for s in path_to(tree, slug)) + "?projektor=1"


def content_tree():
    content = read_content()
    return wizard_store.tree_from_content(content.wizard, wizard_store.contacts_from_content(content.documents))


# Per step: the answers' boxes, and any text that runs out of its box (a word too long for it).
MEASURE = """() => {
  const boxes = [...document.querySelectorAll('.val__knapp, .kryss')];
  const spill = boxes.filter(box => {
    const edge = box.getBoundingClientRect().right;
    return box.scrollWidth > box.clientWidth + 1
      || [...box.querySelectorAll('.val__text')].some(t => t.getBoundingClientRect().right > edge + 0.5);
  });
  return {spill: spill.map(b => b.innerText.slice(0, 40))};
}"""


def test_presentation_mode_shows_every_step_with_up_to_fifteen_answers_on_one_screen_at_150_percent(
    site, browser, tmp_path
):
    """Browser zoom at 150 % on a 1,024 × 768 screen gives a 683 × 512 CSS-pixel viewport at a
    device pixel ratio of 1.5: that is what the context emulates (CSS zoom on <html> would not
    shrink the viewport that media queries and layout see). Each step is photographed on its own
    (question, every answer, "Inget av dessa" and "Fortsätt"): the picture must lie inside the
    screen, and no answer's text may run out of its box."""
    tree = content_tree()
    context = browser.new_context(viewport={"width": 683, "height": 512}, device_scale_factor=1.5)
    too_tall, spilled, shots = {}, {}, 0
    try:
        tab = context.new_page()
        steps = [s for s in tree.steps.values() if len(s.options) + 1 <= 15]
        assert max(len(s.options) for s in steps) >= 13  # the steps the room could not see before
        for step in steps:
            tab.goto(step_url(site, tree, step.slug))
            # Every answer the step offers on this path, and its way out ("Inget av dessa …"), last.
            answers = tab.locator(".val__knapp, .kryss")
            assert answers.count() >= 2, step.slug
            assert tab.locator(".val__knapp--utvag, .kryss--inget").count() == 1, step.slug
            whole = tab.locator(".steg")
            box = whole.bounding_box()
            picture = whole.screenshot(path=str(tmp_path / f"{step.slug}.png"))
            shots += 1
            width, height = int.from_bytes(picture[16:20], "big"), int.from_bytes(picture[20:24], "big")
            if box["y"] < 0 or box["y"] + height / 1.5 > 512 + 0.5 or width / 1.5 > 683 + 0.5:
                too_tall[step.slug] = round(box["y"] + height / 1.5)
            if spill := tab.evaluate(MEASURE)["spill"]:
                spilled[step.slug] = spill
        assert tab.evaluate("window.innerWidth") == 683 and tab.evaluate("window.devicePixelRatio") == 1.5
    finally:
        context.close()
    assert shots == len(steps)
    assert too_tall == {}, f"step below the screen (its bottom, in CSS px): {too_tall}"
    assert spilled == {}, f"answer text outside its box: {spilled}"


def test_keys_reach_every_answer_and_the_way_out_and_enter_presses_fortsatt(site, page):
    tree = content_tree()
    single = max((s for s in tree.steps.values() if s.kind == "single"), key=lambda s: len(s.options))
    assert len(single.options) >= 10
    page.goto(step_url(site, tree, single.slug))
    links = page.locator(".val__knapp")
    labels = [links.nth(i).locator(".val__siffra").inner_text() for i in range(links.count())]
    assert labels[:9] == [str(n) for n in range(1, 10)] and labels[9:12] == ["A", "B", "C"] and labels[-1] == "0"
    tenth = links.nth(9).get_attribute("href")
    way_out = page.locator(".val__knapp--utvag").get_attribute("href")
    page.keyboard.press("a")
    page.wait_for_url("**" + tenth.split("?")[0] + "*")
    page.go_back()
    # htmx restores the step from its history cache after go_back() returns: wait for the step itself.
    page.wait_for_function(
        "href => document.querySelector('.val__knapp--utvag')?.getAttribute('href') === href", arg=way_out
    )
    page.keyboard.press("0")
    page.wait_for_url("**" + way_out.split("?")[0] + "*")

    multiple = max((s for s in tree.steps.values() if s.kind == "multiple"), key=lambda s: len(s.options))
    page.goto(step_url(site, tree, multiple.slug))
    boxes = page.locator(".val-form input[type=checkbox]")
    page.keyboard.press("b")
    page.keyboard.press("B")  # twice: ticked, then unticked again
    page.keyboard.press("c")
    assert [boxes.nth(i).is_checked() for i in (10, 11)] == [False, True]
    chosen = boxes.nth(11).get_attribute("value")
    page.keyboard.press("0")
    assert page.locator("#val-inga").is_checked()
    page.keyboard.press("0")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{chosen}/?projektor=1")


def test_q_shows_the_steps_qr_code_large_on_its_own_in_presentation_mode(site, browser):
    context = browser.new_context(viewport={"width": 683, "height": 512}, device_scale_factor=1.5)
    try:
        tab = context.new_page()
        tab.goto(site + "/besok/?projektor=1")
        tab.keyboard.press("q")
        tab.wait_for_function("() => location.hash === '#qr'")
        big = tab.locator("#qr svg").bounding_box()
        assert big["height"] >= 0.8 * 512 and big["y"] >= 0 and big["y"] + big["height"] <= 512
        tab.keyboard.press("Escape")
        tab.wait_for_function("() => location.hash !== '#qr'")
        assert tab.locator("#qr svg").bounding_box()["height"] < 0.5 * 512
        # Without the key: the link beside it.
        tab.get_by_role("link", name="Visa QR-koden stort").click()
        tab.wait_for_function("() => location.hash === '#qr'")
        assert tab.locator("#qr svg").bounding_box()["height"] >= 0.8 * 512
    finally:
        context.close()


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
        CASE + "?koder=DU056&ledtrad=1#ledtrad",
        CASE + "?projektor=1&koder=DU056&ratta=1",
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
