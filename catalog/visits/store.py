"""Where wizard trees come from: the content file besok.toml and the database.

Also the texts the wizard's quotes must stand in (``quote_texts_*``), so the same check runs
when the file is loaded and when a coordinator saves a change in the admin.
"""

import re
import threading
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from catalog.caching import freshness
from catalog.models import (
    Code,
    ContactType,
    DocumentPart,
    Entry,
    Footnote,
    Section,
    WizardCode,
    WizardNote,
    WizardOption,
    WizardStep,
)
from catalog.visits import wizard
from catalog.visits.wizard import Contact, Note, Option, Step, SuggestedCode, Tree


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def quote_checker(texts: dict[str, str]):
    squeezed = {ref: squeeze(text) for ref, text in texts.items()}

    def quote_ok(quote: str, ref: str) -> bool:
        return ref in squeezed and squeeze(quote) in squeezed[ref]

    return quote_ok


def quote_texts_from_content(documents: list[tuple[str, dict]]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for _name, data in documents:
        slug = data["source"]["slug"]
        for part in data["source"].get("parts", []):
            texts[f"part:{slug}/{part['slug']}"] = part["body"]
        for row in data.get("contact_types", []):
            texts[f"contact:{slug}/{row['slug']}"] = "\n".join(
                [row["printed"], row.get("description", ""), row.get("patient_fee", "")]
            )
        for footnote in data.get("footnotes", []):
            texts[f"footnote:{slug}/{footnote['mark']}"] = footnote["text"]
        code_list = data.get("list")
        if code_list:
            for section in code_list["sections"]:
                texts[f"section:{code_list['slug']}/{section['slug']}"] = section.get("instructions", "")
                for entry in section["entries"]:
                    for key in ("title", "beskrivning", "anvisning"):
                        ref = f"entry:{code_list['slug']}/{entry['code']}/{key}"
                        # A code standing twice in a list (PR002) may be quoted from either entry.
                        texts[ref] = texts.get(ref, "") + "\n" + (entry.get(key) or "")
    return texts


def quote_texts_from_db(replacing=None) -> dict[str, str]:
    """The texts quotes may come from; `replacing` is an unsaved edit standing in for its stored row."""

    def rows(queryset):
        for row in queryset:
            yield (
                replacing if replacing is not None and type(row) is type(replacing) and row.pk == replacing.pk else row
            )

    texts: dict[str, str] = {}
    for part in rows(DocumentPart.objects.select_related("document")):
        texts[f"part:{part.document.slug}/{part.slug}"] = part.body
    for row in rows(ContactType.objects.select_related("document")):
        texts[f"contact:{row.document.slug}/{row.slug}"] = "\n".join([row.printed, row.description, row.patient_fee])
    for footnote in Footnote.objects.select_related("document"):
        texts[f"footnote:{footnote.document.slug}/{footnote.mark}"] = footnote.text
    for section in rows(Section.objects.select_related("code_list")):
        texts[f"section:{section.code_list.slug}/{section.slug}"] = section.instructions
    for entry in rows(Entry.objects.select_related("code_list", "code")):
        for key in ("title", "beskrivning", "anvisning"):
            ref = f"entry:{entry.code_list.slug}/{entry.code.code}/{key}"
            texts[ref] = texts.get(ref, "") + "\n" + (getattr(entry, key) or "")
    return texts


def contacts_from_content(documents: list[tuple[str, dict]]) -> dict[str, Contact]:
    contacts = {}
    for _name, data in documents:
        for row in data.get("contact_types", []):
            ref = f"{data['source']['slug']}/{row['slug']}"
            contacts[ref] = Contact(
                ref=ref,
                name=row["name"],
                printed=row["printed"],
                staff_category=row.get("staff_category", ""),
                patient_fee=row.get("patient_fee", ""),
                points=Decimal(str(row["points"])) if "points" in row else None,
                qualified=row["qualified"],
                source=data["source"]["title"],
            )
    return contacts


def contact_from_row(row) -> Contact:
    return Contact(
        ref=f"{row.document.slug}/{row.slug}",
        name=row.name,
        printed=row.printed,
        staff_category=row.staff_category,
        patient_fee=row.patient_fee,
        points=row.points,
        qualified=row.qualified,
        source=row.document.title,
    )


def tree_from_content(data: dict, contacts: dict[str, Contact]) -> Tree:
    steps = {}
    for step in data.get("steps", []):
        steps[step["slug"]] = Step(
            slug=step["slug"],
            question=step["question"],
            kind=step.get("kind", "single"),
            help=step.get("help", ""),
            next=step.get("next"),
            optional=step.get("optional", False),
            way_out=step.get("way_out", ""),
            options=[
                Option(
                    slug=option["slug"],
                    label=option["label"],
                    help=option.get("help", ""),
                    next=option.get("next"),
                    codes=[
                        SuggestedCode(
                            code=code["code"],
                            role=code["role"],
                            reason=code["reason"],
                            quote_from=code.get("quote_from", ""),
                            check=code.get("check", ""),
                        )
                        for code in option.get("codes", [])
                    ],
                    notes=[
                        Note(text=note["text"], quote_from=note.get("quote_from", ""))
                        for note in option.get("notes", [])
                    ],
                    contact=option.get("contact"),
                    extra_points=Decimal(str(option["extra_points"])) if "extra_points" in option else None,
                    extra_points_from=option.get("extra_points_from", ""),
                    no_code=option.get("no_code", False),
                    unit_code=option.get("unit_code", ""),
                    when=list(option.get("when", [])),
                    unless=list(option.get("unless", [])),
                    implied=option.get("implied", False),
                )
                for option in step.get("options", [])
            ],
        )
    return Tree(start=data.get("wizard", {}).get("start", ""), steps=steps, contacts=contacts)


def step_from_model(step, options: list[Option]) -> Step:
    """A wizard Step from a WizardStep row (saved or not) and its options."""
    return Step(
        slug=step.slug,
        question=step.question,
        kind=step.kind,
        help=step.help,
        next=step.next_step.slug if step.next_step else None,
        optional=step.optional,
        options=options,
        way_out=step.way_out,
    )


def option_from_model(option, codes: list[SuggestedCode], notes: list[Note]) -> Option:
    """A wizard Option from a WizardOption row (saved or not) with the given codes and notes."""
    contact = option.contact_type
    return Option(
        slug=option.slug,
        label=option.label,
        help=option.help,
        next=option.next_step.slug if option.next_step else None,
        codes=codes,
        notes=notes,
        contact=f"{contact.document.slug}/{contact.slug}" if contact else None,
        extra_points=option.extra_points,
        extra_points_from=option.extra_points_from,
        no_code=option.no_code,
        unit_code=option.unit_code,
        when=list(option.when or []),
        unless=list(option.unless or []),
        implied=option.implied,
    )


def tree_from_db() -> Tree:
    options = WizardOption.objects.select_related("next_step", "contact_type__document").prefetch_related(
        Prefetch("codes", queryset=WizardCode.objects.select_related("code").order_by("order")),
        Prefetch("notes", queryset=WizardNote.objects.order_by("order")),
    )
    steps = list(
        WizardStep.objects.select_related("next_step").prefetch_related(
            Prefetch("options", queryset=options.order_by("order"))
        )
    )
    tree_steps = {}
    start = ""
    for step in steps:
        if step.is_start:
            start = step.slug
        options = [
            option_from_model(
                option,
                codes=[
                    SuggestedCode(
                        code=c.code.code, role=c.role, reason=c.reason, quote_from=c.quote_from, check=c.to_check
                    )
                    for c in option.codes.all()
                ],
                notes=[Note(text=n.text, quote_from=n.quote_from) for n in option.notes.all()],
            )
            for option in step.options.all()
        ]
        tree_steps[step.slug] = step_from_model(step, options)
    contacts = {
        contact.ref: contact
        for contact in (contact_from_row(r) for r in ContactType.objects.select_related("document"))
    }
    retired = {
        code: valid_to.isoformat()
        for code, valid_to in Code.objects.filter(valid_to__lt=timezone.localdate()).values_list("code", "valid_to")
    }
    return Tree(start=start, steps=tree_steps, contacts=contacts, retired=retired)


def tree_problems(tree: Tree | None = None, check_quotes: bool = True, names: wizard.Names | None = None) -> list[str]:
    """What is wrong with the tree as the database holds it (or ``tree``, an edit tried on it).
    catalog.editorial.gate checks quotes itself and passes ``names`` in a coordinator's words."""
    tree = tree if tree is not None else tree_from_db()
    return wizard.validate(
        tree,
        known_codes=set(Code.objects.values_list("code", flat=True)),
        quote_ok=quote_checker(quote_texts_from_db()) if check_quotes else None,
        contact_refs=set(tree.contacts),
        names=names,
    )


_cache = threading.local()


def current_tree() -> Tree:
    """The tree as the database holds it (as of at most CONTENT_CHECK_SECONDS ago)."""
    generation = freshness.generation()
    cached = getattr(_cache, "tree", None)
    if cached is None or cached[0] != generation:
        _cache.tree = cached = (generation, tree_from_db())
    return cached[1]
