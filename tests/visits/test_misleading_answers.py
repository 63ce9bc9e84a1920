"""Three wizard answers that misled a clinician (issue 27, items 8–10), walked through the real pages:
each test starts at /besok/ and clicks the answers by their labels, as a clinician would."""

import re
from html import unescape

import pytest

from tests.support.html_forms import fill, forms_in

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a class="val__knapp[^"]*" href="([^"]+)"[^>]*>(.*?)</a>', re.S)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def click(client, html: str, label: str) -> tuple[str, str]:
    """Follow the answer button whose label starts with ``label``; return its address and the page."""
    for href, inner in LINK.findall(html):
        if _text(inner).startswith(label):
            url = unescape(href)
            response = client.get(url)
            assert response.status_code == 200, url
            return url, response.content.decode()
    raise AssertionError(f"no answer ”{label}” on the page: {[_text(i)[:40] for _h, i in LINK.findall(html)]}")


def none_of_these(client, url: str, html: str) -> tuple[str, str]:
    """Tick "Inget av dessa" on a multiple-choice step and press "Fortsätt"."""
    form = next(f for f in forms_in(html) if f.method == "get" and "steg" in f.names)
    field = next(name for name, values in form.choices.items() if "inga" in values)
    response = client.get(url, fill(form, **{field: "inga"}), follow=True)
    return response.redirect_chain[-1][0], response.content.decode()


def walk(client, *labels: str) -> tuple[str, str]:
    """Click the answers by label; "-" ticks "Inget av dessa" on a multiple-choice step."""
    url, html = "/besok/", client.get("/besok/").content.decode()
    for label in labels:
        url, html = none_of_these(client, url, html) if label == "-" else click(client, html, label)
    return url, html


def result_codes(html: str) -> list[str]:
    return re.findall(r'class="forslag__kod" data-code="([^"]+)" data-role="([^"]+)"', html)


def complete(html: str) -> str:
    return re.search(r'data-komplett="(ja|nej)"', html).group(1)


# Item 8: a planned telephone call whose purpose has no code of its own keeps the call's code.
def test_planned_telephone_follow_up_that_fits_no_purpose_ends_with_xs012(client):
    url, html = walk(
        client,
        "Psykiatri",
        "Telefon",
        "Bedömning eller behandling per telefon",
        "Läkemedel",
        "Inget av dessa passar",
    )
    assert url == "/besok/psykiatri/telefon/bedomning-behandling/lakemedel/inget-passar/"
    assert result_codes(html) == [("XS012", "huvudåtgärd")]
    assert complete(html) == "ja"
    text = _text(html)
    assert "Telefonsamtal med patient. Samtalet ska journalföras" in text
    assert "utan åtgärdskod" not in text
    assert "registreras med sin egen kod" in text
    data = client.get(url, HTTP_ACCEPT="application/json").json()
    assert [c["code"] for c in data["suggestion"]["codes"]] == ["XS012"] and data["suggestion"]["complete"] is True


def test_telephone_call_with_a_code_of_its_own_gets_that_code_and_not_xs012(client):
    _url, html = walk(
        client,
        "Psykiatri",
        "Telefon",
        "Bedömning eller behandling per telefon",
        "Läkemedel",
        "Enkel läkemedelsgenomgång",
        "-",
        "-",
    )
    codes = [code for code, _role in result_codes(html)]
    assert codes and "XS012" not in codes


def test_the_same_way_out_at_the_clinic_still_gives_no_code(client):
    _url, html = walk(client, "Psykiatri", "Mottagningsbesök", "Läkemedel", "Inget av dessa passar")
    assert result_codes(html) == [] and complete(html) == "nej"
    assert "utan åtgärdskod" in _text(html)


# Item 9: a rehab telephone contact that replaces a visit needs a procedure code from the unit's list.
@pytest.mark.parametrize("profession", ["Fysioterapeut", "Logoped", "Arbetsterapeut"])
def test_rehab_telephone_contact_replacing_a_visit_is_incomplete_and_says_a_code_is_needed(client, profession):
    url, html = walk(client, "Rehab i Vårdval Rehab", profession, "Telefon", "Kvalificerad vård som ersätter besök")
    assert url.endswith("/telefon/ersatter-besok/")
    assert complete(html) == "nej" and result_codes(html) == []
    text = _text(html)
    assert "Detta räcker inte ensamt." in text and "åtgärdskod" in text and "enhets egen kodlista" in text
    assert "För telefon och asynkron digital kontakt krävs dock endast giltig medicinsk åtgärdskod." in text
    assert "Ingen kod." not in text
    assert client.get(url, HTTP_ACCEPT="application/json").json()["suggestion"]["complete"] is False


# Item 10: outside the programme's target group, a BVC home visit is still a care contact.
def test_bhv_family_outside_the_target_group_is_told_to_register_an_ordinary_visit(client):
    url, html = walk(client, "Barnhälsovård: utökat hembesöksprogram", "Familjen är inte i målgruppen")
    assert url == "/besok/bhv/utanfor-malgruppen/"
    text = _text(html)
    assert "Målgruppen för insatsen är förstagångsföräldrar (första barnet fött i Sverige)" in text
    assert "är ändå en vårdkontakt" in text
    assert "registreras inte detta som en vårdkontakt" not in text and "Ingen kod." not in text
    assert complete(html) == "nej"
