"""Point of care III (issue 27): on a 375 × 740 phone the list, the code, every wizard step and the
described visit's result put what decides in the first screen; print shows no screen-only hints and
fills its pages as it says.

Positions are measured in Debian's Chromium (tests/support/browser.py); Lighthouse's numbers are in
bench/lighthouse.py, not here.
"""

import re

import pytest

from tests.support.browser import needs_chromium

pytestmark = [needs_chromium]

PHONE = {"width": 375, "height": 740}
MEDVERKAN = "/besok/psykiatri/mottagningsbesok/bedomning/au006+au118/tolk/"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="sv-SE")
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_js(browser):
    context = browser.new_context(viewport=PHONE, locale="sv-SE", java_script_enabled=False)
    yield context.new_page()
    context.close()


def in_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def pdf_pages(page) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", page.pdf(format="A4", prefer_css_page_size=True)))


# --- The list --------------------------------------------------------------------------------------


def test_list_filter_is_in_the_first_screen_and_stays_in_reach_while_scrolling(site, phone):
    phone.goto(site + "/lista/psykiatri/")
    box = phone.locator("#filtrera")
    assert in_first_screen(box)
    phone.locator(".avsnitt").nth(5).scroll_into_view_if_needed()
    phone.mouse.wheel(0, 2000)
    phone.wait_for_timeout(100)
    assert phone.evaluate("window.scrollY") > 2000
    assert in_first_screen(box), "the filter scrolled away"


def test_filtering_puts_the_first_match_in_the_first_screen_and_the_contents_count_what_is_shown(site, phone):
    phone.goto(site + "/lista/psykiatri/")
    toc = phone.locator("[data-toc]")
    assert toc.evaluate("e => !e.open"), "the table of contents starts folded"
    all_sections = phone.locator("[data-toc] li:not([hidden])").count()
    phone.locator("#filtrera").fill("telefon")
    # The filter asks the server (search's own reading of the words): wait for its answer.
    phone.wait_for_function("() => document.querySelector('.filter__antal').textContent.includes(' av ')")
    first = phone.locator("tr[data-rad]:not([hidden])").first
    assert "XS01" in first.text_content() and in_first_screen(first.locator("a.kod"))
    shown_sections = phone.locator(".avsnitt:not([hidden])").count()
    listed = phone.locator("[data-toc] li:not([hidden])")
    assert 0 < listed.count() == shown_sections < all_sections
    counts = [int(re.search(r"\d+", t).group()) for t in listed.locator(".antal").all_text_contents()]
    assert sum(counts) == phone.locator("tr[data-rad]:not([hidden])").count()


def test_without_javascript_the_filtered_list_also_puts_the_first_match_first(site, phone_without_js):
    page = phone_without_js
    page.goto(site + "/lista/psykiatri/?filtrera=telefon")
    assert in_first_screen(page.locator("tr[data-rad] a.kod").first)
    counts = page.locator("[data-toc] li:not([hidden]) .antal").all_text_contents()
    assert counts and sum(int(c.strip("()")) for c in counts) == page.locator("tr[data-rad]").count()


def test_an_opened_row_shows_its_texts_once(site, phone):
    phone.goto(site + "/lista/psykiatri/?filtrera=AU118")
    row = phone.locator("tr[data-rad]:not([hidden])", has=phone.locator("a[href='/kod/AU118/']"))
    row.locator("summary").click()
    # The preview is out of sight (it still names the summary for screen readers); the full text shows.
    preview = row.locator(".rad__kort").bounding_box()
    assert preview["width"] <= 1 and preview["height"] <= 1, "the preview stands above the full text"
    full = row.locator(".rad__hela dd").first
    assert full.is_visible() and full.inner_text().startswith("Strukturerad bedömning av risken för att patienten")
    text = row.inner_text()
    label = row.locator("summary").evaluate("e => getComputedStyle(e, '::after').content")
    assert "Dölj texten" in label and "Visa hela texten" not in label
    assert "För att koden ska användas ska en klinisk intervju" in text


def test_printed_list_unfolds_the_introduction_and_section_instructions(site, page):
    page.goto(site + "/lista/psykiatri/")
    page.emulate_media(media="print")
    assert page.locator(".lista__om .inledning").is_visible()
    assert page.locator(".avsnitt .avsnittsanvisning").first.locator("p, div").first.is_visible()
    assert not page.locator(".filter").is_visible()


# --- The code page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "first_text"),
    [
        ("AU118", "För att koden ska användas ska en klinisk intervju"),
        ("DU011", None),
        ("XS012", "Telefonsamtal med patient"),
    ],
)
def test_code_page_shows_the_deciding_text_and_the_copy_button_in_the_first_screen(site, phone, code, first_text):
    phone.goto(site + f"/kod/{code}/")
    assert in_first_screen(phone.get_by_role("button", name=f"Kopiera koden {code}"))
    post = phone.locator(".post").first
    heading = post.locator("h3").first
    label = heading.inner_text()
    # The Anvisning first where the source has one; otherwise the Beskrivning.
    has_anvisning = post.locator(".post__anvisning + .text").count() == 1
    assert label.startswith("Anvisning") if has_anvisning else label.startswith("Beskrivning")
    text = heading.locator("xpath=following-sibling::*[1]")
    assert in_first_screen(heading) and text.bounding_box()["y"] < PHONE["height"] - 40
    if first_text:
        assert text.inner_text().startswith(first_text)


