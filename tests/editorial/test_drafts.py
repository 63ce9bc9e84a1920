"""Utkast: guidance changes wait for another coordinator's sign-off, through the pages coordinators use."""

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from catalog.editorial.accounts import coordinator_group
from catalog.loading.load import load
from catalog.loading.read import read_content
from catalog.models import CodeList, Draft, Entry, PracticeQuote, Revision, WizardCode
from tests.support.html_forms import fill, post_form

pytestmark = pytest.mark.django_db

ADDED = " Ny mening från samordnaren."


def coordinator(name: str, *perms: str) -> Client:
    user = User.objects.create_user(name, password="x", is_staff=True)
    user.groups.add(coordinator_group())
    for perm in perms:
        user.user_permissions.add(Permission.objects.get(codename=perm))
    client = Client()
    client.force_login(user)
    return client


def au118() -> Entry:
    return Entry.objects.get(code__code="AU118", code_list__slug="psykiatri")


def edit_entry(client: Client, entry: Entry, press: str, **values) -> object:
    url = f"/admin/catalog/entry/{entry.pk}/change/"
    form = post_form(client.get(url).content.decode(), form_id="entry_form")
    return client.post(url, fill(form, press=press, **values))


def review(client: Client, draft: Draft, action: str, comment: str = "") -> object:
    url = f"/admin/catalog/draft/{draft.pk}/change/"
    form = post_form(client.get(url).content.decode(), form_id="granskning")
    return client.post(url, fill(form, press=f"atgard={action}", kommentar=comment), follow=True)


def public_texts(client: Client) -> tuple[str, str]:
    page = client.get("/kod/AU118/").content.decode()
    api = client.get("/api/codes/AU118/").json()
    anvisning = next(e["anvisning"] for e in api["entries"] if e["list"] == "psykiatri")
    return page, anvisning


def test_a_draft_is_invisible_until_another_coordinator_approves_it_and_history_names_both():
    author, reviewer, visitor = coordinator("anna"), coordinator("bengt"), Client()
    entry = au118()
    published = entry.anvisning
    response = edit_entry(author, entry, "_utkast", anvisning=published + ADDED)
    draft = Draft.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/catalog/draft/{draft.pk}/change/"
    page, api_text = public_texts(visitor)
    assert "Ny mening från samordnaren." not in page and api_text == published
    assert au118().anvisning == published

    # The author sees no approve button, and a forged approval is refused.
    own = author.get(f"/admin/catalog/draft/{draft.pk}/change/").content.decode()
    assert (
        "Godkänn och publicera" not in own
        and '<span class="visually-hidden">tillagt: </span>Ny mening från samordnaren.</ins>' in own
    )
    refused = author.post(f"/admin/catalog/draft/{draft.pk}/change/", {"atgard": "godkann"}, follow=True)
    assert "Du kan inte godkänna ditt eget utkast" in refused.content.decode()
    assert au118().anvisning == published

    review(reviewer, draft, "godkann")
    page, api_text = public_texts(visitor)
    assert "Ny mening från samordnaren." in page and api_text == published + ADDED
    revision = Revision.objects.filter(object_id=entry.pk, action="approved").latest("id")
    assert revision.user.username == "bengt"
    assert "Utkast av anna" in revision.comment and "godkänt av bengt" in revision.comment
    assert "Ny mening från samordnaren." in Client().get("/lista/psykiatri/andringar/").content.decode()


def test_a_stale_approval_is_refused():
    author, first, second = coordinator("anna"), coordinator("bengt"), coordinator("cecilia")
    edit_entry(author, au118(), "_utkast", anvisning=au118().anvisning + ADDED)
    draft = Draft.objects.get()
    url = f"/admin/catalog/draft/{draft.pk}/change/"
    stale_form = post_form(second.get(url).content.decode(), form_id="granskning")
    review(first, draft, "skicka-tillbaka", comment="Skriv om meningen.")
    response = second.post(url, fill(stale_form, press="atgard=godkann"), follow=True)
    assert "Utkastet är redan skickad tillbaka" in response.content.decode()
    assert ADDED not in au118().anvisning
    draft.refresh_from_db()
    assert (draft.status, draft.comment, draft.reviewer.username) == ("tillbaka", "Skriv om meningen.", "bengt")


def test_approval_shows_the_conflict_when_the_published_text_changed_since():
    author, reviewer = coordinator("anna"), coordinator("bengt")
    entry = au118()
    edit_entry(author, entry, "_utkast", anvisning=entry.anvisning + ADDED)
    direct = entry.anvisning + " Rättat direkt."
    edit_entry(reviewer, entry, "_save", anvisning=direct)
    assert au118().anvisning == direct
    response = review(reviewer, Draft.objects.get(), "godkann")
    html = response.content.decode()
    assert "har ändrats sedan utkastet gjordes" in html and 'id="konflikt"' in html
    assert au118().anvisning == direct and Draft.objects.get().status == "vantar"


def test_sending_back_needs_a_comment():
    author, reviewer = coordinator("anna"), coordinator("bengt")
    edit_entry(author, au118(), "_utkast", anvisning=au118().anvisning + ADDED)
    response = review(reviewer, Draft.objects.get(), "skicka-tillbaka", comment="  ")
    assert "Skriv en kommentar" in response.content.decode()
    assert Draft.objects.get().status == "vantar"


