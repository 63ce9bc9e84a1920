import pytest

from catalog.content import load, read_content


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real content, loaded once per run."""
    with django_db_blocker.unblock():
        load(read_content())


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests change content and search at once: check the index's freshness on every search.
    settings.CONTENT_CHECK_SECONDS = 0
    # Each test starts with no rendered pages kept from another test's content.
    from catalog import pagecache

    pagecache.clear()
