"""Two coordinators in two real browsers editing the same entry or step: a stale save is refused, keeps
its text and shows the other change; saving again applies only what this coordinator changed. Inline
rows are weighed per row. Runs on SQLite and on PostgreSQL (marked ``both_databases``).

Debian's Chromium through Playwright, as in tests/support/browser.py (`make test` installs it).
"""

import pytest

from catalog.models import Entry, Revision, WizardOption, WizardStep
from tests.support.browser import axe_violations, coordinator_page, needs_chromium
from tests.support.unquoted import quoted_refs, unquoted_entries, unquoted_section

pytestmark = [needs_chromium, pytest.mark.both_databases]


def test_second_coordinator_is_refused_keeps_her_text_sees_the_change_and_can_apply_hers(site, browser):
    entry = unquoted_entries(1)[0]
    url = f"{site}/admin/catalog/entry/{entry.pk}/change/"
    anna = coordinator_page(browser, site, "anna")
    bertil = coordinator_page(browser, site, "bertil")
    anna.goto(url)
    bertil.goto(url)

    anna.locator("#id_anvisning").fill("Annas nya anvisning.")
    anna.locator('input[name="_save"]').click()
    anna.wait_for_url(f"{site}/admin/catalog/entry/")

    bertil.locator("#id_anvisning").fill("Bertils nya anvisning.")
    bertil.locator('input[name="_save"]').click()
    error = bertil.locator(".errornote, .errorlist.nonfield").last
    error.wait_for()
    refused = bertil.locator("#content").inner_text()
    assert "din ändring sparades inte" in refused
    assert "anna" in refused and "Annas nya anvisning." in refused  # the other change, as it is now
    assert bertil.locator("#id_anvisning").input_value() == "Bertils nya anvisning."
    entry.refresh_from_db()
    assert entry.anvisning == "Annas nya anvisning."
    assert axe_violations(bertil) == []

    bertil.locator('input[name="_save"]').click()
    bertil.wait_for_url(f"{site}/admin/catalog/entry/")
    entry.refresh_from_db()
    assert entry.anvisning == "Bertils nya anvisning."
    saved = Revision.objects.filter(content_type__model="entry", object_id=entry.pk, action=Revision.Action.CHANGED)
    assert sorted(r.user.username for r in saved) == ["anna", "bertil"]
    anna.context.close()
    bertil.context.close()


def test_a_deleted_section_is_restored_with_its_entries_from_the_deleted_list(site, browser):
    from catalog.models import Entry

    section = unquoted_section()
    entries = sorted(section.entries.values_list("pk", "anvisning"))
    page = coordinator_page(browser, site, "anna")
    page.goto(f"{site}/admin/catalog/section/{section.pk}/delete/")
    page.get_by_role("button", name="Ja, jag är säker").click()
    page.wait_for_url(f"{site}/admin/catalog/section/")
    assert not Entry.objects.filter(section_id=section.pk).exists()

    page.get_by_role("link", name="Borttagna – återställ").click()
    page.wait_for_url(f"{site}/admin/catalog/section/borttagna/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Återställ med allt som togs bort med den").first.click()
    page.wait_for_url(f"{site}/admin/catalog/section/{section.pk}/change/")
    assert "återställdes till läget" in page.locator(".messagelist").inner_text()
    assert sorted(Entry.objects.filter(section_id=section.pk).values_list("pk", "anvisning")) == entries
    page.context.close()


def _entry_with_free_texts() -> Entry:
    """An entry whose Beskrivning and Anvisning nothing quotes: a browser's fill() replaces them whole."""
    quoted = quoted_refs()
    for entry in Entry.objects.select_related("code", "code_list").order_by("pk"):
        refs = {f"entry:{entry.code_list.slug}/{entry.code.code}/{key}" for key in ("beskrivning", "anvisning")}
        if not refs & quoted:
            return entry
    raise AssertionError("every entry's texts are quoted")


