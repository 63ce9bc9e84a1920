"""What a content file must hold: the schemas and the checks read_content runs on each file.

Every check appends to one list of errors, each naming the file and the entry, so that one run
reports every problem at once.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from catalog.content import CODES_FILE, WIZARD_FILE
from catalog.models import SourceDocument
from catalog.text import textlinks
from catalog.visits import store as wizard_store
from catalog.visits import wizard

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
    "unit_code": (str, False),
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


def check(where: str, data: Any, schema: dict, errors: list[str]) -> bool:
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


def duplicates(values: list[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


def unknown_tables(name: str, data: dict, allowed: set[str], errors: list[str]) -> None:
    for key in data:
        if key not in allowed:
            errors.append(f"{name}: unknown table '{key}'")


@dataclass
class Declared:
    """What the documents have declared so far, for the checks that span files."""

    listed_codes: set[str]  # codes under [[codes]]: a list holds them
    known_codes: set[str]  # … and under [[outside]]: texts may name them
    sources: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    decisions: set[str] = field(default_factory=set)
    codes_with_entries: set[str] = field(default_factory=set)


def codes_file(data: dict, content, errors: list[str]) -> Declared:
    """koder.toml: every code once, under [[codes]] (a list holds it) or [[outside]] (only texts name it)."""
    unknown_tables(CODES_FILE, data, {"codes", "outside"}, errors)
    for kind in ("codes", "outside"):
        for index, item in enumerate(data.get(kind, [])):
            where = f"{CODES_FILE}: {kind}[{index}]" + (f" ({item.get('code')})" if isinstance(item, dict) else "")
            if check(where, item, CODE_SCHEMA, errors):
                if not textlinks.CODE_RE.match(item["code"]):
                    errors.append(f"{where}: '{item['code']}' is not a KVÅ code (two capital letters, three digits)")
                getattr(content, kind).append(item)
    declared = [item["code"] for item in content.codes + content.outside]
    for code in duplicates(declared):
        errors.append(f"{CODES_FILE}: code {code} is declared more than once")
    return Declared(listed_codes={item["code"] for item in content.codes}, known_codes=set(declared))


def search_words_file(
    file_name: str, data: dict, table: str, key: str, codes_in: str, schema: dict, declared: Declared, errors: list[str]
) -> list[dict]:
    """synonymer.toml or begrepp.toml: each entry once (by ``key``), naming only codes a list holds."""
    unknown_tables(file_name, data, {table}, errors)
    kept = []
    for index, item in enumerate(data.get(table, [])):
        where = f"{file_name}: {table}[{index}]" + (f" ({item.get(key)})" if isinstance(item, dict) else "")
        if check(where, item, schema, errors):
            for code in textlinks.codes_in(item[codes_in]):
                if code not in declared.listed_codes:
                    errors.append(f"{where}: {codes_in} names {code}, which no list holds")
            kept.append(item)
    what = {"synonyms": "synonym", "concepts": "concept"}[table]
    for value in duplicates([item[key].lower() for item in kept]):
        errors.append(f"{file_name}: {what} '{value}' appears more than once")
    return kept


def _source(name: str, source: dict, declared: Declared, errors: list[str]) -> list[tuple[str, str]]:
    """The [source] table; returns its parts' texts (where, text) for the check of code mentions."""
    declared.sources.append(source["slug"])
    if source["kind"] not in SourceDocument.Kind.values:
        errors.append(f"{name}: source: kind '{source['kind']}' is not one of {', '.join(SourceDocument.Kind.values)}")
    if source["kind"] == SourceDocument.Kind.BESLUT and not source.get("identifier"):
        errors.append(f"{name}: source: a decision needs an identifier (diarienummer)")
    if source["kind"] == SourceDocument.Kind.BESLUT and source.get("identifier"):
        declared.decisions.add(source["identifier"])
    texts: list[tuple[str, str]] = []
    part_slugs = []
    for index, part in enumerate(source.get("parts", [])):
        where = f"{name}: source.parts[{index}]"
        if check(where, part, PART_SCHEMA, errors):
            part_slugs.append(part["slug"])
            texts.append((f"{where} ({part['heading']})", part["body"]))
    for slug in duplicates(part_slugs):
        errors.append(f"{name}: source part '{slug}' appears more than once")
    return texts


def _section(where: str, section: dict, declared: Declared, errors: list[str]) -> list[tuple[str, str]]:
    texts = [(where, section.get("instructions", ""))]
    section_codes = []
    for e_index, entry in enumerate(section["entries"]):
        e_where = f"{where} entries[{e_index}]" + (f" ({entry.get('code')})" if isinstance(entry, dict) else "")
        if not check(e_where, entry, ENTRY_SCHEMA, errors):
            continue
        section_codes.append(entry["code"])
        if entry["code"] not in declared.listed_codes:
            errors.append(f"{e_where}: code {entry['code']} is not declared under [[codes]] in {CODES_FILE}")
        declared.codes_with_entries.add(entry["code"])
        for key in ("beskrivning", "anvisning"):
            texts.append((f"{e_where} {key}", entry.get(key, "")))
    for code in duplicates(section_codes):
        errors.append(f"{where}: code {code} appears more than once in the section")
    return texts


