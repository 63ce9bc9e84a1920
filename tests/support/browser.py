"""Browser tests' fixtures: Debian's Chromium through Playwright, a live server with the real content, axe-core.

A plugin of tests/conftest.py, so every browser test module gets ``browser``, ``site`` and ``page``;
tests/conftest.py marks each test that uses them ``browser`` (run on SQLite only). See
../shared/MACHINE-NOTES.md for the flags; `make test` installs Chromium.
"""

import os
import shutil

import pytest

from catalog.loading.load import load
from catalog.loading.read import read_content
from tests.support.accounts import coordinator_client

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Every browser test module sets this as its pytestmark.
needs_chromium = pytest.mark.skipif(
    not shutil.which(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (make test installs it)"
)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db, django_db_setup):
    """A live server with the real content. Transactional tests start from an emptied database;
    copying the loaded one back takes milliseconds where loading the content again takes a second."""
    from django.db import connection

    if django_db_setup is None:
        load(read_content())
    else:
        connection.ensure_connection()
        django_db_setup.backup(connection.connection)
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} ställen)" for v in result.response["violations"]]


def coordinator_page(browser, site: str, name: str = "anna", **context_options):
    """A browser context of its own, logged in as a new coordinator ``name`` (the session cookie of a
    real login); ``context_options`` go to Playwright's new_context (a viewport, JavaScript off …)."""
    client = coordinator_client(name)
    context = browser.new_context(locale="sv-SE", **context_options)
    host = site.split("://", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    return context.new_page()
