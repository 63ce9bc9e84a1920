"""Reading, validating and loading the content files in catalog/content/.

``read_content`` parses and validates every file and raises ``ContentError`` listing every
problem by file and entry. ``load`` upserts the result, field by field: a field is written
only when the site still holds what the loader wrote last time, so an edit made in the site
is kept (and reported) rather than overwritten.
"""

import datetime
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from . import drafts, history, practice_content, signals, textlinks, wizard, wizard_store
from .models import (
    Code,
    CodeList,
    Concept,
    ContactType,
    ContentTracked,
    DocumentPart,
    Entry,
    Footnote,
    Revision,
    Section,
    SourceDocument,
    Synonym,
    WizardCode,
    WizardNote,
    WizardOption,
    WizardStep,
    plain_value,
)

CONTENT_DIR = Path(__file__).resolve().parent / "content"
CODES_FILE = "koder.toml"
SYNONYMS_FILE = "synonymer.toml"
CONCEPTS_FILE = "begrepp.toml"

# Each schema maps a key to (type, required). Unknown keys are errors: they are nearly always typos.
SOURCE_SCHEMA = {
    "slug": (str, True),
    "title": (str, True),
    "kind": (str, True),
    "issuer": (str, False),
    "identifier": (str, False),
    "date": (datetime.date, False),
    "valid_from": (datetime.date, False),
    "seed_file": (str, True),
    "note": (str, False),
    "parts": (list, False),
}
PART_SCHEMA = {"slug": (str, True), "heading": (str, True), "body": (str, True), "note": (str, False)}
LIST_SCHEMA = {
    "slug": (str, True),
    "title": (str, True),
    "order": (int, False),
    "beskrivning_label": (str, False),
    "anvisning_label": (str, False),
    "intro": (str, False),
    "sections": (list, True),
}
SECTION_SCHEMA = {
    "slug": (str, True),
    "title": (str, True),
    "overview_title": (str, False),
    "instructions_title": (str, False),
    "instructions": (str, False),
    "note": (str, False),
    "entries": (list, True),
}
ENTRY_SCHEMA = {
    "code": (str, True),
    "title": (str, True),
    "marker": (str, False),
    "beskrivning": (str, False),
    "anvisning": (str, False),
    "overview_title": (str, False),
    "overview_marker": (str, False),
    "in_table": (bool, False),
    "note": (str, False),
}
CONTACT_TYPE_SCHEMA = {
    "slug": (str, True),
    "printed": (str, True),
    "name": (str, True),
    "abbreviation": (str, False),
    "staff_category": (str, False),
    "description": (str, False),
    "patient_fee": (str, False),
    "contact_points": (str, False),
    "points": ((int, float), False),
    "qualified": (bool, True),
    "required_codes": (list, False),
    "one_of_codes": (list, False),
    "footnotes": (list, False),
    "note": (str, False),
}
FOOTNOTE_SCHEMA = {"mark": (str, True), "text": (str, True)}
CODE_SCHEMA = {
    "code": (str, True),
    "title": (str, False),
    "tillaggskod": (bool, False),
    "regional": (bool, False),
    "decision": (str, False),  # the identifier of the decision (a beslut source) that created the code
    "note": (str, False),
}
SYNONYM_SCHEMA = {"term": (str, True), "expansion": (str, True), "note": (str, False)}
CONCEPT_SCHEMA = {"name": (str, True), "words": (str, True), "means": (str, True), "note": (str, False)}
FILE_KEYS = {"source", "list", "contact_types", "footnotes"}
STEP_SCHEMA = {
    "slug": (str, True),
    "question": (str, True),
    "help": (str, False),
    "kind": (str, False),
    "next": (str, False),
    "optional": (bool, False),
    "way_out": (str, False),
    "options": (list, True),
}
OPTION_SCHEMA = {
    "slug": (str, True),
    "label": (str, True),
    "help": (str, False),
    "next": (str, False),
    "codes": (list, False),
    "notes": (list, False),
    "contact": (str, False),
    "extra_points": ((int, float), False),
    "extra_points_from": (str, False),
    "no_code": (bool, False),
    "when": (list, False),
    "unless": (list, False),
    "implied": (bool, False),
}
WIZARD_CODE_SCHEMA = {
    "code": (str, True),
    "role": (str, True),
    "reason": (str, True),
    "quote_from": (str, True),
    "check": (str, False),
}
NOTE_SCHEMA = {"text": (str, True), "quote_from": (str, False)}


