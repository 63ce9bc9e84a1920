"""A conflict shows what the colleague changed as a word diff: the changed words with a little context,
marked for the eye (<ins>/<del>) and for screen readers ("tillagt:"/"borttaget:"), the whole text only
behind a <details>. Two coordinators, each posting the form their page rendered."""

import re
from html import unescape

import pytest

from catalog.models import Entry
from tests.support.accounts import coordinator_client
from tests.support.admin_forms import change_form_data
from tests.support.browser import axe_violations, coordinator_page, needs_chromium
from tests.support.unquoted import unquoted_entries

pytestmark = pytest.mark.django_db

REMOVED = '<del><span class="visually-hidden">borttaget: </span>'
ADDED = '<ins><span class="visually-hidden">tillagt: </span>'


def long_entry() -> Entry:
    """One of the longest Anvisningar that nothing quotes (some forty words)."""
    return next(e for e in unquoted_entries(10_000) if len(e.anvisning) >= 250)


def conflict_of(response) -> str:
    found = re.search(r'<div class="konflikt">.*?</table></div>', response.content.decode(), flags=re.S)
    assert found, "the refused page shows no conflict"
    return found.group(0)


def anvisning_row(conflict: str) -> str:
    return next(row for row in re.findall(r"<tr>.*?</tr>", conflict, flags=re.S) if ">Anvisning<" in row)


def test_a_one_word_change_in_a_long_anvisning_is_shown_as_that_word_with_context_not_the_whole_text():
    anna, bertil, entry = coordinator_client("anna"), coordinator_client("bertil"), long_entry()
    url = f"/admin/catalog/entry/{entry.pk}/change/"
    annas, bertils = change_form_data(anna.get(url)), change_form_data(bertil.get(url))
    words = entry.anvisning.split(" ")
    middle = len(words) // 2
    changed = [*words[:middle], "ÄNDRATORD", *words[middle + 1 :]]
    annas["anvisning"] = " ".join(changed)
    assert anna.post(url, annas).status_code == 302
    bertils["anvisning"] = entry.anvisning + " Bertils mening."
    refused = bertil.post(url, bertils)
    assert refused.status_code == 200

    conflict = conflict_of(refused)
    assert f"Posten {entry.code.code} ”{entry.title}” i listan ”{entry.code_list.title}”" in unescape(conflict)
    theirs = re.findall(r"<td>(.*?)</td>", anvisning_row(conflict), flags=re.S)[0]
    shown, _, whole = theirs.partition("<details")
    # Anna's word, marked for the eye and the ear, between a few of the words around it…
    assert f"{REMOVED}{words[middle]}</del> {ADDED}ÄNDRATORD</ins>" in unescape(shown)
    assert " ".join(words[middle - 3 : middle]) in unescape(shown).replace("<br>", "\n")
    # …and not the whole text: the opening and closing words are left out ("…"), offered behind <details>.
    opening, closing = " ".join(words[:6]), " ".join(words[-6:])
    assert "…" in shown and opening not in unescape(shown) and closing not in unescape(shown)
    assert "<summary>Hela texten</summary>" in whole
    assert opening in unescape(whole).replace("<br>", "\n") and closing in unescape(whole).replace("<br>", "\n")
    # Bertil's own text stays in his form; saving again puts it on top of Anna's word.
    again = change_form_data(refused)
    assert again["anvisning"] == bertils["anvisning"]


def test_a_short_change_is_shown_whole_without_details():
    anna, bertil, entry = coordinator_client("anna"), coordinator_client("bertil"), unquoted_entries(1, "psykiatri")[0]
    url = f"/admin/catalog/entry/{entry.pk}/change/"
    annas, bertils = change_form_data(anna.get(url)), change_form_data(bertil.get(url))
    annas["marker"] = "(i)"
    assert anna.post(url, annas).status_code == 302
    bertils["marker"] = "(x)"
    row = next(
        r for r in re.findall(r"<tr>.*?</tr>", conflict_of(bertil.post(url, bertils)), flags=re.S) if ">Markering<" in r
    )
    assert f"{ADDED}(i)</ins>" in unescape(row) and "<details" not in row


@needs_chromium
def test_in_a_browser_the_conflict_shows_the_changed_word_and_opens_the_whole_text_on_request(site, browser):
    entry = long_entry()
    words = entry.anvisning.split(" ")
    middle = len(words) // 2
    url = f"{site}/admin/catalog/entry/{entry.pk}/change/"
    anna, bertil = coordinator_page(browser, site, "anna"), coordinator_page(browser, site, "bertil")
    anna.goto(url)
    bertil.goto(url)
    anna.locator("#id_anvisning").fill(" ".join([*words[:middle], "ÄNDRATORD", *words[middle + 1 :]]))
    anna.locator('input[name="_save"]').click()
    anna.wait_for_url(f"{site}/admin/catalog/entry/")
    bertil.locator("#id_beskrivning").fill("Bertils beskrivning.")
    bertil.locator('input[name="_save"]').click()
    row = bertil.locator(".konflikt tr", has_text="Anvisning")
    row.wait_for()
    theirs = row.locator("td").first
    shown = theirs.locator(":scope > ins")  # the change with its context, outside <details>
    assert shown.text_content() == "tillagt: ÄNDRATORD"
    spoken = shown.locator(".visually-hidden")  # read aloud, not seen: one pixel, clipped
    assert spoken.text_content() == "tillagt: " and spoken.bounding_box()["width"] <= 1
    whole = theirs.locator("details p")
    assert not whole.is_visible()
    theirs.get_by_text("Hela texten").click()
    assert whole.is_visible() and " ".join(words[:4]) in whole.inner_text()
    assert axe_violations(bertil) == []
    anna.context.close()
    bertil.context.close()
