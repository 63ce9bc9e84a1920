"""/ovningar/: the case page, its GET feedback, sets, suggestions, and the wizard's practice link."""

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

from catalog.models import PracticeCase, PracticeCount

pytestmark = pytest.mark.django_db

CASE = "/ovningar/nybesok-med-tolk/"


class FormFields(HTMLParser):
    """The names a form would send: inputs, selects, and the submit button with a name."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif self.inside and tag in ("input", "select", "button") and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def answer(client, url: str, codes: str, **extra):
    """Fill the rendered answer form the way a browser submits it (GET)."""
    parser = FormFields("svar-form")
    parser.feed(client.get(url).content.decode())
    assert "koder" in parser.fields, "the page has no code field"
    fields = {**parser.fields, "koder": codes, **extra}
    return client.get(url, fields)


def verdicts(response) -> dict[str, str]:
    return {v["verdict"].code: v["verdict"].verdict for v in response.context["verdicts"]}


def test_the_index_lists_cases_by_context_and_the_sets(client):
    response = client.get("/ovningar/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nybesök med tolk, MINI och suicidrisk" in html and "/ovningar/set/fallor/" in html
    assert [label for label, _ in response.context["groups"]] == [label for _, label in PracticeCase.Context.choices]


def test_a_right_answer_is_solved_with_full_score_and_counted(client):
    response = answer(client, CASE, "au006 AU118 ZV020")
    assert response.status_code == 200
    assert verdicts(response) == {"AU006": "ratt", "AU118": "ratt", "ZV020": "ratt"}
    assert 'data-poang="3" data-max="3" data-lost="ja"' in response.content.decode()
    count = PracticeCount.objects.get(case__slug="nybesok-med-tolk")
    assert (count.tried, count.solved) == (1, 1)


def test_a_wrong_answer_quotes_the_missing_rule_and_why_a_code_is_wrong(client):
    response = answer(client, "/ovningar/remiss-fordjupad-lakemedelsgenomgang/", "XV016")
    html = response.content.decode()
    assert verdicts(response) == {"XV016": "fel", "XV015": "saknas"}
    assert "Observera att åtgärden kräver att en enkel läkemedelsgenomgång har utförts." in html
    assert "Åtgärden ska erbjudas patienter som är 75 år eller äldre" in html
    assert "Fällan:" in html
    count = PracticeCount.objects.get(case__slug="remiss-fordjupad-lakemedelsgenomgang")
    assert (count.tried, count.solved) == (1, 0)


def test_the_contact_type_is_part_of_the_answer_where_the_rules_give_one(client):
    url = "/ovningar/fornyad-hjalpmedelsforskrivning-per-telefon/"
    right = answer(client, url, "", kontakt="vardval-rehab-distans/telefon")
    assert right.context["result"].solved
    wrong = answer(client, url, "ZV051", kontakt="vardval-rehab-distans/telefon-ersatter-besok")
    assert wrong.context["result"].contact_right is False and verdicts(wrong) == {"ZV051": "fel"}


def test_the_key_is_behind_visa_facit_and_says_fee_and_points(client):
    html = client.get("/ovningar/fysioterapeut-video-neurovardteam/").content.decode()
    facit = html[html.index('<details class="facit"') :]
    assert "<summary>Visa facit</summary>" in facit
    assert "100 kr" in facit and "1 + 1 tillägg" in facit
    assert "För tilläggsuppdrag neurovårdteam tillkommer 1,0 kontaktpoäng vid videodistansmöte." in facit


def test_nothing_is_graded_or_counted_until_the_learner_asks(client):
    client.get(CASE + "?koder=AU006&sok=tolk")
    assert not PracticeCount.objects.exists()


def test_suggestions_come_from_the_search_and_add_the_code_to_the_answer(client):
    response = client.get(CASE, {"koder": "AU006", "sok": "tolk"})
    hit, add_url = response.context["suggestions"][0]
    assert hit.code == "ZV020"
    assert "koder=AU006+ZV020" in add_url


def test_suggestions_as_an_htmx_fragment(client):
    response = client.get(CASE, {"sok": "tolk"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="forslag"' in html and "ZV020" in html


def test_a_set_lists_its_cases_and_leads_from_one_to_the_next(client):
    response = client.get("/ovningar/set/fallor/")
    assert response.status_code == 200
    first = response.context["cases"][0]
    case_page = client.get(f"/ovningar/{first.slug}/?set=fallor")
    assert case_page.context["set_position"] == 1
    assert case_page.context["next_url"].endswith("?set=fallor")


def test_unknown_case_or_set_gives_404_and_a_post_gives_405(client):
    assert client.get("/ovningar/finns-inte/").status_code == 404
    assert client.get("/ovningar/set/finns-inte/").status_code == 404
    assert client.post(CASE).status_code == 405


def test_bad_input_never_gives_a_500(client):
    response = client.get(CASE, {"koder": "x" * 5000 + " <script>", "kontakt": "\x00", "ratta": "1", "sok": "%%"})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split('id="aterkoppling"')[1]


def test_the_case_page_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get("/ovningar/ect-unilateral-oppenvard/", {"koder": "DA024 DA006 ZX102", "ratta": "1"})


def test_solving_with_the_wizard_keeps_the_case_in_view_and_checks_its_codes(client):
    start = client.get("/besok/?" + urlencode({"ovning": "nybesok-med-tolk"}))
    html = start.content.decode()
    assert "Övning: Nybesök med tolk, MINI och suicidrisk" in html
    first_option_url = start.context["options"][0][1]
    assert first_option_url.endswith("?ovning=nybesok-med-tolk")
    step = client.get(first_option_url)
    assert "Övning: Nybesök med tolk" in step.content.decode()
    assert all(url.endswith("?ovning=nybesok-med-tolk") for _, url in step.context["options"])


def test_the_wizards_result_links_to_the_case_with_its_codes(client):
    from catalog.visits import store as wizard_store
    from catalog.visits import wizard

    tree = wizard_store.current_tree()
    # Walk taking the first answer everywhere ("inga" where a step allows none) until the result.
    segments: list[str] = []
    walk = wizard.walk(tree, segments)
    while walk.current is not None:
        step = walk.current
        segments.append(step.options[0].slug if step.kind == "single" or not step.optional else "inga")
        walk = wizard.walk(tree, segments)
    response = client.get("/besok/" + "".join(f"{s}/" for s in segments) + "?ovning=nybesok-med-tolk")
    check_url = response.context["practice_check_url"]
    assert check_url.startswith("/ovningar/nybesok-med-tolk/?koder=")
    graded = client.get(check_url)
    assert graded.status_code == 200 and "result" in graded.context


def test_an_edited_case_text_shows_at_once_in_the_wizard(client):
    url = "/besok/?ovning=nybesok-med-tolk"
    assert "arabisktalande tolk" in client.get(url).content.decode()
    case = PracticeCase.objects.get(slug="nybesok-med-tolk")
    case.text = "Ett nytt besök med somalisktalande tolk."
    case.save()
    assert "somalisktalande tolk" in client.get(url).content.decode()


def test_the_main_menu_leads_to_the_practice_cases(client):
    assert '<a href="/ovningar/">Övningar</a>' in client.get("/lista/psykiatri/").content.decode()


def test_a_sets_printable_summary_gives_every_case_its_visit_and_key_with_quotes(client):
    from catalog.models import PracticeSet

    chosen = PracticeSet.objects.get(slug="fallor")
    set_page = client.get("/ovningar/set/fallor/").content.decode()
    assert 'href="/ovningar/set/fallor/sammanfattning/"' in set_page
    html = client.get("/ovningar/set/fallor/sammanfattning/").content.decode()
    cases = list(chosen.cases.prefetch_related("quotes"))
    assert cases
    for case in cases:
        assert case.title in html
        assert case.text.split("\n")[0][:60] in html
        for code in case.required_codes.split():
            assert f'<span class="kod">{code}</span>' in html
        for quote in case.quotes.all():
            assert quote.quote[:60] in html
    assert html.count('class="sammanfattning"') == len(cases)
    assert 'class="utskriftsinfo' in html
    assert client.get("/ovningar/set/finns-inte/sammanfattning/").status_code == 404
    assert client.post("/ovningar/set/fallor/sammanfattning/").status_code == 405


def test_the_code_search_comes_before_the_answer_and_the_answer_lands_on_its_feedback(client):
    html = client.get(CASE).content.decode()
    assert html.index('id="ovning-sok"') < html.index('id="svar-form"') < html.index(">Rätta</button>")
    answer_form = post_or_get_form(html, "svar-form")
    assert answer_form.action == "#aterkoppling"  # the browser opens the answer's page at its feedback
    assert ("ledtrad", "1") in answer_form.buttons
    assert 'formaction="#ledtrad"' in html
    graded = answer(client, CASE, "AU006")
    assert 'id="aterkoppling" class="aterkoppling" tabindex="-1"' in graded.content.decode()


def post_or_get_form(html: str, form_id: str):
    from tests.support.html_forms import forms_in

    return next(f for f in forms_in(html) if f.attrs.get("id") == form_id)


def test_the_hint_shows_the_deciding_quote_without_its_code_and_keeps_what_was_typed(client):
    url = "/ovningar/remiss-fordjupad-lakemedelsgenomgang/"
    form = post_or_get_form(client.get(url).content.decode(), "svar-form")
    response = client.get(url, {**dict(form.fields), "koder": "XV016", "ledtrad": "1"})
    html = response.content.decode()
    hint = html[html.index('id="ledtrad"') :]
    hint = hint[: hint.index("</section>")]
    assert "Observera att åtgärden kräver att en enkel läkemedelsgenomgång har utförts." in hint
    assert "XV016" not in hint and "XV015" not in hint and "/kod/" not in hint
    assert "Anvisningen för en kod i" in hint
    assert 'value="XV016"' in html and "result" not in response.context  # a hint is not a grading
    again = post_or_get_form(html, "svar-form")
    assert ("ledtrad", "1") in again.fields  # the hint stays while the learner goes on to "Rätta"
    assert not PracticeCount.objects.exists()


def test_a_case_in_presentation_mode_has_no_site_header_and_keeps_the_mode(client):
    response = client.get("/ovningar/nybesok-med-tolk/", {"projektor": "1", "set": "fallor"})
    html = response.content.decode()
    assert '<body class="projektor">' in html and 'class="sidhuvud"' not in html and 'class="sidfot"' not in html
    for form_id in ("svar-form",):
        assert ("projektor", "1") in post_or_get_form(html, form_id).fields
    assert '<input type="hidden" name="projektor" value="1">' in html.split('role="search"')[1].split("</form>")[0]
    assert response.context["wizard_url"] == "/besok/?ovning=nybesok-med-tolk&projektor=1"
    first = client.get("/ovningar/set/fallor/").context["cases"][0]
    in_set = client.get(f"/ovningar/{first.slug}/", {"projektor": "1", "set": "fallor"})
    assert in_set.context["next_url"].endswith("?set=fallor&projektor=1")
    hits = client.get("/ovningar/nybesok-med-tolk/", {"projektor": "1", "sok": "tolk"}).context["suggestions"]
    assert "projektor=1" in hits[0][1] and hits[0][1].endswith("#svar-form")
    assert 'class="sidhuvud"' in client.get("/ovningar/nybesok-med-tolk/").content.decode()
