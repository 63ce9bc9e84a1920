"""What clinicians do is counted per week through the pages they use: a code page read (from the
page cache too), a search without a hit, the wizard's way out, a described visit that stopped, a
practice case tried and solved. Counts only, written in batches; a failure to count never fails the page."""

import datetime
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

from catalog.models import SearchMiss, UsageCount, WizardStep
from catalog.usage import counter
from tests.support.html_forms import fill, post_form
from tests.support.rendered_forms import submit

pytestmark = pytest.mark.django_db
Kind = UsageCount.Kind
# Text a clinician typed: it must appear nowhere among the counts.
VISIT_TEXT = "Återbesök. Frågar om suicidtankar. MINI fullständigt genomförd."


def counted(kind: str) -> dict[str, int]:
    """This week's counts of ``kind`` in the database, by key."""
    week = counter.week_of(timezone.localdate())
    return dict(UsageCount.objects.filter(week=week, kind=kind).values_list("key", "count"))


@pytest.fixture
def at_once(settings):
    """Every count written when it is made (production waits up to USAGE_FLUSH_SECONDS)."""
    settings.USAGE_FLUSH_SECONDS = 0


def test_a_code_page_read_twice_counts_two_the_second_served_from_the_cache_without_a_query(
    client, django_assert_num_queries
):
    assert client.get("/kod/AU118/").status_code == 200
    with django_assert_num_queries(1):  # the content check: a cache hit, and counting cost no query
        assert client.get("/kod/AU118/").status_code == 200
    assert counted(Kind.CODE_READ) == {}  # waiting in the process
    assert counter.flush() == 2
    assert counted(Kind.CODE_READ) == {"AU118": 2}


def test_counts_are_written_once_the_oldest_has_waited_the_flush_interval(client, at_once):
    client.get("/kod/AU118/")
    client.get("/kod/AU118/")
    client.get("/kod/DU011/")
    assert counted(Kind.CODE_READ) == {"AU118": 2, "DU011": 1}


def test_a_head_request_an_unknown_code_and_a_redirect_are_not_reads(client, at_once):
    assert client.head("/kod/AU118/").status_code == 200
    assert client.get("/kod/XX999/").status_code == 404
    assert client.get("/kod/au118/").status_code == 301
    assert counted(Kind.CODE_READ) == {}


def test_a_search_without_a_hit_is_counted_for_the_week_and_its_query_kept_only_in_the_miss_log(client, at_once):
    page = submit(client, "/sok/", {"q": "xyzzykvarg"})
    assert page.status_code == 200
    assert client.get("/api/codes/", {"q": "qwxyzzy"}).status_code == 200
    submit(client, "/sok/", {"q": "suicidrisk"})  # a search with hits is not a miss
    assert counted(Kind.SEARCH_MISS) == {"": 2}
    assert SearchMiss.objects.filter(query="xyzzykvarg", count=1).exists()
    assert not UsageCount.objects.filter(key__icontains="xyzzy").exists()


def test_inget_av_dessa_passar_is_counted_for_the_step_where_it_was_chosen(client, at_once):
    step_page = client.get("/besok/psykiatri/mottagningsbesok/lakemedel/").content.decode()
    assert 'href="/besok/psykiatri/mottagningsbesok/lakemedel/inget-passar/"' in step_page
    result = client.get("/besok/psykiatri/mottagningsbesok/lakemedel/inget-passar/")
    assert result.status_code == 200
    way_outs = counted(Kind.WAY_OUT)
    assert list(way_outs.values()) == [1]
    step = WizardStep.objects.get(slug=next(iter(way_outs)))
    assert step.question in result.content.decode()
    # The same result again, from the page cache, counts again; an answer that fits does not count.
    client.get("/besok/psykiatri/mottagningsbesok/lakemedel/inget-passar/")
    client.get("/besok/psykiatri/mottagningsbesok/")
    assert counted(Kind.WAY_OUT) == {step.slug: 2}


def test_a_way_out_shown_on_the_projector_or_in_a_practice_case_is_training_and_not_counted(client, at_once):
    for params in ({"projektor": "1"}, {"ovning": "nybesok-med-tolk"}):
        response = client.get("/besok/psykiatri/mottagningsbesok/lakemedel/inget-passar/", params)
        assert response.status_code == 200
    assert counted(Kind.WAY_OUT) == {}


