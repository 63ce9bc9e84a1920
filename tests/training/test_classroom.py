"""/klassrum/: starting, joining, answering, the spread, the trainer's moves, polling, privacy, prune.

Through the test client, submitting what each rendered page sends; the browser test with a trainer
and three learners is in test_classroom_browser.py, the simultaneous bursts in test_classroom_bursts.py.
"""

import datetime
import io
import re

import pytest
import segno
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from catalog.editorial.accounts import coordinator_group, trainer_group
from catalog.models import ClassAnswer, LiveClass, PracticeSet, RateBucket
from catalog.training import classroom, feedback
from tests.support.html_forms import fill, post_form

pytestmark = pytest.mark.django_db

SET = "fallor"


def person(name: str, group=None) -> Client:
    user = User.objects.create_user(name, password="x", is_staff=True)
    if group is not None:
        user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def trainer() -> Client:
    return person("utbildare", trainer_group())


def start_class(client: Client, set_slug: str = SET) -> LiveClass:
    page = client.get("/klassrum/")
    form = post_form(page.content.decode(), form_id=None)
    response = client.post(form.action, fill(form, set=set_slug))
    assert response.status_code == 302, response.content.decode()[:500]
    code = re.search(r"/klassrum/(\d{6})/utbildare/\?projektor=1$", response["Location"]).group(1)
    return LiveClass.objects.get(code=code)


