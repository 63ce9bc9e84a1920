"""Search (ValueSet?…, CodeSystem?…) as searchset Bundles, the history Bundle, and _summary/_elements.

Search parameters: _id, url, version, name, title, status (and code for ValueSet); a comma is
"or", a repeated parameter "and"; string parameters match the start of the value, ignoring case
and accents, or with :exact and :contains. An unsupported modifier is a 400. A parameter the
server does not know is left out of the search and of the self link, or is a 400 when the client
asks for ``Prefer: handling=strict`` ("Servers SHALL return the parameters that were actually
used to process a search": the self link holds exactly those).
"""

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode

from catalog.fhir import versions
from catalog.fhir.definitions import RESULT_PARAMETERS, SEARCH_PARAMETERS, VALUE_SET_SEARCH
from catalog.fhir.terminology import (
    KVA_SYSTEM_ALIASES,
    FhirError,
    ListTerms,
    code_system,
    code_systems,
    fhir_instant,
    list_slugs,
    same_system,
    value_set_resource,
)

SUMMARY_ELEMENTS = {
    "ValueSet": frozenset(
        "contact date experimental id identifier immutable implicitRules jurisdiction meta name publisher "
        "status title url useContext version".split()
    ),
    "CodeSystem": frozenset(
        "caseSensitive compositional contact content count date experimental filter hierarchyMeaning id "
        "identifier implicitRules jurisdiction meta name property publisher status supplements title url "
        "useContext valueSet version versionNeeded".split()
    ),
}
MANDATORY_ELEMENTS = {"ValueSet": frozenset({"status"}), "CodeSystem": frozenset({"status", "content"})}
SUBSETTED = {"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "SUBSETTED"}
SUMMARY_VALUES = ("true", "text", "data", "count", "false")
STRING_MODIFIERS = ("", "exact", "contains")
DEFAULT_COUNT, MAX_COUNT = 50, 500
IGNORED = {"_format", "_pretty"}


# --- _summary and _elements -----------------------------------------------------------------


@dataclass(frozen=True)
class Subset:
    summary: str | None = None
    elements: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query, searching: bool) -> "Subset":
        summary = query.get("_summary")
        if summary is not None and (summary not in SUMMARY_VALUES or (summary == "count" and not searching)):
            allowed = SUMMARY_VALUES if searching else SUMMARY_VALUES[:3] + SUMMARY_VALUES[4:]
            raise FhirError(400, "invalid", f"_summary ska vara {', '.join(allowed)}.")
        elements = tuple(e.strip() for value in query.getlist("_elements") for e in value.split(",") if e.strip())
        if elements and summary not in (None, "false"):
            raise FhirError(400, "invalid", "_elements och _summary går inte att använda tillsammans.")
        return cls(summary if summary != "false" else None, elements)

    def apply(self, resource: dict) -> dict:
        kind = resource.get("resourceType")
        if (self.summary is None and not self.elements) or kind not in SUMMARY_ELEMENTS:
            return resource
        keep = {"resourceType", "id", "meta"}
        if self.summary == "true":
            keep |= SUMMARY_ELEMENTS[kind]
        elif self.summary == "text":
            keep |= {"text"} | MANDATORY_ELEMENTS[kind]
        elif self.summary == "data":
            keep |= set(resource) - {"text"}
        else:
            keep |= set(self.elements) | MANDATORY_ELEMENTS[kind]
        found = {key: value for key, value in resource.items() if key in keep}
        found["meta"] = {**resource.get("meta", {}), "tag": [SUBSETTED]}
        return found


# --- matching -------------------------------------------------------------------------------


def _folded(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))


def _string_matches(value: str | None, wanted: str, modifier: str) -> bool:
    if value is None:
        return False
    if modifier == "exact":
        return value == wanted
    if modifier == "contains":
        return _folded(wanted) in _folded(value)
    return _folded(value).startswith(_folded(wanted))


@dataclass
class Candidate:
    resource: dict
    path: str  # where it can be read, under /fhir/
    terms: ListTerms | None = None


def _matches(candidate: Candidate, name: str, modifier: str, value: str) -> bool:
    resource = candidate.resource
    if name in ("name", "title"):
        return _string_matches(resource.get(name), value, modifier)
    if name == "_id":
        return resource["id"] == value
    if name == "status":
        return resource["status"] == value
    if name == "version":
        return resource.get("version", "") == versions.normalised(value)
    if name == "url":
        url, _, version = value.partition("|")
        urls = {resource["url"]} | (set(KVA_SYSTEM_ALIASES) if resource["url"] in KVA_SYSTEM_ALIASES else set())
        return url in urls and (not version or resource.get("version") == versions.normalised(version))
    if name == "code" and candidate.terms is not None:
        system, bar, code = value.rpartition("|")
        concept = candidate.terms.concepts.get(code)
        return concept is not None and (not bar or not system or same_system(system, concept.system))
    return False


def _criteria(query, known: list[tuple[str, str, str]], strict: bool) -> list[tuple[str, str, list[str]]]:
    """(name, modifier, values) for each search parameter used; the rest is refused or left out."""
    types = {name: type_ for name, type_, _ in known}
    used = []
    for key in query:
        name, _, modifier = key.partition(":")
        if key in IGNORED or name in RESULT_PARAMETERS:
            continue
        if name not in types:
            if strict:
                raise FhirError(400, "not-supported", f"Okänd sökparameter: {key[:40]} (Prefer: handling=strict).")
            continue
        if modifier not in (STRING_MODIFIERS if types[name] == "string" else ("",)):
            raise FhirError(400, "not-supported", f"Modifieraren :{modifier[:20]} stöds inte för {name}.")
        for value in query.getlist(key):
            used.append((key, modifier, [v for v in value.split(",") if v] or [""]))
    return used


