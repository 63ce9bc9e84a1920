"""FHIR R4 terminology built from the catalogue: plain functions over the models.

Nothing here knows about requests. Each function takes plain values (a list's slug, a code) and
returns a resource as a dict, or raises ``FhirError`` with the HTTP status and the
OperationOutcome issue code the view turns it into.

A list's terms (``ListTerms``) are built from plain rows (``ListRows``): the live database gives
them here, the editorial history gives them for an earlier version (catalog.fhir.versions), and
one builder turns either into the same terms, version and resource.

The systems:
- KVÅ codes carry ``KVA_SYSTEM``, the OID Socialstyrelsen publishes for KVÅ's codes and code
  texts (docs/fhir.md, docs/adr/0003-kva-oid-in-fhir.md); the OID the national service contracts use is accepted too.
- Codes a regional decision created (UX293, UX294 by RS 2024-00668) are not KVÅ codes: they form
  a small CodeSystem of their own per decision, named by the decision's identifier.
"""

import datetime
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from catalog.caching import freshness
from catalog.models import Code, CodeList, DecisionCode, Entry, Revision, Section, SourceDocument

KVA_SYSTEM = "urn:oid:1.2.752.116.1.3.2.3.4"
# The OID Inera's national service contracts (RIV-TA) give for KVÅ; accepted as the same system.
KVA_SYSTEM_ALIASES = frozenset({KVA_SYSTEM, "urn:oid:1.2.752.116.1.3.2.1.4"})
# What a KVÅ code looks like: two letters, a letter or digit, two digits (AU118, JEA00, UX293).
KVA_CODE_SHAPE = re.compile(r"[A-ZÅÄÖ]{2}[A-ZÅÄÖ0-9][0-9]{2}")
FHIR_VERSION = "4.0.1"
DESIGNATION_SYSTEM_VERSION = "1"


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


