"""The docs cannot rot silently: every relative link in README.md and docs/ points to a file (and a
heading) that exists, and every site address they link to is one the site serves."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.urls import Resolver404, resolve
from markdown_it import MarkdownIt

from tests.support.paths import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
MARKDOWN = MarkdownIt("commonmark").enable("table")


def _tokens(path: Path):
    for token in MARKDOWN.parse(path.read_text(encoding="utf-8")):
        yield token
        yield from token.children or ()


def links(path: Path) -> list[str]:
    return [token.attrGet("href") for token in _tokens(path) if token.type == "link_open"]


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens."""
    tokens = MARKDOWN.parse(path.read_text(encoding="utf-8"))
    found, seen = set(), {}
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        text = "".join(c.content for c in tokens[index + 1].children if c.type in ("text", "code_inline"))
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        found.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return found


def broken_links(path: Path) -> list[str]:
    broken = []
    for href in links(path):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue
        if href.startswith("/"):
            try:
                resolve(parts.path)
            except Resolver404:
                broken.append(f"{href}: no such address in the site")
            continue
        target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
        if not target.exists():
            broken.append(f"{href}: no such file")
        elif parts.fragment and target.suffix == ".md" and parts.fragment not in anchors(target):
            broken.append(f"{href}: no such heading in {target.name}")
    return broken


def test_the_docs_are_found():
    names = {str(path.relative_to(ROOT)) for path in DOCS}
    assert {"README.md", "docs/README.md", "docs/architecture.md", "docs/operations.md"} <= names
    assert len([name for name in names if name.startswith("docs/adr/")]) >= 4


@pytest.mark.parametrize("path", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_points_to_a_file_and_heading_that_exist(path):
    assert broken_links(path) == []


def test_the_link_check_finds_a_missing_file_a_missing_heading_and_an_unknown_address(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## Behind a proxy\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[a](other.md#behind-a-proxy) [b](missing.md) [c](other.md#nowhere) [d](/hjalp/) [e](/no-such-page/x/y/z)"
        " [f](https://example.se/x) [g](#self)\n\n## Self\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "missing.md: no such file",
        "other.md#nowhere: no such heading in other.md",
        "/no-such-page/x/y/z: no such address in the site",
    ]


def test_the_readme_stays_short():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 100