class ContentError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ContentSet:
    codes: list[dict] = field(default_factory=list)
    outside: list[dict] = field(default_factory=list)
    documents: list[tuple[str, dict]] = field(default_factory=list)  # (file name, parsed file)
    synonyms: list[dict] = field(default_factory=list)
    concepts: list[dict] = field(default_factory=list)
    wizard: dict | None = None
    practice: dict | None = None  # ovningar.toml: practice cases (catalog.practice_content)


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    kept_edits: list[str] = field(default_factory=list)
    kept_for_drafts: list[str] = field(default_factory=list)
    # (content type id, object id) → fields with a draft waiting for review; read once per load.
    pending_drafts: dict | None = None
    # Some objects are met twice in one run (a code declared, then listed; a wizard step created,
    # then linked to its next step): each counts once, as created, else updated, else unchanged.
    outcome: dict = field(default_factory=dict)

    def count(self, model, obj, result: str) -> None:
        key, name = (model, obj.pk), model._meta.verbose_name
        before = self.outcome.get(key)
        if before in ("created", "updated") or before == result:
            return
        if before == "unchanged":
            self.unchanged[name] -= 1
        self.outcome[key] = result
        getattr(self, result)[name] += 1

    def summary(self) -> str:
        def total(counter: Counter) -> int:
            return sum(counter.values())

        return (
            f"load_content: {total(self.created)} created, {total(self.updated)} updated, "
            f"{total(self.unchanged)} unchanged, {total(self.deleted)} removed, "
            f"{len(self.kept_edits)} edited in the site and kept"
            + (
                f", {len(self.kept_for_drafts)} not loaded over a draft waiting for review"
                if self.kept_for_drafts
                else ""
            )
        )


def _check(where: str, data: Any, schema: dict, errors: list[str]) -> bool:
    if not isinstance(data, dict):
        errors.append(f"{where}: expected a table, found {type(data).__name__}")
        return False
    ok = True
    for key in data:
        if key not in schema:
            errors.append(f"{where}: unknown field '{key}'")
            ok = False
    for key, (kind, required) in schema.items():
        if key not in data:
            if required:
                errors.append(f"{where}: missing field '{key}'")
                ok = False
            continue
        value = data[key]
        if kind is bool and not isinstance(value, bool) or kind is not bool and not isinstance(value, kind):
            errors.append(f"{where}: field '{key}' should be {getattr(kind, '__name__', kind)}, not {value!r}")
            ok = False
        elif isinstance(value, str) and required and not value.strip():
            errors.append(f"{where}: field '{key}' is empty")
            ok = False
    return ok


