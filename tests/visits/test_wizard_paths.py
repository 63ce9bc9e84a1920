"""Walks through the real tree that once misled a clinician (issue 11), and the pages that show them."""

import re

import pytest

from catalog.visits import store as wizard_store
from catalog.visits import wizard

pytestmark = pytest.mark.django_db


def walk(*segments):
    return wizard.walk(wizard_store.current_tree(), list(segments))


def codes(result):
    return [c.code for c in result.suggestion.codes]


def offered(result):
    return {o.slug for o in wizard.available(result.current, result.answers)}


def test_rehab_video_with_only_zv051_is_marked_incomplete_and_the_page_says_a_main_code_is_needed(client):
    result = walk("rehab", "logoped", "video", "enskilt", "ej-neuroteam")
    assert codes(result) == ["ZV051"] and result.suggestion.incomplete
    html = client.get("/besok/rehab/logoped/video/enskilt/ej-neuroteam/").content.decode()
    assert "huvudåtgärdskod ur din enhets egen kodlista" in html
    assert "Kopiera alla koder" not in html and "huvudåtgärd saknas" in html
    assert 'data-komplett="nej"' in html


def test_a_walk_with_a_main_code_is_complete():
    assert not walk("bhv", "hembesok", "nr-3").suggestion.incomplete


def test_skrs_stress_support_talk_gets_du113_and_qk000():
    result = walk("psykolog", "mottagningsbesok", "stress", "stodsamtal", "inga", "inga")
    assert codes(result) == ["DU113", "QK000"]


def test_ect_for_an_inpatient_does_not_ask_again_and_registers_on_the_inpatient_episode():
    result = walk("psykiatri", "inneliggande", "ect", "bilateral")
    assert result.current.slug == "psy-ect-tvang"
    result = walk("psykiatri", "inneliggande", "ect", "bilateral", "nej")
    assert result.finished
    vardform = [a for a in result.answers if a.step.slug == "psy-ect-vardform"]
    assert vardform and vardform[0].implied and vardform[0].chosen[0].slug == "slutenvard"
    with pytest.raises(wizard.WalkError):
        walk("psykiatri", "inneliggande", "ect", "bilateral", "nej", "oppenvard")


def test_zv229_is_quoted_from_the_code_the_walk_suggests():
    result = walk("psykiatri", "mottagningsbesok", "ect", "bilateral", "ja-bilateral", "oppenvard")
    zv229 = next(c for c in result.suggestion.codes if c.code == "ZV229")
    assert zv229.quote_from == "entry:psykiatri/DA025/beskrivning"
    assert "ja" not in offered(walk("psykiatri", "mottagningsbesok", "ect", "bilateral"))


def test_shared_add_on_step_offers_only_answers_that_apply_on_the_path():
    skrs = offered(walk("psykolog", "mottagningsbesok", "radgivning"))
    assert not {"anmalan-lvm", "inskrivning", "anmalan-barn"} & skrs
    conference = offered(walk("psykiatri", "konferens-utan-patient", "ingen-plan"))
    assert not {"anmalan-lvm", "inskrivning", "internet"} & conference
    sob = offered(walk("sob", "plattform", "behandling", "kbt", "enskilt"))
    assert not {"internet", "bara-program"} & sob
    psychiatry = offered(walk("psykiatri", "mottagningsbesok", "sprututbyte"))
    assert {"anmalan-lvm", "inskrivning", "internet"} <= psychiatry


def test_psychiatry_results_quote_no_vardval_rehab_rules():
    tree = wizard_store.current_tree()
    for slug, step in tree.steps.items():
        if slug.startswith(("psy-", "skrs-")):
            for option in step.options:
                assert not any("vardval-rehab-distans" in n.quote_from for n in option.notes), (slug, option.slug)


def test_every_step_has_a_way_out_that_says_what_to_do_instead(client):
    result = walk("psykiatri", "mottagningsbesok", "bedomning", "inga")
    assert result.finished and result.suggestion.way_out and result.suggestion.no_code
    html = client.get("/besok/psykiatri/mottagningsbesok/bedomning/inga/").content.decode()
    assert "Inget av svaren passade" in html and "PR002" in html
    html = client.get("/besok/psykiatri/mottagningsbesok/lakemedel/").content.decode()
    assert 'href="/besok/psykiatri/mottagningsbesok/lakemedel/inget-passar/"' in html
    html = client.get("/besok/psykiatri/mottagningsbesok/lakemedel/inget-passar/").content.decode()
    assert "AV127" in html and 'id="forslag"' in html


def test_gc001_is_reachable_in_a_conference_without_the_patient():
    assert "GC001" in codes(walk("psykiatri", "konferens-utan-patient", "rehabkoordinering", "inga", "inga"))


