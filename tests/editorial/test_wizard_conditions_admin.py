"""Coordinators see and edit an answer's path conditions and a step's way out in the admin."""

import pytest
from django.urls import reverse

from catalog.models import WizardOption, WizardStep
from catalog.visits import store as wizard_store
from catalog.visits import wizard
from tests.support.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

PATH = ["psykiatri", "mottagningsbesok", "sprututbyte"]


def offered() -> set[str]:
    result = wizard.walk(wizard_store.current_tree(), PATH)
    return {o.slug for o in wizard.available(result.current, result.answers)}


def shared_step() -> WizardStep:
    slug = wizard.walk(wizard_store.current_tree(), PATH).current.slug
    return WizardStep.objects.get(slug=slug)


def test_an_answers_conditions_show_one_per_line(client, logged_in_coordinator):
    option = next(o for o in WizardOption.objects.order_by("pk") if len(o.unless) > 1)
    data = change_form_data(client.get(reverse("admin:catalog_wizardoption_change", args=[option.pk])))
    assert data["unless"].splitlines() == option.unless


def test_a_condition_added_in_the_admin_stops_the_wizard_offering_the_answer(client, logged_in_coordinator):
    assert "anmalan-lvm" in offered()
    option = WizardOption.objects.get(step=shared_step(), slug="anmalan-lvm")
    url = reverse("admin:catalog_wizardoption_change", args=[option.pk])
    data = change_form_data(client.get(url))
    data["unless"] = (data["unless"] + "\r\npsy-kontakt/mottagningsbesok").strip()
    assert client.post(url, data).status_code == 302
    assert "anmalan-lvm" not in offered()


@pytest.mark.parametrize(
    ("written", "message"),
    [("psy-kontakt", "ett villkor per rad"), ("psy-kontakt/finns-inte", "är inget svar i guiden")],
)
def test_a_condition_naming_no_answer_is_refused_in_swedish(client, logged_in_coordinator, written, message):
    option = WizardOption.objects.get(step=shared_step(), slug="anmalan-lvm")
    url = reverse("admin:catalog_wizardoption_change", args=[option.pk])
    data = change_form_data(client.get(url))
    data["when"] = written
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    option.refresh_from_db()
    assert option.when == []


def test_a_steps_way_out_is_edited_on_its_page(client, logged_in_coordinator):
    step = shared_step()
    url = reverse("admin:catalog_wizardstep_change", args=[step.pk])
    data = change_form_data(client.get(url))
    assert "way_out" in data
    data["way_out"] = "Registrera bara huvudåtgärden."
    assert client.post(url, data).status_code == 302
    step.refresh_from_db()
    assert step.way_out == "Registrera bara huvudåtgärden."