def _duplicates(values: list[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


def read_content(directory: Path = CONTENT_DIR) -> ContentSet:
    """Parse and validate every content file; raise ContentError naming each problem."""
    errors: list[str] = []
    content = ContentSet()
    paths = sorted(directory.glob("*.toml"))
    parsed: dict[str, dict] = {}
    for path in paths:
        try:
            with path.open("rb") as handle:
                parsed[path.name] = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            errors.append(f"{path.name}: not valid TOML: {error}")
    if CODES_FILE not in parsed and not any(e.startswith(CODES_FILE) for e in errors):
        errors.append(f"{CODES_FILE}: missing (every code must be declared there once)")
    if errors:
        raise ContentError(errors)

    codes_file = parsed.pop(CODES_FILE)
    for key in codes_file:
        if key not in {"codes", "outside"}:
            errors.append(f"{CODES_FILE}: unknown table '{key}'")
    for kind in ("codes", "outside"):
        for index, item in enumerate(codes_file.get(kind, [])):
            where = f"{CODES_FILE}: {kind}[{index}]" + (f" ({item.get('code')})" if isinstance(item, dict) else "")
            if _check(where, item, CODE_SCHEMA, errors):
                if not textlinks.CODE_RE.match(item["code"]):
                    errors.append(f"{where}: '{item['code']}' is not a KVÅ code (two capital letters, three digits)")
                getattr(content, kind).append(item)
    declared = [item["code"] for item in content.codes + content.outside]
    for code in _duplicates(declared):
        errors.append(f"{CODES_FILE}: code {code} is declared more than once")
    listed_codes = {item["code"] for item in content.codes}
    known_codes = set(declared)

    parsed_wizard = parsed.pop(wizard_store.WIZARD_FILE, None)
    parsed_practice = parsed.pop(practice_content.PRACTICE_FILE, None)
    synonyms_file = parsed.pop(SYNONYMS_FILE, {})
    for key in synonyms_file:
        if key != "synonyms":
            errors.append(f"{SYNONYMS_FILE}: unknown table '{key}'")
    for index, item in enumerate(synonyms_file.get("synonyms", [])):
        where = f"{SYNONYMS_FILE}: synonyms[{index}]" + (f" ({item.get('term')})" if isinstance(item, dict) else "")
        if _check(where, item, SYNONYM_SCHEMA, errors):
            for code in textlinks.codes_in(item["expansion"]):
                if code not in listed_codes:
                    errors.append(f"{where}: expansion names {code}, which no list holds")
            content.synonyms.append(item)
    for term in _duplicates([item["term"].lower() for item in content.synonyms]):
        errors.append(f"{SYNONYMS_FILE}: synonym '{term}' appears more than once")
    concepts_file = parsed.pop(CONCEPTS_FILE, {})
    for key in concepts_file:
        if key != "concepts":
            errors.append(f"{CONCEPTS_FILE}: unknown table '{key}'")
    for index, item in enumerate(concepts_file.get("concepts", [])):
        where = f"{CONCEPTS_FILE}: concepts[{index}]" + (f" ({item.get('name')})" if isinstance(item, dict) else "")
        if _check(where, item, CONCEPT_SCHEMA, errors):
            for code in textlinks.codes_in(item["means"]):
                if code not in listed_codes:
                    errors.append(f"{where}: means names {code}, which no list holds")
            content.concepts.append(item)
    for name in _duplicates([item["name"].lower() for item in content.concepts]):
        errors.append(f"{CONCEPTS_FILE}: concept '{name}' appears more than once")

    seen_sources: list[str] = []
    decision_identifiers: set[str] = set()
    seen_lists: list[str] = []
    codes_with_entries: set[str] = set()
    for name, data in parsed.items():
        for key in data:
            if key not in FILE_KEYS:
                errors.append(f"{name}: unknown table '{key}'")
        if "source" not in data:
            errors.append(f"{name}: missing [source]")
            continue
        source = data["source"]
        if not _check(f"{name}: source", source, SOURCE_SCHEMA, errors):
            continue
        seen_sources.append(source["slug"])
        if source["kind"] not in SourceDocument.Kind.values:
            errors.append(
                f"{name}: source: kind '{source['kind']}' is not one of {', '.join(SourceDocument.Kind.values)}"
            )
        if source["kind"] == SourceDocument.Kind.BESLUT and not source.get("identifier"):
            errors.append(f"{name}: source: a decision needs an identifier (diarienummer)")
        if source["kind"] == SourceDocument.Kind.BESLUT and source.get("identifier"):
            decision_identifiers.add(source["identifier"])
        texts: list[tuple[str, str]] = []
        part_slugs = []
        for index, part in enumerate(source.get("parts", [])):
            where = f"{name}: source.parts[{index}]"
            if _check(where, part, PART_SCHEMA, errors):
                part_slugs.append(part["slug"])
                texts.append((f"{where} ({part['heading']})", part["body"]))
        for slug in _duplicates(part_slugs):
            errors.append(f"{name}: source part '{slug}' appears more than once")

        if "list" in data:
            code_list = data["list"]
            if _check(f"{name}: list", code_list, LIST_SCHEMA, errors):
                seen_lists.append(code_list["slug"])
                section_slugs = []
                for s_index, section in enumerate(code_list["sections"]):
                    where = f"{name}: list.sections[{s_index}]"
                    if not _check(where, section, SECTION_SCHEMA, errors):
                        continue
                    where = f"{where} '{section['title']}'"
                    section_slugs.append(section["slug"])
                    texts.append((where, section.get("instructions", "")))
                    section_codes = []
                    for e_index, entry in enumerate(section["entries"]):
                        e_where = f"{where} entries[{e_index}]" + (
                            f" ({entry.get('code')})" if isinstance(entry, dict) else ""
                        )
                        if not _check(e_where, entry, ENTRY_SCHEMA, errors):
                            continue
                        section_codes.append(entry["code"])
                        if entry["code"] not in listed_codes:
                            errors.append(
                                f"{e_where}: code {entry['code']} is not declared under [[codes]] in {CODES_FILE}"
                            )
                        codes_with_entries.add(entry["code"])
                        for key in ("beskrivning", "anvisning"):
                            texts.append((f"{e_where} {key}", entry.get(key, "")))
                    for code in _duplicates(section_codes):
                        errors.append(f"{where}: code {code} appears more than once in the section")
                for slug in _duplicates(section_slugs):
                    errors.append(f"{name}: section '{slug}' appears more than once")

        marks = []
        for index, footnote in enumerate(data.get("footnotes", [])):
            if _check(f"{name}: footnotes[{index}]", footnote, FOOTNOTE_SCHEMA, errors):
                marks.append(footnote["mark"])
                texts.append((f"{name}: footnotes[{index}]", footnote["text"]))
        type_slugs = []
        for index, row in enumerate(data.get("contact_types", [])):
            where = f"{name}: contact_types[{index}]"
            if not _check(where, row, CONTACT_TYPE_SCHEMA, errors):
                continue
            type_slugs.append(row["slug"])
            texts.append((where, row.get("description", "")))
            for key in ("required_codes", "one_of_codes"):
                for code in row.get(key, []):
                    if code not in known_codes:
                        errors.append(f"{where}: {key}: unknown code {code} (declare it in {CODES_FILE})")
            for mark in row.get("footnotes", []):
                if mark not in marks:
                    errors.append(f"{where}: footnote '{mark}' has no [[footnotes]] entry")
        for slug in _duplicates(type_slugs):
            errors.append(f"{name}: contact type '{slug}' appears more than once")

        for where, text in texts:
            for code in textlinks.codes_in(text):
                if code not in known_codes:
                    errors.append(
                        f"{where}: mentions unknown code {code} (declare it in {CODES_FILE}, under [[outside]] if no list holds it)"
                    )
        content.documents.append((name, data))

    wizard_data = parsed_wizard
    if wizard_data is not None:
        wizard_errors = []
        for index, step in enumerate(wizard_data.get("steps", [])):
            where = f"{wizard_store.WIZARD_FILE}: steps[{index}]" + (
                f" ({step.get('slug')})" if isinstance(step, dict) else ""
            )
            if not _check(where, step, STEP_SCHEMA, wizard_errors):
                continue
            for o_index, option in enumerate(step["options"]):
                o_where = f"{where} options[{o_index}]" + (
                    f" ({option.get('slug')})" if isinstance(option, dict) else ""
                )
                if _check(o_where, option, OPTION_SCHEMA, wizard_errors):
                    for c_index, code in enumerate(option.get("codes", [])):
                        _check(f"{o_where} codes[{c_index}]", code, WIZARD_CODE_SCHEMA, wizard_errors)
                    for n_index, note in enumerate(option.get("notes", [])):
                        _check(f"{o_where} notes[{n_index}]", note, NOTE_SCHEMA, wizard_errors)
        if not isinstance(wizard_data.get("wizard"), dict) or "start" not in wizard_data["wizard"]:
            wizard_errors.append(f"{wizard_store.WIZARD_FILE}: missing [wizard] start")
        if not wizard_errors:
            contacts = wizard_store.contacts_from_content(content.documents)
            tree = wizard_store.tree_from_content(wizard_data, contacts)
            problems = wizard.validate(
                tree,
                known_codes=known_codes,
                quote_ok=wizard_store.quote_checker(wizard_store.quote_texts_from_content(content.documents)),
                contact_refs=set(contacts),
            )
            wizard_errors += [f"{wizard_store.WIZARD_FILE}: {problem}" for problem in problems]
        errors += wizard_errors
        content.wizard = wizard_data

    for item in content.codes + content.outside:
        if "decision" in item and item["decision"] not in decision_identifiers:
            errors.append(
                f"{CODES_FILE}: {item['code']}: decision '{item['decision']}' is not the identifier of a beslut source"
            )
    if parsed_practice is not None:
        errors += practice_content.validate_file(parsed_practice, known_codes, content.documents, _check)
        content.practice = parsed_practice

    for slug in _duplicates(seen_sources):
        errors.append(f"source slug '{slug}' is used by more than one file")
    for slug in _duplicates(seen_lists):
        errors.append(f"list slug '{slug}' is used by more than one file")
    for code in sorted(listed_codes - codes_with_entries):
        errors.append(f"{CODES_FILE}: {code} is declared under [[codes]] but no list holds it (move it to [[outside]])")
    for code in sorted({item["code"] for item in content.outside} & codes_with_entries):
        errors.append(f"{CODES_FILE}: {code} is declared under [[outside]] but a list holds it")
    if errors:
        raise ContentError(errors)
    return content


def _upsert(model: type[ContentTracked], lookup: dict, values: dict, report: Report, label: str) -> ContentTracked:
    """Create or update one object, never overwriting a field that was edited in the site."""
    stored = {key: plain_value(value) for key, value in values.items()}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, loaded=stored)
        obj.save()
        report.count(model, obj, "created")
        return obj
    changed = False
    before = history.snapshot(obj)
    if report.pending_drafts is None:
        report.pending_drafts = drafts.pending_fields_index()
    waiting = report.pending_drafts.get((ContentType.objects.get_for_model(model).pk, obj.pk), set())
    for key, value in values.items():
        current = plain_value(getattr(obj, key))
        if key in waiting and current != stored[key]:
            # A draft of this text waits for review: the release must not publish past it.
            report.kept_for_drafts.append(f"{label}: {key}")
            continue
        if current == stored[key]:
            if obj.loaded.get(key) != stored[key]:
                obj.loaded[key] = stored[key]
                changed = True
            continue
        if key in obj.loaded and current != obj.loaded[key]:
            report.kept_edits.append(f"{label}: {key}")
            continue
        setattr(obj, key, value)
        obj.loaded[key] = stored[key]
        changed = True
    if changed:
        obj.version += 1
        obj.save()
        history.record(obj, Revision.Action.LOADED, before)
    report.count(model, obj, "updated" if changed else "unchanged")
    return obj


@transaction.atomic
@signals.one_generation_bump()
def load(content: ContentSet) -> Report:
    report = Report()
    codes: dict[str, Code] = {}
    for item in content.codes + content.outside:
        codes[item["code"]] = _upsert(
            Code,
            {"code": item["code"]},
            {
                "title": item.get("title", ""),
                "is_tillaggskod": item.get("tillaggskod", False),
                "is_regional": item.get("regional", False),
                "outside_lists": item in content.outside,
                "note": item.get("note", ""),
            },
            report,
            f"{CODES_FILE} {item['code']}",
        )

    for item in content.synonyms:
        _upsert(
            Synonym,
            {"term": item["term"]},
            {"expansion": item["expansion"], "note": item.get("note", "")},
            report,
            f"{SYNONYMS_FILE} {item['term']}",
        )

    for item in content.concepts:
        _upsert(
            Concept,
            {"name": item["name"]},
            {"words": item["words"], "means": item["means"], "note": item.get("note", "")},
            report,
            f"{CONCEPTS_FILE} {item['name']}",
        )

    for list_order, (name, data) in enumerate(content.documents):
        source = data["source"]
        document = _upsert(
            SourceDocument,
            {"slug": source["slug"]},
            {
                "title": source["title"],
                "kind": source["kind"],
                "issuer": source.get("issuer", ""),
                "identifier": source.get("identifier", ""),
                "date": source.get("date"),
                "valid_from": source.get("valid_from"),
                "seed_file": source["seed_file"],
                "note": source.get("note", ""),
            },
            report,
            f"{name} source",
        )
        for order, part in enumerate(source.get("parts", [])):
            _upsert(
                DocumentPart,
                {"document": document, "slug": part["slug"]},
                {"order": order, "heading": part["heading"], "body": part["body"], "note": part.get("note", "")},
                report,
                f"{name} part {part['slug']}",
            )
        for footnote in data.get("footnotes", []):
            _upsert(
                Footnote,
                {"document": document, "mark": footnote["mark"]},
                {"text": footnote["text"]},
                report,
                f"{name} footnote {footnote['mark']}",
            )
        for order, row in enumerate(data.get("contact_types", [])):
            _upsert(
                ContactType,
                {"document": document, "slug": row["slug"]},
                {
                    "order": order,
                    "printed": row["printed"],
                    "name": row["name"],
                    "abbreviation": row.get("abbreviation", ""),
                    "staff_category": row.get("staff_category", ""),
                    "description": row.get("description", ""),
                    "patient_fee": row.get("patient_fee", ""),
                    "contact_points": row.get("contact_points", ""),
                    "points": Decimal(str(row["points"])) if "points" in row else None,
                    "qualified": row["qualified"],
                    "required_codes": row.get("required_codes", []),
                    "one_of_codes": row.get("one_of_codes", []),
                    "footnotes": row.get("footnotes", []),
                    "note": row.get("note", ""),
                },
                report,
                f"{name} contact type {row['slug']}",
            )
        if "list" not in data:
            continue
        list_data = data["list"]
        code_list = _upsert(
            CodeList,
            {"slug": list_data["slug"]},
            {
                "title": list_data["title"],
                "source": document,
                "order": list_data.get("order", 100 + list_order),
                "intro": list_data.get("intro", ""),
                "beskrivning_label": list_data.get("beskrivning_label", "Beskrivning"),
                "anvisning_label": list_data.get("anvisning_label", "Anvisning"),
            },
            report,
            f"{name} list",
        )
        for s_order, section_data in enumerate(list_data["sections"]):
            section = _upsert(
                Section,
                {"code_list": code_list, "slug": section_data["slug"]},
                {
                    "order": s_order,
                    "title": section_data["title"],
                    "overview_title": section_data.get("overview_title", ""),
                    "instructions_title": section_data.get("instructions_title", ""),
                    "instructions": section_data.get("instructions", ""),
                    "note": section_data.get("note", ""),
                },
                report,
                f"{name} section {section_data['slug']}",
            )
            for e_order, entry in enumerate(section_data["entries"]):
                _upsert(
                    Entry,
                    {"section": section, "code": codes[entry["code"]]},
                    {
                        "code_list": code_list,
                        "order": e_order,
                        "title": entry["title"],
                        "marker": entry.get("marker", ""),
                        "beskrivning": entry.get("beskrivning"),
                        "anvisning": entry.get("anvisning"),
                        "overview_title": entry.get("overview_title"),
                        "overview_marker": entry.get("overview_marker", ""),
                        "in_table": entry.get("in_table", True),
                        "note": entry.get("note", ""),
                    },
                    report,
                    f"{name} {section_data['slug']} {entry['code']}",
                )
    _link_decision_codes(content)
    if content.wizard is not None:
        _load_wizard(content.wizard, codes, report)
    if content.practice is not None:
        practice_content.load(content.practice, report, _upsert)
    # Everything as loaded has a first revision, so a coordinator's first edit can be undone.
    history.baseline(ContentTracked.__subclasses__())
    return report


def _link_decision_codes(content: ContentSet) -> None:
    """Link each code a decision created to that decision (the FHIR façade names it), once.

    Only a code with no decision yet is linked, so a coordinator's later decision is never undone.
    """
    for item in content.codes + content.outside:
        if "decision" not in item:
            continue
        decision = SourceDocument.objects.get(kind=SourceDocument.Kind.BESLUT, identifier=item["decision"])
        linked = Code.objects.filter(code=item["code"], decision__isnull=True).update(
            decision=decision, valid_from=decision.valid_from or decision.date
        )
        if linked:
            signals.changed_without_signals()


def _load_wizard(data: dict, codes: dict[str, Code], report: Report) -> None:
    name = wizard_store.WIZARD_FILE
    contact_types = {f"{c.document.slug}/{c.slug}": c for c in ContactType.objects.select_related("document")}
    steps: dict[str, WizardStep] = {}
    start = data["wizard"]["start"]
    kept: dict[type, set[int]] = {WizardStep: set(), WizardOption: set(), WizardCode: set(), WizardNote: set()}
    for order, step in enumerate(data["steps"]):
        steps[step["slug"]] = obj = _upsert(
            WizardStep,
            {"slug": step["slug"]},
            {
                "order": order,
                "is_start": step["slug"] == start,
                "question": step["question"],
                "help": step.get("help", ""),
                "kind": step.get("kind", "single"),
                "optional": step.get("optional", False),
                "way_out": step.get("way_out", ""),
            },
            report,
            f"{name} {step['slug']}",
        )
        kept[WizardStep].add(obj.pk)
    for step in data["steps"]:
        _upsert(
            WizardStep,
            {"slug": step["slug"]},
            {"next_step": steps.get(step.get("next"))},
            report,
            f"{name} {step['slug']}",
        )
        for order, option in enumerate(step["options"]):
            label = f"{name} {step['slug']}/{option['slug']}"
            obj = _upsert(
                WizardOption,
                {"step": steps[step["slug"]], "slug": option["slug"]},
                {
                    "order": order,
                    "label": option["label"],
                    "help": option.get("help", ""),
                    "next_step": steps.get(option.get("next")),
                    "contact_type": contact_types.get(option.get("contact")),
                    "extra_points": Decimal(str(option["extra_points"])) if "extra_points" in option else None,
                    "extra_points_from": option.get("extra_points_from", ""),
                    "no_code": option.get("no_code", False),
                    "when": list(option.get("when", [])),
                    "unless": list(option.get("unless", [])),
                    "implied": option.get("implied", False),
                },
                report,
                label,
            )
            kept[WizardOption].add(obj.pk)
            for c_order, code in enumerate(option.get("codes", [])):
                kept[WizardCode].add(
                    _upsert(
                        WizardCode,
                        {"option": obj, "code": codes[code["code"]]},
                        {
                            "order": c_order,
                            "role": code["role"],
                            "reason": code["reason"],
                            "quote_from": code["quote_from"],
                            "to_check": code.get("check", ""),
                        },
                        report,
                        f"{label} {code['code']}",
                    ).pk
                )
            for n_order, note in enumerate(option.get("notes", [])):
                kept[WizardNote].add(
                    _upsert(
                        WizardNote,
                        {"option": obj, "order": n_order},
                        {"text": note["text"], "quote_from": note.get("quote_from", "")},
                        report,
                        f"{label} note {n_order}",
                    ).pk
                )
    # What the file no longer has goes, unless it was made or edited in the site.
    for model in (WizardNote, WizardCode, WizardOption, WizardStep):
        for obj in model.objects.exclude(pk__in=kept[model]):
            if obj.loaded and not obj.edited_fields():
                if model is WizardStep:
                    WizardStep.objects.filter(next_step=obj).update(next_step=None)
                    WizardOption.objects.filter(next_step=obj).update(next_step=None)
                history.record_delete(obj, comment="load_content: finns inte längre i innehållsfilen")
                obj.delete()
                report.deleted[model._meta.verbose_name] += 1
