"""CSV export against formula injection, and an import that refuses bad files clearly and whole."""

import base64
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.editorial import exchange
from catalog.models import CodeList, Entry, Revision
from tests.support.rendered_forms import every_form, rendered_form
from tests.support.unquoted import quoted_refs

pytestmark = pytest.mark.django_db


def skrs() -> CodeList:
    return CodeList.objects.get(slug="psykologer-skrs")


def import_url() -> str:
    return f"/admin/catalog/codelist/{skrs().pk}/import/"


def preview(client, raw: bytes):
    """Upload through the import page's rendered upload form."""
    page = client.get(import_url())
    form = rendered_form(page.content, index=len(every_form(page.content)) - 1)
    assert "fil" in form["files"]
    return client.post(import_url(), {**form["fields"], "fil": SimpleUploadedFile("lista.csv", raw, "text/csv")})


def confirm(client, preview_response):
    """Press "Genomför importen" on the preview page, sending what that form holds."""
    forms = [f for f in every_form(preview_response.content) if "payload" in f["fields"]]
    assert forms, "the preview offers no confirmation"
    return client.post(import_url(), forms[0]["fields"])


def export_rows() -> list[list[str]]:
    text = exchange.export_csv(skrs()).removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def to_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "'"])
def test_export_writes_formula_looking_cells_as_text_and_import_reads_them_back(start):
    entry = Entry.objects.filter(code_list=skrs()).order_by("pk").first()
    text = f'{start}HYPERLINK("http://example.com","klicka")'
    Entry.objects.filter(pk=entry.pk).update(anvisning=text, title=f"{start}1+1")
    rows = export_rows()
    row = next(r for r in rows[1:] if r[0] == entry.code.code and r[1] == entry.section.slug)
    assert row[5] == "'" + text and row[2] == f"'{start}1+1"
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)
    plan = exchange.plan_import(skrs(), to_csv(rows))
    assert plan.ok
    if start not in "\t\r":  # the import trims surrounding whitespace from every text anyway
        assert not plan.changed


def test_the_import_form_states_the_one_size_limit_in_swedish(client, logged_in_coordinator):
    html = client.get(import_url()).content.decode()
    assert "En import får vara högst 1 MB och 5 000 rader." in html


def test_a_file_over_the_limit_is_refused_at_preview_in_swedish(client, logged_in_coordinator):
    rows = export_rows()
    rows[1][5] = "x" * 100_000
    raw = to_csv(rows + [rows[1][:2] + ["x" * 100_000] + rows[1][3:]] * 20)
    assert len(raw) > exchange.MAX_IMPORT_BYTES
    response = preview(client, raw)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Filen är för stor" in html and "högst 1 MB" in html and 'name="payload"' not in html


def test_a_file_just_under_the_limit_previews_and_confirms(client, logged_in_coordinator):
    rows = export_rows()
    padding = 110_000
    quoted = quoted_refs()  # a quoted text may not change: the gate would refuse the import
    free = [
        (row, column)
        for row in rows[1:]
        for column, key in ((4, "beskrivning"), (5, "anvisning"))
        if f"entry:psykologer-skrs/{row[0]}/{key}" not in quoted
    ]
    free = list({id(row): (row, column) for row, column in free}.values())[:8]
    assert len(free) == 8
    for row, column in free:
        row[column] = "Lång text. " + "x" * padding
    raw = to_csv(rows)
    assert 0.85 * exchange.MAX_IMPORT_BYTES < len(raw) <= exchange.MAX_IMPORT_BYTES
    shown = preview(client, raw)
    assert "8 poster ändras" in shown.content.decode()
    done = confirm(client, shown)
    assert done.status_code == 302
    assert Revision.objects.filter(action=Revision.Action.IMPORTED).count() == 8


def test_a_payload_tampered_beyond_the_limit_at_confirm_is_refused_in_swedish(client, logged_in_coordinator):
    before = list(Entry.objects.filter(code_list=skrs()).values_list("anvisning", flat=True))
    rows = export_rows()
    for row in rows[1:]:
        row[5] = "y" * 100_000
    raw = to_csv(rows)
    response = client.post(import_url(), {"payload": base64.b64encode(raw).decode()})
    html = response.content.decode()
    assert response.status_code == 200 and "Filen är för stor" in html
    assert list(Entry.objects.filter(code_list=skrs()).values_list("anvisning", flat=True)) == before


def test_a_request_over_djangos_limit_gets_a_swedish_400(client, logged_in_coordinator):
    response = client.post(import_url(), {"payload": "A" * 3_000_000})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'lang="sv"' in html and "ingenting har sparats" in html and "Bad Request" not in html


def test_a_field_over_the_csv_field_limit_gets_a_swedish_message(client, logged_in_coordinator):
    rows = export_rows()
    rows[1][5] = "z" * (csv.field_size_limit() + 10)
    response = preview(client, to_csv(rows))
    assert response.status_code == 200
    assert "Ett fält är längre än 131\u00a0072 tecken" in response.content.decode()


def test_a_nul_byte_is_refused_and_nothing_is_stored(client, logged_in_coordinator):
    rows = export_rows()
    rows[2][5] = "före\x00efter"
    raw = to_csv(rows)
    line = raw[: raw.index(b"\x00")].count(b"\n") + 1  # the line an editor shows it on
    response = preview(client, raw)
    assert f"nolltecken (NUL) på rad {line}" in response.content.decode()
    response = client.post(import_url(), {"payload": base64.b64encode(raw).decode()})
    assert response.status_code == 200 and "nolltecken" in response.content.decode()
    assert not Entry.objects.filter(anvisning__contains="efter", code_list=skrs()).exists()


def test_a_hundred_thousand_row_file_is_refused_with_a_short_page(client, logged_in_coordinator):
    raw = ("\ufeffkod;avsnitt\r\n" + "AU118;x\r\n" * 100_000).encode()
    response = preview(client, raw)
    html = response.content.decode()
    assert response.status_code == 200
    assert "fler än 5\u00a0000 rader" in html
    assert len(response.content) < 50_000


def test_the_preview_lists_errors_and_changes_first_and_counts_the_unchanged(client, logged_in_coordinator):
    rows = export_rows()
    last = rows[-1]
    last[5] = (last[5] or "") + " (ändrad)"
    rows.append(["QQ999", rows[1][1], "Okänd", "", "", "", "", "1"])
    response = preview(client, to_csv(rows))
    html = response.content.decode()
    unchanged = len(rows) - 3
    assert f"1 rad med fel · 1 post ändras · {unchanged} oförändrade rader visas inte." in html
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    assert table.count("<tr>") == 2
    assert table.index("QQ999") < table.index(last[0])
    assert "Oförändrad" not in html
