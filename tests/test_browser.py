"""What only a browser shows: live search, keyboard use, the wizard with and without JavaScript,
copy buttons, the back button after htmx swaps, print style, and an axe-core accessibility scan.

Runs Debian's Chromium through Playwright (see ../shared/MACHINE-NOTES.md); `make test` installs it.
"""

import os
import shutil

import pytest

from catalog.content import load, read_content

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (make test installs it)"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db):
    """A live server with the real content (transactional tests start from an empty database)."""
    load(read_content())
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} ställen)" for v in result.response["violations"]]


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
    page.wait_for_timeout(1200)
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
    from playwright.sync_api import expect

    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(site + "/kod/AU118/")
        page.get_by_role("button", name="Kopiera koden AU118").click()
        # The copy resolves a promise: wait for the status rather than read it at once (a race on a busy machine).
        expect(page.locator(".kopiera__status")).to_contain_text("Kopierat: AU118")
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

    from catalog.accounts import coordinator_group
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
