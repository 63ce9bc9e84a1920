"""The admin page "Vad letar klinikerna efter?" as a coordinator reads it: the numbers of the last 12
weeks in tables (newest first, with a total) beside a chart of each; for coordinators only."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from catalog.editorial.accounts import trainer_group
from catalog.models import UsageCount
from catalog.usage import counter

pytestmark = pytest.mark.django_db
URL = "/admin/catalog/searchmiss/vad-letar-klinikerna-efter/"
Kind = UsageCount.Kind


class Tables(HTMLParser):
    """Every table of a page by id: its rows as lists of cell texts (th and td alike)."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.current = self.tables.setdefault(attrs.get("id", f"table-{len(self.tables)}"), [])
        elif tag == "tr" and self.current is not None:
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def this_week() -> datetime.date:
    return counter.week_of(timezone.localdate())


def test_a_coordinator_sees_the_code_pages_read_in_the_weeks_table_and_among_the_most_read(
    client, logged_in_coordinator
):
    visitor = Client()
    visitor.get("/kod/AU118/")
    visitor.get("/kod/AU118/")  # from the page cache
    visitor.get("/kod/DU011/")
    client.get("/kod/DU011/")  # a coordinator checking a text is no clinician looking: not counted
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Vad letar klinikerna efter?</h1>" in html
    found = tables(html)
    weeks = found["koder-veckor"]
    assert weeks[0] == ["Vecka", "Visningar", "Oftast"]
    assert weeks[1][0].startswith(f"Vecka {this_week().isocalendar().week}, {this_week():%Y-%m-%d}")
    assert weeks[1][1] == "3" and weeks[1][2].startswith("AU118") and weeks[1][2].endswith("(2)")
    assert len(weeks) == 1 + 12 + 1 and weeks[-1][:2] == ["Totalt 12 veckor", "3"]
    most = found["koder-flest"]
    assert [row[0].split()[0] for row in most[1:]] == ["AU118", "DU011"]
    assert [row[1] for row in most[1:]] == ["2", "1"]
    assert 'href="/kod/AU118/"' in html
    # The chart's last (newest) bar carries the same number, and no comma decimals reach the SVG.
    chart = html[html.index('<section class="anvandning-del" id="koder"') :]
    chart = chart[: chart.index("</svg>")]
    assert re.findall(r'font-size="10" fill="#333333">(\d+)</text>', chart) == ["3"]
    assert not re.search(r'="\d+,\d+"', chart)


def test_every_kind_has_a_figure_with_its_chart_and_a_table_with_caption_and_headers(client, logged_in_coordinator):
    html = client.get(URL).content.decode()
    for slug in ("sokningar", "utvagar", "beskrivna", "koder", "ovningar"):
        section = html[html.index(f'<section class="anvandning-del" id="{slug}"') :]
        section = section[: section.index("</section>")]
        assert re.search(r"<figure>\s*<svg [^>]*role=\"img\" aria-label=\"Stapeldiagram[^\"]+\"", section), slug
        assert "<figcaption>" in section and "<caption>" in section
        assert '<th scope="col">Vecka</th>' in section and '<th scope="row">Totalt 12 veckor</th>' in section
    assert "<script" not in html.split('id="content-main"')[1]


def test_the_weeks_run_newest_first_and_a_count_older_than_twelve_weeks_is_not_shown(client, logged_in_coordinator):
    for weeks_ago, n in ((0, 4), (1, 6), (11, 1), (12, 50)):
        week = this_week() - datetime.timedelta(weeks=weeks_ago)
        UsageCount.objects.create(week=week, kind=Kind.SEARCH_MISS, key="", count=n)
    rows = tables(client.get(URL).content.decode())["sokningar-veckor"]
    assert [row[1] for row in rows[1:-1]] == ["4", "6", *["0"] * 9, "1"]
    assert rows[-1] == ["Totalt 12 veckor", "11"]


def test_the_page_never_shows_more_weeks_than_are_kept(client, logged_in_coordinator, settings):
    settings.USAGE_WEEKS = 4
    UsageCount.objects.create(week=this_week() - datetime.timedelta(weeks=5), kind=Kind.SEARCH_MISS, count=9)
    rows = tables(client.get(URL).content.decode())["sokningar-veckor"]
    assert len(rows) == 1 + 4 + 1 and rows[-1] == ["Totalt 4 veckor", "0"]


def test_practice_cases_show_tried_and_solved_side_by_side(client, logged_in_coordinator):
    week = this_week()
    UsageCount.objects.create(week=week, kind=Kind.PRACTICE_TRIED, key="nybesok-med-tolk", count=5)
    UsageCount.objects.create(week=week, kind=Kind.PRACTICE_SOLVED, key="nybesok-med-tolk", count=3)
    found = tables(client.get(URL).content.decode())
    assert found["ovningar-veckor"][1][1:] == ["5", "3", "Nybesök med tolk, MINI och suicidrisk (5)"]
    assert found["ovningar-flest"][1] == ["Nybesök med tolk, MINI och suicidrisk", "5", "3"]


def test_a_trainer_is_refused_and_a_visitor_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    trainer = User.objects.create_user("utbildare", password="x", is_staff=True)
    trainer.groups.add(trainer_group())
    client.force_login(trainer)
    assert client.get(URL).status_code == 403


def test_the_page_only_reads(client, logged_in_coordinator):
    assert client.post(URL).status_code == 405


def test_the_search_miss_list_links_to_the_page(client, logged_in_coordinator):
    html = client.get("/admin/catalog/searchmiss/").content.decode()
    assert f'href="{URL}"' in html


def _count_all_kinds(codes: list[str]) -> None:
    for weeks_ago in range(12):
        week = this_week() - datetime.timedelta(weeks=weeks_ago)
        rows = [
            (Kind.SEARCH_MISS, ""),
            (Kind.WAY_OUT, "psy-lakemedel"),
            (Kind.DESCRIBE_STOP, "psy-bedomning"),
            (Kind.PRACTICE_TRIED, "nybesok-med-tolk"),
            (Kind.PRACTICE_SOLVED, "nybesok-med-tolk"),
            *((Kind.CODE_READ, code) for code in codes),
        ]
        for kind, key in rows:
            UsageCount.objects.update_or_create(week=week, kind=kind, key=key, defaults={"count": weeks_ago + 1})


def test_the_page_runs_the_same_number_of_queries_however_much_was_counted(client, logged_in_coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _count_all_kinds(["AU118"])
    client.get(URL)  # the session and permissions as a second visit finds them
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    _count_all_kinds(["AU118", "DU011", "ZV509", "AU006", "DA024"])
    with CaptureQueriesContext(connection) as more:
        html = client.get(URL).content.decode()
    assert "psy-bedomning" in html and "DA024" in html
    # session, user, permissions, the counts, and a name for each kind of key (steps, codes, cases)
    assert len(more) == len(few) <= 10


def test_someone_who_may_read_the_search_misses_but_not_the_counts_is_not_led_to_a_refusal():
    reader = User.objects.create_user("lasare", password="x", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_searchmiss"))
    client = Client()
    client.force_login(reader)
    assert client.get(URL).status_code == 403
    for page in ("/admin/", "/admin/catalog/searchmiss/"):
        html = client.get(page).content.decode()
        assert "Sökningarna utan träff" in html or "utan träff" in html
        assert URL not in html, page
