"""Every published version of a ValueSet, read back from the editorial history.

A ValueSet version is the state of its list after a change recorded in the history
(catalog.models.Revision): each revision holds the whole row after the change, so replaying the
revisions of the list, its sections, its entries, the codes they name and the source documents up
to a change gives every row as it stood then, and catalog.fhir.terminology.terms_from turns those
rows into the terms, version and resource exactly as the live build did at the time. Nothing is
stored twice: a version a client pinned before an edit is found again by its version string.

What counts as one change: a revision on its own, except that the rows one action writes together
are one change: a whole load (consecutive "loaded" revisions), a deletion with what it took along
(cascade_of), and consecutive revisions by the same user with the same comment within a few seconds
(a CSV import, a decision applied, an undo). Every state in between is also searched when a version
is asked for and not found among the changes, so no version that was ever served is missed.

The history is read once per content change and per list, and only when a version other than the
current one, the list of versions or the current version's lastUpdated is asked for.
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from catalog.fhir.terminology import (
    ENTRY_FIELDS,
    FhirError,
    ListRows,
    ListTerms,
    cached,
    list_terms,
    terms_from,
    value_set_for_url,
)
from catalog.models import Code, CodeList, Entry, Revision, Section, SourceDocument

SAME_CHANGE_SECONDS = 5


@dataclass(frozen=True)
class Version:
    version: str
    version_id: str
    since: datetime.datetime  # when the history first shows it
    revision: int  # the change after which it holds


def _content_types() -> dict[str, int]:
    return {
        model.__name__: ContentType.objects.get_for_model(model).pk
        for model in (CodeList, SourceDocument, Section, Entry, Code)
    }


def _revisions(code_list_id: int) -> list[dict]:
    """The revisions that can change what the list's ValueSet says, oldest first."""
    types = _content_types()
    fields = ("id", "content_type_id", "object_id", "action", "after", "before", "created_at", "user_id", "comment")
    own = list(
        Revision.objects.filter(
            Q(content_type_id=types["CodeList"], object_id=code_list_id)
            | Q(content_type_id__in=(types["Section"], types["Entry"]), code_list_id=code_list_id)
        ).values(*fields, "code_list_id", "cascade_of_id")
    )
    code_ids = {
        snapshot["code_id"]
        for row in own
        if row["content_type_id"] == types["Entry"]
        for snapshot in (row["after"], row["before"])
        if snapshot and "code_id" in snapshot
    }
    codes = list(
        Revision.objects.filter(content_type_id=types["Code"], object_id__in=code_ids).values(
            *fields, "code_list_id", "cascade_of_id"
        )
    )
    documents = list(
        Revision.objects.filter(content_type_id=types["SourceDocument"]).values(
            *fields, "code_list_id", "cascade_of_id"
        )
    )
    return sorted(own + codes + documents, key=lambda row: row["id"])


def _same_change(previous: dict, row: dict) -> bool:
    if previous["action"] == row["action"] == Revision.Action.LOADED:
        return True
    if row["cascade_of_id"] is not None:
        return True
    return (
        previous["user_id"] == row["user_id"]
        and bool(row["comment"])
        and previous["comment"] == row["comment"]
        and (row["created_at"] - previous["created_at"]).total_seconds() < SAME_CHANGE_SECONDS
    )


class _State:
    """Every row as the history stands after a revision, replayed in order."""

    def __init__(self, code_list_id: int):
        self.code_list_id = code_list_id
        self.rows: dict[int, dict[int, dict]] = {}
        self.last_change: datetime.datetime | None = None
        self.types = _content_types()

    def apply(self, revision: dict) -> None:
        rows = self.rows.setdefault(revision["content_type_id"], {})
        if revision["action"] == Revision.Action.DELETED or revision["after"] is None:
            rows.pop(revision["object_id"], None)
        else:
            rows[revision["object_id"]] = {**revision["after"], "id": revision["object_id"]}
        if revision["code_list_id"] == self.code_list_id and not (
            revision["action"] == Revision.Action.LOADED and revision["before"] is None
        ):
            self.last_change = max(filter(None, (self.last_change, revision["created_at"])))

    def list_rows(self) -> ListRows | None:
        code_list = self.rows.get(self.types["CodeList"], {}).get(self.code_list_id)
        documents = self.rows.get(self.types["SourceDocument"], {})
        if code_list is None or code_list.get("source_id") not in documents:
            return None
        sections = {
            pk: row
            for pk, row in self.rows.get(self.types["Section"], {}).items()
            if row.get("code_list_id") == self.code_list_id
        }
        entries = [
            {name: row.get(name) for name in ENTRY_FIELDS}
            for row in self.rows.get(self.types["Entry"], {}).values()
            if row.get("code_list_id") == self.code_list_id
        ]
        all_codes = self.rows.get(self.types["Code"], {})
        codes = {e["code_id"]: all_codes[e["code_id"]] for e in entries if e["code_id"] in all_codes}
        return ListRows(
            code_list=code_list,
            source=documents[code_list["source_id"]],
            sections=sections,
            entries=entries,
            codes=codes,
            documents=documents,
            last_change=self.last_change,
        )


