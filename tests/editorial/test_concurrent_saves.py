"""Simultaneous saves: no silent overwrite and no 500, on PostgreSQL (threads) and on a SQLite file."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from catalog.loading.load import load
from catalog.loading.read import read_content
from catalog.models import Entry, Revision
from tests.support.concurrent_saves import WRITERS, coordinators, simultaneous_saves
from tests.support.unquoted import unquoted_entries

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def check_same_entry(results: list[dict], final: str) -> None:
    """One save wins; every other one is refused with the conflict shown, none crashes."""
    assert [r for r in results if r["status"] not in (200, 302)] == []
    winners = [r for r in results if r["status"] == 302]
    assert len(winners) == 1, results
    assert all(r["refused"] for r in results if r["status"] == 200), results
    assert final == f"Text från samordnare {winners[0]['writer']}."


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL run; SQLite is proven on a real file below")
@pytest.mark.django_db(transaction=True)
def test_eight_coordinators_saving_one_entry_at_once_on_postgresql_lose_nothing_silently():
    load(read_content())
    clients = coordinators(WRITERS)
    entry = unquoted_entries(1)[0]
    results = simultaneous_saves([entry] * WRITERS, clients)
    check_same_entry(results, Entry.objects.get(pk=entry.pk).anvisning)
    changes = Revision.objects.filter(
        content_type__model="entry", object_id=entry.pk, action=Revision.Action.CHANGED
    ).count()
    assert changes == 1
    assert connection.vendor == "postgresql"


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL run; SQLite is proven on a real file below")
@pytest.mark.django_db(transaction=True)
def test_eight_coordinators_saving_different_entries_at_once_on_postgresql_all_succeed():
    load(read_content())
    clients = coordinators(WRITERS)
    entries = unquoted_entries(WRITERS)
    results = simultaneous_saves(entries, clients)
    assert [r["status"] for r in results] == [302] * WRITERS, results
    assert [Entry.objects.get(pk=e.pk).anvisning for e in entries] == [
        f"Text från samordnare {i}." for i in range(WRITERS)
    ]


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite run")
def test_eight_simultaneous_saves_on_a_sqlite_file_give_no_500_and_no_silent_overwrite(tmp_path):
    """Separate connections to one database file, as gunicorn's workers and threads have."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.concurrent_saves", str(tmp_path / "kva.sqlite3")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=settings.BASE_DIR,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    check_same_entry(outcome["same"], outcome["same_final"])
    assert [r["status"] for r in outcome["different"]] == [302] * WRITERS, outcome["different"]
    assert outcome["different_final"] == [f"Text från samordnare {i}." for i in range(WRITERS)]
