"""Two coordinators in two real browsers editing the same entry: the second save is refused, keeps
its text, shows the other change, and saving again applies it. Runs on SQLite and on PostgreSQL.

Debian's Chromium through Playwright, as in tests/support/browser.py (`make test` installs it).
"""

from django.contrib.auth.models import User
from django.test import Client

from catalog.editorial.accounts import coordinator_group
from catalog.models import Revision
from tests.support.browser import axe_violations, needs_chromium
from tests.support.unquoted import unquoted_entries, unquoted_section

pytestmark = [needs_chromium]


def coordinator_page(browser, site: str, name: str):
    """A browser context of its own, logged in as a coordinator (the session cookie of a real login)."""
    user = User.objects.create_user(name, password="x", is_staff=True)
    user.groups.add(coordinator_group())
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="sv-SE")
    host = site.split("://", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    return context.new_page()


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
    assert "är återställd" in page.locator(".messagelist").inner_text()
    assert sorted(Entry.objects.filter(section_id=section.pk).values_list("pk", "anvisning")) == entries
    page.context.close()