def test_a_described_visit_that_stops_counts_its_step_and_never_its_text(client, at_once):
    form = post_form(client.get("/besok/beskriv/").content.decode(), form_id="beskriv")
    response = client.post("/besok/beskriv/", fill(form, text=VISIT_TEXT, inom="psykiatri"))
    assert "Här behöver guiden ditt svar: Vilka bedömningar gjordes?" in response.content.decode()
    api = client.post(
        "/api/besok/beskriv/", json.dumps({"text": VISIT_TEXT, "inom": "psykiatri"}), content_type="application/json"
    )
    stopped = api.json()["open_question"]["step"]
    assert counted(Kind.DESCRIBE_STOP) == {stopped: 2}
    stored = " ".join(f"{row.kind} {row.key}" for row in UsageCount.objects.all()).lower()
    assert not {word.strip(".").lower() for word in VISIT_TEXT.split()} & set(stored.split())


def test_answering_a_described_visits_question_does_not_count_the_visit_again(client, at_once):
    form = post_form(client.get("/besok/beskriv/").content.decode(), form_id="beskriv")
    first = client.post("/besok/beskriv/", fill(form, text=VISIT_TEXT, inom="psykiatri"))
    data = fill(
        post_form(first.content.decode(), form_id="beskriv"), press="svara=psykiatri/mottagningsbesok/bedomning"
    )
    data["val"] = ["au006"]
    assert 'data-code="AU006"' in client.post("/besok/beskriv/", data).content.decode()
    assert sum(counted(Kind.DESCRIBE_STOP).values()) == 1


def test_a_practice_case_answered_counts_as_tried_and_when_all_right_as_solved(client, at_once):
    case = "/ovningar/nybesok-med-tolk/"
    form = post_form(client.get(case).content.decode(), method="get", form_id="svar-form")
    assert client.get(case, fill(form, press="ratta", koder="AU006 AU118 ZV020")).context["result"].solved
    assert not client.get(case, fill(form, press="ratta", koder="AU006")).context["result"].solved
    client.get(case)  # only looking at the case is not trying it
    assert counted(Kind.PRACTICE_TRIED) == {"nybesok-med-tolk": 2}
    assert counted(Kind.PRACTICE_SOLVED) == {"nybesok-med-tolk": 1}


def test_a_count_that_cannot_be_written_is_logged_and_the_page_still_served(client, at_once, caplog):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE catalog_usagecount RENAME TO catalog_usagecount_away")
    with caplog.at_level(logging.ERROR, logger="catalog.usage.counter"):
        response = client.get("/kod/AU118/")
    assert response.status_code == 200 and "AU118" in response.content.decode()
    assert "Kunde inte spara 1 räknade" in caplog.text
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE catalog_usagecount_away RENAME TO catalog_usagecount")
    assert counted(Kind.CODE_READ) == {}  # dropped, not kept to grow without bound
    assert client.get("/kod/AU118/").status_code == 200
    assert counted(Kind.CODE_READ) == {"AU118": 1}


def test_prune_usage_deletes_weeks_older_than_those_kept(settings):
    this_week = counter.week_of(timezone.localdate())
    for weeks_ago in (0, 3, 4, 30):
        UsageCount.objects.create(
            week=this_week - datetime.timedelta(weeks=weeks_ago), kind=Kind.CODE_READ, key="AU118", count=1
        )
    call_command("prune_usage")  # 26 weeks by default
    assert UsageCount.objects.count() == 3
    settings.USAGE_WEEKS = 4
    call_command("prune_usage")
    kept = sorted((this_week - row.week).days // 7 for row in UsageCount.objects.all())
    assert kept == [0, 3]
    with pytest.raises(CommandError):
        call_command("prune_usage", "--weeks", "0")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="threads share one in-memory SQLite database")
def test_simultaneous_counts_of_a_new_row_from_many_threads_all_arrive(at_once):
    barrier = threading.Barrier(20)

    def read(i: int) -> None:
        barrier.wait()
        try:
            counter.count(Kind.CODE_READ, "AU118")
            counter.flush_when_due()  # as each request's end would: racing to insert the week's row
        finally:
            connections.close_all()

    for _burst in range(2):
        with ThreadPoolExecutor(20) as pool:
            list(pool.map(read, range(20)))
    assert counted(Kind.CODE_READ) == {"AU118": 40}
