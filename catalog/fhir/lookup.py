"""CodeSystem $lookup: a code's title, the texts the lists give it, and its properties.

``display`` (1..1 in R4) is the canonical title, else the title a list prints; a code the sources
only mention, with no title, is not in the KVÅ fragment, and is answered as a code the fragment
does not hold. ``property`` chooses what comes back (besides name, version and display):
``designation`` and the property codes in terminology.LOOKUP_PROPERTIES.
"""

from django.utils import timezone

from catalog.fhir.parameters import Params, check_language, coding, date, every, one
from catalog.fhir.terminology import (
    KVA_SYSTEM,
    FhirError,
    check_system_version,
    code_properties,
    code_system,
    code_system_for_url,
    designation_codes,
    designations,
    list_slugs,
    list_terms,
    system_codes,
    value_set_url,
)


def _which(params: Params, system_id: str | None) -> tuple[str, str, str]:
    """(system id, the version we hold, the code) the call names."""
    given = coding(params, "coding")
    code, system, version = one(params, "code"), one(params, "system"), one(params, "version")
    if given is not None:
        if code is not None or system is not None:
            raise FhirError(400, "invalid", "Ange antingen coding eller system och code, inte båda.")
        code, system, version = given.get("code"), given.get("system"), version or given.get("version")
    if system_id is None:
        if not system or not code:
            raise FhirError(400, "required", "Ange både system och code, t.ex. system=" + KVA_SYSTEM + "&code=AU118.")
        system_id, held = code_system_for_url(system)
    else:
        if system:
            found, held = code_system_for_url(system)
            if found != system_id:
                raise FhirError(400, "invalid", "system pekar på ett annat kodsystem än adressen.")
        held = code_system(system_id).get("version", "")
        if not code:
            raise FhirError(400, "required", "Ange code, t.ex. code=AU118.")
    check_system_version(system_id, held, version)
    return system_id, held, code


def _designation(value: str, use: dict | None = None) -> dict:
    parts = [{"name": "language", "valueCode": "sv"}]
    if use is not None:
        parts.append({"name": "use", "valueCoding": use})
    parts.append({"name": "value", "valueString": value})
    return {"name": "designation", "part": parts}


def _property(code: str, value_key: str, value, description: str | None = None) -> dict:
    parts = [{"name": "code", "valueCode": code}, {"name": "value", value_key: value}]
    if description:
        parts.append({"name": "description", "valueString": description})
    return {"name": "property", "part": parts}


def lookup(params: Params, system_id: str | None = None) -> dict:
    system_id, held, code = _which(params, system_id)
    check_language(params)
    on = date(params, "date") or timezone.localdate()
    resource = code_system(system_id)
    found = (designation_codes() if system_id == "beteckningstyp" else system_codes(system_id)).get(code)
    if found is None:
        if resource["content"] == "fragment":
            raise FhirError(
                404,
                "not-found",
                f"Koden {code[:20]} finns inte i KVÅ-guidens utdrag ur KVÅ. Kodsystemet är här ett fragment "
                "(bara de koder guidens listor och texter har, med titel), så koden kan ändå finnas i KVÅ.",
            )
        raise FhirError(404, "not-found", f"Koden {code[:20]} finns inte i {resource['title']}.")
    wanted = set(every(params, "property")) or None
    out = [{"name": "name", "valueString": resource["name"]}]
    if held:
        out.append({"name": "version", "valueString": held})
    out.append({"name": "display", "valueString": found.display})
    held_by = [(slug, list_terms(slug)) for slug in list_slugs()] if system_id != "beteckningstyp" else []
    held_by = [(slug, terms, terms.concepts[code]) for slug, terms in held_by if code in terms.concepts]
    if wanted is None or "designation" in wanted:
        for _, _, concept in held_by:
            out += [_designation(d["value"], d["use"]) for d in designations(concept)]
            if concept.display != found.display:
                out.append(_designation(concept.display))
    if wanted is None or "valueset" in wanted:
        out += [_property("valueset", "valueString", value_set_url(slug), terms.title) for slug, terms, _ in held_by]
    for prop in code_properties(found, on) if system_id != "beteckningstyp" else []:
        if wanted is None or prop["code"] in wanted:
            value_key = next(k for k in prop if k.startswith("value"))
            out.append(_property(prop["code"], value_key, prop[value_key]))
    return {"resourceType": "Parameters", "parameter": out}
