"""Renaming a step or an answer in the admin keeps the path conditions that name it.

Conditions name "step/answer"; left naming nothing, an unmatched "when" would hide its answer and
an unmatched "unless" would stop excluding one, and the wizard would quietly offer the wrong answers.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from catalog.models import Revision, WizardOption, WizardStep
from catalog.visits import store as wizard_store
from tests.support.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def references() -> set[str]:
    tree = wizard_store.tree_from_db()
    return {ref for step in tree.steps.values() for option in step.options for ref in option.when + option.unless}


def unresolved(refs: set[str]) -> set[str]:
    tree = wizard_store.tree_from_db()
    answers = {f"{step.slug}/{option.slug}" for step in tree.steps.values() for option in step.options}
    return refs - answers


def conditioned_on(prefix: str) -> list[WizardOption]:
    return [o for o in WizardOption.objects.order_by("pk") if any(r.startswith(prefix) for r in o.when + o.unless)]


def test_a_step_renamed_in_the_admin_takes_the_conditions_that_name_it_along(client, logged_in_coordinator):
    assert not unresolved(references())
    conditioned = conditioned_on("psy-kontakt/")
    assert conditioned
    step = WizardStep.objects.get(slug="psy-kontakt")
    url = reverse("admin:catalog_wizardstep_change", args=[step.pk])
    data = change_form_data(client.get(url))
    data["slug"] = "psy-kontaktsatt"
    assert client.post(url, data).status_code == 302

    refs = references()
    assert not unresolved(refs)
    assert not any(ref.startswith("psy-kontakt/") for ref in refs)
    assert "psy-kontaktsatt/konferens-utan-patient" in refs
    # Each rewritten answer says why in its history.
    revision = Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(WizardOption), object_id=conditioned[0].pk
    ).latest("id")
    assert "psy-kontakt" in revision.comment and "psy-kontaktsatt" in revision.comment
    assert client.get("/besok/psykiatri/").status_code == 200


def test_an_answer_renamed_in_the_admin_takes_the_conditions_that_name_it_along(client, logged_in_coordinator):
    option = WizardOption.objects.get(step__slug="psy-kontakt", slug="konferens-utan-patient")
    assert conditioned_on("psy-kontakt/konferens-utan-patient")
    url = reverse("admin:catalog_wizardoption_change", args=[option.pk])
    data = change_form_data(client.get(url))
    data["slug"] = "konferens-utan-patienten"
    assert client.post(url, data).status_code == 302

    refs = references()
    assert not unresolved(refs)
    assert "psy-kontakt/konferens-utan-patienten" in refs
    assert "psy-kontakt/konferens-utan-patient" not in refs
