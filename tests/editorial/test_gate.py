"""Every door into the guidance goes through the one gate (catalog.editorial.gate).

Each door in tests/support/doors.py is driven the way its user reaches it, twice: through the gate as it
is (the door writes, and every write of guidance happens inside a gate session), and through a gate
that refuses everything (the door writes nothing and says why, with no 500).
"""

import pytest
from django.apps import apps
from django.db.models.signals import m2m_changed, pre_delete, pre_save

from catalog.editorial import gate
from catalog.models import ContentTracked, Draft, Revision
from tests.support.doors import DOORS

pytestmark = pytest.mark.django_db

CLOSED = "Grinden är stängd i det här testet."


def guidance_models():
    return [m for m in apps.get_app_config("catalog").get_models() if issubclass(m, ContentTracked)]


def fingerprint() -> tuple:
    """Everything a door could change: every row and version of guidance, drafts, and the history."""
    return (
        tuple(
            sorted((m.__name__, pk, v) for m in guidance_models() for pk, v in m.objects.values_list("pk", "version"))
        ),
        Revision.objects.count(),
        tuple(Draft.objects.values_list("pk", "status")),
    )


def said(response) -> str:
    if response is None or not hasattr(response, "content"):
        return ""
    html = response.content.decode()
    return html + " ".join(str(m) for m in getattr(response.wsgi_request, "_messages", []))


@pytest.fixture
def writes_outside_the_gate():
    """Every save or delete of guidance, and whether a gate session was open for it."""
    outside = []

    def watch(sender, instance=None, **kwargs):
        if issubclass(sender, ContentTracked) and gate.current_session() is None:
            outside.append(f"{sender.__name__} {getattr(instance, 'pk', '')}")

    def watch_m2m(sender, instance=None, action="", **kwargs):
        if action.startswith("pre_") and isinstance(instance, ContentTracked) and gate.current_session() is None:
            outside.append(f"{type(instance).__name__} {instance.pk} ({action})")

    pre_save.connect(watch, dispatch_uid="gate-test-save")
    pre_delete.connect(watch, dispatch_uid="gate-test-delete")
    m2m_changed.connect(watch_m2m, dispatch_uid="gate-test-m2m")
    yield outside
    pre_save.disconnect(dispatch_uid="gate-test-save")
    pre_delete.disconnect(dispatch_uid="gate-test-delete")
    m2m_changed.disconnect(dispatch_uid="gate-test-m2m")


@pytest.mark.parametrize("door", DOORS)
def test_each_door_writes_and_only_inside_the_gate(door, tmp_path, writes_outside_the_gate):
    act = DOORS[door](tmp_path)
    writes_outside_the_gate.clear()  # what the preparation wrote is not the door's doing
    before = fingerprint()
    response = act()
    assert getattr(response, "status_code", 200) < 400, said(response)[:3000]
    assert fingerprint() != before, f"{door}: wrote nothing"
    assert writes_outside_the_gate == []


@pytest.mark.parametrize("door", DOORS)
def test_a_gate_that_refuses_everything_stops_every_door(door, tmp_path, monkeypatch):
    act = DOORS[door](tmp_path)

    def closed(self, obj, kind):
        raise gate.Refused(CLOSED)

    monkeypatch.setattr(gate.Session, "_admit", closed)
    before = fingerprint()
    try:
        response = act()
    except gate.Refused as refusal:  # load_content: the command reports it
        assert CLOSED in refusal.messages
    else:
        assert response.status_code < 500
        assert CLOSED in said(response), said(response)[:3000]
    assert fingerprint() == before