def _code_list(name: str, code_list: dict, declared: Declared, errors: list[str]) -> list[tuple[str, str]]:
    if not check(f"{name}: list", code_list, LIST_SCHEMA, errors):
        return []
    declared.lists.append(code_list["slug"])
    texts: list[tuple[str, str]] = []
    section_slugs = []
    for s_index, section in enumerate(code_list["sections"]):
        where = f"{name}: list.sections[{s_index}]"
        if not check(where, section, SECTION_SCHEMA, errors):
            continue
        section_slugs.append(section["slug"])
        texts += _section(f"{where} '{section['title']}'", section, declared, errors)
    for slug in duplicates(section_slugs):
        errors.append(f"{name}: section '{slug}' appears more than once")
    return texts


def _contact_types(name: str, data: dict, declared: Declared, errors: list[str]) -> list[tuple[str, str]]:
    """The footnotes and the contact-type table of a rule document."""
    texts: list[tuple[str, str]] = []
    marks = []
    for index, footnote in enumerate(data.get("footnotes", [])):
        if check(f"{name}: footnotes[{index}]", footnote, FOOTNOTE_SCHEMA, errors):
            marks.append(footnote["mark"])
            texts.append((f"{name}: footnotes[{index}]", footnote["text"]))
    type_slugs = []
    for index, row in enumerate(data.get("contact_types", [])):
        where = f"{name}: contact_types[{index}]"
        if not check(where, row, CONTACT_TYPE_SCHEMA, errors):
            continue
        type_slugs.append(row["slug"])
        texts.append((where, row.get("description", "")))
        for key in ("required_codes", "one_of_codes"):
            for code in row.get(key, []):
                if code not in declared.known_codes:
                    errors.append(f"{where}: {key}: unknown code {code} (declare it in {CODES_FILE})")
        for mark in row.get("footnotes", []):
            if mark not in marks:
                errors.append(f"{where}: footnote '{mark}' has no [[footnotes]] entry")
    for slug in duplicates(type_slugs):
        errors.append(f"{name}: contact type '{slug}' appears more than once")
    return texts


def document_file(name: str, data: dict, declared: Declared, errors: list[str]) -> bool:
    """One source document's file ([source], perhaps a [list], footnotes, contact types); False if unusable."""
    unknown_tables(name, data, FILE_KEYS, errors)
    if "source" not in data:
        errors.append(f"{name}: missing [source]")
        return False
    if not check(f"{name}: source", data["source"], SOURCE_SCHEMA, errors):
        return False
    texts = _source(name, data["source"], declared, errors)
    if "list" in data:
        texts += _code_list(name, data["list"], declared, errors)
    texts += _contact_types(name, data, declared, errors)
    for where, text in texts:
        for code in textlinks.codes_in(text):
            if code not in declared.known_codes:
                errors.append(
                    f"{where}: mentions unknown code {code} (declare it in {CODES_FILE}, under [[outside]] if no list holds it)"
                )
    return True


def wizard_file(data: dict, documents: list[tuple[str, dict]], declared: Declared) -> list[str]:
    """besok.toml: the schema, then (only if that holds) the tree itself: paths, codes, quotes, contacts."""
    errors: list[str] = []
    for index, step in enumerate(data.get("steps", [])):
        where = f"{WIZARD_FILE}: steps[{index}]" + (f" ({step.get('slug')})" if isinstance(step, dict) else "")
        if not check(where, step, STEP_SCHEMA, errors):
            continue
        for o_index, option in enumerate(step["options"]):
            o_where = f"{where} options[{o_index}]" + (f" ({option.get('slug')})" if isinstance(option, dict) else "")
            if check(o_where, option, OPTION_SCHEMA, errors):
                for c_index, code in enumerate(option.get("codes", [])):
                    check(f"{o_where} codes[{c_index}]", code, WIZARD_CODE_SCHEMA, errors)
                for n_index, note in enumerate(option.get("notes", [])):
                    check(f"{o_where} notes[{n_index}]", note, NOTE_SCHEMA, errors)
    if not isinstance(data.get("wizard"), dict) or "start" not in data["wizard"]:
        errors.append(f"{WIZARD_FILE}: missing [wizard] start")
    if errors:
        return errors
    contacts = wizard_store.contacts_from_content(documents)
    tree = wizard_store.tree_from_content(data, contacts)
    problems = wizard.validate(
        tree,
        known_codes=declared.known_codes,
        quote_ok=wizard_store.quote_checker(wizard_store.quote_texts_from_content(documents)),
        contact_refs=set(contacts),
    )
    return [f"{WIZARD_FILE}: {problem}" for problem in problems]


def across_files(content, declared: Declared, errors: list[str]) -> None:
    """What no single file can tell: decisions named, slugs used once, every listed code in a list."""
    for item in content.codes + content.outside:
        if "decision" in item and item["decision"] not in declared.decisions:
            errors.append(
                f"{CODES_FILE}: {item['code']}: decision '{item['decision']}' is not the identifier of a beslut source"
            )


def slugs_and_placement(content, declared: Declared, errors: list[str]) -> None:
    for slug in duplicates(declared.sources):
        errors.append(f"source slug '{slug}' is used by more than one file")
    for slug in duplicates(declared.lists):
        errors.append(f"list slug '{slug}' is used by more than one file")
    for code in sorted(declared.listed_codes - declared.codes_with_entries):
        errors.append(f"{CODES_FILE}: {code} is declared under [[codes]] but no list holds it (move it to [[outside]])")
    for code in sorted({item["code"] for item in content.outside} & declared.codes_with_entries):
        errors.append(f"{CODES_FILE}: {code} is declared under [[outside]] but a list holds it")
