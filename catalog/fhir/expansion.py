"""ValueSet $expand: a list (in any version of its history) as an expansion, filtered by the site search.

It takes the parameters as catalog.fhir.parameters read them (already checked against the
operation's definition) and returns the ValueSet, or raises FhirError.
"""

import datetime
import uuid

from catalog.fhir import versions
from catalog.fhir.parameters import Params, boolean, check_language, count, every, one
from catalog.fhir.terminology import (
    FhirError,
    ListTerms,
    check_system_version,
    compose,
    concept_extensions,
    designations,
    same_system,
    system_version,
    value_set_header,
)
from catalog.search import engine as search

FILTER_WINDOW = 100
MAX_FILTER_HITS = 5_000


def _pinned_systems(params: Params, terms: ListTerms) -> list[tuple[str, str]]:
    """system-version, check-system-version and force-system-version: we hold one version of each system."""
    pinned = []
    for name in ("system-version", "check-system-version", "force-system-version"):
        for value in every(params, name):
            system, _, version = value.partition("|")
            if not version:
                raise FhirError(400, "invalid", f"{name} ska vara system|version.")
            held = system_version(system)
            if held is not None:
                check_system_version(system, held, version)
            pinned.append((name, value))
    return pinned


def _designation_filter(params: Params):
    wanted = every(params, "designation")
    if not wanted:
        return None

    def keep(use: dict) -> bool:
        return any(w == "sv" or w in (f"{use['system']}|{use['code']}", use["code"]) for w in wanted)

    return keep


def _expansion_codes(params, terms, text, count_, offset, usable) -> tuple[list[str], int | None]:
    if text is None:
        codes = [code for code in terms.concepts if usable(code)]
        return codes, len(codes)
    # count=0 asks how large the expansion is: search the whole catalogue once.
    need = None if count_ is None else (MAX_FILTER_HITS if count_ == 0 else offset + count_)
    return filtered(text, terms, usable, need)


def expand(params: Params, slug: str | None = None) -> dict:
    terms = versions.named(slug, one(params, "url"), one(params, "valueSetVersion"))
    check_language(params)
    text = one(params, "filter") or None  # an empty filter filters nothing
    count_, offset = count(params, "count"), count(params, "offset") or 0
    active_only = boolean(params, "activeOnly", False)
    keep_designation = _designation_filter(params)
    with_designations = boolean(params, "includeDesignations", False) or keep_designation is not None
    excluded = [value.partition("|")[0] for value in every(params, "exclude-system")]
    pinned = _pinned_systems(params, terms)

    def usable(code: str) -> bool:
        concept = terms.concepts[code]
        return not (active_only and concept.inactive) and not any(same_system(s, concept.system) for s in excluded)

    codes, total = _expansion_codes(params, terms, text, count_, offset, usable)
    page = [] if count_ == 0 else codes[offset : None if count_ is None else offset + count_]
    flat = boolean(params, "excludeNested", False) or boolean(params, "excludeNotForUI", False)
    nested = not flat and text is None and count_ is None and offset == 0

    def item(code: str, with_sections: bool = True) -> dict:
        concept = terms.concepts[code]
        entry = {"system": concept.system, "code": code, "display": concept.display}
        if terms.systems.get(concept.system):
            entry["version"] = terms.systems[concept.system]
        if concept.inactive:
            entry["inactive"] = True
        extensions = concept_extensions(concept, with_sections)
        if extensions:
            entry["extension"] = extensions
        found = designations(concept, keep_designation) if with_designations else []
        if found:
            entry["designation"] = found
        return entry

    if nested:
        # The list's own grouping: each section is an abstract entry holding its codes.
        chosen = set(page)
        contains = []
        for title, section_codes in terms.sections:
            members = [item(code, with_sections=False) for code in section_codes if code in chosen]
            if members:
                contains.append({"abstract": True, "display": title, "contains": members})
    else:
        contains = [item(code) for code in page]
    resource = value_set_header(terms, versions.since(terms.slug, terms))
    if boolean(params, "includeDefinition", False) and compose(terms):
        resource["compose"] = compose(terms)
    expansion = {
        "identifier": f"urn:uuid:{uuid.uuid4()}",
        "timestamp": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "parameter": _used(params, terms, page, active_only, with_designations, pinned),
    }
    if total is not None:
        expansion["total"] = total
    if offset:
        expansion["offset"] = offset
    if contains:
        expansion["contains"] = contains
    resource["expansion"] = expansion
    return resource


ECHOED = {
    "filter": "valueString",
    "count": "valueInteger",
    "offset": "valueInteger",
    "excludeNested": "valueBoolean",
    "excludeNotForUI": "valueBoolean",
    "excludePostCoordinated": "valueBoolean",
    "includeDefinition": "valueBoolean",
    "designation": "valueString",
    "exclude-system": "valueUri",
}


def _used(params, terms, page, active_only, with_designations, pinned) -> list[dict]:
    """The parameters that controlled the expansion, and the code systems (with versions) it used."""
    used = [
        {"name": "displayLanguage", "valueCode": "sv"},
        {"name": "activeOnly", "valueBoolean": active_only},
        {"name": "includeDesignations", "valueBoolean": with_designations},
    ]
    if "valueSetVersion" in params or "|" in (one(params, "url") or ""):
        used.append({"name": "valueSetVersion", "valueString": terms.version})
    for name, key in ECHOED.items():
        for value in params.get(name, []):
            # An empty value controlled nothing, and FHIR has no empty strings: echoing it would make
            # the expansion itself invalid.
            if not value:
                continue
            typed = int(value) if key == "valueInteger" else (value == "true" if key == "valueBoolean" else value)
            used.append({"name": name, key: typed})
    used += [{"name": name, "valueUri": value} for name, value in pinned]
    for system in dict.fromkeys(terms.concepts[code].system for code in page) or terms.systems:
        held = terms.systems.get(system, "")
        used.append({"name": "used-codesystem", "valueUri": f"{system}|{held}" if held else system})
    return used


def filtered(text: str, terms: ListTerms, usable, need: int | None) -> tuple[list[str], int | None]:
    """The list's codes among the site search's best hits for this text, in the site's order.

    The search ranks the whole catalogue, this list's codes first where they match the query
    equally (as the site does when searching from a list). It is asked once, for a window of
    twice the page's end (at least 40), or FILTER_WINDOW hits without a count: building a hit costs
    time, and a code ranked past that in the whole catalogue is no answer to a typed filter.
    The total is given only when the search found fewer hits than the window (so all of them).
    """
    window = min(FILTER_WINDOW if need is None else max(40, 2 * need), MAX_FILTER_HITS)
    hits = search.search(text, within_list=terms.slug, limit=window).hits
    found = [hit.code for hit in hits if hit.code in terms.concepts and usable(hit.code)]
    return found, (len(found) if len(hits) < window else None)
