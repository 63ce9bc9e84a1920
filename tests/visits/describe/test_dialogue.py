"""The described visit as a dialogue (issue 24): the open question offers every answer, likely ones
first with their words; answering goes on reading the same text from the new point, and "Ändra"
asks an inferred answer's question again. Through the page (posting what the rendered page sends)
and through the API ("path")."""

import json

import pytest

from tests.support.html_forms import fill, post_form

pytestmark = pytest.mark.django_db

# The contact is said; what the visit was for is not (a question), then the text settles the rest.
UNCLEAR_PURPOSE = "Videobesök, kvalificerad vård. KBT-session 5 och skattning med PHQ-9."
SUICIDE = "Återbesök. Frågar om suicidtankar. MINI fullständigt genomförd."


def page_form(client):
    return post_form(client.get("/besok/beskriv/").content.decode(), form_id="beskriv")


def describe(client, text: str, inom: str):
    return client.post("/besok/beskriv/", fill(page_form(client), text=text, inom=inom))


def press(client, response, button: str, **ticks):
    """Press a button the rendered result offers (name=value), sending what the form then holds."""
    form = post_form(response.content.decode(), form_id="beskriv")
    data = fill(form, press=button)
    for name, values in ticks.items():
        assert set(values) <= set(form.choices[name]), (name, values, form.choices[name])
        data[name] = values
    return client.post("/besok/beskriv/", data)


def api(client, payload):
    return client.post("/api/besok/beskriv/", json.dumps(payload), content_type="application/json")


def test_the_open_question_offers_every_answer_likely_first_with_their_words(client):
    html = describe(client, SUICIDE, "psykiatri").content.decode()
    assert "Här behöver guiden ditt svar: Vilka bedömningar gjordes?" in html
    boxes = html[html.index('id="stopp-fraga"') :]
    first, second = boxes.index('value="au006"'), boxes.index('value="au118"')
    assert first < second < boxes.index('value="aa039"') < boxes.index('value="uv120"')
    assert "<q>suicidtankar</q>" in boxes and "<q>MINI</q>" in boxes
    # What the text clearly says comes ticked; the unclear one does not.
    assert 'value="au006" id="stopp-au006" checked' in boxes and 'value="au118" id="stopp-au118">' in boxes


def test_answering_goes_on_reading_the_same_text_to_the_result(client):
    first = describe(client, UNCLEAR_PURPOSE, "psykiatri")
    html = first.content.decode()
    assert "Vad var huvudsyftet?" in html and 'id="forslag"' not in html
    # The likely answer says which words made it likely; answering continues with the text.
    assert 'value="psykiatri/video/kvalificerad/behandling"' in html
    second = press(client, first, "vag=psykiatri/video/kvalificerad/behandling")
    result = second.content.decode()
    assert second.status_code == 200 and 'id="forslag"' in result
    assert 'data-code="DU011"' in result and 'data-code="ZV051"' in result
    # The answers after the one given came from the text (KBT), not from a question.
    assert 'data-antaget="kbt"' in result and "ditt svar" in result


def test_a_multiple_choice_answer_is_sent_with_its_ticked_boxes(client):
    first = describe(client, SUICIDE, "psykiatri")
    second = press(client, first, "svara=psykiatri/mottagningsbesok/bedomning", val=["au006"])
    html = second.content.decode()
    assert 'data-code="AU006"' in html and 'data-code="AU118"' not in html


def test_andra_asks_an_inferred_answers_question_again_and_continues_with_the_text(client):
    first = describe(client, "Videobesök. KBT-session 6 enligt plan, exponering.", "psykiatri")
    assert 'data-code="ZV051"' in first.content.decode()
    asked = press(client, first, "andra=psykiatri")
    html = asked.content.decode()
    assert "Här behöver guiden ditt svar: Hur skedde kontakten?" in html
    # The text's answer is marked likely, first, with its words.
    assert 'data-option="video"' in html and html.index('data-option="video"') < html.index('data-option="telefon"')
    assert "<q>Videobesök</q>" in html
    changed = press(client, asked, "vag=psykiatri/mottagningsbesok")
    result = changed.content.decode()
    assert 'data-code="DU011"' in result and 'data-code="ZV051"' not in result


def test_an_answer_that_does_not_fit_the_tree_gives_400_with_a_swedish_message(client):
    first = describe(client, UNCLEAR_PURPOSE, "psykiatri")
    data = fill(
        post_form(first.content.decode(), form_id="beskriv"), press="vag=psykiatri/video/kvalificerad/behandling"
    )
    data["vag"] = "psykiatri/video/finns-inte"
    response = client.post("/besok/beskriv/", data)
    assert response.status_code == 400
    assert "finns inte" in response.content.decode()


def test_api_takes_the_open_questions_url_with_the_answer_and_keeps_reading(client):
    first = api(client, {"text": UNCLEAR_PURPOSE, "inom": "psykiatri"}).json()
    question = first["open_question"]
    assert question["step"] == "psy-syfte" and not first["finished"]
    options = question["options"]
    assert {o["option"] for o in options} >= {"behandling", "bedomning", "information"}
    assert all(set(o) >= {"option", "label", "likely"} for o in options)
    likely = [o["option"] for o in options if o["likely"]]
    assert [o["option"] for o in options[: len(likely)]] == likely  # likely ones first
    second = api(client, {"text": UNCLEAR_PURPOSE, "inom": "psykiatri", "path": question["url"] + "behandling/"}).json()
    assert second["finished"] and {c["code"] for c in second["codes"]} == {"DU011", "ZV051"}
    by = {item["step"]: item["by"] for item in second["inferred"]}
    assert by["psy-syfte"] == "you" and by["psy-metod"] == "text" and by["psy-kontakt"] == "text"
    # Just the address's path does as well as the absolute address.
    third = api(
        client,
        {"text": UNCLEAR_PURPOSE, "inom": "psykiatri", "path": "/besok/psykiatri/video/kvalificerad/behandling/"},
    )
    assert third.json()["path"] == second["path"]


def test_api_takes_several_answers_of_a_multiple_choice_joined_with_plus(client):
    data = api(
        client,
        {"text": SUICIDE, "inom": "psykiatri", "path": "/besok/psykiatri/mottagningsbesok/bedomning/au006+au118/"},
    ).json()
    assert data["finished"] and {c["code"] for c in data["codes"]} == {"AU006", "AU118"}


@pytest.mark.parametrize(
    "path",
    [
        "/besok/psykiatri/finns-inte/",
        "/sok/?q=x",
        "https://example.org/annat/",
        "/besok/" + "a/" * 60,
        "x" * 3000,
        5,
        ["psykiatri"],
    ],
)
def test_api_refuses_a_path_that_is_no_wizard_address_with_400(client, path):
    response = api(client, {"text": SUICIDE, "inom": "psykiatri", "path": path})
    assert response.status_code == 400
    assert response.json()["error"].startswith("”path”")
