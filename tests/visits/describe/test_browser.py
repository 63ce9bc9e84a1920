"""The described visit in a browser: with and without JavaScript, the "antaget" markers, changing
one answer, and an axe-core scan. Shares test_browser.py's Chromium set-up."""

import pytest

from tests.support.browser import axe_violations, needs_chromium

# The Chromium set-up, fixtures and axe helper of test_browser.py (skipped alike without Chromium).
pytestmark = [needs_chromium]

TEXT = (
    "Ordinarie logoped på rehabenheten (utan tilläggsuppdrag neurovårdteam) har ett bokat videomöte med en "
    "patient med afasi. Hon bedömer talet, beslutar att ändra träningsupplägget och journalför anamnes, status, "
    "bedömning och åtgärd."
)


def describe_in(page, url: str) -> None:
    page.goto(url + "/besok/beskriv/")
    page.get_by_label("Vårdval Rehab").check()
    page.get_by_label("Beskriv besöket").fill(TEXT)
    page.get_by_role("button", name="Föreslå svar").click()
    page.wait_for_selector("#forslag")


@pytest.mark.parametrize("javascript", [True, False], ids=["med-js", "utan-js"])
def test_description_gives_marked_answers_and_the_result_with_and_without_javascript(site, browser, javascript):
    context = browser.new_context(java_script_enabled=javascript, locale="sv-SE")
    page = context.new_page()
    try:
        describe_in(page, site)
        codes = page.locator("#forslag [data-code]").evaluate_all("els => els.map(e => e.dataset.code)")
        assert codes == ["ZV051"]
        markers = page.locator("[data-antaget] .antaget")
        assert markers.count() >= 3 and markers.first.inner_text() == "antaget"
        video = page.locator('[data-step="rehab-kontakt-logoped"]')
        assert "videomöte" in video.inner_text()
        # The address never holds the text: without JS the POST answers at the form's address.
        assert page.url.endswith("/besok/beskriv/")
        if javascript:  # axe-core runs as a script
            assert axe_violations(page) == []
        # Changing one answer asks its question again, here, and the guide reads the text on from the new answer.
        video.get_by_role("button", name="Ändra").click()
        page.wait_for_selector("text=Här behöver guiden ditt svar: Hur skedde kontakten?")
        likely = page.locator('button[data-option="video"]')
        assert "trolig" in likely.inner_text() and "videomöte" in likely.inner_text()
        page.locator('button[data-option="telefon"]').click()
        page.wait_for_selector("#forslag")
        assert page.url.endswith("/besok/beskriv/")
        assert page.locator('[data-step="rehab-kontakt-logoped"] .svar-hittills__svar').inner_text() == "Telefon"
        assert page.locator('[data-step="rehab-telefon"][data-antaget]').count() == 1
        assert page.locator("#forslag [data-code]").count() == 0  # a telephone call replacing a visit: no ZV051
    finally:
        context.close()


def test_describe_page_and_a_stopped_description_have_no_accessibility_violations(site, browser):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    try:
        page.goto(site + "/besok/beskriv/")
        assert axe_violations(page) == []
        page.get_by_label("Psykiatri").check()
        page.get_by_label("Beskriv besöket").fill("Återbesök. Frågar om suicidtankar. MINI fullständigt genomförd.")
        page.get_by_role("button", name="Föreslå svar").click()
        page.wait_for_selector("text=Här behöver guiden ditt svar")
        assert page.locator(".kryss.trolig").count() >= 1
        assert axe_violations(page) == []
    finally:
        context.close()


DIALOGUE = "Återbesök. Frågar om suicidtankar. MINI fullständigt genomförd enligt manual."


@pytest.mark.parametrize("javascript", [True, False], ids=["med-js", "utan-js"])
def test_answering_the_open_question_goes_on_reading_the_text_with_and_without_javascript(site, browser, javascript):
    context = browser.new_context(java_script_enabled=javascript, locale="sv-SE")
    page = context.new_page()
    try:
        page.goto(site + "/besok/beskriv/")
        page.get_by_label("Psykiatri").check()
        page.get_by_label("Beskriv besöket").fill(DIALOGUE)
        page.get_by_role("button", name="Föreslå svar").click()
        page.wait_for_selector("text=Här behöver guiden ditt svar: Vilka bedömningar gjordes?")
        # The text's clear answer comes ticked, the unclear one is marked likely with its words.
        assert page.locator("#stopp-au006").is_checked() and not page.locator("#stopp-au118").is_checked()
        assert "suicidtankar" in page.locator(".kryss.trolig", has=page.locator("#stopp-au118")).inner_text()
        page.locator("#stopp-au118").check()
        page.get_by_role("button", name="Svara och fortsätt").click()
        page.wait_for_selector("#forslag")
        codes = page.locator("#forslag [data-code]").evaluate_all("els => els.map(e => e.dataset.code)")
        assert set(codes) == {"AU006", "AU118"}
        assert page.url.endswith("/besok/beskriv/")
        # The text is still in its field, and only there.
        assert page.get_by_label("Beskriv besöket").input_value() == DIALOGUE
        if javascript:
            assert axe_violations(page) == []
    finally:
        context.close()