# --- The wizard ------------------------------------------------------------------------------------


def test_the_introduction_stands_on_the_first_step_only(site, phone):
    phone.goto(site + "/besok/")
    assert phone.locator(".ingress").is_visible()
    question = phone.locator("#steg-fraga").inner_text()
    phone.locator("a.val__knapp").first.click()
    phone.wait_for_function(
        "q => document.querySelector('#steg-fraga') && document.querySelector('#steg-fraga').innerText !== q",
        arg=question,
    )
    assert phone.locator(".ingress").count() == 0
    phone.goto(site + "/besok/psykiatri/mottagningsbesok/")
    assert phone.locator(".ingress").count() == 0


@pytest.mark.parametrize("javascript", [True, False])
def test_continue_is_always_in_reach_on_the_longest_multiple_choice_step(site, browser, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(site + MEDVERKAN)
        assert page.locator(".kryss").count() >= 15
        button = page.get_by_role("button", name="Fortsätt")
        assert in_first_screen(button)
        page.locator(".kryss").nth(7).scroll_into_view_if_needed()
        assert in_first_screen(button)
        # It covers no answer for good: the last box scrolls clear of it.
        page.locator(".kryss--inget").scroll_into_view_if_needed()
        last, over = page.locator(".kryss--inget").bounding_box(), button.bounding_box()
        assert last["y"] + last["height"] <= over["y"] + 1
        page.locator(".kryss--inget input").check()
        button.click()
        page.wait_for_url(re.compile(r"/inga/$"))
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    ["/besok/psykiatri/mottagningsbesok/bedomning/", MEDVERKAN, "/besok/psykiatri/mottagningsbesok/bedomning/au006/"],
)
def test_a_multiple_choice_step_gives_one_instruction(site, phone, path):
    phone.goto(site + path)
    step = phone.locator(".steg")
    instructions = [t for t in step.locator("p").all_inner_texts() if re.match(r"(Välj|Markera)", t)]
    assert len(instructions) == 1, instructions


# --- The described visit ---------------------------------------------------------------------------

DESCRIPTION = "Mottagningsbesök. Strukturerad suicidriskbedömning gjordes. Ingen tolk, inga medverkande."


@pytest.mark.parametrize("javascript", [True, False])
def test_described_visit_result_puts_codes_and_copy_in_the_first_screen(site, browser, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(site + "/besok/beskriv/")
        page.get_by_label("Psykiatri").check()
        page.locator("textarea").fill(DESCRIPTION)
        page.get_by_role("button", name="Föreslå svar").click()
        page.locator("#forslag [data-code]").first.wait_for()
        if javascript:
            copy = page.get_by_role("button", name="Kopiera alla koder")
            assert in_first_screen(copy)
        else:
            page.evaluate("window.scrollTo(0, 0)")
        first = page.locator("#forslag [data-code]").first
        assert first.bounding_box()["y"] < PHONE["height"] - 60
        assert page.locator("#forslag [data-code='AU118']").count() == 1
    finally:
        context.close()


# --- Print -----------------------------------------------------------------------------------------


def test_printed_wizard_result_has_no_screen_only_hints(site, page):
    page.goto(site + "/besok/psykiatri/mottagningsbesok/bedomning/au006+au118/tolk/inga/")
    assert page.get_by_text("Presentationsläge").is_visible()
    page.emulate_media(media="print")
    assert not page.get_by_text("Presentationsläge").is_visible()
    assert not page.get_by_text("siffertangenterna").is_visible()
    assert page.locator(".forslag__skal").first.is_visible()


@pytest.mark.parametrize(("slug", "at_least_pt"), [("psykiatri", 8), ("psykologer-skrs", 14)])
def test_fusklapp_fills_one_a4_page_in_readable_type(site, page, slug, at_least_pt):
    page.goto(site + f"/lista/{slug}/fusklapp/")
    page.emulate_media(media="print")
    assert pdf_pages(page) == 1
    size_px = page.locator(".fusklapp li").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size_px >= at_least_pt * 96 / 72 - 0.01
    # A4 less the 12 mm margins, in CSS pixels: the sheet uses well over half of it.
    page.set_viewport_size({"width": 703, "height": 1032})
    height = page.locator(".fusklapp").evaluate("e => e.getBoundingClientRect().height")
    assert height > 0.6 * 1032, height


def test_practice_summary_prints_the_number_of_pages_it_states(site, page):
    page.goto(site + "/ovningar/set/fallor/sammanfattning/")
    stated = int(page.locator("[data-sidor]").get_attribute("data-sidor"))
    assert (
        stated == page.locator(".sammanfattning").count() and f"{stated} sidor" in page.locator(".ingress").inner_text()
    )
    page.emulate_media(media="print")
    assert pdf_pages(page) == stated
