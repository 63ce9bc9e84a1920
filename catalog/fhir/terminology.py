"""FHIR R4 terminology resources built from the catalogue: plain functions over the models.

Nothing here knows about requests. Each function takes plain values (a list's slug, a code, the
operation's parameters) and returns a resource as a dict, or raises ``FhirError`` with the HTTP
status and the OperationOutcome issue code the view turns it into.

The systems:
- KVÅ codes carry ``KVA_SYSTEM``, the OID Socialstyrelsen publishes for KVÅ's codes and code
  texts (docs/fhir.md, docs/adr/0003-kva-oid-in-fhir.md); the OID the national service contracts use is accepted too.
- Codes a regional decision created (UX293, UX294 by RS 2024-00668) are not KVÅ codes: they form
  a small CodeSystem of their own per decision, named by the decision's identifier.
"""

import datetime
import hashlib
import json
import threading
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from catalog.caching import freshness
from catalog.models import Code, CodeList, DecisionCode, Entry, Revision, SourceDocument
from catalog.search import engine as search

KVA_SYSTEM = "urn:oid:1.2.752.116.1.3.2.3.4"
# The OID Inera's national service contracts (RIV-TA) give for KVÅ; accepted as the same system.
KVA_SYSTEM_ALIASES = frozenset({KVA_SYSTEM, "urn:oid:1.2.752.116.1.3.2.1.4"})
FHIR_VERSION = "4.0.1"
FILTER_WINDOW = 100
MAX_FILTER_HITS = 5_000


