"""Practice cases from the content file ovningar.toml and from the database, as answer keys.

The same checks run when load_content reads the file and when a trainer saves a case in the
admin: known codes, a quote for every code the key requires or rules out, and every quote
standing word for word where it says (the wizard's quote checker).
"""

from decimal import Decimal

from catalog.content import PRACTICE_FILE
from catalog.editorial import gate
from catalog.models import ContactType, PracticeCase, PracticeQuote, PracticeSet, Revision
from catalog.training import feedback
from catalog.training.keys import key_from_content
from catalog.visits import store as wizard_store

CASE_SCHEMA = {
    "slug": (str, True),
    "title": (str, True),
    "context": (str, True),
    "text": (str, True),
    "required": (list, False),
    "forbidden": (list, False),
    "allowed": (list, False),
    "contact": (str, False),
    "extra_points": ((int, float), False),
    "trap": (str, False),
    "explanation": (str, False),
    "quotes": (list, True),
}
QUOTE_SCHEMA = {"about": (str, True), "code": (str, False), "text": (str, True), "quote_from": (str, True)}
SET_SCHEMA = {"slug": (str, True), "title": (str, True), "intro": (str, False), "cases": (list, True)}


def validate_file(data: dict, known_codes: set[str], documents: list[tuple[str, dict]], check) -> list[str]:
    """Every problem in ovningar.toml, each naming the file and the case; ``check`` is catalog.loading.validate.check."""
    errors: list[str] = []
    for key in data:
        if key not in {"cases", "sets"}:
            errors.append(f"{PRACTICE_FILE}: unknown table '{key}'")
    contacts = set(wizard_store.contacts_from_content(documents))
    quote_ok = wizard_store.quote_checker(wizard_store.quote_texts_from_content(documents))
    slugs = []
    for index, case in enumerate(data.get("cases", [])):
        where = f"{PRACTICE_FILE}: cases[{index}]" + (f" ({case.get('slug')})" if isinstance(case, dict) else "")
        if not check(where, case, CASE_SCHEMA, errors):
            continue
        if not all(check(f"{where} quotes[{i}]", q, QUOTE_SCHEMA, errors) for i, q in enumerate(case["quotes"])):
            continue
        slugs.append(case["slug"])
        problems = feedback.validate(key_from_content(case), known_codes, quote_ok=quote_ok, contact_refs=contacts)
        errors += [f"{PRACTICE_FILE}: {problem}" for problem in problems]
    for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
        errors.append(f"{PRACTICE_FILE}: case '{slug}' appears more than once")
    for index, practice_set in enumerate(data.get("sets", [])):
        where = f"{PRACTICE_FILE}: sets[{index}]"
        if check(where, practice_set, SET_SCHEMA, errors):
            for slug in practice_set["cases"]:
                if slug not in slugs:
                    errors.append(f"{where} ({practice_set['slug']}): no case '{slug}'")
    return errors


def load(data: dict, report, upsert) -> None:
    """Upsert cases, their quotes and the sets (``upsert`` is catalog.loading.load._upsert: never over a site edit)."""

    contact_types = {f"{c.document.slug}/{c.slug}": c for c in ContactType.objects.select_related("document")}
    cases = {}
    for order, case in enumerate(data.get("cases", [])):
        label = f"{PRACTICE_FILE} {case['slug']}"
        obj = upsert(
            PracticeCase,
            {"slug": case["slug"]},
            {
                "order": order,
                "title": case["title"],
                "context": case["context"],
                "text": case["text"],
                "required_codes": " ".join(case.get("required", [])),
                "forbidden_codes": " ".join(case.get("forbidden", [])),
                "allowed_codes": " ".join(case.get("allowed", [])),
                "contact_type": contact_types.get(case.get("contact")),
                "extra_points": Decimal(str(case["extra_points"])) if "extra_points" in case else None,
                "trap": case.get("trap", ""),
                "explanation": case.get("explanation", ""),
            },
            report,
            label,
        )
        cases[case["slug"]] = obj
        kept = set()
        for q_order, quote in enumerate(case["quotes"]):
            kept.add(
                upsert(
                    PracticeQuote,
                    {"case": obj, "order": q_order},
                    {
                        "about": quote["about"],
                        "code": quote.get("code", ""),
                        "quote": quote["text"],
                        "quote_from": quote["quote_from"],
                    },
                    report,
                    f"{label} quote {q_order}",
                ).pk
            )
        # Quotes the file no longer has go, unless they were made or edited in the site.
        for stale in PracticeQuote.objects.filter(case=obj).exclude(pk__in=kept):
            if stale.loaded and not stale.edited_fields():
                gate.current_session().delete(stale, comment="load_content: finns inte längre i innehållsfilen")
                report.deleted[PracticeQuote._meta.verbose_name] += 1
    for practice_set in data.get("sets", []):
        obj = upsert(
            PracticeSet,
            {"slug": practice_set["slug"]},
            {"title": practice_set["title"], "intro": practice_set.get("intro", "")},
            report,
            f"{PRACTICE_FILE} set {practice_set['slug']}",
        )
        if not obj.cases.exists():
            # Through the gate, recorded, so that undoing a later edit brings these cases back.
            pks = [cases[slug].pk for slug in practice_set["cases"]]
            gate.current_session().save(obj, [], m2m={"cases": pks}, action=Revision.Action.LOADED)