def _replay(slug: str, every_state: bool, stop_at: int | None = None):
    """(revision, the rows then) after each change (or after every revision) of the list; with
    ``stop_at``, only after that revision."""
    code_list_id = CodeList.objects.filter(slug=slug).values_list("id", flat=True).first()
    if code_list_id is None:
        return
    state = _State(code_list_id)
    revisions = _revisions(code_list_id)
    for index, revision in enumerate(revisions):
        state.apply(revision)
        if stop_at is not None:
            if revision["id"] == stop_at:
                rows = state.list_rows()
                if rows is not None:
                    yield revision, rows
                return
            continue
        following = revisions[index + 1] if index + 1 < len(revisions) else None
        if not every_state and following is not None and _same_change(revision, following):
            continue
        if (
            every_state
            and following is not None
            and revision["action"] == following["action"] == Revision.Action.LOADED
        ):
            continue  # a load is one transaction: no client saw it half done
        rows = state.list_rows()
        if rows is not None:
            yield revision, rows


def _versions(slug: str, every_state: bool) -> list[Version]:
    """The versions in the order the history shows them, a new one each time what the ValueSet says
    changes (a version that comes back, by an undo, is listed again from when it came back)."""
    found: list[Version] = []
    today = timezone.localdate()
    for revision, rows in _replay(slug, every_state):
        terms_ = terms_from(rows, today)
        if not found or found[-1].version != terms_.version:
            found.append(Version(terms_.version, terms_.version_id, revision["created_at"], revision["id"]))
    return found


def history(slug: str) -> list[Version]:
    """The list's versions, newest first, each with when the history first shows it."""
    return cached(f"history:{slug}", lambda: _versions(slug, False)[::-1])


def _every_version(slug: str) -> list[Version]:
    return cached(f"history-all:{slug}", lambda: _versions(slug, True)[::-1])


def normalised(version: str) -> str:
    """A version as asked: '+' arrives as a space when a query string was not encoded; the id form uses '.'."""
    return version.strip().replace(" ", "+")


def find(slug: str, version: str) -> Version | None:
    wanted = normalised(version)
    for candidates in (lambda: history(slug), lambda: _every_version(slug)):
        for found in candidates():
            if wanted in (found.version, found.version_id):
                return found
    return None


def terms(slug: str, version: str | None = None) -> ListTerms:
    """The list's terms now, or in the version asked for (404 when the history has no such version)."""
    current = list_terms(slug)
    if version is None or normalised(version) in (current.version, current.version_id):
        return current
    found = find(slug, version)
    if found is None:
        raise FhirError(
            404,
            "not-found",
            f"ValueSet/{slug} finns inte i version {version[:40]}; nu: {current.version}. "
            f"Versionerna: ValueSet/{slug}/_history.",
        )
    return cached(f"terms:{slug}:{found.version}", lambda: _terms_at(slug, found))


def _terms_at(slug: str, found: Version) -> ListTerms:
    today = timezone.localdate()
    for _, rows in _replay(slug, True, stop_at=found.revision):
        return terms_from(rows, today)
    raise FhirError(404, "not-found", f"ValueSet/{slug} i version {found.version} går inte att återskapa.")


def since(slug: str, terms_: ListTerms) -> datetime.datetime | None:
    """When the history first shows this version (meta.lastUpdated), or None when it was made outside the history."""
    for candidates in (lambda: history(slug), lambda: _every_version(slug)):
        found = next((v for v in candidates() if v.version == terms_.version), None)
        if found is not None:
            return found.since
    return None


def named(slug: str | None, url: str | None, version: str | None) -> ListTerms:
    """The ValueSet an operation names (instance id or url, with url|version or valueSetVersion), in that version."""
    if slug is None and url is None:
        raise FhirError(400, "required", "Ange vilken ValueSet: url=<kanonisk url> eller ValueSet/<id>/$-operationen.")
    if url is not None:
        found, url_version = value_set_for_url(url)
        if slug is not None and found != slug:
            raise FhirError(400, "invalid", "url pekar på en annan ValueSet än adressen.")
        if url_version and version and normalised(url_version) != normalised(version):
            raise FhirError(400, "invalid", "url|version och valueSetVersion anger olika versioner.")
        slug, version = found, version or url_version
    list_terms(slug)  # 404 for an unknown list
    return terms(slug, version)
