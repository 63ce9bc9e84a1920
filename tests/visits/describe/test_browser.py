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
        # Changing one answer: its link opens the wizard at that question, answers up to it kept.
        video.get_by_role("link", name="Ändra").click()
        page.wait_for_url("**/besok/rehab/logoped/")
        assert page.locator("#steg-fraga").inner_text() == "Hur skedde kontakten?"
        page.get_by_role("link", name="Telefon").click()
        page.wait_for_selector("text=Vad gällde telefonsamtalet?")
        assert "/besok/rehab/logoped/telefon/" in page.url
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
