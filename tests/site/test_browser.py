"""What only a browser shows: live search, keyboard use, the wizard with and without JavaScript,
copy buttons, the back button after htmx swaps, print style, and an axe-core accessibility scan.

Runs Debian's Chromium through Playwright (see ../shared/MACHINE-NOTES.md); `make test` installs it.
"""

import re

import pytest

from tests.support.browser import axe_violations, needs_chromium

pytestmark = [needs_chromium]


def walk_to_result(page, start_url: str, max_steps: int = 30) -> list[str]:
    """Take the first answer at every step (ticking the first box on multiple-choice steps)."""
    page.goto(start_url)
    for _ in range(max_steps):
        if page.locator("#forslag").count():
            return sorted(page.locator("#forslag [data-code]").evaluate_all("els => els.map(e => e.dataset.code)"))
        question = page.locator("#steg-fraga").inner_text()
        links = page.locator("a.val__knapp")
        if links.count():
            links.first.click()
        else:
            page.locator(".kryss input[type=checkbox]").first.check()
            page.get_by_role("button", name="Fortsätt").click()
        page.wait_for_function(
            "q => { const h = document.querySelector('#steg-fraga'); return !h || h.innerText !== q; }", arg=question
        )
    raise AssertionError("the walk did not end")


def test_typing_in_the_search_box_shows_live_results_and_the_keyboard_works(site, page):
    page.goto(site + "/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "sok-q"
    page.keyboard.type("genomgång", delay=30)
    page.locator("#sok-live a.traff__lank").first.wait_for()
    assert "XV015" in page.locator("#sok-live").inner_text()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused.startswith("/kod/")
    page.keyboard.press("Enter")
    page.wait_for_url(site + focused)
    assert page.locator("h1").inner_text().startswith(focused.split("/")[2])


def test_a_newer_search_is_never_overwritten_by_an_older_answer(site, page):
    page.goto(site + "/")
    box = page.locator("#sok-q")
    box.fill("behandling")
    box.fill("ögonrörelser")
    # Wait for the newer answer however busy the machine is, then give an older one time to land.
    page.locator("#sok-live", has_text="DU014").wait_for(timeout=20_000)
    page.wait_for_timeout(1500)
    assert "DU014" in page.locator("#sok-live").inner_text()


def test_the_wizard_gives_the_same_result_with_and_without_javascript(site, browser):
    with_js = browser.new_context()
    without_js = browser.new_context(java_script_enabled=False)
    try:
        codes_js = walk_to_result(with_js.new_page(), site + "/besok/")
        page = without_js.new_page()
        codes_plain = walk_to_result(page, site + "/besok/")
        assert codes_js == codes_plain and codes_js
        assert "/besok/" in page.url and page.url.count("/") > 5
    finally:
        with_js.close()
        without_js.close()


def test_back_button_after_htmx_swaps_returns_to_the_previous_step(site, page):
    page.goto(site + "/besok/")
    first_question = page.locator("#steg-fraga").inner_text()
    page.locator("a.val__knapp").first.click()
    page.wait_for_function(
        "q => document.querySelector('#steg-fraga') && document.querySelector('#steg-fraga').innerText !== q",
        arg=first_question,
    )
    second_url = page.url
    assert second_url != site + "/besok/"
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'steg-fraga'")
    page.go_back()
    page.wait_for_function(
        "q => document.querySelector('#steg-fraga') && document.querySelector('#steg-fraga').innerText === q",
        arg=first_question,
    )
    assert page.url == site + "/besok/"
    page.go_forward()
    page.wait_for_url(second_url)


def test_copy_buttons_copy_the_code_and_say_so(site, browser):

    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(site + "/kod/AU118/")
        page.get_by_role("button", name="Kopiera koden AU118").click()
        # The status is written after the clipboard answers: wait for it rather than race it.
        page.locator(".kopiera__status", has_text="Kopierat: AU118").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == "AU118"
    finally:
        context.close()


def test_print_style_puts_each_section_on_its_own_page_without_navigation(site, page):
    page.goto(site + "/lista/psykiatri/")
    page.emulate_media(media="print")
    assert page.locator(".sidhuvud").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator(".avsnitt").first.evaluate("e => getComputedStyle(e).breakAfter") == "page"


def test_skip_link_is_first_and_visible_when_focused(site, page):
    page.goto(site + "/lista/psykiatri/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "hoppa"
    box = page.locator(".hoppa").bounding_box()
    assert box and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "innehall"


@pytest.mark.parametrize("width", [320, 640])
def test_pages_fit_a_phone_width_and_200_percent_zoom(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        for path in [
            "/",
            "/lista/psykiatri/",
            "/kod/AU120/",
            "/sok/?q=suicid",
            "/besok/",
            "/regler/vardval-rehab-distans/",
        ]:
            page.goto(site + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {width}px"
    finally:
        context.close()


def test_no_accessibility_violations_on_any_page_type(site, page):
    pages = [
        "/",
        "/lista/psykiatri/",
        "/lista/psykologer-skrs/",
        "/kod/AU120/",
        "/kod/QQ999/",
        "/sok/?q=suicid",
        "/sok/?q=",
        "/regler/vardval-rehab-distans/",
        "/regler/stod-och-behandling/",
        "/beslut/RS-2024-00668/",
        "/lista/psykiatri/andringar/",
        "/besok/",
        "/besok/finns-inte/",
        "/admin/login/",
    ]
    found = {}
    for path in pages:
        page.goto(site + path)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    # The wizard: a single-choice step, a multiple-choice step and a result.
    page.goto(site + "/besok/")
    seen_multiple = False
    for _ in range(30):
        if page.locator("#forslag").count():
            break
        if page.locator(".kryss").count() and not seen_multiple:
            seen_multiple = True
            if violations := axe_violations(page):
                found[page.url] = violations
        question = page.locator("#steg-fraga").inner_text()
        if page.locator("a.val__knapp").count():
            page.locator("a.val__knapp").first.click()
        else:
            page.locator(".kryss input[type=checkbox]").first.check()
            page.get_by_role("button", name="Fortsätt").click()
        page.wait_for_function(
            "q => { const h = document.querySelector('#steg-fraga'); return !h || h.innerText !== q; }", arg=question
        )
    if violations := axe_violations(page):
        found[page.url] = violations
    assert found == {}


def test_coordinator_sees_a_live_preview_of_an_edited_text_in_the_admin(site, page):
    from django.contrib.auth.models import User

    from catalog.editorial.accounts import coordinator_group
    from catalog.models import Entry

    user = User.objects.create_user("samordnare", password="Kodning-2026-lang-fras", is_staff=True)
    user.groups.add(coordinator_group())
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    page.goto(site + "/admin/login/?next=/admin/")
    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill("Kodning-2026-lang-fras")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(site + "/admin/")
    page.goto(f"{site}/admin/catalog/entry/{entry.pk}/change/")
    page.locator("#id_anvisning").fill("Koda även AU120 vid revidering.")
    page.locator('[data-forhandsvisning] a[href="/kod/AU120/"]').wait_for()
    entry.refresh_from_db()
    assert "AU120 vid revidering" not in (entry.anvisning or "")


def test_a_suggestion_is_sent_from_a_code_page_without_javascript_and_the_form_is_accessible(site, browser):
    from catalog.models import ChangeSuggestion

    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{site}/kod/AU118/")
    page.get_by_role("link", name="Föreslå en ändring").click()
    page.get_by_role("button", name="Skicka förslaget").click()  # nothing filled in: errors, not a 500
    assert "Välj vilken text det gäller." in page.content()
    page.get_by_label("Anvisningen").check()
    page.get_by_label("Vad är fel eller saknas?").fill("Meningen om dokumentationen är otydlig.")
    page.get_by_role("button", name="Skicka förslaget").click()
    assert "Tack! Förslaget har skickats" in page.content()
    assert ChangeSuggestion.objects.filter(code="AU118", concerns="anvisning").count() == 1
    context.close()
    page = browser.new_page(locale="sv-SE")
    page.goto(f"{site}/forslag/?kod=AU118")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Skicka förslaget").click()
    page.wait_for_selector("#fel-concerns")
    assert axe_violations(page) == []  # the page with its error messages
    page.close()


def test_two_coordinators_draft_and_approve_a_change_and_the_public_sees_it_only_then(site, browser):
    import urllib.request

    from django.contrib.auth.models import User

    from catalog.editorial.accounts import coordinator_group
    from catalog.models import Entry

    for name in ("anna", "bengt"):
        user = User.objects.create_user(name, password="Kodning-2026-lang-fras", is_staff=True)
        user.groups.add(coordinator_group())
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    published, added = entry.anvisning, " Ny mening i utkastet."

    def logged_in(name: str):
        context = browser.new_context(locale="sv-SE")
        page = context.new_page()
        page.goto(site + "/admin/login/?next=/admin/")
        page.get_by_label("Användarnamn").fill(name)
        page.get_by_label("Lösenord").fill("Kodning-2026-lang-fras")
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(site + "/admin/")
        return context, page

    def public_anvisning() -> tuple[str, str]:
        with urllib.request.urlopen(site + "/kod/AU118/") as response:
            html = response.read().decode()
        with urllib.request.urlopen(site + "/api/codes/AU118/") as response:
            import json

            api = json.loads(response.read())
        return html, next(e["anvisning"] for e in api["entries"] if e["list"] == "psykiatri")

    anna_context, anna = logged_in("anna")
    anna.goto(f"{site}/admin/catalog/entry/{entry.pk}/change/")
    anna.locator("#id_anvisning").fill(published + added)
    anna.get_by_role("button", name="Spara som utkast").click()
    anna.get_by_text("Sparat som utkast").wait_for()
    html, api_text = public_anvisning()
    assert "Ny mening i utkastet." not in html and api_text == published
    assert anna.get_by_role("button", name="Godkänn och publicera").count() == 0
    review_url = anna.url

    bengt_context, bengt = logged_in("bengt")
    assert "1 utkast väntar på granskning" in bengt.content()
    bengt.goto(review_url)
    assert axe_violations(bengt) == []
    bengt.get_by_role("button", name="Godkänn och publicera").click()
    bengt.get_by_text("Utkastet är godkänt och publicerat").wait_for()
    html, api_text = public_anvisning()
    assert "Ny mening i utkastet." in html and api_text == published + added
    bengt.goto(f"{site}/admin/catalog/entry/{entry.pk}/history/")
    history = bengt.content()
    assert "Utkast av anna" in history and "godkänt av bengt" in history
    anna_context.close()
    bengt_context.close()


PHONE = {"width": 375, "height": 740}


def test_phone_wizard_step_shows_the_question_and_first_answer_without_scrolling(site, browser):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        for path in ["/besok/", "/besok/psykiatri/mottagningsbesok/", "/besok/psykiatri/mottagningsbesok/bedomning/"]:
            page.goto(site + path)
            question = page.locator("#steg-fraga").bounding_box()
            first = page.locator("a.val__knapp, .kryss").first.bounding_box()
            assert question["y"] >= 0 and first["y"] + first["height"] <= PHONE["height"], (path, question, first)
        header = page.locator(".sidhuvud").bounding_box()
        assert header["height"] <= 110, header
        assert page.locator("#sok-q").is_visible()
    finally:
        context.close()


def test_phone_result_puts_codes_and_copy_first_and_folds_the_answers(site, browser):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(site + "/besok/psykiatri/mottagningsbesok/bedomning/au006+au118/tolk/inga/")
        copy = page.get_by_role("button", name="Kopiera alla koder").bounding_box()
        first_code = page.locator("#forslag [data-code]").first.bounding_box()
        assert copy["y"] + copy["height"] <= PHONE["height"] and first_code["y"] < PHONE["height"]
        answers = page.locator("details.svar-hittills")
        assert answers.evaluate("e => !e.open") and answers.bounding_box()["y"] > first_code["y"]
    finally:
        context.close()


def test_list_filter_narrows_rows_as_you_type(site, page):
    page.goto(site + "/lista/psykiatri/")
    rows = page.locator("tr[data-rad]")
    total = rows.count()
    page.locator("#filtrera").fill("suicid")
    # The server says which rows stay (catalog.search.engine.narrowed), a moment after typing.
    page.wait_for_function("() => document.querySelector('.filter__antal').textContent.includes('koder visas')")
    visible = page.locator("tr[data-rad]:not([hidden])")
    assert 0 < visible.count() < total
    hidden_row = page.locator("tr[data-rad][hidden]").first
    assert not hidden_row.is_visible()
    assert any("AU118" in text for text in visible.all_inner_texts())
    assert "koder visas" in page.locator(".filter__antal").inner_text()


def test_printed_list_shows_full_texts_and_where_and_when_it_was_printed(site, page):
    page.goto(site + "/lista/psykiatri/")
    page.emulate_media(media="print")
    anvisning = page.locator("tr:has(a[href='/kod/AU118/']) .rad__hela")
    assert anvisning.is_visible() and "Anvisning" in anvisning.inner_text()
    info = page.locator(".utskriftsinfo")
    assert info.is_visible() and info.evaluate("e => getComputedStyle(e).position") == "fixed"
    text = info.inner_text()
    assert "/lista/psykiatri/" in text and "Utskrivet 20" in text and "Baslista psykiatri" in text


def test_printed_wizard_result_has_answers_codes_reasons_and_address_without_change_links(site, page):
    url = site + "/besok/psykiatri/mottagningsbesok/bedomning/au006+au118/tolk/inga/"
    page.goto(url)
    page.emulate_media(media="print")
    assert page.locator(".svar-hittills li").first.is_visible()
    assert page.locator(".forslag__skal").first.is_visible()
    assert not page.locator("a.andra").first.is_visible()
    assert not page.locator(".borja-om").is_visible()
    info = page.locator(".utskriftsinfo").inner_text()
    assert url in info and "Utskrivet 20" in info and "Innehållsversion" in info


def test_fusklapp_fits_one_a4_page(site, page):
    for slug in ["psykiatri", "psykologer-skrs"]:
        page.goto(site + f"/lista/{slug}/fusklapp/")
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4")
        assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1, slug


def test_no_accessibility_violations_on_the_new_page_types(site, page):
    found = {}
    for path in [
        "/lista/psykiatri/?filtrera=suicid",
        "/lista/psykiatri/fusklapp/",
        "/besok/psykiatri/mottagningsbesok/bedomning/?tidigare=au006%2Bau118",
        "/besok/psykiatri/mottagningsbesok/bedomning/inga/",
        "/besok/rehab/logoped/video/enskilt/ej-neuroteam/",
        "/besok/psykiatri/inneliggande/ect/bilateral/nej/",
    ]:
        page.goto(site + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        if violations := axe_violations(page):
            found[path] = violations
    assert found == {}


def test_home_page_loads_without_any_404_favicon_included(site, page):
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    page.goto(site + "/")
    page.wait_for_load_state("networkidle")
    assert missing == []
    assert page.evaluate("fetch(document.querySelector('link[rel=icon]').href).then(r => r.status)") == 200
