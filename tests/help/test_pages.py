"""/hjalp/: the help pages for clinicians, coordinators and trainers, written in Markdown in the repo."""

import os
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User

from catalog.editorial.accounts import trainer_group
from catalog.help import pages

pytestmark = pytest.mark.django_db

# Each page, and the headings that say it covers what its readers came for.
PAGES = {
    "/hjalp/": ("Hjälp", ["Välj din hjälpsida"]),
    "/hjalp/kliniker/": (
        "Hjälp för dig som registrerar koder",
        [
            "Sök en kod",
            "Jag arbetar inom",
            "Läs en kod",
            "Grå koder",
            "Kopiera koden",
            "Besöksguiden",
            "Beskriv besöket med egna ord",
        ],
    ),
    "/hjalp/samordnare/": (
        "Hjälp för kodningssamordnare",
        [
            "Startsidan: välj vad du vill göra",
            "Redigera från sidan du läser",
            "Redigera texter",
            "Om någon annan ändrade samtidigt",
            "Utkast och granskning",
            "Historik och ångra",
            "Exportera och importera CSV",
            "Regionala beslut",
            "Förslag från användarna",
        ],
    ),
    "/hjalp/utbildare/": (
        "Hjälp för utbildare",
        ["Övningar", "Set för en klass", "Presentationsläge", "Skriv ut", "Klassrum"],
    ),
}


class Page(HTMLParser):
    """What a help page holds: its language, headings (with ids), links and ids."""

    def __init__(self):
        super().__init__()
        self.lang, self.headings, self.links, self.ids, self._heading = None, {}, [], set(), None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag in ("h1", "h2", "h3"):
            self._heading = [tag, ""]
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data

    def handle_endtag(self, tag):
        if self._heading and tag == self._heading[0]:
            self.headings[self._heading[1].strip()] = tag
            self._heading = None


def parsed(response) -> Page:
    page = Page()
    page.feed(response.content.decode())
    return page


@pytest.mark.parametrize("url", PAGES)
def test_each_help_page_is_swedish_with_its_title_and_headings(client, url):
    title, headings = PAGES[url]
    response = client.get(url)
    assert response.status_code == 200
    page = parsed(response)
    assert page.lang == "sv"
    assert page.headings.get(title) == "h1"
    assert f"<title>{title} – KVÅ-guiden</title>" in response.content.decode()
    assert [h for h in headings if h not in page.headings] == []


@pytest.mark.parametrize("url", PAGES)
def test_every_heading_in_the_file_is_on_the_page_and_the_contents_link_to_them(client, url):
    slug = url.strip("/").removeprefix("hjalp").strip("/")
    source = (pages.PAGES_DIR / pages.PAGES[slug]).read_text(encoding="utf-8")
    written = [line.lstrip("#").strip() for line in source.splitlines() if re.match(r"#{2,3} ", line)]
    page = parsed(client.get(url))
    assert [h for h in written if h not in page.headings] == []
    anchors = [link[1:] for link in page.links if link.startswith("#") and link != "#innehall"]
    assert [a for a in anchors if a not in page.ids] == []


def test_subpages_list_their_sections_and_link_to_the_other_help_pages(client):
    html = client.get("/hjalp/samordnare/").content.decode()
    assert '<nav class="hjalp__innehall" aria-label="På den här sidan">' in html
    assert '<a href="#utkast-och-granskning">Utkast och granskning</a>' in html
    assert '<a href="/hjalp/kliniker/">Hjälp för dig som registrerar koder</a>' in html
    assert '<a href="/hjalp/utbildare/">Hjälp för utbildare</a>' in html


@pytest.mark.parametrize("url", ["/", "/kod/AU118/", "/besok/", "/lista/psykiatri/"])
def test_the_site_header_links_to_the_help(client, url):
    html = client.get(url).content.decode()
    menu = html[html.index('<nav class="huvudmeny"') : html.index("</nav>", html.index('<nav class="huvudmeny"'))]
    assert '<a href="/hjalp/">Hjälp</a>' in menu


@pytest.mark.parametrize("url", ["/admin/", "/admin/catalog/entry/", "/admin/catalog/practicecase/"])
def test_the_admin_links_to_the_help_for_coordinators(client, logged_in_coordinator, url):
    html = client.get(url).content.decode()
    user_tools = html[html.index('id="user-tools"') :]
    assert '<a href="/hjalp/" id="hjalp-lank">Hjälp</a>' in user_tools[: user_tools.index("</div>")]


def test_the_admin_links_to_the_help_for_trainers(client):
    trainer = User.objects.create_user("utbildare", password="x", is_staff=True)
    trainer.groups.add(trainer_group())
    client.force_login(trainer)
    assert 'id="hjalp-lank"' in client.get("/admin/catalog/practicecase/").content.decode()


def test_an_unknown_help_page_is_a_swedish_404(client):
    response = client.get("/hjalp/okand-sida/")
    assert response.status_code == 404
    page = parsed(response)
    assert page.lang == "sv"
    assert "Sidan finns inte" in page.headings


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_help_pages_only_answer_get_and_head(client, method):
    assert getattr(client, method)("/hjalp/kliniker/").status_code == 405


def test_head_answers_like_get_without_a_body(client):
    response = client.head("/hjalp/utbildare/")
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"].startswith("text/html")


def test_a_help_page_runs_no_query(client, django_assert_num_queries):
    client.get("/hjalp/kliniker/")  # the page's Markdown rendered once
    with django_assert_num_queries(0):
        assert client.get("/hjalp/kliniker/").status_code == 200


def test_every_site_address_the_help_pages_link_to_exists(client, logged_in_coordinator):
    broken = {}
    for url in PAGES:
        for link in parsed(client.get(url)).links:
            if not link.startswith("/") or link.startswith("//"):
                continue
            status = client.get(link).status_code
            if status >= 400:
                broken[f"{url} → {link}"] = status
    assert broken == {}


@pytest.fixture
def pages_dir(tmp_path, monkeypatch):
    """A copy of the help pages that a test may change."""
    for name in pages.PAGES.values():
        (tmp_path / name).write_bytes((pages.PAGES_DIR / name).read_bytes())
    monkeypatch.setattr(pages, "PAGES_DIR", tmp_path)
    return tmp_path


def test_markdown_is_rendered_without_raw_html_or_script_links(client, pages_dir):
    (pages_dir / "kliniker.md").write_text(
        "# Prov\n\n<script>alert(1)</script>\n\n[klicka](javascript:alert(1)) <b>fet</b> [koden](/kod/AU118/)\n",
        encoding="utf-8",
    )
    html = client.get("/hjalp/kliniker/").content.decode()
    body = html[html.index('<div class="hjalp__text">') :]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body
    assert "&lt;b&gt;fet&lt;/b&gt;" in body
    assert 'href="javascript:' not in body
    assert '<a href="/kod/AU118/">koden</a>' in body


def test_an_edited_help_file_is_served_at_once(client, pages_dir):
    path = pages_dir / "utbildare.md"
    path.write_text("# Första\n", encoding="utf-8")
    assert parsed(client.get("/hjalp/utbildare/")).headings.get("Första") == "h1"
    path.write_text("# Andra\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert parsed(client.get("/hjalp/utbildare/")).headings.get("Andra") == "h1"
