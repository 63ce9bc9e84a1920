"""The gate's refusals name things as a coordinator knows them: a wizard answer by its label and its
question, a text by its field, code and list, a practice case by its title; never a kortnamn path
("psy-ect/bilateral"), a quote reference ("entry:psykiatri/AU118/anvisning") or a database id.

Each refusal is reached as a coordinator reaches it: GET the admin page, post what its form sends.
"""

import re
from html import unescape

import pytest

from catalog.models import Entry, PracticeCase, WizardCode, WizardOption, WizardStep
from tests.support.accounts import coordinator_client
from tests.support.admin_forms import change_form_data, rendered_form
from tests.support.html_forms import as_post_data, forms_in

pytestmark = pytest.mark.django_db

# What the messages used to show: a quote reference, or an answer as "step/option: label".
REFERENCE = re.compile(r"\b(?:entry|section|part|contact|footnote):[\w-]+/|\b[a-z0-9-]+/[a-z0-9-]+: ")


def change_url(obj) -> str:
    return f"/admin/catalog/{obj._meta.model_name}/{obj.pk}/change/"


def said(response) -> str:
    """What the refusal says: the form's errors and the page's messages, as text."""
    html = response.content.decode()
    errors = " ".join(re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', html, flags=re.S))
    messages = " ".join(str(m) for m in response.wsgi_request._messages)
    return unescape(re.sub(r"<[^>]+>", " ", errors) + " " + messages)


def answer_words(option: WizardOption) -> str:
    return f"svaret ”{option.label}” på frågan ”{option.step.question}”"


def test_deleting_an_answer_a_condition_needs_names_both_answers_by_label_and_question():
    client = coordinator_client()
    conditioned = WizardOption.objects.exclude(when=[]).select_related("step").order_by("pk").first()
    step_slug, option_slug = conditioned.when[0].split("/")
    needed = WizardOption.objects.select_related("step").get(step__slug=step_slug, slug=option_slug)
    page = client.get(f"/admin/catalog/wizardoption/{needed.pk}/delete/")
    response = client.post(f"/admin/catalog/wizardoption/{needed.pk}/delete/", rendered_form(page.content.decode(), ""))
    assert WizardOption.objects.filter(pk=needed.pk).exists()
    text = said(response)
    assert f"{answer_words(needed)[0].upper()}{answer_words(needed)[1:]} kan inte tas bort" in text
    assert f"{answer_words(conditioned)[1:]} visas bara efter {answer_words(needed)}, som inte finns längre" in text
    assert conditioned.when[0] not in text and not REFERENCE.search(text), text


def test_a_cycle_made_in_the_admin_is_refused_naming_the_questions():
    client = coordinator_client()
    start = WizardStep.objects.get(is_start=True)
    option = (
        WizardOption.objects.filter(step__kind="single", next_step__isnull=False)
        .exclude(step=start)
        .select_related("step")
        .order_by("pk")
        .first()
    )
    data = change_form_data(client.get(change_url(option)))
    data["next_step"] = str(start.pk)
    response = client.post(change_url(option), data)
    assert response.status_code == 200
    text = said(response)
    assert "Trädet går i cirkel: " in text
    cycle = text.split("Trädet går i cirkel: ", 1)[1].split("”. ")[0]
    assert f"”{start.question}” → " in cycle and f"”{option.step.question}”" in cycle
    assert start.slug not in text and not REFERENCE.search(text)
    option.refresh_from_db()
    assert option.next_step_id != start.pk


def test_editing_a_quoted_text_names_the_text_by_field_code_and_list_never_by_reference():
    client = coordinator_client()
    quote = WizardCode.objects.filter(quote_from__startswith="entry:psykiatri/").select_related("option__step").first()
    _list, code, field = quote.quote_from.removeprefix("entry:").split("/")
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code=code)
    data = change_form_data(client.get(change_url(entry)))
    data[field] = "Helt ny text utan citatet."
    text = said(client.post(change_url(entry), data))
    fields = {"title": "titeln", "beskrivning": "beskrivningen", "anvisning": "anvisningen"}
    assert f"{answer_words(quote.option)[1:]} citerar {fields[field]} till {code} i listan ”Baslista psykiatri”" in text
    assert quote.quote_from not in text and not REFERENCE.search(text)


def test_a_practice_case_left_without_a_reason_is_named_once_by_its_title():
    client = coordinator_client()
    case = PracticeCase.objects.exclude(required_codes=[]).order_by("pk").first()
    required = case.required[0]
    data = change_form_data(client.get(change_url(case)))
    # Delete every quote that says why the required code is needed, as ticking "Radera" on its rows does.
    for name, value in list(data.items()):
        if name.startswith("quotes-") and name.endswith("-code") and value == required:
            row = name.removesuffix("-code")
            if data.get(f"{row}-about") == "kravs":
                data[f"{row}-DELETE"] = "on"
    response = client.post(change_url(case), data)
    assert response.status_code == 200
    text = said(response)
    assert f"Övningen ”{case.title}”: {required} ska användas men inget citat säger varför." in text
    assert f"”{case.slug}”" not in text


def test_an_old_problem_does_not_block_retitling_the_case_it_names():
    """Problems are compared before and after a change by ids, not by their words: a case that already
    lacked a reason stays an old problem when its title, which the message names, is changed."""
    client = coordinator_client()
    case = PracticeCase.objects.exclude(required_codes="").order_by("pk").first()
    case.quotes.filter(about="kravs", code=case.required[0]).delete()  # broken before today
    data = change_form_data(client.get(change_url(case)))
    data["title"] = case.title + " (ny rubrik)"
    response = client.post(change_url(case), data)
    assert response.status_code == 302, said(response)
    assert PracticeCase.objects.get(pk=case.pk).title.endswith("(ny rubrik)")


def test_a_refused_restore_names_the_answers_and_the_text_in_words():
    from catalog.editorial import history
    from catalog.models import Revision

    client = coordinator_client()
    quote = WizardCode.objects.filter(quote_from__startswith="entry:psykiatri/").select_related("option__step").first()
    _list, code, field = quote.quote_from.removeprefix("entry:").split("/")
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code=code)
    # A state from before the wizard quoted this text, as the history would hold it.
    old = history.record(entry, Revision.Action.CHANGED, {field: "En äldre lydelse."})
    old.after = {**old.after, field: "En äldre lydelse."}
    old.save()
    history.record(entry, Revision.Action.CHANGED, {field: "En äldre lydelse."})  # and back to today's
    page = client.get(f"/admin/catalog/entry/{entry.pk}/history/").content.decode()
    action = f"/admin/catalog/entry/{entry.pk}/historik/{old.pk}/aterstall/"
    button = next(form for form in forms_in(page) if form.action == action)  # the restore button of that state
    text = said(client.post(action, as_post_data(button)))
    assert "Kunde inte återställa, inget ändrades" in text
    assert f"{answer_words(quote.option)[1:]} citerar" in text and f"till {code} i listan ”Baslista psykiatri”" in text
    assert quote.quote_from not in text and not REFERENCE.search(text)