def test_saving_again_after_a_conflict_keeps_the_colleagues_field_and_applies_his(site, browser):
    entry = _entry_with_free_texts()
    url = f"{site}/admin/catalog/entry/{entry.pk}/change/"
    anna = coordinator_page(browser, site, "anna")
    bertil = coordinator_page(browser, site, "bertil")
    anna.goto(url)
    bertil.goto(url)
    anna.locator("#id_beskrivning").fill("Annas beskrivning.")
    anna.locator('input[name="_save"]').click()
    anna.wait_for_url(f"{site}/admin/catalog/entry/")

    bertil.locator("#id_anvisning").fill("Bertils anvisning.")
    bertil.locator('input[name="_save"]').click()
    bertil.locator(".konflikt").wait_for()
    assert "Annas beskrivning." in bertil.locator(".konflikt").inner_text()
    # His page still holds the Beskrivning he opened; pressing "Spara" again as the message says…
    assert bertil.locator("#id_beskrivning").input_value() != "Annas beskrivning."
    bertil.locator('input[name="_save"]').click()
    bertil.wait_for_url(f"{site}/admin/catalog/entry/")
    saved = Entry.objects.get(pk=entry.pk)
    assert saved.beskrivning == "Annas beskrivning."  # …keeps Anna's change
    assert saved.anvisning == "Bertils anvisning."
    anna.context.close()
    bertil.context.close()


def _option_field(page, option: WizardOption, name: str):
    row = page.locator(f'input[name$="-id"][value="{option.pk}"]').get_attribute("name").removesuffix("-id")
    return page.locator(f'[name="{row}-{name}"]')


def test_two_browsers_editing_different_answers_of_one_step_both_keep_their_change(site, browser):
    step = WizardStep.objects.get(is_start=True)
    first, second = WizardOption.objects.filter(step=step).order_by("order")[:2]
    url = f"{site}/admin/catalog/wizardstep/{step.pk}/change/"
    anna = coordinator_page(browser, site, "anna")
    bertil = coordinator_page(browser, site, "bertil")
    anna.goto(url)
    bertil.goto(url)
    _option_field(anna, first, "help").fill("Annas hjälptext.")
    anna.locator('input[name="_save"]').click()
    anna.wait_for_url(f"{site}/admin/catalog/wizardstep/")

    _option_field(bertil, second, "help").fill("Bertils hjälptext.")
    bertil.locator('input[name="_save"]').click()
    bertil.wait_for_url(f"{site}/admin/catalog/wizardstep/")  # not refused: he never touched her row
    assert WizardOption.objects.get(pk=first.pk).help == "Annas hjälptext."
    assert WizardOption.objects.get(pk=second.pk).help == "Bertils hjälptext."
    anna.context.close()
    bertil.context.close()


def test_a_stale_page_cannot_delete_an_answer_a_colleague_has_just_edited(site, browser):
    step = WizardStep.objects.filter(options__codes__isnull=True).order_by("pk").first()
    option = WizardOption.objects.filter(step=step, codes__isnull=True).order_by("order").first()
    url = f"{site}/admin/catalog/wizardstep/{step.pk}/change/"
    anna = coordinator_page(browser, site, "anna")
    bertil = coordinator_page(browser, site, "bertil")
    anna.goto(url)
    bertil.goto(url)
    _option_field(anna, option, "help").fill("Annas nya hjälptext.")
    anna.locator('input[name="_save"]').click()
    anna.wait_for_url(f"{site}/admin/catalog/wizardstep/")

    _option_field(bertil, option, "DELETE").check()
    bertil.locator('input[name="_save"]').click()
    bertil.locator(".errornote, .errorlist.nonfield").first.wait_for()
    assert "Annas nya hjälptext." in bertil.locator("#content").inner_text()
    assert WizardOption.objects.filter(pk=option.pk).exists()
    anna.context.close()
    bertil.context.close()
