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
    # Each test starts with no rendered pages or catalogue copy kept from another test's content
    # (a test's rolled-back edits give the next test the same generation token with other rows).
    from catalog import freshness, pagecache, snapshot

    freshness.forget()
    pagecache.clear()
    snapshot.clear()


@pytest.fixture
def logged_in_coordinator(client):
    """A member of Kodningssamordnare, logged in on the test client."""
    from django.contrib.auth.models import User

    from catalog.accounts import coordinator_group

    user = User.objects.create_user("samordnare", password="x", is_staff=True)
    user.groups.add(coordinator_group())
    client.force_login(user)
    return user
