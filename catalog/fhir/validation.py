"""$validate-code on a ValueSet (is the code in the list?) and on a CodeSystem (is it a code of the system?).

The answers follow the HL7 terminology-ecosystem test cases (HL7/fhir-tx-ecosystem-ig): ``result``,
``message``, the preferred ``display``, ``code``, ``system``, ``version`` where the system has one,
``inactive`` for a retired code, and every finding as an issue in an OperationOutcome (``issues``).

- A retired code is still in the list: true, ``inactive``, and a warning (validate-inactive-2).
  With an explicit ``date``, a code outside its valid days on that date is false.
- Any title the code has (its canonical title, the title any list prints) is a valid display; one
  that is not the preferred one gives an information naming the preferred one.
- KVÅ is a fragment here: a code shaped like a KVÅ code that the fragment does not hold is true with
  a warning on CodeSystem/$validate-code (fragment-code-bad-code).
"""

from dataclasses import dataclass, field

from django.utils import timezone

from catalog.fhir import versions
from catalog.fhir.parameters import Params, check_language, coding, date, one
from catalog.fhir.terminology import (
    KVA_CODE_SHAPE,
    CodeTerms,
    FhirError,
    ListTerms,
    code_system,
    code_system_for_url,
    designation_codes,
    same_system,
    system_codes,
    system_version,
)

TX_ISSUE_TYPE = "http://hl7.org/fhir/tools/CodeSystem/tx-issue-type"


@dataclass
class Finding:
    severity: str  # error, warning, information
    code: str  # the OperationOutcome issue type
    tx: str  # the HL7 terminology issue type
    text: str
    location: str

    def issue(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "details": {"coding": [{"system": TX_ISSUE_TYPE, "code": self.tx}], "text": self.text},
            "location": [self.location],
            "expression": [self.location],
        }


@dataclass
class Checked:
    valid: bool
    findings: list[Finding] = field(default_factory=list)
    code: str | None = None
    system: str | None = None
    display: str | None = None
    version: str = ""
    inactive: bool = False

    def fail(self, code: str, tx: str, text: str, location: str) -> "Checked":
        self.valid = False
        self.findings.append(Finding("error", code, tx, text, location))
        return self


def codings(params: Params, version_name: str) -> tuple[list[dict], str, dict | None]:
    """The codings to check, where they sit (for the issues), and the CodeableConcept if one was sent."""
    code, given, concept = one(params, "code"), coding(params, "coding"), coding(params, "codeableConcept")
    if sum(x is not None for x in (code, given, concept)) != 1:
        raise FhirError(
            400, "required", "Ange en av code (med system), coding eller codeableConcept, t.ex. code=AU118."
        )
    if code is not None:
        found = {"code": code, "system": one(params, "system"), "version": one(params, version_name)}
        return [{**found, "display": one(params, "display")}], "code", None
    if given is not None:
        return [{**given, "display": given.get("display", one(params, "display"))}], "Coding", None
    if not concept["coding"]:
        raise FhirError(400, "required", "codeableConcept saknar coding.")
    return concept["coding"], "CodeableConcept.coding", concept


def _validity(checked: Checked, valid_from, last_day, on, location: str) -> None:
    """With an explicit date, the code must be valid that day; without one, a retired code is still a
    member of the list, with a warning (HL7: result true, inactive true)."""
    today = timezone.localdate()
    if on is not None:
        if last_day and last_day < on:
            checked.fail(
                "business-rule",
                "code-rule",
                f"Koden {checked.code} gick ut efter {last_day} (sista giltiga dag).",
                location,
            )
        elif valid_from and valid_from > on:
            checked.fail("business-rule", "code-rule", f"Koden {checked.code} gäller från {valid_from}.", location)
        return
    if last_day and last_day < today:
        checked.inactive = True
        checked.findings.append(
            Finding(
                "warning",
                "business-rule",
                "code-comment",
                f"Koden {checked.code} gick ut efter {last_day} (sista giltiga dag); granska användningen.",
                location,
            )
        )
    elif valid_from and valid_from > today:
        text = f"Koden {checked.code} gäller först från {valid_from}."
        checked.findings.append(Finding("warning", "business-rule", "code-comment", text, location))


def _display(checked: Checked, asked: str | None, titles: list[str], where: str, location: str) -> None:
    if asked is None or asked == checked.display:
        return
    if asked in titles:
        text = f"”{asked}” är en av kodens titlar; {where} skriver ”{checked.display}”."
        checked.findings.append(Finding("information", "informational", "display-comment", text, location))
        return
    checked.fail(
        "invalid",
        "invalid-display",
        f"Fel visningstext ”{asked[:200]}” för koden {checked.code}; {where} skriver ”{checked.display}”.",
        location,
    )


def _titles(system: str, code: str, display: str) -> list[str]:
    held = system_codes(code_system_for_url(system)[0]).get(code)
    return [display, *(held.titles if held else [])]


