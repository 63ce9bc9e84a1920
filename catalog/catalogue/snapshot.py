"""The catalogue as the list and code pages show it: one immutable copy per process and content state.

A cold list or code render used to spend most of its time compiling ORM queries (select_related
over four tables costs milliseconds of Python for a database answer of a fraction of one). Here
the few hundred rows those pages read are fetched once, with five plain ``values_list`` queries
(no model instances), into frozen value objects; a render then looks them up in dictionaries and
runs no query.

The objects compare and hash by value (never by id or version), which is what lets
catalog.fragments keep a rendered row under exactly the values it shows. Whatever a page shows
that depends on the day (a retired mark) is computed here, so the copy is only ever valid for
one day: ``_state()`` includes the date.
"""

import threading
from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone

from catalog.caching import freshness, signals
from catalog.models import CodeList, Entry, Mention, Section, SourceDocument, retired
from catalog.text import textlinks


@dataclass(frozen=True, slots=True)
class SourceData:
    id: int
    slug: str
    kind: str
    identifier: str
    title: str
    issuer: str
    date: date | None
    valid_from: date | None
    note: str
    url: str

    def get_absolute_url(self) -> str:
        return self.url


@dataclass(frozen=True, slots=True)
class ListData:
    id: int
    slug: str
    title: str
    order: int
    intro: str
    beskrivning_label: str
    anvisning_label: str
    source: SourceData
    known: frozenset[str]  # the codes its intro mentions that have a page
    grey: bool  # its intro mentions a code without a page

    def get_absolute_url(self) -> str:
        return reverse("catalog:list", args=[self.slug])


@dataclass(frozen=True, slots=True)
class SectionData:
    id: int
    list_id: int
    slug: str
    order: int
    title: str
    overview_title: str
    instructions_title: str
    instructions: str
    note: str
    known: frozenset[str]
    grey: bool


@dataclass(frozen=True, slots=True)
class CodeData:
    code: str
    title: str
    is_tillaggskod: bool
    is_regional: bool
    valid_to: date | None
    is_retired: bool
    decision: SourceData | None

    def get_absolute_url(self) -> str:
        return reverse("catalog:code", args=[self.code])


@dataclass(frozen=True, slots=True)
class EntryData:
    id: int
    list_id: int
    section_id: int
    code: CodeData
    order: int
    title: str
    marker: str
    beskrivning: str | None
    anvisning: str | None
    overview_title: str | None
    overview_marker: str
    in_table: bool
    note: str
    valid_to: date | None
    is_retired: bool
    known: frozenset[str]  # the codes its texts mention that have a page
    grey: bool  # its texts mention a code without a page

    @property
    def retired_on(self) -> date | None:
        dates = [d for d in (self.valid_to, self.code.valid_to) if d is not None]
        return min(dates) if dates else None


@dataclass(frozen=True, slots=True)
class PartData:
    slug: str
    heading: str
    document: SourceData


@dataclass(frozen=True, slots=True)
class MentionData:
    """Where a code is named: in an entry's texts, a section's instructions or a document part."""

    entry: EntryData | None = None
    section: SectionData | None = None
    code_list: ListData | None = None  # the entry's or the section's list
    part: PartData | None = None


@dataclass(frozen=True)
class Catalogue:
    lists: dict[str, ListData]
    sections: dict[int, tuple[SectionData, ...]]  # by list id, in order
    rows: dict[int, tuple[EntryData, ...]]  # by section id, in order
    entries: dict[str, tuple[EntryData, ...]]  # by code, in list and section order
    mentions: dict[str, tuple[MentionData, ...]]  # by code, in the order they were recorded
    lists_by_id: dict[int, ListData]
    sections_by_id: dict[int, SectionData]
    listed: frozenset[str]  # every code that stands in a list


def _known(listed: frozenset[str], *texts: str | None) -> tuple[frozenset[str], bool]:
    mentioned = {code for text in texts for code in textlinks.codes_in(text)}
    known = frozenset(mentioned & listed)
    return known, len(known) < len(mentioned)


