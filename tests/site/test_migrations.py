"""A site's database from an earlier release migrates forward with nothing lost.

tests/data/database-33b8345.sqlite3.gz is what a site on commit 33b8345 (main before the packages)
held: the content as loaded, a coordinator's edit with its history, an undone edit, a restored
deletion, a waiting draft, a suggestion, a search miss and practice counts. This code's migrations
run over it (on the database the suite runs on) and every row is read back through this code's models.
"""

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.support.migrate_forward import UNMODELLED
from tests.support.paths import DATA, ROOT

OLD_DATABASE = DATA / "database-33b8345.sqlite3.gz"


def _old_row_count(tmp_path) -> int:
    copy = tmp_path / "old.sqlite3"
    copy.write_bytes(gzip.decompress(OLD_DATABASE.read_bytes()))
    with sqlite3.connect(copy) as old:
        tables = [r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return sum(old.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t not in UNMODELLED)


def _run(url: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.migrate_forward", url, str(OLD_DATABASE)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def database_url():
    """A new, empty database beside the test database, on the same server (SQLite: a file the script makes)."""
    if connection.vendor == "sqlite":
        yield "sqlite://"
        return
    db = settings.DATABASES["default"]
    name = f"kva_migrate_{uuid.uuid4().hex[:8]}"
    server = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"] or "postgres"}
    with psycopg.connect(**server, password=db["PASSWORD"] or None, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{server['user']}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(**server, password=db["PASSWORD"] or None, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_every_row_of_the_earlier_release_is_read_back_after_the_migrations(database_url, tmp_path):
    found = _run(database_url)
    assert found["vendor"] == connection.vendor
    assert found["missing_tables"] == []
    assert found["missing_rows"] == {}
    assert found["changed_texts"] == []
    assert found["rows_read"] == _old_row_count(tmp_path)
    # What the coordinators did is still there, and a reload of the content keeps their edit.
    assert found["edit_kept"] and found["edit_recorded_by"] == "anna" and found["edit_changes"] == ["anvisning"]
    assert found["undone"] and found["restored_deletion"]
    assert found["drafts_waiting"] == 1
    assert found["suggestions"] == [["AU118", "Anvisningen borde nämna tolk."]]
    assert found["search_misses"] == [["tobaksavvänjning barn", 1]]
    assert found["practice_counts"] == [[2, 1]]
    assert found["reload_kept_edits"] >= 1 and found["edit_survives_reload"]
    assert found["code_page"] == 200 and found["code_page_shows_edit"]