def _in_value_set(terms: ListTerms, given: dict, on, location: str) -> Checked:
    code, system = given.get("code"), given.get("system")
    checked = Checked(True, code=code, system=system)
    if not code:
        return checked.fail("required", "invalid-code", "Koden saknas.", location)
    if system and system_version(system) is None:
        return checked.fail(
            "not-found", "not-found", f"Kodsystemet {system[:200]} finns inte här, så koden kan inte prövas.", location
        )
    concept = terms.concepts.get(code)
    where = f"{terms.title} (ValueSet {terms.slug}, version {terms.version})"
    if concept is None:
        return checked.fail("code-invalid", "not-in-vs", f"Koden {code[:20]} står inte i {where}.", location)
    if system and not same_system(system, concept.system):
        text = f"Koden {code} hör i {terms.title} till systemet {concept.system}, inte {system[:200]}."
        return checked.fail("code-invalid", "not-in-vs", text, location)
    checked.system, checked.display = concept.system, concept.display
    checked.version = terms.systems.get(concept.system, "")
    asked_version = given.get("version")
    if asked_version and asked_version != checked.version:
        held = f"den som finns: {checked.version}" if checked.version else "KVÅ-guiden anger KVÅ utan version"
        text = f"Versionen {asked_version[:40]} av {concept.system} finns inte här, så koden kan inte prövas; {held}."
        return checked.fail("not-found", "not-found", text, location)
    _validity(checked, concept.valid_from, concept.last_day, on, location)
    _display(checked, given.get("display"), _titles(concept.system, code, concept.display), terms.title, location)
    return checked


def _in_code_system(system_id: str, held: str, given: dict, on, location: str) -> Checked:
    code = given.get("code")
    resource = code_system(system_id)
    checked = Checked(True, code=code, system=resource["url"], version=held)
    if not code:
        return checked.fail("required", "invalid-code", "Koden saknas.", location)
    asked_version = given.get("version")
    if asked_version and asked_version != held:
        found = f"den som finns: {held}" if held else "KVÅ-guiden anger KVÅ utan version"
        text = f"Versionen {asked_version[:40]} av {resource['url']} finns inte här, så koden kan inte prövas; {found}."
        return checked.fail("not-found", "not-found", text, location)
    terms: CodeTerms | None = (designation_codes() if system_id == "beteckningstyp" else system_codes(system_id)).get(
        code
    )
    if terms is None:
        if resource["content"] == "fragment" and KVA_CODE_SHAPE.fullmatch(code):
            text = (
                f"Koden {code} finns inte i KVÅ-guidens utdrag ur KVÅ. Kodsystemet är här ett fragment, "
                "så koden kan ändå finnas i KVÅ (Socialstyrelsen)."
            )
            checked.findings.append(Finding("warning", "code-invalid", "invalid-code", text, location))
            return checked
        return checked.fail("code-invalid", "invalid-code", f"Okänd kod {code[:20]} i {resource['title']}.", location)
    checked.display = terms.display
    _validity(checked, terms.valid_from, terms.valid_to, on, location)
    _display(checked, given.get("display"), terms.titles, resource["title"], location)
    return checked


def _answer(results: list[Checked], concept: dict | None) -> dict:
    chosen = next((r for r in results if r.valid), None)
    findings = chosen.findings if chosen else [f for r in results for f in r.findings]
    best = chosen or results[0]
    out = [{"name": "result", "valueBoolean": chosen is not None}]
    shown = [f.text for f in findings if f.severity == "error"] or [f.text for f in findings]
    if shown:
        out.append({"name": "message", "valueString": "; ".join(shown)})
    if best.display:
        out.append({"name": "display", "valueString": best.display})
    if best.code:
        out.append({"name": "code", "valueCode": best.code})
    if best.system:
        out.append({"name": "system", "valueUri": best.system})
    if best.version:
        out.append({"name": "version", "valueString": best.version})
    if best.inactive:
        out.append({"name": "inactive", "valueBoolean": True})
    if concept is not None:
        out.append({"name": "codeableConcept", "valueCodeableConcept": concept})
    if findings:
        out.append(
            {"name": "issues", "resource": {"resourceType": "OperationOutcome", "issue": [f.issue() for f in findings]}}
        )
    return {"resourceType": "Parameters", "parameter": out}


def _where(location: str, index: int, many: bool) -> str:
    return f"{location}[{index}]" if many else location


def in_value_set(params: Params, slug: str | None = None) -> dict:
    terms = versions.named(slug, one(params, "url"), one(params, "valueSetVersion"))
    given, location, concept = codings(params, "systemVersion")
    check_language(params)
    on = date(params, "date")
    many = concept is not None
    results = [_in_value_set(terms, c, on, _where(location, i, many)) for i, c in enumerate(given)]
    return _answer(results, concept)


def in_code_system(params: Params, system_id: str | None = None) -> dict:
    given, location, concept = codings(params, "version")
    url, _, url_version = (one(params, "url") or "").partition("|")
    url = url or (given[0].get("system") if system_id is None else None)
    if system_id is None and not url:
        raise FhirError(400, "required", "Ange kodsystemet: url=<kanonisk url> eller CodeSystem/<id>/$validate-code.")
    held = code_system(system_id).get("version", "") if system_id else ""
    if url:
        found, held = code_system_for_url(url)
        if system_id is not None and found != system_id:
            raise FhirError(400, "invalid", "url pekar på ett annat kodsystem än adressen.")
        system_id = found
    check_language(params)
    on = date(params, "date")
    many = concept is not None
    results = []
    for index, item in enumerate(given):
        system = item.get("system")
        if system and (system_version(system) is None or code_system_for_url(system)[0] != system_id):
            raise FhirError(400, "invalid", "Kodens system är ett annat än kodsystemet som prövas.")
        item = {**item, "version": item.get("version") or url_version or None}
        results.append(_in_code_system(system_id, held, item, on, _where(location, index, many)))
    return _answer(results, concept)