def test_a_list_that_requires_review_turns_a_save_into_a_draft_unless_one_may_publish_directly():
    CodeList.objects.filter(slug="psykiatri").update(requires_review=True)
    plain, trusted = coordinator("anna"), coordinator("bengt", "publish_directly")
    entry = au118()
    published = entry.anvisning
    page = plain.get(f"/admin/catalog/entry/{entry.pk}/change/").content.decode()
    assert "Listan kräver granskning" in page
    edit_entry(plain, entry, "_save", anvisning=published + ADDED)
    assert au118().anvisning == published and Draft.objects.filter(status="vantar").count() == 1
    edit_entry(trusted, entry, "_save", anvisning=published + " Stavfel rättat.")
    assert au118().anvisning == published + " Stavfel rättat."
    revision = Revision.objects.filter(object_id=entry.pk, user__username="bengt").latest("id")
    assert revision.comment.startswith("Publicerad direkt utan granskning.")


def test_a_change_that_breaks_a_wizard_quote_cannot_even_be_drafted():
    author = coordinator("anna")
    entry = au118()
    broken = entry.anvisning.replace("klinisk intervju", "klinisk undersökning")
    response = edit_entry(author, entry, "_utkast", anvisning=broken)
    assert response.status_code == 200 and "Strukturerad suicidriskbedömning" in response.content.decode()
    assert not Draft.objects.exists()


def test_approval_checks_the_wizard_as_it_is_when_approving():
    author, reviewer = coordinator("anna"), coordinator("bengt")
    entry = au118()
    second = "Värderingen av suicidrisk ska vara strukturerat dokumenterad"
    first = entry.anvisning.split(second)[0].rstrip()
    # Only the first sentence is quoted (a practice case quotes the whole text: it is made to quote less).
    PracticeQuote.objects.filter(quote_from="entry:psykiatri/AU118/anvisning").update(quote=first)
    edit_entry(author, entry, "_utkast", anvisning=first)
    assert Draft.objects.filter(status="vantar").exists()
    # Meanwhile the wizard starts quoting the sentence the draft removes.
    WizardCode.objects.filter(code__code="AU118", quote_from="entry:psykiatri/AU118/anvisning").update(reason=second)
    response = review(reviewer, Draft.objects.get(), "godkann")
    assert "Utkastet skulle göra besöksguiden ogiltig" in response.content.decode()
    assert second in au118().anvisning and Draft.objects.get().status == "vantar"


def test_load_content_never_publishes_over_a_draft_waiting_for_review():
    author = coordinator("anna")
    entry = au118()
    release_text = entry.anvisning
    # As if the previous release had only the first sentence, and this release adds the second …
    old = release_text.split(" Värderingen av suicidrisk")[0]
    Entry.objects.filter(pk=entry.pk).update(anvisning=old, loaded={**entry.loaded, "anvisning": old})
    # … while a coordinator's draft of that text waits for review.
    edit_entry(author, au118(), "_utkast", anvisning=old + " Med tillägg.")
    assert Draft.objects.filter(status="vantar").count() == 1
    report = load(read_content())
    assert au118().anvisning == old
    assert len(report.kept_for_drafts) == 1 and "AU118" in report.kept_for_drafts[0]
    assert report.kept_for_drafts[0].endswith(": anvisning")
    assert "not loaded over a draft waiting for review" in report.summary()
    Draft.objects.update(status="aterkallad")
    load(read_content())
    assert au118().anvisning == release_text


def test_the_admin_start_page_counts_drafts_waiting():
    author = coordinator("anna")
    edit_entry(author, au118(), "_utkast", anvisning=au118().anvisning + ADDED)
    assert "1 utkast väntar på granskning" in author.get("/admin/").content.decode()
    queue = author.get("/admin/catalog/draft/").content.decode()
    assert "Väntar på granskning" in queue and "AU118" in queue


def test_a_practice_case_text_can_be_drafted_and_stays_unpublished_until_approved():
    from catalog.models import PracticeCase

    author, reviewer = coordinator("anna"), coordinator("bengt")
    case = PracticeCase.objects.order_by("pk").first()
    url = f"/admin/catalog/practicecase/{case.pk}/change/"
    form = post_form(author.get(url).content.decode(), form_id="practicecase_form")
    response = author.post(url, fill(form, press="_utkast", text=case.text + " Patienten kom ensam."))
    assert response.status_code == 302
    assert "Patienten kom ensam." not in Client().get(case.get_absolute_url()).content.decode()
    review(reviewer, Draft.objects.get(), "godkann")
    assert "Patienten kom ensam." in Client().get(case.get_absolute_url()).content.decode()


def test_a_wizard_reason_is_drafted_from_its_own_page_reached_from_its_answer():
    author, reviewer = coordinator("anna"), coordinator("bengt")
    row = WizardCode.objects.select_related("option").get(
        code__code="AU118", quote_from="entry:psykiatri/AU118/anvisning"
    )
    answer_page = author.get(f"/admin/catalog/wizardoption/{row.option_id}/change/").content.decode()
    url = f"/admin/catalog/wizardcode/{row.pk}/change/"
    assert f'href="{url}' in answer_page  # the row's own page is linked from its answer
    page = author.get(url).content.decode()
    assert "det du sparar blir ett utkast" in page
    shorter = "För att koden ska användas ska en klinisk intervju med omsorgsfull värdering av suicidal intention"
    form = post_form(page, form_id="wizardcode_form")
    author.post(url, fill(form, press="_save", reason=shorter))  # even the plain save is a draft here
    row.refresh_from_db()
    assert row.reason != shorter and Draft.objects.get().changes == {"reason": shorter}
    review(reviewer, Draft.objects.get(), "godkann")
    row.refresh_from_db()
    assert row.reason == shorter
    assert author.get("/admin/catalog/wizardcode/add/").status_code == 403
