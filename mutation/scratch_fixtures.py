"""Fixtures for the scratch copy a mutation run works in (mutation/run.py adds them to its
tests/conftest.py; the project's own test runs never use them).

A fresh database per mutant, cheaply. mutmut runs the engine's tests once per mutant, each time in
a new pytest session. The normal set-up (tests/conftest.py: migrate a new SQLite database, then load
the real content) is most of what a killed mutant costs. Here the first session of a run (mutmut's
own runs of the unmutated tests, before any mutant) sets up the database as usual and saves a copy
of it; every later session, in a mutant's process, starts from its own copy of that file. mutation/run.py
names the file (KVA_MUTATION_DB_TEMPLATE, inside the scratch copy), so that its quiet reruns of
timed-out mutants, each a new process, start from it too, and it goes with the scratch copy. The copy
holds exactly what the normal set-up writes (the mutated engines play no part in migrating or
loading content), and it gets a new content token, as a fresh load would.

No cache built by unmutated code. Each mutant's process is forked from mutmut's main process, which
has run the tests already: its search index (kept per content token), and the engines' lru_caches
(the described visit's lexicon and cues, Swedish stems and folds) were filled by the unmutated
code, and a mutant of the code that fills them would never run. So every session starts with those
caches empty, whether or not it sets up a database (caches_empty_at_start). And mutmut runs a
mutant only against the tests that called the mutated function when it collected its statistics:
there every test starts with empty caches, so that each test that relies on the index or the
lexicon is counted as calling the code that builds them, not only the first test that happened to
fill the cache.

Broad tests first: see FIRST.
"""

import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

import pytest

__all__ = ["caches_empty_at_start", "caches_empty_for_statistics", "django_db_setup", "pytest_collection_modifyitems"]

TEMPLATE = "KVA_MUTATION_DB_TEMPLATE"

# Tests that check the most, run first: a mutant dies at the first failing test (pytest -x), and most
# die on these. Only the order changes; a surviving mutant still passes every test.
FIRST = ("test_reference_queries_",)


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.name.startswith(FIRST))


def _clear_caches() -> None:
    for name, module in list(sys.modules.items()):
        if name == "catalog" or name.startswith("catalog."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
    index = sys.modules.get("catalog.search.index")
    if index is not None:
        index._cache.__dict__.clear()


@pytest.fixture(scope="session", autouse=True)
def caches_empty_at_start():
    # Every session, not only one that sets up a database: the described visit's and the Swedish
    # analysis's tests need none, and without this their mutants ran on the lexicon, cues and
    # stems mutmut's own process had cached (so mutants of the code that builds them survived).
    _clear_caches()


@pytest.fixture(autouse=True)
def caches_empty_for_statistics():
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":
        _clear_caches()


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    from django.conf import settings
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    from catalog.loading.load import load
    from catalog.loading.read import read_content
    from catalog.models import SearchIndexState

    _clear_caches()
    template = os.environ.get(TEMPLATE)
    if not template or not Path(template).exists():
        with django_db_blocker.unblock():
            databases = setup_databases(verbosity=0, interactive=False)
            load(read_content())
            path = (
                Path(template) if template else Path(tempfile.mkdtemp(prefix="kva-mutation-db-")) / "template.sqlite3"
            )
            partial = path.with_name(path.name + ".partial")
            connection = connections["default"]
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            connection.connection.backup(target)
            target.close()
            # A set-up stopped half way leaves no half-written template for the next process to copy.
            partial.replace(path)
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