def fhir_instant(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def as_date(value) -> datetime.date | None:
    """A date from a row: a date already (the database) or ISO text (a history snapshot)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value[:10])


# ---------------------------------------------------------------------------------------------
# Values built from the content, kept per process until the content (or the day) changes.

_lock = threading.Lock()
_cache: dict = {"generation": None}


def cached(key: str, build):
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


# ---------------------------------------------------------------------------------------------
# A list as terminology.


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
class ListRows:
    """Everything a list's ValueSet says, as plain rows (database values or history snapshots)."""

    code_list: dict  # slug, title
    source: dict  # title, identifier, issuer, date
    sections: dict[int, dict]  # id -> order, title
    entries: list[dict]  # section_id, code_id, order, title, beskrivning, anvisning, valid_to
    codes: dict[int, dict]  # id -> code, valid_from, valid_to, decision_id
    documents: dict[int, dict]  # the codes' decisions: id -> kind, slug, date, valid_from
    last_change: datetime.datetime | None  # the list's newest change in the site


@dataclass
class ListTerms:
    slug: str
    title: str
    source: dict
    concepts: dict[str, Concept]  # in list order
    sections: list[tuple[str, list[str]]]  # (section title, codes) in list order
    date: datetime.date | None
    version: str
    systems: dict[str, str] = field(default_factory=dict)  # system -> its version ("" for none)

    @property
    def version_id(self) -> str:
        """The version as a FHIR id (meta.versionId, _history/<vid>): '+' is not allowed there."""
        return self.version.replace("+", ".")


def retired_only() -> frozenset[tuple[int, str]]:
    """(decision id, code) for decisions that only retired a code: they create no system for it."""

    def build():
        retiring = set(
            DecisionCode.objects.filter(action=DecisionCode.Action.RETIRE).values_list("decision_id", "code")
        )
        creating = set(
            DecisionCode.objects.filter(action=DecisionCode.Action.CREATE).values_list("decision_id", "code")
        )
        return frozenset(retiring - creating)

    return cached("retired-only", build)


def decision_system(slug: str) -> str:
    return f"{base()}/CodeSystem/{slug}"


def decision_version(document: dict) -> str:
    return (as_date(document.get("date")) or as_date(document.get("valid_from")) or datetime.date.min).isoformat()


def _system(code: dict, documents: dict[int, dict]) -> tuple[str, str]:
    """(system, its version) of a code row: its decision's own system, else KVÅ's."""
    document = documents.get(code.get("decision_id"))
    if document and document.get("kind") == SourceDocument.Kind.BESLUT:
        if (code["decision_id"], code["code"]) not in retired_only():
            return decision_system(document["slug"]), decision_version(document)
    return KVA_SYSTEM, ""


def _retired_on(entry: dict, code: dict) -> datetime.date | None:
    dates = [d for d in (as_date(entry.get("valid_to")), as_date(code.get("valid_to"))) if d is not None]
    return min(dates) if dates else None


def terms_from(rows: ListRows, today: datetime.date) -> ListTerms:
    """A list's terms, its version and date, from its rows: one builder for now and for the history."""
    ordered = sorted(
        (e for e in rows.entries if e["section_id"] in rows.sections and e["code_id"] in rows.codes),
        key=lambda e: (rows.sections[e["section_id"]]["order"], e["section_id"], e["order"], e["id"]),
    )
    concepts: dict[str, Concept] = {}
    sections: dict[int, tuple[str, list[str]]] = {}
    systems: dict[str, str] = {}
    for entry in ordered:
        code_row = rows.codes[entry["code_id"]]
        code = code_row["code"]
        section_title = rows.sections[entry["section_id"]]["title"]
        concept = concepts.get(code)
        first = concept is None
        if first:
            system, system_version = _system(code_row, rows.documents)
            systems[system] = system_version
            concept = concepts[code] = Concept(
                code=code, system=system, display=entry["title"], valid_from=as_date(code_row.get("valid_from"))
            )
        if section_title not in concept.sections:
            concept.sections.append(section_title)
        for use in ("beskrivning", "anvisning"):
            text = entry.get(use)
            if text and (use, text) not in concept.designations:
                concept.designations.append((use, text))
        # A code standing twice (PR002) is valid as long as one of its entries is.
        last_day = _retired_on(entry, code_row)
        if first or (concept.last_day and (last_day is None or last_day > concept.last_day)):
            concept.last_day = last_day
        concept.inactive = concept.last_day is not None and concept.last_day < today
        sections.setdefault(entry["section_id"], (section_title, []))[1].append(code)
    dates = [d for d in (as_date(rows.source.get("date")), rows.last_change.date() if rows.last_change else None) if d]
    date = max(dates) if dates else None
    # The version changes whenever what the ValueSet says changes, on every server alike.
    fingerprint = hashlib.sha256(
        json.dumps(
            [
                rows.code_list["title"],
                [(c.code, c.system, c.display, c.sections, c.designations, str(c.last_day)) for c in concepts.values()],
            ],
            ensure_ascii=False,
        ).encode()
    ).hexdigest()[:8]
    version = f"{date.isoformat()}+{fingerprint}" if date else fingerprint
    return ListTerms(
        rows.code_list["slug"],
        rows.code_list["title"],
        rows.source,
        concepts,
        list(sections.values()),
        date,
        version,
        systems,
    )


SOURCE_FIELDS = ("id", "title", "identifier", "issuer", "date")
DOCUMENT_FIELDS = ("id", "kind", "slug", "date", "valid_from")
ENTRY_FIELDS = ("id", "section_id", "code_id", "order", "title", "beskrivning", "anvisning", "valid_to")


def _live_rows(slug: str) -> ListRows | None:
    code_list = CodeList.objects.filter(slug=slug).values("id", "slug", "title", "source_id").first()
    if code_list is None:
        return None
    entries = list(Entry.objects.filter(code_list_id=code_list["id"]).values(*ENTRY_FIELDS))
    codes = {
        row["id"]: row
        for row in Code.objects.filter(pk__in={e["code_id"] for e in entries}).values(
            "id", "code", "valid_from", "valid_to", "decision_id"
        )
    }
    documents = {
        row["id"]: row
        for row in SourceDocument.objects.filter(pk__in={c["decision_id"] for c in codes.values()}).values(
            *DOCUMENT_FIELDS
        )
    }
    # The baseline that loading first writes is not a change of the list.
    last_change = (
        Revision.objects.filter(code_list_id=code_list["id"])
        .exclude(action=Revision.Action.LOADED, before__isnull=True)
        .aggregate(last=Max("created_at"))["last"]
    )
    return ListRows(
        code_list=code_list,
        source=SourceDocument.objects.values(*SOURCE_FIELDS).get(pk=code_list["source_id"]),
        sections={
            s["id"]: s for s in Section.objects.filter(code_list_id=code_list["id"]).values("id", "order", "title")
        },
        entries=entries,
        codes=codes,
        documents=documents,
        last_change=last_change,
    )


def list_terms(slug: str) -> ListTerms:
    """The list as it is now."""

    def build():
        rows = _live_rows(slug)
        if rows is None:
            raise FhirError(404, "not-found", f"ValueSet/{slug[:64]} finns inte. Listorna: {', '.join(list_slugs())}.")
        return terms_from(rows, timezone.localdate())

    return cached(f"list:{slug}", build)


def list_slugs() -> list[str]:
    return cached("slugs", lambda: list(CodeList.objects.order_by("order", "title").values_list("slug", flat=True)))


def same_system(asked: str, held: str) -> bool:
    return asked == held or (held == KVA_SYSTEM and asked in KVA_SYSTEM_ALIASES)


def value_set_url(slug: str) -> str:
    return f"{base()}/ValueSet/{slug}"


def value_set_for_url(url: str) -> tuple[str, str | None]:
    """(slug, version or None) of the ValueSet with this canonical URL ('url|version' allowed)."""
    url, _, version = url.partition("|")
    prefix = f"{base()}/ValueSet/"
    slug = url[len(prefix) :] if url.startswith(prefix) else ""
    if slug not in list_slugs():
        raise FhirError(404, "not-found", f"Ingen ValueSet har url {url[:200]}.")
    return slug, (version or None)


# ---------------------------------------------------------------------------------------------
# The ValueSet resource.


def designations(concept: Concept, wanted=None) -> list[dict]:
    """The concept's designations; ``wanted(use_coding)`` may leave some out."""
    found = []
    for use, text in concept.designations:
        coding = {"system": designation_system(), "code": use, "display": DESIGNATION_USES[use][0]}
        if wanted is None or wanted(coding):
            found.append({"language": "sv", "use": coding, "value": text})
    return found


def concept_extensions(concept: Concept, with_sections: bool = True) -> list[dict]:
    extensions = (
        [{"url": extension_url("avsnitt"), "valueString": title} for title in concept.sections] if with_sections else []
    )
    if concept.last_day:
        extensions.append({"url": extension_url("sista-giltiga-dag"), "valueDate": concept.last_day.isoformat()})
    return extensions


def value_set_header(terms: ListTerms, last_updated: datetime.datetime | None = None) -> dict:
    """The ValueSet's metadata, without its codes."""
    source = terms.source
    described = [f"{terms.title}, som KVÅ-guiden återger listan ordagrant ur källan ”{source['title']}”"]
    if source.get("identifier"):
        described.append(f"({source['identifier']})")
    if source.get("issuer"):
        described.append(f"utfärdad av {source['issuer']}")
    if source.get("date"):
        described.append(f"daterad {as_date(source['date']).isoformat()}")
    meta = {"versionId": terms.version_id}
    if last_updated is not None:
        meta["lastUpdated"] = fhir_instant(last_updated)
    resource = {
        "resourceType": "ValueSet",
        "id": terms.slug,
        "meta": meta,
        "url": value_set_url(terms.slug),
        "version": terms.version,
        "name": "".join(part.capitalize() for part in terms.slug.split("-")),
        "title": terms.title,
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


def compose(terms: ListTerms) -> dict | None:
    """The list's codes, by system. (A list with no codes yet has none: an include of nothing is not allowed.)"""
    includes: dict[str, list[dict]] = {}
    for concept in terms.concepts.values():
        item = {"code": concept.code, "display": concept.display}
        extensions = concept_extensions(concept)
        if extensions:
            item["extension"] = extensions
        if concept.designations:
            item["designation"] = designations(concept)
        includes.setdefault(concept.system, []).append(item)
    if not includes:
        return None
    return {
        "include": [
            {
                "system": system,
                **({"version": terms.systems[system]} if terms.systems.get(system) else {}),
                "concept": items,
            }
            for system, items in includes.items()
        ]
    }


def value_set_resource(terms: ListTerms, last_updated: datetime.datetime | None) -> dict:
    resource = value_set_header(terms, last_updated)
    definition = compose(terms)
    if definition:
        resource["compose"] = definition
    return resource


# ---------------------------------------------------------------------------------------------
# CodeSystems.


def decisions() -> dict[str, SourceDocument]:
    """code -> the decision that created it (Code.decision, unless that decision only retired it)."""

    def build():
        found = {}
        for code in Code.objects.filter(decision__kind=SourceDocument.Kind.BESLUT).select_related("decision"):
            if (code.decision_id, code.code) not in retired_only():
                found[code.code] = code.decision
        return found

    return cached("decisions", build)


def code_systems() -> list[tuple[str, str, str]]:
    """(id, canonical url, version) of every CodeSystem served; KVÅ's version is not known here ("")."""
    found = [("kva", KVA_SYSTEM, ""), ("beteckningstyp", designation_system(), DESIGNATION_SYSTEM_VERSION)]
    for decision in {d.pk: d for d in decisions().values()}.values():
        found.append(
            (
                decision.slug,
                decision_system(decision.slug),
                decision_version({"date": decision.date, "valid_from": decision.valid_from}),
            )
        )
    return found


def code_system_for_url(url: str) -> tuple[str, str]:
    """(id, version or "") of the CodeSystem with this canonical URL ('url|version' allowed; the version
    is checked: we hold one version of each system)."""
    url, _, version = url.partition("|")
    for system_id, system, held in code_systems():
        if url == system or (system_id == "kva" and url in KVA_SYSTEM_ALIASES):
            check_system_version(system_id, held, version or None)
            return system_id, held
    raise FhirError(404, "not-found", f"Kodsystemet {url[:200]} finns inte här.")


def check_system_version(system_id: str, held: str, asked: str | None) -> None:
    if asked is None or asked == held:
        return
    if not held:
        raise FhirError(
            404,
            "not-found",
            f"Versionen {asked[:40]} av {system_id} finns inte här: KVÅ-guiden anger KVÅ utan version.",
        )
    raise FhirError(404, "not-found", f"Versionen {asked[:40]} av {system_id} finns inte här; den som finns: {held}.")


def system_version(system: str) -> str | None:
    """The version we hold of a system we serve ("" when it has none), or None for a system we do not serve."""
    for system_id, url, held in code_systems():
        if system == url or (system_id == "kva" and system in KVA_SYSTEM_ALIASES):
            return held
    return None


@dataclass
class CodeTerms:
    """A code as a CodeSystem holds it: its display and every title a list gives it."""

    code: str
    display: str
    titles: list[str]  # the canonical title and the lists' titles, in that order, without repeats
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    tillaggskod: bool

    def inactive(self, on: datetime.date) -> bool:
        return self.valid_to is not None and self.valid_to < on


def system_codes(system_id: str) -> dict[str, CodeTerms]:
    """The codes a CodeSystem holds. A code is in it with a display: its canonical title, else the
    title a list prints; a code the texts only mention, with no title, is not (display is 1..1 in $lookup)."""

    def build():
        found = {}
        titles: dict[int, list[str]] = {}
        for code_id, title in Entry.objects.order_by("code_list__order", "section__order", "order").values_list(
            "code_id", "title"
        ):
            titles.setdefault(code_id, []).append(title)
        chosen_decisions = decisions()
        for code in Code.objects.order_by("code"):
            decision = chosen_decisions.get(code.code)
            in_system = decision.slug == system_id if decision else system_id == "kva"
            every = list(dict.fromkeys([t for t in [code.title, *titles.get(code.pk, [])] if t]))
            if in_system and every:
                found[code.code] = CodeTerms(
                    code.code, every[0], every, code.valid_from, code.valid_to, code.is_tillaggskod
                )
        return found

    return cached(f"codes:{system_id}", build)


def code_properties(code: CodeTerms, on: datetime.date) -> list[dict]:
    properties = [{"code": "inactive", "valueBoolean": code.inactive(on)}]
    if code.valid_to:
        properties.append({"code": "sista-giltiga-dag", "valueDateTime": code.valid_to.isoformat()})
    if code.valid_from:
        properties.append({"code": "giltig-fran", "valueDateTime": code.valid_from.isoformat()})
    if code.tillaggskod:
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
# $lookup's own property: the lists that hold the code (not a property of the CodeSystem's concepts).
LOOKUP_PROPERTIES = ["valueset", *(p["code"] for p in PROPERTY_DEFINITIONS)]


def code_system(system_id: str) -> dict:
    return cached(f"cs:{system_id}", lambda: _build_code_system(system_id))


def _build_code_system(system_id: str) -> dict:
    if system_id == "beteckningstyp":
        return _designation_code_system()
    if system_id == "kva":
        resource = _kva_header()
    else:
        decision = next((d for d in decisions().values() if d.slug == system_id), None)
        if decision is None:
            raise FhirError(404, "not-found", f"CodeSystem/{system_id[:64]} finns inte.")
        resource = _decision_header(decision)
    chosen = system_codes(system_id)
    today = timezone.localdate()
    resource["count"] = len(chosen)
    resource["property"] = PROPERTY_DEFINITIONS
    if chosen:
        resource["concept"] = [
            {"code": code.code, "display": code.display, "property": code_properties(code, today)}
            for code in chosen.values()
        ]
    return resource


def _designation_code_system() -> dict:
    return {
        "resourceType": "CodeSystem",
        "id": "beteckningstyp",
        "url": designation_system(),
        "version": DESIGNATION_SYSTEM_VERSION,
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


def designation_codes() -> dict[str, CodeTerms]:
    return {
        code: CodeTerms(code, display, [display], None, None, False) for code, (display, _) in DESIGNATION_USES.items()
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
            "De KVÅ-koder som KVÅ-guidens listor och texter har, med kanonisk titel (eller, där en sådan "
            "saknas, titeln som listan skriver). Ett utdrag (fragment): hela KVÅ förvaltas och publiceras av "
            "Socialstyrelsen, och en kod som saknas här kan finnas i KVÅ."
        ),
        "caseSensitive": True,
        "content": "fragment",
    }


def _decision_header(decision: SourceDocument) -> dict:
    version = decision_version({"date": decision.date, "valid_from": decision.valid_from})
    resource = {
        "resourceType": "CodeSystem",
        "id": decision.slug,
        "url": decision_system(decision.slug),
        "identifier": [{"use": "official", "value": decision.identifier}],
        "version": version,
        "name": "Beslut" + "".join(ch for ch in decision.identifier if ch.isalnum()),
        "title": f"Regionala koder enligt beslut {decision.identifier}",
        "status": "active",
        "experimental": False,
        "publisher": decision.issuer or publisher(),
        "description": (
            f"Regionala åtgärdskoder som beslutet {decision.identifier} ”{decision.title}” "
            f"({version}) inrättade. Koderna är inte KVÅ-koder utan regionens egna, därför ett eget kodsystem."
        ),
        "caseSensitive": True,
        "content": "complete",
    }
    if decision.date:
        resource["date"] = decision.date.isoformat()
    return resource
