"""Edits made in the admin reach the cached public pages at once.

The public pages are read by a visitor of their own: a signed-in coordinator's pages are never kept
(catalog.caching.pagecache), so only a visitor's request finds what the cache holds."""

import pytest
from django.test import Client

from catalog.models import DocumentPart, SourceDocument
from tests.support.rendered_forms import submit

pytestmark = pytest.mark.django_db


def test_editing_a_document_part_updates_its_rule_page(client, logged_in_coordinator):
    part = DocumentPart.objects.filter(document__slug="vardval-rehab-distans").order_by("order").first()
    public = Client()
    assert public.get("/regler/vardval-rehab-distans/").status_code == 200  # now cached
    new_heading = part.heading + " (rättad rubrik)"
    saved = submit(client, f"/admin/catalog/documentpart/{part.pk}/change/", {"heading": new_heading})
    assert saved.status_code == 302
    assert new_heading in public.get("/regler/vardval-rehab-distans/").content.decode()


def test_editing_a_source_document_updates_the_home_page(client, logged_in_coordinator):
    document = SourceDocument.objects.get(slug="vardval-rehab-distans")
    public = Client()
    assert public.get("/").status_code == 200
    new_title = "Distanskontakter i Vårdval Rehab (ny titel)"
    saved = submit(client, f"/admin/catalog/sourcedocument/{document.pk}/change/", {"title": new_title})
    assert saved.status_code == 302
    assert new_title in public.get("/").content.decode()


def test_a_new_decision_without_codes_appears_on_the_home_page(client, logged_in_coordinator):
    public = Client()
    assert "Beslut om nya hembesökskoder" not in public.get("/").content.decode()
    fields = {
        "slug": "rs-2026-00099",
        "title": "Beslut om nya hembesökskoder",
        "kind": "beslut",
        "identifier": "RS 2026-00099",
        "date": "2026-11-01",
    }
    saved = submit(client, "/admin/catalog/sourcedocument/add/", fields)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    home = public.get("/").content.decode()
    assert "Beslut om nya hembesökskoder" in home and "/beslut/RS-2026-00099/" in home
