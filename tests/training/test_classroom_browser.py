"""A live class in real browsers: one trainer at the projector and three learners on phones, on both
databases (marked both_databases: `make test` runs it on PostgreSQL too). The phones join with the
code and by the QR code's address, one of them without JavaScript; the projector follows the answers
live; the phones follow the trainer's moves; a learner cannot move the class; axe on every page."""

import threading

import pytest
from django.contrib.auth.models import User

from catalog.editorial.accounts import trainer_group
from catalog.models import PracticeSet
from tests.support.browser import axe_violations, needs_chromium

pytestmark = [needs_chromium, pytest.mark.both_databases]


@pytest.fixture
def class_site(site, live_server):
    """The live server, one request at a time on SQLite.

    With the test database in memory, Django hands the live server's request threads the test's one
    SQLite connection (so that they see its rows); four clients polling at once would use it from
    two threads at a time ("bad parameter or other API misuse"). On PostgreSQL every thread has its own
    connection and requests run side by side; a SQLite file with one connection per thread, as the
    production server has, is measured by bench/classroom.py and tests/support/classroom_bursts.py."""
    from django.db import connection

    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        yield site
        return
    server = live_server.thread.httpd  # one server for the session: put its app back afterwards
    app, lock = server.get_app(), threading.Lock()

    def one_at_a_time(environ, start_response):
        with lock:
            return app(environ, start_response)

    server.set_app(one_at_a_time)
    try:
        yield site
    finally:
        server.set_app(app)


PROJECTOR = {"viewport": {"width": 683, "height": 512}, "device_scale_factor": 1.5, "locale": "sv-SE"}
PHONE = {"viewport": {"width": 375, "height": 740}, "locale": "sv-SE"}
PASSWORD = "ett-langt-losenord-for-test"


def log_in_and_start(tab, site: str, set_slug: str) -> str:
    tab.goto(site + "/klassrum/")
    tab.get_by_role("link", name="Logga in").click()
    tab.fill("#id_username", "utbildare")
    tab.fill("#id_password", PASSWORD)
    tab.locator("input[type=submit]").click()
    tab.wait_for_url("**/klassrum/")
    tab.select_option("#set", value=set_slug)
    tab.get_by_role("button", name="Starta klassen").click()
    tab.wait_for_url("**/utbildare/?projektor=1")
    return tab.locator(".klassvy__kod").get_attribute("data-kod")


def join_with_code(tab, site: str, code: str) -> None:
    tab.goto(site + "/klassrum/")
    tab.fill("#kod", code[:3] + " " + code[3:])
    tab.locator("form.klass__ga-med button").click()
    tab.wait_for_url(f"**/klassrum/{code}/")


def answer(tab, codes: str) -> None:
    tab.fill("#koder", codes)
    tab.locator("#svara button[type=submit]").click()
    tab.wait_for_selector("#mitt-svar")


