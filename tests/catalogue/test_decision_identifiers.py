"""A decision's diarienummer never breaks a page, and decisions stay editable in the admin."""

import datetime

import pytest

from catalog.editorial import decisions
from catalog.models import Code, CodeList, DecisionCode, SourceDocument
from tests.support.rendered_forms import submit

pytestmark = pytest.mark.django_db


def _decision(identifier: str, slug: str = "beslut-test") -> SourceDocument:
    return SourceDocument.objects.create(
        slug=slug,
        title="Nya regionala koder",
        kind=SourceDocument.Kind.BESLUT,
        identifier=identifier,
        date=datetime.date(2026, 3, 1),
    )


@pytest.mark.parametrize("identifier", ["RS 2026/78", "", "  /  "])
def test_an_odd_identifier_leaves_home_and_code_pages_working(client, identifier):
    decision = _decision(identifier)
    Code.objects.filter(code="AU118").update(decision=decision)
    home = client.get("/")
    assert home.status_code == 200
    url = decision.get_absolute_url()
    assert "/" not in url.removeprefix("/beslut/").rstrip("/")
    assert url in home.content.decode()
    assert client.get("/kod/AU118/").status_code == 200
    page = client.get(url)
    assert page.status_code == 200 and "Nya regionala koder" in page.content.decode()


def test_a_slash_identifier_gets_a_readable_address():
    assert _decision("RS 2026/78").get_absolute_url() == "/beslut/RS-2026-78/"


def test_old_decision_addresses_still_work(client):
    assert client.get("/beslut/RS-2024-00668/").status_code == 200
    assert client.get("/beslut/rs-2024-00668/").status_code == 200
    assert client.get("/beslut/RS-9999-1/").status_code == 404


def test_a_decision_without_identifier_can_be_repaired_in_the_admin(client, logged_in_coordinator):
    decision = _decision("")
    url = f"/admin/catalog/sourcedocument/{decision.pk}/change/"
    refused = submit(client, url)
    assert refused.status_code == 200
    assert "Ett beslut behöver ett diarienummer" in refused.content.decode()
    repaired = submit(client, url, {"identifier": "RS 2026/78"})
    assert repaired.status_code == 302
    decision.refresh_from_db()
    assert decision.identifier == "RS 2026/78"
    assert client.get("/beslut/RS-2026-78/").status_code == 200


def test_a_decision_whose_codes_were_applied_saves_again_unchanged(client, logged_in_coordinator):
    decision = _decision("RS 2026-00078")
    code_list = CodeList.objects.get(slug="psykiatri")
    section = code_list.sections.order_by("order").first()
    row = DecisionCode.objects.create(
        decision=decision,
        action=DecisionCode.Action.CREATE,
        code="UX901",
        title="Ny regional kod",
        code_list=code_list,
        section=section,
        date=datetime.date(2026, 3, 1),
    )
    decisions.apply(row)
    url = f"/admin/catalog/sourcedocument/{decision.pk}/change/"
    saved = submit(client, url, {"title": "Nya regionala koder (rättad titel)"})
    assert saved.status_code == 302, saved.content.decode()[:3000]
    decision.refresh_from_db()
    assert decision.title == "Nya regionala koder (rättad titel)"
    # Changing an applied row is still refused.
    page = client.get(url)
    changed = submit(client, url, {"decision_codes-0-title": "Annan text"})
    assert changed.status_code == 200 and "redan genomförd" in changed.content.decode()
    assert page.status_code == 200