class FhirError(Exception):
    """An error the client caused (or asked for): status and OperationOutcome issue code."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def base() -> str:
    return settings.FHIR_CANONICAL_BASE.rstrip("/")


def designation_system() -> str:
    return f"{base()}/CodeSystem/beteckningstyp"


def extension_url(name: str) -> str:
    return f"{base()}/StructureDefinition/{name}"


def publisher() -> str:
    return settings.FHIR_PUBLISHER


# The designation use codes: which of a list's texts a designation holds.
DESIGNATION_USES = {
    "beskrivning": ("Beskrivning", "Beskrivningen som listan ger koden (i regel KVÅ:s beskrivningstext)."),
    "anvisning": ("Anvisning", "Listans kompletterande anvisning för kodens användning."),
}


def operation_outcome(code: str, message: str, severity: str = "error") -> dict:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": message}],
    }


# ---------------------------------------------------------------------------------------------
# The catalogue as terminology, built once per content generation and kept per process.


@dataclass
class Concept:
    code: str
    system: str
    display: str  # the title as the list prints it (first entry)
    sections: list[str] = field(default_factory=list)
    designations: list[tuple[str, str]] = field(default_factory=list)  # (use, text)
    last_day: datetime.date | None = None  # the last day it is valid, past or future
    inactive: bool = False  # retired: past its last valid day
    valid_from: datetime.date | None = None


@dataclass
class ListTerms:
    code_list: CodeList
    concepts: dict[str, Concept]  # in list order
    sections: list[tuple[str, list[str]]]  # (section title, codes) in list order
    date: datetime.date | None
    version: str


def decision_created_codes() -> dict[str, SourceDocument]:
    """code -> the decision that created it (Code.decision, unless that decision only retired it)."""
    retired_only = set(
        DecisionCode.objects.filter(action=DecisionCode.Action.RETIRE).values_list("decision_id", "code")
    ) - set(DecisionCode.objects.filter(action=DecisionCode.Action.CREATE).values_list("decision_id", "code"))
    found = {}
    for code in Code.objects.filter(decision__kind=SourceDocument.Kind.BESLUT).select_related("decision"):
        if (code.decision_id, code.code) not in retired_only:
            found[code.code] = code.decision
    return found


def decision_system(decision: SourceDocument) -> str:
    return f"{base()}/CodeSystem/{decision.slug}"


_lock = threading.Lock()
_cache: dict = {"generation": None}


def _cached(key: str, build):
    """A value built from the content, kept until the content (or the day) changes."""
    generation = freshness.generation()
    with _lock:
        if _cache.get("generation") != generation:
            _cache.clear()
            _cache["generation"] = generation
        if key in _cache:
            return _cache[key]
    value = build()
    with _lock:
        if _cache.get("generation") == generation:
            _cache[key] = value
    return value


def _decisions() -> dict[str, SourceDocument]:
    return _cached("decisions", decision_created_codes)


def system_of(code: str) -> str:
    decision = _decisions().get(code)
    return decision_system(decision) if decision else KVA_SYSTEM


def list_terms(slug: str) -> ListTerms:
    return _cached(f"list:{slug}", lambda: _build_list(slug))


def _build_list(slug: str) -> ListTerms:
    code_list = CodeList.objects.select_related("source").filter(slug=slug).first()
    if code_list is None:
        raise FhirError(404, "not-found", f"ValueSet/{slug[:64]} finns inte. Listorna: {', '.join(list_slugs())}.")
    entries = (
        Entry.objects.filter(code_list=code_list).select_related("code", "section").order_by("section__order", "order")
    )
    today = timezone.localdate()
    concepts: dict[str, Concept] = {}
    sections: dict[int, tuple[str, list[str]]] = {}
    for entry in entries:
        code = entry.code.code
        concept = concepts.get(code)
        first = concept is None
        if first:
            concept = concepts[code] = Concept(
                code=code, system=system_of(code), display=entry.title, valid_from=entry.code.valid_from
            )
        if entry.section.title not in concept.sections:
            concept.sections.append(entry.section.title)
        for use, text in (("beskrivning", entry.beskrivning), ("anvisning", entry.anvisning)):
            if text and (use, text) not in concept.designations:
                concept.designations.append((use, text))
        # A code standing twice (PR002) is valid as long as one of its entries is.
        last_day = entry.retired_on
        if first or (concept.last_day and (last_day is None or last_day > concept.last_day)):
            concept.last_day = last_day
        concept.inactive = concept.last_day is not None and concept.last_day < today
        sections.setdefault(entry.section_id, (entry.section.title, []))[1].append(code)
    # The baseline that loading first writes is not a change of the list.
    last_change = (
        Revision.objects.filter(code_list=code_list)
        .exclude(action=Revision.Action.LOADED, before__isnull=True)
        .aggregate(last=Max("created_at"))["last"]
    )
    dates = [d for d in (code_list.source.date, last_change.date() if last_change else None) if d]
    date = max(dates) if dates else None
    # The version changes whenever what the ValueSet says changes, on every server alike.
    fingerprint = hashlib.sha256(
        json.dumps(
            [
                code_list.title,
                [(c.code, c.system, c.display, c.sections, c.designations, str(c.last_day)) for c in concepts.values()],
            ],
            ensure_ascii=False,
        ).encode()
    ).hexdigest()[:8]
    version = f"{date.isoformat()}+{fingerprint}" if date else fingerprint
    return ListTerms(code_list, concepts, list(sections.values()), date, version)


def list_slugs() -> list[str]:
    return _cached("slugs", lambda: list(CodeList.objects.order_by("order", "title").values_list("slug", flat=True)))


# ---------------------------------------------------------------------------------------------
# Resources.


def _designations(concept: Concept) -> list[dict]:
    return [
        {
            "language": "sv",
            "use": {"system": designation_system(), "code": use, "display": DESIGNATION_USES[use][0]},
            "value": text,
        }
        for use, text in concept.designations
    ]


def _concept_extensions(concept: Concept) -> list[dict]:
    extensions = [{"url": extension_url("avsnitt"), "valueString": title} for title in concept.sections]
    if concept.last_day:
        extensions.append({"url": extension_url("sista-giltiga-dag"), "valueDate": concept.last_day.isoformat()})
    return extensions


def value_set(slug: str) -> dict:
    return _cached(f"vs:{slug}", lambda: _build_value_set(slug))


def _value_set_header(terms: ListTerms) -> dict:
    """The ValueSet's metadata, without its codes."""
    code_list, source = terms.code_list, terms.code_list.source
    described = [f"{code_list.title}, som KVÅ-guiden återger listan ordagrant ur källan ”{source.title}”"]
    if source.identifier:
        described.append(f"({source.identifier})")
    if source.issuer:
        described.append(f"utfärdad av {source.issuer}")
    if source.date:
        described.append(f"daterad {source.date.isoformat()}")
    resource = {
        "resourceType": "ValueSet",
        "id": code_list.slug,
        "url": f"{base()}/ValueSet/{code_list.slug}",
        "version": terms.version,
        "name": "".join(part.capitalize() for part in code_list.slug.split("-")),
        "title": code_list.title,
        "status": "active",
        "experimental": False,
        "publisher": publisher(),
        "description": " ".join(described) + ".",
        "jurisdiction": [{"coding": [{"system": "urn:iso:std:iso:3166", "code": "SE"}]}],
        "language": "sv",
    }
    if terms.date:
        resource["date"] = terms.date.isoformat()
    return resource


