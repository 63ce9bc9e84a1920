"""Regional decisions create and retire codes; retired codes stay findable but are never suggested."""

import datetime

import pytest

from catalog.models import Code, CodeList, Entry, Revision, Section, SourceDocument
from catalog.search import engine as search
from catalog.visits import store as wizard_store
from tests.support.admin_forms import add_inline_row, change_form_data

pytestmark = pytest.mark.django_db


def decision_form(client, **codes):
    """The add page of a source document as the browser posts it, filled in, one inline row per code."""
    data = change_form_data(client.get("/admin/catalog/sourcedocument/add/"))
    data.update(
        {
            "slug": "rs-2026-00001",
            "title": "Beslut om regional kod för testning",
            "kind": "beslut",
            "identifier": "RS 2026-00001",
            "date": "2026-01-10",
            "valid_from": "2026-02-01",
            "seed_file": "-",
        }
    )
    for values in codes.values():
        add_inline_row(data, "decision_codes", values)
    return data


def test_recording_a_decision_creates_its_codes_in_their_list_linked_to_it(client, logged_in_coordinator):
    bhv = CodeList.objects.get(slug="bhv-hembesok")
    section = Section.objects.get(code_list=bhv, slug="nya-koder-genom-beslutet")
    data = decision_form(
        client,
        ny={"action": "ny", "code": "ux299", "title": "Testbesök", "code_list": bhv.pk, "section": section.pk},
        bort={"action": "utgar", "code": "UX284", "date": "2025-12-31"},
    )
    response = client.post("/admin/catalog/sourcedocument/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    code = Code.objects.get(code="UX299")
    assert code.decision.identifier == "RS 2026-00001" and code.is_regional
    assert str(code.valid_from) == "2026-02-01"
    assert Entry.objects.filter(code=code, section=section).exists()
    assert Code.objects.get(code="UX284").valid_to == datetime.date(2025, 12, 31)
    assert Revision.objects.filter(object_id=code.pk, action=Revision.Action.CREATED).exists()
    html = client.get("/beslut/RS-2026-00001/").content.decode()
    assert "UX299" in html and "UX284" in html
    assert "beslut RS 2026-00001" in client.get("/kod/UX299/").content.decode()


def test_a_decision_for_a_code_that_does_not_exist_is_refused(client, logged_in_coordinator):
    data = decision_form(client, bort={"action": "utgar", "code": "QQ123", "date": "2025-12-31"})
    response = client.post("/admin/catalog/sourcedocument/add/", data)
    assert response.status_code == 200
    assert "QQ123 finns inte i guiden" in response.content.decode()
    assert not SourceDocument.objects.filter(identifier="RS 2026-00001").exists()


def retire(code: str, days_ago: int = 1) -> None:
    found = Code.objects.get(code=code)
    found.valid_to = datetime.date.today() - datetime.timedelta(days=days_ago)
    found.save()


def test_retired_code_stays_findable_is_marked_and_ranks_last(client):
    retire("XV015")
    hits = [hit.code for hit in search.search("läkemedelsgenomgång").hits]
    assert hits[-1] == "XV015" and "XV016" in hits
    html = client.get("/sok/", {"q": "läkemedelsgenomgång"}).content.decode()
    assert "Utgått" in html
    page = client.get("/kod/XV015/")
    assert page.status_code == 200 and "Utgått" in page.content.decode()
    assert client.get("/api/codes/XV015/").json()["retired"] is True


def test_code_retiring_in_the_future_is_still_in_use():
    found = Code.objects.get(code="XV015")
    found.valid_to = datetime.date.today() + datetime.timedelta(days=30)
    found.save()
    assert not found.is_retired
    assert search.search("läkemedelsgenomgång").hits[0].code in {"XV015", "XV016"}


def test_retired_code_is_never_suggested_by_the_wizard():
    tree = wizard_store.current_tree()
    suggested = {code.code for step in tree.steps.values() for option in step.options for code in option.codes}
    code = sorted(suggested)[0]
    retire(code)
    from catalog.visits.wizard import Answer, suggest

    tree = wizard_store.current_tree()
    option = next(o for s in tree.steps.values() for o in s.options if any(c.code == code for c in o.codes))
    step = next(s for s in tree.steps.values() if option in s.options)
    result = suggest(tree, [Answer(step=step, chosen=[option], segment=option.slug, path=[option.slug])])
    assert code not in {c.code for c in result.codes}
    assert any(code in note.text and "utgått" in note.text for note in result.notes)
