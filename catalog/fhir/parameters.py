"""An operation's parameters, read from the query string (GET) or a Parameters resource (POST),
checked against the operation's definition (catalog.fhir.definitions): an unknown parameter, one
the server does not serve, a wrong type or too many values is a 400 OperationOutcome.

The result maps each name to its values: text for primitive types (as the query string gives
them), a dict for a Coding or CodeableConcept. The operations read them with the helpers below.
"""

import datetime
import re

from catalog import json_bodies
from catalog.fhir.definitions import Operation
from catalog.fhir.terminology import FhirError

IGNORED = {"_format", "_pretty"}
COMPLEX = {"Coding", "CodeableConcept"}
_PRIMITIVE_KEYS = (
    "valueString",
    "valueCode",
    "valueUri",
    "valueCanonical",
    "valueUrl",
    "valueDate",
    "valueDateTime",
    "valueId",
)
# FHIR's own patterns for date and dateTime (a day, a month or a year; a time needs a zone).
DATE_TIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
    r"(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?"
)

Params = dict[str, list]


def _declared(operation: Operation, name: str):
    declared = operation.input(name)
    if declared is not None:
        return declared
    if name in operation.refused:
        raise FhirError(400, "not-supported", f"Parametern {name} stöds inte här: {operation.refused[name]}.")
    raise FhirError(
        400,
        "not-supported",
        f"Okänd parameter: {name[:40]}. Parametrarna står i OperationDefinition/{operation.id}.",
    )


def _add(found: Params, operation: Operation, name: str, value) -> None:
    declared = _declared(operation, name)
    values = found.setdefault(name, [])
    values.append(value)
    if declared.max == "1" and len(values) > 1:
        raise FhirError(400, "invalid", f"Parametern {name} får bara anges en gång.")


def from_query(operation: Operation, query) -> Params:
    found: Params = {}
    for name in query:
        if name in IGNORED:
            continue
        declared = _declared(operation, name)
        if declared.type in COMPLEX:
            raise FhirError(
                400, "not-supported", f"{name} är en {declared.type} och går bara att skicka med POST (Parameters)."
            )
        for value in query.getlist(name):
            _add(found, operation, name, value)
    return found


def _coding(value, name: str) -> dict:
    if not isinstance(value, dict) or any(
        not isinstance(value.get(key, ""), str) for key in ("system", "version", "code", "display")
    ):
        raise FhirError(400, "structure", f"{name[:40]} ska vara en Coding med system, code och gärna display.")
    return {key: value[key] for key in ("system", "version", "code", "display") if key in value}


def _codeable(value, name: str) -> dict:
    if not isinstance(value, dict) or not isinstance(value.get("coding", []), list):
        raise FhirError(400, "structure", f"{name[:40]} ska vara en CodeableConcept med coding.")
    return {
        "coding": [_coding(coding, name) for coding in value.get("coding", [])],
        **({"text": value["text"]} if isinstance(value.get("text"), str) else {}),
    }


def _value(parameter: dict, name: str, type_: str):
    if type_ == "Coding":
        if "valueCoding" not in parameter:
            raise FhirError(400, "structure", f"Parametern {name} ska ha valueCoding.")
        return _coding(parameter["valueCoding"], name)
    if type_ == "CodeableConcept":
        if "valueCodeableConcept" not in parameter:
            raise FhirError(400, "structure", f"Parametern {name} ska ha valueCodeableConcept.")
        return _codeable(parameter["valueCodeableConcept"], name)
    if isinstance(parameter.get("valueBoolean"), bool):
        return "true" if parameter["valueBoolean"] else "false"
    if type(parameter.get("valueInteger")) is int:
        return str(parameter["valueInteger"])
    value = next((parameter[key] for key in _PRIMITIVE_KEYS if isinstance(parameter.get(key), str)), None)
    if value is None:
        raise FhirError(400, "structure", f"Parametern {name[:40]} saknar ett värde av typen {type_}.")
    return value


def from_body(operation: Operation, body: bytes, query) -> Params:
    """A POSTed Parameters resource (and whatever the query string adds)."""
    try:
        resource = json_bodies.parse(body or b"null")
    except json_bodies.Unreadable:
        raise FhirError(400, "structure", "Skicka en Parameters-resurs i JSON (UTF-8).") from None
    if not isinstance(resource, dict) or resource.get("resourceType") != "Parameters":
        raise FhirError(400, "structure", "Skicka en Parameters-resurs i JSON.")
    parameters = resource.get("parameter", [])
    if not isinstance(parameters, list):
        raise FhirError(400, "structure", "Parameters.parameter ska vara en lista.")
    found = from_query(operation, query)
    for parameter in parameters:
        if not isinstance(parameter, dict) or not isinstance(parameter.get("name"), str):
            raise FhirError(400, "structure", "Varje parameter behöver ett namn.")
        name = parameter["name"]
        declared = _declared(operation, name)
        _add(found, operation, name, _value(parameter, name, declared.type))
    return found


# ---------------------------------------------------------------------------------------------
# Reading the values.


def one(params: Params, name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    value = values[0]
    if not isinstance(value, str):
        raise FhirError(400, "invalid", f"Parametern {name} ska vara text.")
    return value


def every(params: Params, name: str) -> list[str]:
    values = params.get(name, [])
    for value in values:
        if not isinstance(value, str):
            raise FhirError(400, "invalid", f"Parametern {name} ska vara text.")
    return [v for value in values for v in value.split(",") if v] if name == "property" else list(values)


def boolean(params: Params, name: str, default: bool) -> bool:
    value = one(params, name)
    if value is None:
        return default
    if value not in ("true", "false"):
        raise FhirError(400, "invalid", f"{name} ska vara true eller false.")
    return value == "true"


def count(params: Params, name: str) -> int | None:
    value = one(params, name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise FhirError(400, "invalid", f"{name} ska vara ett heltal från 0 (högst 999999999).")
    return int(value)


def date(params: Params, name: str) -> datetime.date | None:
    """A FHIR date or dateTime, whole (2024-01-01garbage is refused); the day is what validity is about.
    A year or a month means its first day."""
    value = one(params, name)
    if value is None:
        return None
    if DATE_TIME.fullmatch(value):
        try:
            year, month, day = (value[:10].split("-") + ["01", "01"])[:3]
            return datetime.date(int(year), int(month), int(day[:2]))
        except ValueError:
            pass  # 2023-02-30: the pattern allows it, the calendar does not
    raise FhirError(400, "invalid", f"{name} ska vara ett datum (ÅÅÅÅ-MM-DD, gärna med tid och tidszon).")


def coding(params: Params, name: str = "coding") -> dict | None:
    values = params.get(name)
    return values[0] if values else None


def check_language(params: Params) -> None:
    language = one(params, "displayLanguage")
    if language is not None and language.split("-")[0].lower() != "sv":
        raise FhirError(400, "not-supported", "Texterna finns bara på svenska: displayLanguage=sv.")