def _build_value_set(slug: str) -> dict:
    terms = list_terms(slug)
    includes: dict[str, list[dict]] = {}
    for concept in terms.concepts.values():
        item = {"code": concept.code, "display": concept.display}
        extensions = _concept_extensions(concept)
        if extensions:
            item["extension"] = extensions
        if concept.designations:
            item["designation"] = _designations(concept)
        includes.setdefault(concept.system, []).append(item)
    resource = _value_set_header(terms)
    if includes:
        # (A list with no codes yet has no compose: an include of nothing is not allowed.)
        resource["compose"] = {
            "include": [
                {
                    "system": system,
                    **({"version": _system_version(system)} if system != KVA_SYSTEM else {}),
                    "concept": items,
                }
                for system, items in includes.items()
            ]
        }
    return resource


def _system_version(system: str) -> str:
    for decision in _decisions().values():
        if decision_system(decision) == system:
            return (decision.date or decision.valid_from or datetime.date.min).isoformat()
    return ""


def value_set_for_url(url: str) -> str:
    """The slug of the ValueSet with this canonical URL (a '|version' suffix is allowed)."""
    url = url.split("|", 1)[0]
    prefix = f"{base()}/ValueSet/"
    slug = url[len(prefix) :] if url.startswith(prefix) else ""
    if slug not in list_slugs():
        raise FhirError(404, "not-found", f"Ingen ValueSet har url {url[:200]}.")
    return slug


def code_systems() -> list[tuple[str, str]]:
    """(id, canonical url) of every CodeSystem served."""
    found = [("kva", KVA_SYSTEM), ("beteckningstyp", designation_system())]
    for decision in {d.pk: d for d in _decisions().values()}.values():
        found.append((decision.slug, decision_system(decision)))
    return found


def code_system_id_for_url(url: str) -> str:
    url = url.split("|", 1)[0]
    if url in KVA_SYSTEM_ALIASES:
        return "kva"
    for system_id, system in code_systems():
        if system == url:
            return system_id
    raise FhirError(404, "not-found", f"Kodsystemet {url[:200]} finns inte här.")


def _code_properties(code: Code) -> list[dict]:
    properties = [{"code": "inactive", "valueBoolean": code.is_retired}]
    if code.valid_to:
        properties.append({"code": "sista-giltiga-dag", "valueDateTime": code.valid_to.isoformat()})
    if code.valid_from:
        properties.append({"code": "giltig-fran", "valueDateTime": code.valid_from.isoformat()})
    if code.is_tillaggskod:
        properties.append({"code": "tillaggskod", "valueBoolean": True})
    return properties