def _versions_wanted(query) -> list[str]:
    wanted = [v for value in query.getlist("version") for v in value.split(",") if v]
    wanted += [v.partition("|")[2] for value in query.getlist("url") for v in value.split(",") if "|" in v]
    return wanted


def value_set_candidates(query) -> list[Candidate]:
    """Every list now; and, when a version is asked for, the list in that version where its history has it."""
    found = []
    for slug in list_slugs():
        current = versions.terms(slug)
        chosen = [current]
        for version in _versions_wanted(query):
            try:
                older = versions.terms(slug, version)
            except FhirError:
                continue
            if older.version != current.version:
                chosen.append(older)
        for terms in chosen:
            path = f"ValueSet/{slug}" if terms is current else f"ValueSet/{slug}/_history/{terms.version_id}"
            resource = value_set_resource(terms, versions.since(slug, terms))
            found.append(Candidate(resource, path, terms))
    return found


def code_system_candidates(query) -> list[Candidate]:
    return [Candidate(code_system(system_id), f"CodeSystem/{system_id}") for system_id, _, _ in code_systems()]


# --- the bundle -------------------------------------------------------------------------------


def _count(query, name: str, default: int | None) -> int | None:
    value = query.get(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > 6:
        raise FhirError(400, "invalid", f"{name} ska vara ett heltal från 0.")
    return int(value)


def refuse_unknown(kind: str, query) -> None:
    """Prefer: handling=strict: a search parameter the server does not know is a 400."""
    _criteria(query, VALUE_SET_SEARCH if kind == "ValueSet" else SEARCH_PARAMETERS, strict=True)


def search(kind: str, query, here: str) -> dict:
    """A searchset Bundle; ``here`` is the absolute address of /fhir (for fullUrl and the links)."""
    known = VALUE_SET_SEARCH if kind == "ValueSet" else SEARCH_PARAMETERS
    criteria = _criteria(query, known, strict=False)
    subset = Subset.from_query(query, searching=True)
    count = min(_count(query, "_count", DEFAULT_COUNT), MAX_COUNT)
    offset = _count(query, "_offset", 0)
    candidates = value_set_candidates(query) if kind == "ValueSet" else code_system_candidates(query)
    matched = [
        c
        for c in candidates
        if all(
            any(_matches(c, key.partition(":")[0], modifier, v) for v in values) for key, modifier, values in criteria
        )
    ]
    used = [(key, ",".join(values)) for key, _, values in criteria]
    used += [(name, query[name]) for name in RESULT_PARAMETERS if name in query and name != "_offset"]
    page = [] if subset.summary == "count" else matched[offset : offset + count]
    links = [{"relation": "self", "url": _link(here, kind, used, offset)}]
    if subset.summary != "count" and offset + count < len(matched) and count:
        links.append({"relation": "next", "url": _link(here, kind, used, offset + count)})
    if subset.summary != "count" and offset and count:
        links.append({"relation": "previous", "url": _link(here, kind, used, max(0, offset - count))})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(matched),
        "link": links,
        "entry": [
            {"fullUrl": f"{here}/{c.path}", "resource": subset.apply(c.resource), "search": {"mode": "match"}}
            for c in page
        ],
    }


def _link(here: str, kind: str, used: list[tuple[str, str]], offset: int) -> str:
    params = used + ([("_offset", str(offset))] if offset else [])
    return f"{here}/{kind}" + (f"?{urlencode(params)}" if params else "")


def history(slug: str, query, here: str) -> dict:
    """The list's versions as a history Bundle, newest first, paged with _count."""
    subset = Subset.from_query(query, searching=False)
    count = min(_count(query, "_count", DEFAULT_COUNT), MAX_COUNT)
    offset = _count(query, "_offset", 0)
    found = versions.history(slug)
    current = versions.terms(slug)
    if not found or found[0].version != current.version:
        # Made outside the history (no revision holds it): still the version that is served now.
        found = [versions.Version(current.version, current.version_id, None, 0), *found]
    entries = []
    for position, version in enumerate(found[offset : offset + count], start=offset):
        terms = versions.terms(slug, version.version)
        resource = subset.apply(value_set_resource(terms, version.since))
        response = {"status": "200 OK", "etag": f'W/"{version.version_id}"'}
        if version.since:
            response["lastModified"] = fhir_instant(version.since)
        first = position == len(found) - 1
        entries.append(
            {
                "fullUrl": f"{here}/ValueSet/{slug}",
                "resource": resource,
                "request": {"method": "POST" if first else "PUT", "url": "ValueSet" if first else f"ValueSet/{slug}"},
                "response": response,
            }
        )
    links = [{"relation": "self", "url": _link(here, f"ValueSet/{slug}/_history", [], offset)}]
    if offset + count < len(found) and count:
        used = [("_count", str(count))]
        links = [{"relation": "self", "url": _link(here, f"ValueSet/{slug}/_history", used, offset)}]
        links.append({"relation": "next", "url": _link(here, f"ValueSet/{slug}/_history", used, offset + count)})
    return {"resourceType": "Bundle", "type": "history", "total": len(found), "link": links, "entry": entries}