def test_a_trainer_and_three_learners_run_a_class_live(class_site, browser, settings):
    site = class_site
    # Polls as often as the suite can bear: what is tested is that they follow, not how soon.
    settings.CLASSROOM_PHONE_POLL_SECONDS, settings.CLASSROOM_PROJECTOR_POLL_SECONDS = 0.5, 0.3
    User.objects.create_user("utbildare", password=PASSWORD, is_staff=True).groups.add(trainer_group())
    chosen = PracticeSet.objects.get(slug="fallor")
    first, second = list(chosen.cases.order_by("order", "slug"))[:2]
    projector = browser.new_context(**PROJECTOR)
    phones = [
        browser.new_context(**PHONE),
        browser.new_context(**PHONE),
        browser.new_context(**PHONE, java_script_enabled=False),
    ]
    try:
        board = projector.new_page()
        code = log_in_and_start(board, site, chosen.slug)
        assert first.title in board.locator("h1").inner_text()
        join_url = board.locator("#qr").get_attribute("data-adress")  # what the QR code holds (test_classroom.py)
        assert join_url == f"{site}/klassrum/{code}/"
        learners = [phone.new_page() for phone in phones]
        join_with_code(learners[0], site, code)
        learners[1].goto(join_url)  # as the QR code's address opens it
        join_with_code(learners[2], site, code)

        # Answers arrive; the projector shows them without anyone touching it.
        answer(learners[0], " ".join(first.required))
        answer(learners[1], "XV016")
        answer(learners[2], "xv016")
        board.wait_for_function("() => document.querySelector('#svarsbild').dataset.svarat === '3'", timeout=10_000)
        rows = board.locator(".svarsbild__tabell tbody tr")
        assert rows.count() == 2
        assert rows.nth(0).get_attribute("data-svar") == "XV016" and rows.nth(0).get_attribute("data-antal") == "2"
        assert "2 (67 %)" in rows.nth(0).inner_text()
        # A learner changes their answer: the count moves, the total stays.
        answer(learners[1], " ".join(first.required))
        board.wait_for_function(
            "() => document.querySelector('.svarsbild__tabell tbody tr').dataset.antal === '2'"
            " && document.querySelector('.svarsbild__tabell tbody tr').dataset.svar !== 'XV016'",
            timeout=10_000,
        )
        assert board.locator("#svarsbild").get_attribute("data-svarat") == "3"

        # The hint reaches a phone without a reload (what was typed stays), the key after a reload.
        learners[0].fill("#koder", "halvskrivet")
        learners[0].evaluate("() => { window.sammaSida = true; }")
        board.get_by_role("button", name="Visa ledtråden").click()
        learners[0].wait_for_selector("#ledtrad-rubrik", timeout=10_000)
        assert (
            learners[0].evaluate("() => window.sammaSida === true")
            and learners[0].input_value("#koder") == "halvskrivet"
        )
        board.get_by_role("button", name="Visa facit").click()
        board.wait_for_selector("#facit-rubrik")
        assert board.locator('.svarsbild__tabell tr[data-ratt="ja"]').get_attribute("data-antal") == "2"
        learners[1].wait_for_selector("#facit-rubrik", timeout=10_000)
        assert learners[1].locator(".aterkoppling__poang").get_attribute("data-lost") == "ja"
        # Without JavaScript the phone shows the key when the learner asks for the latest.
        learners[2].get_by_role("link", name="Hämta det senaste från tavlan").click()
        learners[2].wait_for_selector("#facit-rubrik")
        assert learners[2].locator(".aterkoppling__poang").get_attribute("data-lost") == "nej"
        assert learners[2].locator('[data-verdict="fel"]').get_attribute("data-code") == "XV016"

        # A learner cannot move the class, not even by posting the trainer's form themselves.
        learners[0].wait_for_selector("#facit-rubrik", timeout=10_000)
        refused = learners[0].evaluate(
            """async (url) => {
                const body = new FormData();
                body.append("csrfmiddlewaretoken", document.cookie.match(/csrftoken=([^;]+)/)[1]);
                body.append("gor", "nasta");
                const response = await fetch(url, {method: "POST", body});
                return [response.status, await response.text()];
            }""",
            f"/klassrum/{code}/styr/",
        )
        assert refused[0] == 403 and "Bara utbildaren som startade klassen" in refused[1]
        assert second.title not in learners[0].locator("h1").inner_text()

        # The trainer moves on; the phones with JavaScript follow by themselves.
        board.get_by_role("button", name="Nästa fall").click()
        board.locator("h1", has_text=second.title).wait_for()
        for tab in learners[:2]:
            tab.locator("h1", has_text=second.title).wait_for(timeout=10_000)
            assert tab.locator("#svara").count() == 1 and tab.locator("#mitt-svar").count() == 0
        assert board.locator("#svarsbild").get_attribute("data-svarat") == "0"

        # axe on what each of them sees.
        found = {}
        # (axe is a script: it runs in the pages of the contexts with JavaScript.)
        for name, tab in [("projektor", board), ("telefon", learners[0])]:
            if violations := axe_violations(tab):
                found[name] = violations
        for path in (
            f"/klassrum/{code}/utbildare/",
            "/klassrum/",
            "/klassrum/000000/" if code != "000000" else "/klassrum/999999/",
        ):
            board.goto(site + path)
            if violations := axe_violations(board):
                found[path] = violations
        assert found == {}
    finally:
        for context in [projector, *phones]:
            context.close()


def test_q_shows_the_join_qr_code_large_on_its_own_and_again_puts_it_back(class_site, browser):
    site = class_site
    User.objects.create_user("utbildare", password=PASSWORD, is_staff=True).groups.add(trainer_group())
    projector = browser.new_context(**PROJECTOR)
    try:
        board = projector.new_page()
        log_in_and_start(board, site, "fallor")
        small = board.locator("#qr svg").bounding_box()
        board.keyboard.press("q")
        board.wait_for_function("() => location.hash === '#qr'")
        big = board.locator("#qr svg").bounding_box()
        assert big["height"] >= 0.8 * 512 and big["height"] >= 3 * small["height"]
        assert big["y"] >= 0 and big["y"] + big["height"] <= 512
        board.keyboard.press("q")
        board.wait_for_function("() => location.hash !== '#qr'")
        assert board.locator("#qr svg").bounding_box()["height"] == pytest.approx(small["height"], abs=1)
    finally:
        projector.close()