PROPERTY_DEFINITIONS = [
    {
        "code": "inactive",
        "uri": "http://hl7.org/fhir/concept-properties#inactive",
        "description": "Koden har gått ut (dagen efter sista giltiga dag).",
        "type": "boolean",
    },
    {"code": "sista-giltiga-dag", "description": "Sista dagen koden gäller.", "type": "dateTime"},
    {"code": "giltig-fran", "description": "Första dagen koden gäller.", "type": "dateTime"},
    {"code": "tillaggskod", "description": "KVÅ:s tilläggskoder (Z-koder).", "type": "boolean"},
]


def code_system(system_id: str) -> dict:
    return _cached(f"cs:{system_id}", lambda: _build_code_system(system_id))


def _build_code_system(system_id: str) -> dict:
    if system_id == "beteckningstyp":
        return _designation_code_system()
    decisions = _decisions()
    codes = Code.objects.order_by("code")
    if system_id == "kva":
        chosen = [c for c in codes if c.code not in decisions]
        resource = _kva_header()
    else:
        decision = next((d for d in decisions.values() if d.slug == system_id), None)
        if decision is None:
            raise FhirError(404, "not-found", f"CodeSystem/{system_id[:64]} finns inte.")
        chosen = [c for c in codes if decisions.get(c.code) == decision]
        resource = _decision_header(decision)
    resource["count"] = len(chosen)
    resource["property"] = PROPERTY_DEFINITIONS
    concepts = []
    for code in chosen:
        concept = {"code": code.code}
        if code.title:
            concept["display"] = code.title
        concept["property"] = _code_properties(code)
        concepts.append(concept)
    if concepts:
        resource["concept"] = concepts
    return resource


def _designation_code_system() -> dict:
    return {
        "resourceType": "CodeSystem",
        "id": "beteckningstyp",
        "url": designation_system(),
        "version": "1",
        "name": "Beteckningstyp",
        "title": "Slag av beteckning i KVÅ-guidens ValueSets",
        "status": "active",
        "experimental": False,
        "publisher": publisher(),
        "description": "Vilken av listans texter en designation i KVÅ-guidens ValueSets bär.",
        "caseSensitive": True,
        "content": "complete",
        "count": len(DESIGNATION_USES),
        "concept": [
            {"code": code, "display": display, "definition": definition}
            for code, (display, definition) in DESIGNATION_USES.items()
        ],
    }


def _kva_header() -> dict:
    return {
        "resourceType": "CodeSystem",
        "id": "kva",
        "url": KVA_SYSTEM,
        "identifier": [
            {"system": "urn:ietf:rfc:3986", "value": system} for system in sorted(KVA_SYSTEM_ALIASES, reverse=True)
        ],
        "name": "KVA",
        "title": "Klassifikation av vårdåtgärder (KVÅ)",
        "status": "active",
        "experimental": False,
        "publisher": "Socialstyrelsen",
        "description": (
            "De KVÅ-koder som KVÅ-guidens listor och texter har, med kanonisk titel. "
            "Ett utdrag (fragment): hela KVÅ förvaltas och publiceras av Socialstyrelsen."
        ),
        "caseSensitive": True,
        "content": "fragment",
    }


def _decision_header(decision: SourceDocument) -> dict:
    resource = {
        "resourceType": "CodeSystem",
        "id": decision.slug,
        "url": decision_system(decision),
        "identifier": [{"use": "official", "value": decision.identifier}],
        "version": _system_version(decision_system(decision)),
        "name": "Beslut" + "".join(ch for ch in decision.identifier if ch.isalnum()),
        "title": f"Regionala koder enligt beslut {decision.identifier}",
        "status": "active",
        "experimental": False,
        "publisher": decision.issuer or publisher(),
        "description": (
            f"Regionala åtgärdskoder som beslutet {decision.identifier} ”{decision.title}” "
            f"({(decision.date or decision.valid_from or datetime.date.min).isoformat()}) inrättade. "
            "Koderna är inte KVÅ-koder utan regionens egna, därför ett eget kodsystem."
        ),
        "caseSensitive": True,
        "content": "complete",
    }
    if decision.date:
        resource["date"] = decision.date.isoformat()
    return resource


