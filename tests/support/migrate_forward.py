"""Brings a database made by an earlier release forward with this code's migrations, and reads it back.

    python -m tests.support.migrate_forward <database url> <old SQLite file>

The old file is what a site on that release held (tests/data/database-33b8345.sqlite3.gz, made by
tests/support/old_database.py). For SQLite the URL names a copy of that file; for PostgreSQL an empty
database is brought to the old release's migrations and the old rows are copied in, as they would
stand. Then this code's ``migrate`` runs and every old row is read back through this code's models.
Prints one JSON object: what was found, for tests/site/test_migrations.py to judge.
"""

import gzip
import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path

# Tables the old release had that no model of this code maps one row to one object.
UNMODELLED = {"django_migrations", "sqlite_sequence"}


def old_rows(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    with sqlite3.connect(path) as old:
        tables = [r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        found = {}
        for table in tables:
            cursor = old.execute(f'SELECT * FROM "{table}"')
            found[table] = ([d[0] for d in cursor.description], cursor.fetchall())
        return found


def old_migrations(rows) -> dict[str, str]:
    columns, data = rows["django_migrations"]
    app, name = columns.index("app"), columns.index("name")
    last: dict[str, str] = {}
    for row in sorted(data, key=lambda r: r[columns.index("id")]):
        last[row[app]] = row[name]
    return last


def _typed(kind: str, value):
    """An SQLite value as PostgreSQL's column type takes it: 0/1 as a boolean, JSON text as JSON."""
    from psycopg.types.json import Jsonb

    if value is None:
        return None
    if kind == "boolean":
        return bool(value)
    if kind in ("jsonb", "json"):
        return Jsonb(json.loads(value))
    return value


def copy_into_postgresql(rows) -> None:
    """The old rows into the tables the old migrations made, with SQLite's 0/1 and JSON text typed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # rows in any order, as the old file had them
        for table, (columns, data) in rows.items():
            if table in UNMODELLED or not data:
                continue
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", [table]
            )
            types = dict(cursor.fetchall())
            assert types, f"the old migrations made no table {table}"
            cursor.execute(f'DELETE FROM "{table}"')  # rows the migrations wrote (content types, permissions)

            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                [[_typed(types[c], v) for c, v in zip(columns, row, strict=True)] for row in data],
            )
        cursor.execute("SET session_replication_role = DEFAULT")


def reset_sequences() -> None:
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    # Only the tables the old migrations made: a model added since has none yet.
    existing = set(connection.introspection.table_names())
    models = [m for config in apps.get_app_configs() for m in config.get_models() if m._meta.db_table in existing]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def read_back(rows) -> dict:
    """Every old table through this code's models: rows by primary key, and each text as it was."""
    from django.apps import apps
    from django.db import connection, models

    by_table = {
        m._meta.db_table: m for config in apps.get_app_configs() for m in config.get_models(include_auto_created=True)
    }
    missing_tables, missing_rows, changed_texts, counted = [], {}, [], 0
    for table, (columns, data) in rows.items():
        if table in UNMODELLED:
            continue
        model = by_table.get(table)
        if model is None:
            missing_tables.append(table)
            continue
        pk = model._meta.pk.attname
        texts = {
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and f.attname in columns
        }
        stored = {row[pk]: row for row in model.objects.values(pk, *texts)}
        # The old rows read back; a new model's migration adds rows of its own to old tables
        # (its content type and permissions), which are not the old release's.
        lost = [row[columns.index(pk)] for row in data if row[columns.index(pk)] not in stored]
        counted += len(data) - len(lost)
        if lost:
            missing_rows[table] = lost[:10]
        for row in data:
            now = stored.get(row[columns.index(pk)])
            for name in texts if now else ():
                if now[name] != row[columns.index(name)]:
                    changed_texts.append(f"{table}.{name} #{row[columns.index(pk)]}")
    return {
        "vendor": connection.vendor,
        "missing_tables": missing_tables,
        "missing_rows": missing_rows,
        "changed_texts": changed_texts[:20],
        "rows_read": counted,
    }


def the_stories() -> dict:
    """What a coordinator did on the old release, seen through this one."""
    from django.test import Client

    from catalog.editorial import history
    from catalog.loading.load import load
    from catalog.loading.read import read_content
    from catalog.models import ChangeSuggestion, Draft, Entry, PracticeCount, Revision, SearchMiss

    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    edit = history.revisions_for(entry).filter(user__username="anna").first()
    report = load(read_content())
    page = Client().get("/kod/AU118/")
    return {
        "edit_kept": "Tillägg av samordnaren" in (entry.anvisning or ""),
        "edit_recorded_by": edit.user.username if edit else None,
        "edit_changes": [c.name for c in history.changes(edit)] if edit else [],
        "undone": Revision.objects.filter(action="reverted", user__username="bo").exists(),
        "restored_deletion": Revision.objects.filter(action="reverted", user__username="anna").exists(),
        "drafts_waiting": Draft.objects.filter(status=Draft.Status.WAITING, author__username="bo").count(),
        "suggestions": list(ChangeSuggestion.objects.values_list("code", "text")),
        "search_misses": list(SearchMiss.objects.values_list("query", "count")),
        "practice_counts": list(PracticeCount.objects.values_list("tried", "solved")),
        "reload_kept_edits": len(report.kept_edits),
        "edit_survives_reload": "Tillägg av samordnaren" in (Entry.objects.get(pk=entry.pk).anvisning or ""),
        "code_page": page.status_code,
        "code_page_shows_edit": "Tillägg av samordnaren" in page.content.decode(),
    }


def main(url: str, fixture: str) -> None:
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"kva-migrate-{os.getpid()}.sqlite3"
    with gzip.open(fixture, "rb") as source, work.open("wb") as target:
        shutil.copyfileobj(source, target)
    rows = old_rows(work)
    if url.startswith("sqlite"):
        url = f"sqlite:///{work}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvaguide.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if not url.startswith("sqlite"):
        # auth first: the app's post_migrate hook makes the coordinators' group after every migrate.
        for app, name in sorted(old_migrations(rows).items(), key=lambda item: item[0] != "auth"):
            call_command("migrate", app, name, verbosity=0)
        copy_into_postgresql(rows)
        reset_sequences()
    call_command("migrate", verbosity=0)
    result = read_back(rows) | the_stories()
    work.unlink()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