def join(code: str) -> Client:
    """A learner's phone: the join form on /klassrum/, filled with the code on the board."""
    phone = Client()
    form = [f for f in post_form_all(phone.get("/klassrum/").content.decode()) if "kod" in f.names][0]
    response = phone.get("/klassrum/", fill(form, kod=code), follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == f"/klassrum/{code}/"
    return phone


def post_form_all(html: str):
    from tests.support.html_forms import forms_in

    return forms_in(html)


def send(phone: Client, code: str, codes: str, **meta):
    """Answer on the phone: the page's answer form, as the browser sends it (``meta``: the request's)."""
    form = post_form(phone.get(f"/klassrum/{code}/").content.decode(), form_id="svara")
    return phone.post(form.action, fill(form, koder=codes), **meta)


def move(client: Client, code: str, action: str):
    page = client.get(f"/klassrum/{code}/utbildare/")
    form = post_form(page.content.decode(), form_id=None)
    return client.post(form.action, fill(form, press=f"gor={action}"))


def counts(live_class: LiveClass, position: int = 0) -> dict[str, int]:
    rows = ClassAnswer.objects.filter(live_class=live_class, position=position, count__gt=0)
    return dict(rows.values_list("answer", "count"))


# --- Starting -----------------------------------------------------------------------------------


def test_a_trainer_starts_a_class_from_a_set_and_gets_a_six_digit_code(trainer):
    chosen = PracticeSet.objects.get(slug=SET)
    live_class = start_class(trainer)
    assert live_class.case_ids == list(chosen.cases.order_by("order", "slug").values_list("pk", flat=True))
    assert (live_class.position, live_class.phase) == (0, "svar")
    page = trainer.get(f"/klassrum/{live_class.code}/utbildare/?projektor=1")
    html = page.content.decode()
    assert page.status_code == 200 and '<body class="projektor">' in html and 'class="sidhuvud"' not in html
    assert f'data-kod="{live_class.code}"' in html
    # The QR code holds the learner's address: the same drawing segno makes of that address.
    join_url = f"http://testserver/klassrum/{live_class.code}/"
    assert page.context["join_url"] == join_url and f'data-adress="{join_url}"' in html
    expected = segno.make(join_url, error="m", micro=False).svg_inline(scale=4, border=2, dark="#000", light="#fff")
    assert re.search(r'class="qrline"[^>]* d="([^"]+)"', expected).group(1) in html
    first = chosen.cases.order_by("order", "slug").first()
    assert first.title in html


def test_a_coordinator_may_start_a_class_and_the_others_may_not():
    assert start_class(person("samordnare", coordinator_group()))
    for client in (Client(), person("bara-personal")):
        response = client.post("/klassrum/starta/", {"set": SET})
        assert response.status_code == 403 and "Bara utbildare och kodningssamordnare" in response.content.decode()
    assert LiveClass.objects.count() == 1


def test_the_start_form_is_offered_only_to_those_who_may_lead(trainer):
    assert 'action="/klassrum/starta/"' in trainer.get("/klassrum/").content.decode()
    public = Client().get("/klassrum/").content.decode()
    assert 'action="/klassrum/starta/"' not in public and "Logga in" in public


def test_a_trainer_starts_a_class_from_the_sets_page_and_learners_find_the_classroom(trainer):
    form = post_form(trainer.get(f"/ovningar/set/{SET}/").content.decode(), form_id=None)
    response = trainer.post(form.action, fill(form))
    assert response.status_code == 302 and LiveClass.objects.get().practice_set.slug == SET
    assert 'action="/klassrum/starta/"' not in Client().get(f"/ovningar/set/{SET}/").content.decode()
    assert 'href="/klassrum/"' in Client().get("/ovningar/").content.decode()


def test_each_class_page_refuses_the_wrong_method(trainer):
    live_class = start_class(trainer)
    code = live_class.code
    assert Client().post("/klassrum/").status_code == 405
    assert Client().post(f"/klassrum/{code}/").status_code == 405
    assert Client().get(f"/klassrum/{code}/svar/").status_code == 405
    assert trainer.post(f"/klassrum/{code}/utbildare/").status_code == 405


def test_starting_an_unknown_set_or_with_get_is_refused(trainer):
    assert trainer.post("/klassrum/starta/", {"set": "finns-inte"}).status_code == 400
    assert trainer.get("/klassrum/starta/").status_code == 405


# --- Joining ----------------------------------------------------------------------------------------


def test_a_learner_joins_with_the_code_even_typed_with_a_space(trainer):
    live_class = start_class(trainer)
    spaced = live_class.code[:3] + " " + live_class.code[3:]
    response = Client().get("/klassrum/", {"kod": spaced})
    assert response.status_code == 302 and response["Location"] == f"/klassrum/{live_class.code}/"
    page = join(live_class.code)
    html = page.get(f"/klassrum/{live_class.code}/").content.decode()
    assert "Fall 1 av" in html and 'id="svara"' in html


def test_an_unknown_malformed_or_ended_code_gets_a_clear_swedish_page(trainer):
    live_class = start_class(trainer)
    unknown = "000000" if live_class.code != "000000" else "000001"
    response = Client().get(f"/klassrum/{unknown}/")
    assert response.status_code == 404 and f"Ingen klass har koden {unknown}" in response.content.decode()
    response = Client().get("/klassrum/", {"kod": "12ab"})
    assert response.status_code == 400 and "sex siffror" in response.content.decode()
    assert Client().get("/klassrum/12ab/").status_code == 404
    move(trainer, live_class.code, "avsluta")
    response = Client().get(f"/klassrum/{live_class.code}/")
    assert response.status_code == 410 and "Klassen är avslutad" in response.content.decode()


def test_a_class_left_without_a_move_for_the_idle_hours_counts_as_ended(trainer, settings):
    live_class = start_class(trainer)
    LiveClass.objects.filter(pk=live_class.pk).update(
        changed_at=timezone.now() - datetime.timedelta(hours=settings.CLASSROOM_IDLE_HOURS, minutes=1)
    )
    assert Client().get(f"/klassrum/{live_class.code}/").status_code == 410


def test_guessing_codes_is_throttled_per_address(trainer, settings):
    settings.CLASSROOM_MISSES_PER_MINUTE = 3
    live_class = start_class(trainer)
    wrong = [f"{n:06d}" for n in range(10) if f"{n:06d}" != live_class.code][:4]
    statuses = [Client().get(f"/klassrum/{code}/").status_code for code in wrong]
    assert statuses == [404, 404, 404, 429]
    assert Client().get(f"/klassrum/{live_class.code}/").status_code == 200


# --- Answering ----------------------------------------------------------------------------------------


def test_answers_are_counted_per_answer_set_and_a_changed_answer_moves_its_count(trainer):
    live_class = start_class(trainer)
    phones = [join(live_class.code) for _ in range(3)]
    for phone, codes in zip(phones, ["DU056", "du057", "DU057"], strict=True):
        assert send(phone, live_class.code, codes).status_code == 302
    assert counts(live_class) == {"DU056": 1, "DU057": 2}
    # The first learner changes their mind: still three answers, the count moves.
    response = send(phones[0], live_class.code, "DU057 ZV020")
    assert response.status_code == 302 and response["Location"].endswith("#mitt-svar")
    assert counts(live_class) == {"DU057": 2, "DU057 ZV020": 1}
    assert classroom.answered(live_class, 0) == 3
    html = phones[0].get(f"/klassrum/{live_class.code}/").content.decode()
    assert "Ditt svar är skickat" in html and '<span class="kod">ZV020</span>' in html
    # Codes are counted as a set: order and case do not make a new answer.
    send(phones[1], live_class.code, "zv020 du057")
    assert counts(live_class) == {"DU057": 1, "DU057 ZV020": 2}


def test_what_is_not_a_code_or_not_a_contact_type_is_refused_with_a_swedish_message(trainer):
    live_class = start_class(trainer)
    phone = join(live_class.code)
    response = send(phone, live_class.code, "AU006 hej")
    assert response.status_code == 400 and "Det här är inte koder" in response.content.decode()
    assert 'value="AU006 hej"' in response.content.decode()  # what was typed stays in the field
    form = post_form(phone.get(f"/klassrum/{live_class.code}/").content.decode(), form_id="svara")
    response = phone.post(form.action, {**fill(form), "koder": " ".join(f"AU{n:03d}" for n in range(13))})
    assert response.status_code == 400 and "högst 12 koder" in response.content.decode()
    assert counts(live_class) == {}


def test_a_case_with_a_contact_type_counts_the_chosen_one_and_refuses_another(trainer):
    live_class = start_class(trainer, "distans-och-sob")
    case = classroom.current_case(live_class)
    assert case.contact_type is not None
    offered = dict(classroom.contact_choices(case))
    phone = join(live_class.code)
    form = post_form(phone.get(f"/klassrum/{live_class.code}/").content.decode(), form_id="svara")
    assert form.choices["kontakt"] == ["", *offered]
    response = phone.post(form.action, {**fill(form, koder="ZV051"), "kontakt": "finns/inte"})
    assert response.status_code == 400 and "Välj en av kontakttyperna" in response.content.decode()
    chosen = next(iter(offered))
    assert phone.post(form.action, fill(form, koder="ZV051", kontakt=chosen)).status_code == 302
    assert counts(live_class) == {f"ZV051|{chosen}": 1}
    html = trainer.get(f"/klassrum/{live_class.code}/utbildare/").content.decode()
    assert f'<span class="svarsbild__kontakt">{offered[chosen]}</span>' in html


def test_an_answer_to_a_case_the_class_has_left_or_after_the_key_is_refused(trainer):
    live_class = start_class(trainer)
    phone = join(live_class.code)
    stale = post_form(phone.get(f"/klassrum/{live_class.code}/").content.decode(), form_id="svara")
    move(trainer, live_class.code, "nasta")
    response = phone.post(stale.action, fill(stale, koder="DU057"))
    assert response.status_code == 409 and "gått vidare" in response.content.decode()
    move(trainer, live_class.code, "facit")
    html = phone.get(f"/klassrum/{live_class.code}/").content.decode()
    assert 'id="svara"' not in html and "Facit visas" in html
    current = stale.fields.copy()
    response = phone.post(stale.action, {**dict(current), "fall": "1", "koder": "DU057"})
    assert response.status_code == 409 and "svaren är stängda" in response.content.decode()
    assert ClassAnswer.objects.filter(live_class=live_class).count() == 0


def test_the_wizard_brings_its_codes_back_to_the_class_answer_form(trainer):
    live_class = start_class(trainer)
    phone = join(live_class.code)
    page = phone.get(f"/klassrum/{live_class.code}/")
    wizard_url = page.context["wizard_url"]
    case = classroom.current_case(live_class)
    assert wizard_url == f"/besok/?ovning={case.slug}&klass={live_class.code}"
    from catalog.visits import store as wizard_store
    from catalog.visits import wizard

    tree = wizard_store.current_tree()
    segments: list[str] = []
    walk = wizard.walk(tree, segments)
    while walk.current is not None:
        step = walk.current
        segments.append(step.options[0].slug if step.kind == "single" or not step.optional else "inga")
        walk = wizard.walk(tree, segments)
    result = phone.get("/besok/" + "".join(f"{s}/" for s in segments) + f"?ovning={case.slug}&klass={live_class.code}")
    back = result.context["class_answer_url"]
    assert "practice_check_url" not in result.context  # in a class, the wizard does not show the key
    assert back.startswith(f"/klassrum/{live_class.code}/?koder=") and back.endswith("#svara")
    codes = " ".join(s.code for s in walk.suggestion.codes)
    prefilled = phone.get(back.split("#")[0])
    assert f'value="{codes}"' in prefilled.content.decode()
    assert "Tillbaka till klassen" in phone.get(f"/besok/?ovning={case.slug}&klass={live_class.code}").content.decode()


# --- The spread and the key --------------------------------------------------------------------------


def test_the_projector_shows_how_many_answered_and_each_answer_set_with_its_count(trainer):
    live_class = start_class(trainer)
    for codes in ["DU057", "DU056", "DU057"]:
        send(join(live_class.code), live_class.code, codes)
    html = trainer.get(f"/klassrum/{live_class.code}/utbildare/").content.decode()
    assert 'data-svarat="3"' in html and "<strong>3</strong> har svarat." in html
    assert re.search(r'data-svar="DU057" data-antal="2"', html) and re.search(r'data-svar="DU056" data-antal="1"', html)
    assert '2 <span class="svarsbild__andel">(67 %)</span>' in html
    assert html.index('data-svar="DU057"') < html.index('data-svar="DU056"')  # most first
    assert 'width="100"' in html and 'width="50"' in html  # the bars, beside the numbers
    assert "data-ratt" not in html  # no verdict before the key


def test_revealing_the_key_marks_each_answer_set_and_shows_the_quotes_of_the_feedback(trainer):
    live_class = start_class(trainer)
    case = classroom.current_case(live_class)
    assert case.contact_type is None and case.required
    right = " ".join(sorted(case.required))
    phone = join(live_class.code)
    send(phone, live_class.code, right)
    send(join(live_class.code), live_class.code, "XX999")
    assert move(trainer, live_class.code, "facit").status_code == 302
    html = trainer.get(f"/klassrum/{live_class.code}/utbildare/").content.decode()
    assert f'data-svar="{right}" data-antal="1" data-ratt="ja"' in html
    assert 'data-svar="XX999" data-antal="1" data-ratt="nej"' in html
    for quote in case.quotes.all():
        assert quote.quote[:50] in html
    mine = phone.get(f"/klassrum/{live_class.code}/").content.decode()
    assert "Facit" in mine and case.quotes.first().quote[:50] in mine
    assert 'data-lost="ja"' in mine


def test_the_hint_shows_the_deciding_quote_without_naming_the_code(trainer):
    live_class = start_class(trainer)
    phone = join(live_class.code)
    move(trainer, live_class.code, "ledtrad")
    case = classroom.current_case(live_class)
    from catalog.training import keys

    quote = feedback.hint(keys.key_from_model(case))
    for html in (
        phone.get(f"/klassrum/{live_class.code}/").content.decode(),
        trainer.get(f"/klassrum/{live_class.code}/utbildare/").content.decode(),
    ):
        hint = html[html.index('id="ledtrad-rubrik"') :]
        hint = hint[: hint.index("</section>")]
        assert quote.text[:40] in hint
        assert not any(code in hint for code in case.required + case.forbidden)


def test_many_different_answers_show_the_largest_and_the_rest_together(trainer):
    live_class = start_class(trainer)
    for n in range(classroom.SHOWN_SETS + 3):
        classroom.record(live_class, 0, f"AU{n:03d}", None)
    classroom.record(live_class, 0, "AU000", None)
    spread = classroom.spread(live_class, 0, None, {})
    assert spread["total"] == classroom.SHOWN_SETS + 4
    assert [r.answer for r in spread["rows"]][0] == "AU000"
    assert spread["rows"][-1].other and spread["rows"][-1].count == 3
    assert len(spread["rows"]) == classroom.SHOWN_SETS + 1


def test_distinct_answer_sets_beyond_the_bound_are_counted_together():
    user = User.objects.create_user("u")
    live_class = classroom.start(PracticeSet.objects.get(slug=SET), user)
    for n in range(classroom.MAX_ANSWER_SETS + 5):
        classroom.record(live_class, 0, f"AU{n:03d}", None)
    assert ClassAnswer.objects.filter(live_class=live_class).count() == classroom.MAX_ANSWER_SETS + 1
    assert counts(live_class)[classroom.OTHER] == 5
    # A learner whose answer went to the others changes it: the others lose that one count.
    classroom.record(live_class, 0, "AU000", previous=f"AU{classroom.MAX_ANSWER_SETS + 1:03d}")
    assert counts(live_class)[classroom.OTHER] == 4 and counts(live_class)["AU000"] == 2
    assert classroom.answered(live_class, 0) == classroom.MAX_ANSWER_SETS + 5


# --- Moving the class -------------------------------------------------------------------------------


def test_a_learner_or_another_trainer_cannot_move_the_class(trainer):
    live_class = start_class(trainer)
    phone = join(live_class.code)
    other = person("annan-utbildare", trainer_group())
    for client in (phone, other):
        for action in ("nasta", "facit", "avsluta"):
            response = client.post(f"/klassrum/{live_class.code}/styr/", {"gor": action})
            assert response.status_code == 403, action
            assert "Bara utbildaren som startade klassen" in response.content.decode()
    live_class.refresh_from_db()
    assert (live_class.position, live_class.phase, live_class.version, live_class.ended_at) == (0, "svar", 1, None)
    response = phone.get(f"/klassrum/{live_class.code}/utbildare/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/?next=")
    assert other.get(f"/klassrum/{live_class.code}/utbildare/").status_code == 403


def test_the_trainer_moves_through_hint_key_and_the_next_case(trainer):
    live_class = start_class(trainer)
    for action, expected in [
        ("ledtrad", (0, "ledtrad")),
        ("facit", (0, "facit")),
        ("nasta", (1, "svar")),
        ("forra", (0, "svar")),
    ]:
        assert move(trainer, live_class.code, action).status_code == 302
        live_class.refresh_from_db()
        assert (live_class.position, live_class.phase) == expected
    assert live_class.version == 5
    assert trainer.post(f"/klassrum/{live_class.code}/styr/", {"gor": "forra"}).status_code == 409
    assert trainer.post(f"/klassrum/{live_class.code}/styr/", {"gor": "dansa"}).status_code == 409
    assert trainer.get(f"/klassrum/{live_class.code}/styr/").status_code == 405


# --- Polling -------------------------------------------------------------------------------------------

HTMX = {"HX-Request": "true"}


def test_the_projector_poll_gets_the_spread_alone_and_a_reload_after_a_move(trainer):
    live_class = start_class(trainer)
    url = f"/klassrum/{live_class.code}/utbildare/"
    poll = {"v": live_class.version}
    assert 'data-svarat="0"' in trainer.get(url, poll, headers=HTMX).content.decode()
    phone = join(live_class.code)
    send(phone, live_class.code, "DU057")
    response = trainer.get(url, poll, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'data-svarat="1"' in html
    assert 'data-svar="DU057"' in html and f'hx-get="{url}?v={live_class.version}"' in html
    # A changed answer leaves the total as it was, and still shows.
    send(phone, live_class.code, "DU056")
    html = trainer.get(url, poll, headers=HTMX).content.decode()
    assert 'data-svarat="1"' in html and 'data-svar="DU056"' in html and 'data-svar="DU057"' not in html
    move(trainer, live_class.code, "nasta")
    response = trainer.get(url, poll, headers=HTMX)
    assert response.status_code == 200 and response["HX-Refresh"] == "true"


def test_the_phone_poll_answers_204_swaps_in_the_hint_and_reloads_for_a_new_case(trainer):
    live_class = start_class(trainer)
    phone = join(live_class.code)
    url = f"/klassrum/{live_class.code}/"
    poll = {"v": 1, "fall": 0}
    assert phone.get(url, poll, headers=HTMX).status_code == 204
    move(trainer, live_class.code, "ledtrad")
    response = phone.get(url, poll, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "Ledtråd" in html and 'id="lage"' in html
    assert phone.get(url, {"v": 2, "fall": 0}, headers=HTMX).status_code == 204
    move(trainer, live_class.code, "nasta")
    assert phone.get(url, {"v": 2, "fall": 0}, headers=HTMX)["HX-Refresh"] == "true"
    move(trainer, live_class.code, "avsluta")
    assert phone.get(url, {"v": 4, "fall": 1}, headers=HTMX)["HX-Refresh"] == "true"


def test_the_polls_run_a_constant_small_number_of_queries(trainer, django_assert_max_num_queries):
    live_class = start_class(trainer)
    phone = join(live_class.code)
    for codes in ["DU057", "DU056", "AU006", "AU118"]:
        send(join(live_class.code), live_class.code, codes)
    with django_assert_max_num_queries(1):
        phone.get(f"/klassrum/{live_class.code}/", {"v": 1, "fall": 0}, headers=HTMX)
    with django_assert_max_num_queries(8):  # session, user, class, case, quotes, counts, contact types
        trainer.get(f"/klassrum/{live_class.code}/utbildare/", {"v": 1}, headers=HTMX)


def test_class_pages_are_never_cached(trainer):
    live_class = start_class(trainer)
    for client, url in (
        (join(live_class.code), f"/klassrum/{live_class.code}/"),
        (trainer, f"/klassrum/{live_class.code}/utbildare/"),
    ):
        assert "no-cache" in client.get(url)["Cache-Control"]


# --- Nothing personal, and forgotten ------------------------------------------------------------------


def test_nothing_about_a_learner_is_stored_only_counts_and_hashed_throttle_keys(trainer):
    live_class = start_class(trainer)
    phone = join(live_class.code)
    send(phone, live_class.code, "DU057", REMOTE_ADDR="10.1.2.3")
    token = phone.cookies["kva_klassrum"].value
    assert [f.name for f in ClassAnswer._meta.get_fields()] == ["id", "live_class", "position", "answer", "count"]
    for key in RateBucket.objects.values_list("key", flat=True):
        assert "10.1.2.3" not in key and "127.0.0.1" not in key
        assert re.fullmatch(r"klass-[a-z]+:[0-9a-f]{64}", key)
    assert all(part not in "".join(RateBucket.objects.values_list("key", flat=True)) for part in token.split(":"))


def test_prune_deletes_classes_and_their_answers_hours_after_they_end_and_keeps_the_rest(trainer, settings):
    now = timezone.now()
    hours = datetime.timedelta(hours=1)
    live, recently_ended, long_ended, long_idle = (start_class(trainer) for _ in range(4))
    for live_class in (live, recently_ended, long_ended, long_idle):
        classroom.record(live_class, 0, "DU057", None)
    retention = settings.CLASSROOM_RETENTION_HOURS * hours
    idle = settings.CLASSROOM_IDLE_HOURS * hours
    LiveClass.objects.filter(pk=recently_ended.pk).update(ended_at=now - retention + hours)
    LiveClass.objects.filter(pk=long_ended.pk).update(ended_at=now - retention - hours)
    LiveClass.objects.filter(pk=long_idle.pk).update(changed_at=now - idle - retention - hours)
    assert classroom.prune() == 2
    assert set(LiveClass.objects.values_list("pk", flat=True)) == {live.pk, recently_ended.pk}
    assert set(ClassAnswer.objects.values_list("live_class", flat=True)) == {live.pk, recently_ended.pk}


def test_prune_runs_when_a_class_ends_and_from_the_command(trainer, settings, capsys):
    old = start_class(trainer)
    LiveClass.objects.filter(pk=old.pk).update(ended_at=timezone.now() - datetime.timedelta(days=1))
    RateBucket.objects.create(key="klass-enhet:x", window=0, count=3)
    current = start_class(trainer)  # starting prunes
    assert not LiveClass.objects.filter(pk=old.pk).exists() and not RateBucket.objects.filter(window=0).exists()
    second = start_class(trainer)
    LiveClass.objects.filter(pk=second.pk).update(ended_at=timezone.now() - datetime.timedelta(days=1))
    move(trainer, current.code, "avsluta")  # ending prunes
    assert not LiveClass.objects.filter(pk=second.pk).exists()
    third = start_class(trainer)
    LiveClass.objects.filter(pk=third.pk).update(ended_at=timezone.now() - datetime.timedelta(days=1))
    call_command("prune_classes")
    assert "1 avslutade klasser raderade" in capsys.readouterr().out
    assert not LiveClass.objects.filter(pk=third.pk).exists()


# --- Throttle -----------------------------------------------------------------------------------------


def test_a_flood_from_one_phone_is_throttled_with_a_swedish_429(trainer, settings):
    settings.CLASSROOM_ANSWERS_PER_MINUTE = 4
    live_class = start_class(trainer)
    phone = join(live_class.code)
    statuses = [send(phone, live_class.code, f"AU{n:03d}").status_code for n in range(6)]
    assert statuses == [302] * 4 + [429] * 2
    response = send(phone, live_class.code, "AU100")
    assert "Vänta en minut" in response.content.decode()
    assert classroom.answered(live_class, 0) == 1  # one phone, one answer: its latest accepted one
    assert counts(live_class) == {"AU003": 1}
    assert send(join(live_class.code), live_class.code, "AU100").status_code == 302  # another phone is not held up


@pytest.mark.django_db
def test_prune_classes_deletes_throttle_counts_a_day_after_their_minute_as_the_readme_says():
    now = int(timezone.now().timestamp())
    day = 24 * 3600
    RateBucket.objects.create(key="klass-adress:gammal", window=now - day - 120, count=1)
    RateBucket.objects.create(key="klass-adress:i-dag", window=now - day + 600, count=1)
    call_command("prune_classes", stdout=io.StringIO())
    assert list(RateBucket.objects.values_list("key", flat=True)) == ["klass-adress:i-dag"]