def capability_statement() -> dict:
    return {
        "resourceType": "CapabilityStatement",
        "id": "kvaguiden",
        "url": f"{base()}/metadata",
        "name": "KvaGuiden",
        "title": "KVÅ-guidens terminologitjänst",
        "status": "active",
        "experimental": False,
        "date": "2026-11-30",
        "publisher": publisher(),
        "description": "Läsbar FHIR-terminologi över KVÅ-guidens listor: ValueSet, CodeSystem, $expand, $lookup, $validate-code.",
        "kind": "instance",
        "implementation": {"description": "KVÅ-guiden", "url": base()},
        "fhirVersion": FHIR_VERSION,
        "format": ["json", "application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Bara läsning; ingen inloggning. Fel ges som OperationOutcome.",
                "resource": [
                    {
                        "type": "ValueSet",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [{"name": "url", "type": "uri"}],
                        "operation": [
                            {"name": "expand", "definition": "http://hl7.org/fhir/OperationDefinition/ValueSet-expand"},
                            {
                                "name": "validate-code",
                                "definition": "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code",
                            },
                        ],
                    },
                    {
                        "type": "CodeSystem",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [{"name": "url", "type": "uri"}],
                        "operation": [
                            {
                                "name": "lookup",
                                "definition": "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup",
                            }
                        ],
                    },
                ],
            }
        ],
    }


def bundle(resources: list[dict]) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [
            {"fullUrl": f"{base()}/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}}
            for r in resources
        ],
    }


# ---------------------------------------------------------------------------------------------
# Operations. ``params`` maps a parameter's name to its values (strings), as the view parsed them.


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise FhirError(400, "invalid", f"Parametern {name} får bara anges en gång.")
    return values[0]


def _boolean(params, name: str, default: bool) -> bool:
    value = _one(params, name)
    if value is None:
        return default
    if value not in ("true", "false"):
        raise FhirError(400, "invalid", f"{name} ska vara true eller false.")
    return value == "true"


