"""The test database for a mutation run: built once, then copied for each mutant.

mutmut runs the engine's tests once per mutant, each time in a new pytest session. The normal
set-up (tests/conftest.py: migrate a new SQLite database, then load the real content) is most of
what a killed mutant costs. Here the first session of a run (mutmut's own runs of the unmutated
tests, before any mutant) sets up the database as usual and saves a copy of it; every later
session, in a mutant's process, starts from its own copy of that file instead. The copy holds
exactly what the normal set-up writes (the mutated engines play no part in migrating or loading
content), and it gets a new content token, as a fresh load would, so that no process reuses a
search index or wizard tree built from another session's database.

mutation/run.py puts this fixture in place of django_db_setup in the scratch copy's
tests/conftest.py; the project's own test runs never use it.
"""

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest

TEMPLATE = "KVA_MUTATION_DB_TEMPLATE"


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    from django.conf import settings
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    from catalog.content import load, read_content
    from catalog.models import SearchIndexState

    template = os.environ.get(TEMPLATE)
    if not template or not Path(template).exists():
        with django_db_blocker.unblock():
            databases = setup_databases(verbosity=0, interactive=False)
            load(read_content())
            path = Path(tempfile.mkdtemp(prefix="kva-mutation-db-")) / "template.sqlite3"
            connection = connections["default"]
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
        os.environ[TEMPLATE] = str(path)
        try:
            yield
        finally:
            with django_db_blocker.unblock():
                teardown_databases(databases, verbosity=0)
        return

    own = Path(template).with_name(f"test-{os.getpid()}.sqlite3")
    shutil.copyfile(template, own)
    default = connections["default"]
    before = default.settings_dict["NAME"]
    with django_db_blocker.unblock():
        default.close()
        default.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = str(own)
        SearchIndexState.bump()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            default.close()
            default.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = before
        own.unlink(missing_ok=True)
