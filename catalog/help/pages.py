"""The help pages: Markdown files in this package's pages/ folder, rendered to safe HTML.

The files are ours, but they are still rendered with raw HTML switched off (a `<script>` in a file
is shown as text) and markdown-it's own link check (no `javascript:` or `data:` links), so a help
page can never carry markup the Content-Security-Policy would have to forgive.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify
from markdown_it import MarkdownIt

PAGES_DIR = Path(__file__).resolve().parent / "pages"
# The address segment under /hjalp/ → its file; "" is the index (/hjalp/).
PAGES = {"": "index.md", "kliniker": "kliniker.md", "samordnare": "samordnare.md", "utbildare": "utbildare.md"}


@dataclass(frozen=True)
class HelpPage:
    slug: str
    title: str
    html: str
    contents: tuple[tuple[str, str], ...]  # (anchor, heading) of each second-level heading


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.core.ruler.push("heading_ids", _heading_ids)
    return md


def _heading_ids(state) -> None:
    """Give each heading below the title an id from its words, so a section can be linked (#sok)."""
    tokens = state.tokens
    taken: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag == "h1":
            continue
        base = slugify(tokens[index + 1].content) or "avsnitt"
        anchor, n = base, 2
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        taken.add(anchor)
        token.attrSet("id", anchor)


@functools.lru_cache(maxsize=16)
def _render(path: Path, modified: int) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    md = _markdown()
    tokens = md.parse(path.read_text(encoding="utf-8"))
    # The page's title is the file's first heading; the template sets it above the contents.
    first = next((i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"), None)
    title = tokens[first + 1].content if first is not None else ""
    if first is not None:
        del tokens[first : first + 3]
    contents = tuple(
        (t.attrGet("id"), tokens[i + 1].content)
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2"
    )
    return title, md.renderer.render(tokens, md.options, {}), contents


def page(slug: str) -> HelpPage | None:
    """The help page at /hjalp/<slug>/, or None when there is none. Rendered once per file version."""
    name = PAGES.get(slug)
    if name is None:
        return None
    path = PAGES_DIR / name
    title, html, contents = _render(path, path.stat().st_mtime_ns)
    return HelpPage(slug=slug, title=title, html=html, contents=contents)