def build() -> Catalogue:
    """Read the catalogue in five plain queries (a few hundred rows)."""
    today = timezone.localdate()
    list_rows = list(
        CodeList.objects.order_by("order", "title", "id").values_list(
            "id", "slug", "title", "source_id", "order", "intro", "beskrivning_label", "anvisning_label"
        )
    )
    first_list_of: dict[int, str] = {}
    for row in list_rows:
        first_list_of.setdefault(row[3], row[1])

    def source_url(pk: int, slug: str, kind: str, identifier: str) -> str:
        # As SourceDocument.get_absolute_url, without its query for a list's source.
        if kind == SourceDocument.Kind.BASLISTA:
            return reverse("catalog:list", args=[first_list_of[pk]]) if pk in first_list_of else reverse("catalog:home")
        return SourceDocument(kind=kind, slug=slug, identifier=identifier).get_absolute_url()

    sources = {
        row[0]: SourceData(*row, url=source_url(*row[:4]))
        for row in SourceDocument.objects.values_list(
            "id", "slug", "kind", "identifier", "title", "issuer", "date", "valid_from", "note"
        )
    }
    entry_rows = list(
        Entry.objects.order_by("section_id", "order", "id").values_list(
            "id", "code_list_id", "section_id", "order", "title", "marker", "beskrivning", "anvisning",
            "overview_title", "overview_marker", "in_table", "note", "valid_to",
            "code__code", "code__title", "code__is_tillaggskod", "code__is_regional", "code__valid_to",
            "code__decision_id",
        )
    )  # fmt: skip
    listed = frozenset(row[13] for row in entry_rows)

    lists_by_id = {}
    for pk, slug, title, source_id, order, intro, beskrivning_label, anvisning_label in list_rows:
        known, grey = _known(listed, intro)
        lists_by_id[pk] = ListData(
            pk, slug, title, order, intro, beskrivning_label, anvisning_label, sources[source_id], known, grey
        )
    sections_by_id = {}
    sections: dict[int, list[SectionData]] = {pk: [] for pk in lists_by_id}
    for row in Section.objects.order_by("code_list_id", "order", "id").values_list(
        "id", "code_list_id", "slug", "order", "title", "overview_title", "instructions_title", "instructions", "note"
    ):
        section = SectionData(*row, *_known(listed, row[7]))
        sections_by_id[section.id] = section
        sections[section.list_id].append(section)

    entries_by_id, rows = _entries(entry_rows, sources, listed, sections_by_id, today)
    by_code: dict[str, list[EntryData]] = {}
    for entry in sorted(
        entries_by_id.values(),
        key=lambda e: (lists_by_id[e.list_id].order, sections_by_id[e.section_id].order, e.order, e.id),
    ):
        by_code.setdefault(entry.code.code, []).append(entry)
    mentions = _mentions(entries_by_id, lists_by_id, sections_by_id, sources)
    return Catalogue(
        lists={data.slug: data for data in lists_by_id.values()},
        sections={pk: tuple(items) for pk, items in sections.items()},
        rows={pk: tuple(items) for pk, items in rows.items()},
        entries={code: tuple(items) for code, items in by_code.items()},
        mentions={code: tuple(items) for code, items in mentions.items()},
        lists_by_id=lists_by_id,
        sections_by_id=sections_by_id,
        listed=listed,
    )


def _entries(entry_rows, sources, listed, sections_by_id, today):
    """Each entry once (by id) and each section's rows in order; a code's data is shared by its entries."""
    codes: dict[str, CodeData] = {}
    entries_by_id = {}
    rows: dict[int, list[EntryData]] = {pk: [] for pk in sections_by_id}
    for row in entry_rows:
        pk, list_id, section_id, order, title, marker, beskrivning, anvisning, *rest = row[:13]
        code = codes.get(row[13])
        if code is None:
            valid_to, decision_id = row[17], row[18]
            code = codes[row[13]] = CodeData(*row[13:18], retired(valid_to, today), sources.get(decision_id))
        known, grey = _known(listed, beskrivning, anvisning)
        entry = EntryData(
            pk, list_id, section_id, code, order, title, marker, beskrivning, anvisning, *rest,
            is_retired=retired(row[12], today) or code.is_retired, known=known, grey=grey,
        )  # fmt: skip
        entries_by_id[pk] = entry
        rows[section_id].append(entry)
    return entries_by_id, rows


def _mentions(entries_by_id, lists_by_id, sections_by_id, sources) -> dict[str, list[MentionData]]:
    """Where each code is named: "Nämns i" on its page."""
    mentions: dict[str, list[MentionData]] = {}
    for code, entry_id, section_id, part_slug, part_heading, document_id in Mention.objects.order_by("id").values_list(
        "code", "entry_id", "section_id", "part__slug", "part__heading", "part__document_id"
    ):
        if entry_id is not None:
            entry = entries_by_id[entry_id]
            mention = MentionData(entry=entry, code_list=lists_by_id[entry.list_id])
        elif section_id is not None:
            section = sections_by_id[section_id]
            mention = MentionData(section=section, code_list=lists_by_id[section.list_id])
        elif document_id is not None:
            mention = MentionData(part=PartData(part_slug, part_heading, sources[document_id]))
        else:
            mention = MentionData()
        mentions.setdefault(code, []).append(mention)
    return mentions


_lock = threading.Lock()
_kept: tuple[str, Catalogue] | None = None


def _state() -> str:
    """When the copy must be read again: the content's generation token, which includes the day.

    The one place that decides it, so a finer signal (only changes that touch lists, entries,
    codes, sections, sources or mentions) can replace it; whatever replaces it must still change
    at midnight, because retired marks are computed here.

    It takes the token the page cache read for this very request (catalog.pagecache calls
    freshness.generation() before every view it wraps, and all callers are such views) instead
    of asking the database again: on a busy machine every query costs about a millisecond of
    waiting for the database process, more than the rest of a code page's render. Outside a
    cached view, with no token read yet in this thread, it asks. Should the page cache stop
    calling freshness.generation() first, this must ask every time instead
    (tests/caching/test_fragments.py then fails: edits no longer show).
    """
    return freshness.last_seen() or freshness.generation()


# Changes that cannot alter what this copy holds: synonyms and concepts (search), the wizard and
# practice cases. A new day still reads it again (the watcher reports anything then).
UNRELATED = frozenset({signals.SEARCH_WORDS, signals.WIZARD})
_watcher = freshness.Watcher()


def current() -> Catalogue:
    global _kept
    state = _state()
    kept = _kept
    if kept is not None and kept[0] == state:
        return kept[1]
    with _lock:
        if _kept is None or _kept[0] != state:
            touched = _watcher.touched(state)
            if _kept is None or touched - UNRELATED:
                _kept = (state, build())
            else:
                _kept = (state, _kept[1])
        return _kept[1]


def clear() -> None:
    global _kept
    with _lock:
        _kept = None
        _watcher.reset()