def _count(params, name: str) -> int | None:
    value = _one(params, name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise FhirError(400, "invalid", f"{name} ska vara ett heltal från 0 (högst 999999999).")
    return int(value)


def _date(params, name: str) -> datetime.date | None:
    value = _one(params, name)
    if value is None:
        return None
    try:
        # A FHIR date or dateTime: the day is what validity is about.
        if len(value) >= 10 and value[4] == "-" and value[7] == "-":
            return datetime.date.fromisoformat(value[:10])
    except ValueError:
        pass
    raise FhirError(400, "invalid", f"{name} ska vara ett datum (ÅÅÅÅ-MM-DD).")


def _known(params, allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed - {"_format", "_pretty"})
    if unknown:
        raise FhirError(400, "not-supported", f"Okänd parameter: {', '.join(u[:40] for u in unknown[:5])}.")


def _check_language(params) -> None:
    language = _one(params, "displayLanguage")
    if language is not None and language.split("-")[0].lower() != "sv":
        raise FhirError(400, "not-supported", "Texterna finns bara på svenska: displayLanguage=sv.")


def _slug_from(params, slug: str | None) -> str:
    url = _one(params, "url")
    if slug is None:
        if url is None:
            raise FhirError(
                400, "required", "Ange vilken ValueSet: url=<kanonisk url> eller ValueSet/<id>/$-operationen."
            )
        return value_set_for_url(url)
    if url is not None and value_set_for_url(url) != slug:
        raise FhirError(400, "invalid", "url pekar på en annan ValueSet än adressen.")
    list_terms(slug)  # 404 for an unknown list
    return slug


EXPAND_PARAMETERS = {
    "url",
    "valueSetVersion",
    "filter",
    "count",
    "offset",
    "activeOnly",
    "displayLanguage",
    "includeDesignations",
}


def expand(params: dict[str, list[str]], slug: str | None = None) -> dict:
    _known(params, EXPAND_PARAMETERS)
    slug = _slug_from(params, slug)
    terms = list_terms(slug)
    _check_language(params)
    text = _one(params, "filter") or None  # an empty filter filters nothing
    count = _count(params, "count")
    offset = _count(params, "offset") or 0
    active_only = _boolean(params, "activeOnly", False)
    with_designations = _boolean(params, "includeDesignations", False)
    version = _one(params, "valueSetVersion")
    if version is not None and version != terms.version:
        raise FhirError(404, "not-found", f"ValueSet/{slug} finns inte i version {version[:40]}; nu: {terms.version}.")

    def usable(code: str) -> bool:
        return not (active_only and terms.concepts[code].inactive)

    total: int | None
    if text is not None:
        codes, total = _filtered(text, slug, terms, usable, None if count is None else offset + count)
    else:
        codes = [code for code in terms.concepts if usable(code)]
        total = len(codes)
    page = codes[offset : None if count is None else offset + count]
    nested = text is None and count is None and offset == 0

    def item(code: str, with_sections: bool = True) -> dict:
        concept = terms.concepts[code]
        entry = {"system": concept.system, "code": code, "display": concept.display}
        if concept.inactive:
            entry["inactive"] = True
        extensions = (
            _concept_extensions(concept) if with_sections else _concept_extensions(concept)[len(concept.sections) :]
        )
        if extensions:
            entry["extension"] = extensions
        if with_designations and concept.designations:
            entry["designation"] = _designations(concept)
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
    used = [{"name": "displayLanguage", "valueCode": "sv"}, {"name": "activeOnly", "valueBoolean": active_only}]
    if text is not None:
        used.append({"name": "filter", "valueString": text})
    if count is not None:
        used.append({"name": "count", "valueInteger": count})
    if offset:
        used.append({"name": "offset", "valueInteger": offset})
    resource = _value_set_header(terms)
    expansion = {
        "identifier": f"urn:uuid:{uuid.uuid4()}",
        "timestamp": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "parameter": used,
    }
    if total is not None:
        expansion["total"] = total
    if offset:
        expansion["offset"] = offset
    if contains:
        expansion["contains"] = contains
    resource["expansion"] = expansion
    return resource


def _filtered(text: str, slug: str, terms: ListTerms, usable, need: int | None) -> tuple[list[str], int | None]:
    """The list's codes among the site search's best hits for this text, in the site's order.

    The search ranks the whole catalogue, this list's codes first where they match the query
    equally (as the site does when searching from a list). It is asked once, for a window of
    twice the page's end (at least 40), or FILTER_WINDOW hits without a count: building a hit costs
    time, and a code ranked past that in the whole catalogue is no answer to a typed filter.
    (This list's codes come first among equal matches, so a short window fills a page.)
    The total is given only when the search found fewer hits than the window (so all of them).
    """
    window = min(FILTER_WINDOW if need is None else max(40, 2 * need), MAX_FILTER_HITS)
    hits = search.search(text, within_list=slug, limit=window).hits
    found = [hit.code for hit in hits if hit.code in terms.concepts and usable(hit.code)]
    return found, (len(found) if len(hits) < window else None)


LOOKUP_PARAMETERS = {"system", "code", "version", "date", "displayLanguage", "property", "coding"}


def lookup(params: dict[str, list[str]]) -> dict:
    _known(params, LOOKUP_PARAMETERS)
    system, code = _one(params, "system"), _one(params, "code")
    if not system or not code:
        raise FhirError(400, "required", "Ange både system och code, t.ex. system=" + KVA_SYSTEM + "&code=AU118.")
    _check_language(params)
    _date(params, "date")
    system_id = code_system_id_for_url(system)
    resource = code_system(system_id)
    concept = next((c for c in resource.get("concept", []) if c["code"] == code), None)
    if concept is None:
        raise FhirError(404, "not-found", f"Koden {code[:20]} finns inte i {resource['title']}.")
    out = [{"name": "name", "valueString": resource["name"]}]
    if resource.get("version"):
        out.append({"name": "version", "valueString": resource["version"]})
    if concept.get("display"):
        out.append({"name": "display", "valueString": concept["display"]})
    for slug in list_slugs():
        listed = list_terms(slug).concepts.get(code)
        if listed is None:
            continue
        for designation in _designations(listed):
            out.append(
                {
                    "name": "designation",
                    "part": [
                        {"name": "language", "valueCode": "sv"},
                        {"name": "use", "valueCoding": designation["use"]},
                        {"name": "value", "valueString": designation["value"]},
                    ],
                }
            )
        if listed.display != concept.get("display"):
            out.append(
                {
                    "name": "designation",
                    "part": [{"name": "language", "valueCode": "sv"}, {"name": "value", "valueString": listed.display}],
                }
            )
        out.append(
            {
                "name": "property",
                "part": [
                    {"name": "code", "valueCode": "valueset"},
                    {"name": "value", "valueString": f"{base()}/ValueSet/{slug}"},
                    {"name": "description", "valueString": list_terms(slug).code_list.title},
                ],
            }
        )
    for prop in concept.get("property", []):
        value_key = next(k for k in prop if k.startswith("value"))
        out.append(
            {
                "name": "property",
                "part": [{"name": "code", "valueCode": prop["code"]}, {"name": "value", value_key: prop[value_key]}],
            }
        )
    return {"resourceType": "Parameters", "parameter": out}


VALIDATE_PARAMETERS = {
    "url",
    "valueSetVersion",
    "code",
    "system",
    "systemVersion",
    "display",
    "date",
    "displayLanguage",
    "coding",
}


def validate_code(params: dict[str, list[str]], slug: str | None = None) -> dict:
    _known(params, VALIDATE_PARAMETERS)
    slug = _slug_from(params, slug)
    terms = list_terms(slug)
    code, system, display = _one(params, "code"), _one(params, "system"), _one(params, "display")
    if not code:
        raise FhirError(400, "required", "Ange code (och gärna system), t.ex. code=AU118.")
    _check_language(params)
    on = _date(params, "date") or timezone.localdate()
    concept = terms.concepts.get(code)
    title = terms.code_list.title
    result, message = True, ""
    if concept is None:
        result, message = False, f"Koden {code[:20]} står inte i {title}."
    elif system is not None and not (
        system == concept.system or (concept.system == KVA_SYSTEM and system in KVA_SYSTEM_ALIASES)
    ):
        result, message = False, f"Koden {code} hör i {title} till systemet {concept.system}, inte {system[:200]}."
    elif concept.last_day and concept.last_day < on:
        result, message = False, f"Koden {code} gick ut efter {concept.last_day.isoformat()} (sista giltiga dag)."
    elif concept.valid_from and concept.valid_from > on:
        result, message = False, f"Koden {code} gäller från {concept.valid_from.isoformat()}."
    elif display is not None and display != concept.display:
        result, message = False, f"Koden {code} heter ”{concept.display}” i {title}, inte ”{display[:200]}”."
    out = [{"name": "result", "valueBoolean": result}]
    if message:
        out.append({"name": "message", "valueString": message})
    if concept is not None:
        out.append({"name": "display", "valueString": concept.display})
        out.append({"name": "code", "valueCode": code})
        out.append({"name": "system", "valueUri": concept.system})
    return {"resourceType": "Parameters", "parameter": out}
