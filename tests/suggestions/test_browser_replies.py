"""Answering a suggestion in a real browser: the form on the suggestion's page is Swedish, passes axe, and
its answer reaches a real SMTP server (tests/support/smtp.py). Debian's Chromium through Playwright."""

from catalog.models import ChangeSuggestion, SuggestionReply
from tests.support.browser import axe_violations, coordinator_page, needs_chromium

pytestmark = [needs_chromium]


def test_a_coordinator_answers_from_the_suggestions_page_and_the_writer_gets_the_mail(site, browser, smtp_server):
    item = ChangeSuggestion.objects.create(
        code="AU118", concerns="anvisning", text="Står två gånger.", email="skribent@example.se", address_key="x"
    )
    page = coordinator_page(browser, site)
    page.goto(f"{site}/admin/catalog/changesuggestion/")
    assert axe_violations(page) == []  # the queue, with its Swedish column headings
    page.locator(f'#result_list a[href$="/changesuggestion/{item.pk}/change/"]').click()
    page.wait_for_url(f"{site}/admin/catalog/changesuggestion/{item.pk}/change/")
    form = page.locator("#svar_form")
    assert "Svaret skickas med e-post till skribent@example.se" in form.inner_text()
    assert axe_violations(page) == []

    page.get_by_role("textbox", name="Svar till den som skrev").fill(
        "Tack! Anvisningen är rättad – nu står den en gång."
    )
    page.get_by_label("Klar – stäng förslaget").check()
    page.get_by_role("button", name="Skicka svaret").click()
    page.locator(".messagelist").wait_for()
    assert "Svaret skickades till skribent@example.se" in page.locator(".messagelist").inner_text()
    assert "Tack! Anvisningen är rättad" in page.locator("#svar").inner_text()
    assert axe_violations(page) == []

    [received] = smtp_server.inbox.messages
    assert received.recipients == ["skribent@example.se"]
    assert "Tack! Anvisningen är rättad – nu står den en gång." in received.body
    assert SuggestionReply.objects.get().sent
    page.context.close()


def test_an_empty_answer_comes_back_with_a_swedish_error_that_passes_axe(site, browser, smtp_server):
    item = ChangeSuggestion.objects.create(code="AU118", concerns="anvisning", text="Fel.", address_key="x")
    page = coordinator_page(browser, site)
    page.goto(f"{site}/admin/catalog/changesuggestion/{item.pk}/change/")
    assert "Förslaget har ingen e-postadress" in page.locator("#svar_form").inner_text()
    # The browser's own check of the required field is what a user meets first; skip it to reach the server's.
    page.locator("#svar_form").evaluate("form => form.noValidate = true")
    page.get_by_role("button", name="Spara svaret").click()
    page.wait_for_url(f"{site}/admin/catalog/changesuggestion/{item.pk}/svara/")
    assert "Skriv ett svar." in page.locator("#svar_form").inner_text()
    assert axe_violations(page) == []
    assert not SuggestionReply.objects.exists() and smtp_server.inbox.messages == []
    page.context.close()
