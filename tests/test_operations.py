"""Operations: health check, JSON access log, bounded log tables."""

import pytest
from django.db import connection

from catalog.models import SearchIndexState

pytestmark = pytest.mark.django_db


def _make_read_only():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET TRANSACTION READ ONLY")


def _make_writable():
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")
    # PostgreSQL: the test's transaction, read-only now, is rolled back after the test anyway.


def test_healthz_answers_503_when_the_database_cannot_be_written(client):
    SearchIndexState.current()
    assert client.get("/healthz").status_code == 200
    _make_read_only()
    try:
        response = client.get("/healthz")
    finally:
        _make_writable()
    assert response.status_code == 503
    assert response.json()["status"] == "fel"


def test_healthz_leaves_the_generation_token_unchanged(client):
    before = SearchIndexState.current()
    assert client.get("/healthz").status_code == 200
    assert SearchIndexState.current() == before


HOSTILE_PATHS = [
    '/sok/"},"status":200,"x":"',
    "/kod/AU118\\\\/",
    "/lista/%00%01%1b[31m%0d%0a%7f/",
    "/kod/%22%5C%0A%E2%80%A8/",
    "/%ff%fe/%c2%85/",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_the_access_log_is_one_valid_json_object_per_request_for_hostile_paths(client, path, settings):
    import io
    import json
    import logging

    from kvaguide.logs import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("kvaguide.access")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        response = client.get(path, QUERY_STRING='q="\\\x07')
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1, lines
    record = json.loads(lines[0])
    assert record["status"] == response.status_code
    assert record["method"] == "GET"
    assert record["path"] == response.wsgi_request.path
    assert record["query"] == 'q="\\\x07'
    assert record["bytes"] == len(response.content) and record["ms"] >= 0


def test_search_misses_are_bounded_in_number_and_age(settings):
    import datetime

    from django.utils import timezone

    from catalog.models import SearchMiss

    settings.SEARCH_MISS_LIMIT = 5
    SearchMiss.objects.all().delete()
    SearchMiss.record("gammal sökning")
    SearchMiss.objects.filter(query="gammal sökning").update(
        last_seen=timezone.now() - datetime.timedelta(days=settings.SEARCH_MISS_DAYS + 1)
    )
    for i in range(8):
        SearchMiss.record(f"okänd sökning {i}")
    kept = set(SearchMiss.objects.values_list("query", flat=True))
    assert len(kept) == 5
    assert "gammal sökning" not in kept
    assert "okänd sökning 7" in kept


def test_failed_login_rows_older_than_the_cool_off_are_removed(client, settings):
    import datetime

    from axes.models import AccessAttempt
    from django.utils import timezone

    from tests.rendered_forms import submit

    for i in range(3):
        submit(client, "/admin/login/", {"username": f"gissning{i}", "password": "fel"}, REMOTE_ADDR="81.10.0.1")
    assert AccessAttempt.objects.count() == 3
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(1))
    submit(client, "/admin/login/", {"username": "ny", "password": "fel"}, REMOTE_ADDR="81.10.0.2")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["ny"]
