import pytest

from catalog.loading.load import load
from catalog.loading.read import read_content

# Browser tests' fixtures (browser, site, page) for every test module.
pytest_plugins = ["tests.support.browser"]


def pytest_collection_modifyitems(items):
    # What a browser shows does not depend on the database behind the server, and the database
    # code those pages run is tested on both through the test client: `make test` runs browser
    # tests on SQLite only (`-m "not browser or both_databases"` on PostgreSQL). A browser test
    # whose point is what several clients do to shared state at once (the live class) is marked
    # `both_databases` and runs on PostgreSQL too.
    for item in items:
        if {"browser", "page"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real content, loaded once per run.

    Yields a byte copy of that database when it is SQLite in memory (else None), taken before any
    transactional test can empty it: browser tests copy it back in milliseconds where loading the
    content again takes a second."""
    import sqlite3

    from django.db import connection

    with django_db_blocker.unblock():
        load(read_content())
        if connection.vendor != "sqlite" or not connection.is_in_memory_db():
            yield None
            return
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
    yield copy
    copy.close()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests change content and search at once: check the index's freshness on every search.
    settings.CONTENT_CHECK_SECONDS = 0
    # Each test starts with no rendered pages or catalogue copy kept from another test's content
    # (a test's rolled-back edits give the next test the same generation token with other rows).
    from catalog.caching import freshness, pagecache
    from catalog.catalogue import snapshot
    from catalog.usage import counter

    freshness.forget()
    pagecache.clear()
    snapshot.clear()
    counter.discard()  # counts another test left waiting in this process


@pytest.fixture
def logged_in_coordinator(client):
    """A member of Kodningssamordnare, logged in on the test client."""
    from django.contrib.auth.models import User

    from catalog.editorial.accounts import coordinator_group

    user = User.objects.create_user("samordnare", password="x", is_staff=True)
    user.groups.add(coordinator_group())
    client.force_login(user)
    return user
