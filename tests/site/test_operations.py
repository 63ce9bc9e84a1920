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

    from tests.support.rendered_forms import submit

    for i in range(3):
        submit(client, "/admin/login/", {"username": f"gissning{i}", "password": "fel"}, REMOTE_ADDR="81.10.0.1")
    assert AccessAttempt.objects.count() == 3
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(1))
    submit(client, "/admin/login/", {"username": "ny", "password": "fel"}, REMOTE_ADDR="81.10.0.2")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["ny"]
