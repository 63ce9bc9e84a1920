"""Loading a validated ContentSet into the database, field by field.

A field is written only when the site still holds what the loader wrote last time, so an edit made
in the site is kept (and reported) rather than overwritten; a field with a draft waiting for review
is not loaded over either.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from catalog.caching import signals
from catalog.content import CODES_FILE, CONCEPTS_FILE, SYNONYMS_FILE, WIZARD_FILE
from catalog.editorial import drafts, gate, history
from catalog.loading import practice
from catalog.loading.read import ContentSet
from catalog.models import (
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


def _upsert(model: type[ContentTracked], lookup: dict, values: dict, report: Report, label: str) -> ContentTracked:
    """Create or update one object through the gate, never overwriting a field that was edited in the site."""
    session = gate.current_session()
    stored = {key: plain_value(value) for key, value in values.items()}
    if "slug" in lookup:
        stored["slug"] = lookup["slug"]  # so a coordinator's rename is recognised as theirs, not a new object
    obj = model.objects.filter(**lookup).first() or _renamed_in_the_site(model, lookup)
    if obj is None:
        obj = session.create(model(**lookup, **values, loaded=stored), record=False)
        report.count(model, obj, "created")
        return obj
    if report.pending_drafts is None:
        report.pending_drafts = drafts.pending_fields_index()
    waiting = report.pending_drafts.get((ContentType.objects.get_for_model(model).pk, obj.pk), set())
    written = []
    items = [*values.items(), *([("slug", lookup["slug"])] if "slug" in lookup else [])]
    for key, value in items:
        current = plain_value(getattr(obj, key))
        if key in waiting and current != stored[key]:
            # A draft of this text waits for review: the release must not publish past it.
            report.kept_for_drafts.append(f"{label}: {key}")
            continue
        if current == stored[key]:
            if obj.loaded.get(key) != stored[key]:
                obj.loaded[key] = stored[key]
                written.append("loaded")
            continue
        if key in obj.loaded and current != obj.loaded[key]:
            report.kept_edits.append(f"{label}: {key}")
            continue
        setattr(obj, key, value)
        obj.loaded[key] = stored[key]
        written += [key, "loaded"]
    if written:
        session.save(obj, sorted(set(written)), action=Revision.Action.LOADED)
    report.count(model, obj, "updated" if set(written) - {"loaded"} else "unchanged")
    return obj


def _renamed_in_the_site(model, lookup: dict):
    """The object a coordinator renamed: the loader wrote it under the slug the file still gives."""
    if "slug" not in lookup:
        return None
    others = {key: value for key, value in lookup.items() if key != "slug"}
    return model.objects.filter(**others, loaded__slug=lookup["slug"]).first()


@transaction.atomic
@signals.one_generation_bump()
def load(content: ContentSet) -> Report:
    """Load everything through the gate, in one session: all of it, or (refused) none of it."""
    with gate.session(None, "load-content"):
        return _load(content)


def _load(content: ContentSet) -> Report:
    report = Report()
    codes = _load_codes(content, report)
    _load_search_words(content, report)
    for list_order, (name, data) in enumerate(content.documents):
        document = _load_source(name, data, report)
        if "list" in data:
            _load_list(name, data["list"], document, list_order, codes, report)
    _link_decision_codes(content)
    if content.wizard is not None:
        _load_wizard(content.wizard, codes, report)
    if content.practice is not None:
        practice.load(content.practice, report, _upsert)
    # Everything as loaded has a first revision, so a coordinator's first edit can be undone.
    history.baseline(ContentTracked.__subclasses__())
    return report


def _load_codes(content: ContentSet, report: Report) -> dict[str, Code]:
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
    return codes


def _load_search_words(content: ContentSet, report: Report) -> None:
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


def _load_source(name: str, data: dict, report: Report) -> SourceDocument:
    """The source document, its parts, footnotes and contact types."""
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
            _contact_type_values(order, row),
            report,
            f"{name} contact type {row['slug']}",
        )
    return document


def _contact_type_values(order: int, row: dict) -> dict:
    return {
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
    }


def _load_list(
    name: str, list_data: dict, document: SourceDocument, list_order: int, codes: dict[str, Code], report: Report
) -> None:
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


def _link_decision_codes(content: ContentSet) -> None:
    """Link each code a decision created to that decision (the FHIR façade names it), once.

    Only a code with no decision yet is linked, so a coordinator's later decision is never undone.
    """
    session = gate.current_session()
    for item in content.codes + content.outside:
        if "decision" not in item:
            continue
        decision = SourceDocument.objects.get(kind=SourceDocument.Kind.BESLUT, identifier=item["decision"])
        code = Code.objects.filter(code=item["code"], decision__isnull=True).first()
        if code is not None:
            code.decision, code.valid_from = decision, decision.valid_from or decision.date
            session.save(code, ["decision", "valid_from"], action=Revision.Action.LOADED)


def _load_wizard(data: dict, codes: dict[str, Code], report: Report) -> None:
    contact_types = {f"{c.document.slug}/{c.slug}": c for c in ContactType.objects.select_related("document")}
    kept: dict[type, set[int]] = {WizardStep: set(), WizardOption: set(), WizardCode: set(), WizardNote: set()}
    steps = _load_wizard_steps(data, report, kept)
    for step in data["steps"]:
        _upsert(
            WizardStep,
            {"slug": step["slug"]},
            {"next_step": steps.get(step.get("next"))},
            report,
            f"{WIZARD_FILE} {step['slug']}",
        )
        for order, option in enumerate(step["options"]):
            _load_wizard_option(steps, step, order, option, contact_types, codes, report, kept)
    # What the file no longer has goes, unless it was made or edited in the site.
    session = gate.current_session()
    for model in (WizardNote, WizardCode, WizardOption, WizardStep):
        for obj in model.objects.exclude(pk__in=kept[model]):
            if obj.loaded and not obj.edited_fields():
                if model is WizardStep:
                    for leading in [
                        *WizardStep.objects.filter(next_step=obj),
                        *WizardOption.objects.filter(next_step=obj),
                    ]:
                        leading.next_step = None
                        session.save(leading, ["next_step"], action=Revision.Action.LOADED)
                session.delete(obj, comment="load_content: finns inte längre i innehållsfilen")
                report.deleted[model._meta.verbose_name] += 1


def _load_wizard_steps(data: dict, report: Report, kept: dict[type, set[int]]) -> dict[str, WizardStep]:
    """Every step, before any is linked to the next: an answer may lead to a step further down the file."""
    steps: dict[str, WizardStep] = {}
    start = data["wizard"]["start"]
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
            f"{WIZARD_FILE} {step['slug']}",
        )
        kept[WizardStep].add(obj.pk)
    return steps


def _load_wizard_option(steps, step, order, option, contact_types, codes, report, kept) -> None:
    label = f"{WIZARD_FILE} {step['slug']}/{option['slug']}"
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
            "unit_code": option.get("unit_code", ""),
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