def test_rehab_self_monitoring_without_contact_ends_as_not_qualified_care():
    result = walk("rehab", "fysioterapeut", "egenmonitorering")
    assert result.finished and result.suggestion.no_code and codes(result) == []
    assert "inte i sig själv vara en kvalificerad" in result.suggestion.notes[0].text


def test_bhv_family_outside_the_target_group_needs_the_units_own_code_and_ux293_says_target_group():
    suggestion = walk("bhv", "utanfor-malgruppen").suggestion
    assert not suggestion.no_code and suggestion.incomplete and "vårdkontakt" in suggestion.unit_code
    option = wizard_store.current_tree().steps["bhv-utfall"].option("ej-erbjuden")
    assert "målgruppen" in option.label
    notes = [n.text for n in walk("bhv", "ej-erbjuden").suggestion.notes]
    assert any("familjer i målgruppen som ej erbjuds" in text for text in notes)


def test_change_on_a_multiple_choice_step_keeps_the_earlier_ticks(client):
    html = client.get("/besok/psykiatri/mottagningsbesok/bedomning/au006+au118/tolk/inga/").content.decode()
    change = re.search(r'href="([^"]*tidigare=au006[^"]*)" class="andra"', html).group(1).replace("&amp;", "&")
    html = client.get(change).content.decode()
    assert re.search(r'value="au006" id="val-au006" checked', html)
    assert re.search(r'value="au118" id="val-au118" checked', html)
    assert not re.search(r'value="aa039" id="val-aa039" checked', html)


def test_progress_says_question_n_of_at_most_m(client):
    html = client.get("/besok/psykiatri/mottagningsbesok/").content.decode()
    match = re.search(r"Fråga (\d+) av högst (\d+)", html)
    assert match and match.group(1) == "3" and int(match.group(2)) >= 5


def test_links_in_a_result_are_not_swapped_by_htmx(client):
    html = client.get("/besok/bhv/hembesok/nr-3/").content.decode()
    assert re.search(r'<section class="resultat"[^>]*hx-boost="false"', html)


def test_contact_facts_are_normalised_in_data_attributes_and_json(client):
    url = "/besok/rehab/arbetsterapeut/telefon/fornyelse/"
    html = client.get(url).content.decode()
    assert 'data-kontakttyp="T"' in html and 'data-avgift="0"' in html and 'data-poang="0"' in html
    assert "<dd>0 kr</dd>" in html
    data = client.get(url, {"format": "json"}).json()["suggestion"]["contact"]
    assert (data["type_code"], data["patient_fee_kr"], data["points"]) == ("T", 0, 0.0)
    data = client.get("/besok/sob/video/annan-vard/", {"format": "json"}).json()["suggestion"]["contact"]
    assert data["type_code"] == "23" and data["patient_fee_kr"] is None


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("Kontakttyp: Skriftlig distanskontakt (BR)", "BR"),
        ("Telefon som ersätter besök (TB)", "TB"),
        ("Videodistansmöte, team (M, T) + ZV051 + (AU124, AU125 AW010, AW020, AW024, AW026 eller DV077)", "M"),
        ("Kontakttyp 12: Administrativ kontakt", "12"),
        ("1.Mottagningsbesök enskilt", "1"),
        ("24. Distanskontakt telefon", "24"),
    ],
)
def test_contact_type_code_is_read_from_the_printed_row(printed, code):
    assert wizard.contact_type_code(printed) == code


def test_group_video_says_which_row_applies_with_its_points():
    step = wizard_store.current_tree().steps["rehab-video-fysioterapeut"]
    assert "0,6" in step.option("patientutbildning-grupp").help and "0,3" in step.option("gruppbehandling").help


def test_wording_fits_relatives_being_taught_and_courses_for_parents():
    tree = wizard_store.current_tree()
    assert "utöver vårdpersonalen och patienten" not in tree.steps["medverkan"].question
    assert "deltagare, inte medverkande" in tree.steps["medverkan"].help
    form = tree.steps["psy-form"]
    assert "föräldrakurs" in form.option("grupp").help


def test_shared_step_help_uses_one_phrasing_for_none_of_these(client):
    tree = wizard_store.current_tree()
    assert "inget av dessa" not in tree.steps["tillagg"].help  # lower case: the old, second phrasing
    html = client.get("/besok/psykiatri/mottagningsbesok/sprututbyte/").content.decode()
    assert html.count("Inget av dessa") >= 2 and 'value="inga" id="val-inga"' in html


def test_an_old_link_that_names_the_implied_answer_redirects_to_the_address_without_it(client):
    response = client.get("/besok/psykiatri/inneliggande/ect/bilateral/nej/slutenvard/")
    assert response.status_code == 302 and response["Location"] == "/besok/psykiatri/inneliggande/ect/bilateral/nej/"
