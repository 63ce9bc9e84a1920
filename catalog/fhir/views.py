"""FHIR views: negotiate the format, read the parameters, serialise what catalog.fhir.terminology builds.

Every answer is ``application/fhir+json``; every error is an OperationOutcome with its status.
Reads and GET operations depend only on the content and the address, so they go through the same
rendered-page cache as the public pages (catalog.pagecache).
"""

import json
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from catalog import json_bodies
from catalog.caching.pagecache import ALL_PARAMS, cached_page
from catalog.fhir import terminology
from catalog.fhir.terminology import FhirError

CONTENT_TYPE = "application/fhir+json; charset=utf-8"
JSON_FORMATS = {"json", "application/json", "application/fhir+json", "text/json"}
ACCEPTABLE = JSON_FORMATS | {"*/*", "application/*", "text/*"}


def _serialise(resource: dict, status: int = 200, pretty: bool = False) -> HttpResponse:
    body = json.dumps(resource, ensure_ascii=False, indent=2 if pretty else None)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE)


def _error(status: int, code: str, message: str) -> HttpResponse:
    return _serialise(terminology.operation_outcome(code, message), status=status)


def _wants_json(request: HttpRequest) -> bool:
    requested = request.GET.get("_format")
    if requested is not None:
        return requested.split(";")[0].strip().lower() in JSON_FORMATS
    accept = request.headers.get("Accept", "")
    if not accept.strip():
        return True
    types = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return bool(types & ACCEPTABLE)


def fhir_endpoint(*methods: str):
    """Method check, format negotiation and OperationOutcome errors around a FHIR view."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method not in allowed:
                response = _error(405, "not-supported", f"{request.method} stöds inte här; tjänsten går bara att läsa.")
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            if not _wants_json(request):
                return _error(406, "not-supported", "Bara JSON finns: application/fhir+json (_format=json).")
            try:
                return view(request, *args, **kwargs)
            except FhirError as error:
                return _error(error.status, error.code, error.message)

        # Nothing here writes: a POST is an operation's Parameters, not a form to protect.
        wrapper.csrf_exempt = True
        return wrapper

    return decorate


def _pretty(request: HttpRequest) -> bool:
    return request.GET.get("_pretty") == "true"


def _ok(request: HttpRequest, resource: dict) -> HttpResponse:
    return _serialise(resource, pretty=_pretty(request))


_VALUE_KEYS = ("valueString", "valueCode", "valueUri", "valueCanonical", "valueDate", "valueDateTime", "valueId")


def _parameters(request: HttpRequest) -> dict[str, list[str]]:
    """An operation's parameters: the query string for GET, a Parameters resource for POST."""
    if request.method != "POST":
        return {key: request.GET.getlist(key) for key in request.GET}
    try:
        body = json_bodies.parse(request.body or b"null")
    except RequestDataTooBig:
        raise FhirError(413, "too-costly", "Anropet är för stort.") from None
    except json_bodies.Unreadable:
        raise FhirError(400, "structure", "Skicka en Parameters-resurs i JSON (UTF-8).") from None
    if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
        raise FhirError(400, "structure", "Skicka en Parameters-resurs i JSON.")
    found: dict[str, list[str]] = {}
    parameters = body.get("parameter", [])
    if not isinstance(parameters, list):
        raise FhirError(400, "structure", "Parameters.parameter ska vara en lista.")
    for parameter in parameters:
        if not isinstance(parameter, dict) or not isinstance(parameter.get("name"), str):
            raise FhirError(400, "structure", "Varje parameter behöver ett namn.")
        name = parameter["name"]
        if isinstance(parameter.get("valueCoding"), dict):
            coding = parameter["valueCoding"]
            for key in ("system", "code", "display"):
                if isinstance(coding.get(key), str):
                    found.setdefault(key, []).append(coding[key])
            continue
        if isinstance(parameter.get("valueBoolean"), bool):
            found.setdefault(name, []).append("true" if parameter["valueBoolean"] else "false")
            continue
        if type(parameter.get("valueInteger")) is int:
            found.setdefault(name, []).append(str(parameter["valueInteger"]))
            continue
        value = next((parameter[key] for key in _VALUE_KEYS if isinstance(parameter.get(key), str)), None)
        if value is None:
            raise FhirError(400, "structure", f"Parametern {name[:40]} saknar ett värde som stöds.")
        found.setdefault(name, []).append(value)
    return found


@fhir_endpoint("GET")
@cached_page(params=ALL_PARAMS)
def metadata(request: HttpRequest) -> HttpResponse:
    return _ok(request, terminology.capability_statement())


@fhir_endpoint("GET")
@cached_page(params=ALL_PARAMS)
def value_set_search(request: HttpRequest) -> HttpResponse:
    url = request.GET.get("url")
    slugs = terminology.list_slugs()
    if url is not None:
        try:
            slugs = [terminology.value_set_for_url(url)]
        except FhirError:
            slugs = []
    return _ok(request, terminology.bundle([terminology.value_set(slug) for slug in slugs]))


@fhir_endpoint("GET")
@cached_page(params=ALL_PARAMS)
def value_set(request: HttpRequest, id: str) -> HttpResponse:
    return _ok(request, terminology.value_set(id))


@fhir_endpoint("GET", "POST")
@cached_page(params=ALL_PARAMS)
def expand(request: HttpRequest, id: str | None = None) -> HttpResponse:
    return _ok(request, terminology.expand(_parameters(request), id))


@fhir_endpoint("GET", "POST")
@cached_page(params=ALL_PARAMS)
def validate_code(request: HttpRequest, id: str | None = None) -> HttpResponse:
    return _ok(request, terminology.validate_code(_parameters(request), id))


@fhir_endpoint("GET")
@cached_page(params=ALL_PARAMS)
def code_system_search(request: HttpRequest) -> HttpResponse:
    url = request.GET.get("url")
    found = terminology.code_systems()
    if url is not None:
        try:
            wanted = terminology.code_system_id_for_url(url)
        except FhirError:
            wanted = None
        found = [(system_id, system) for system_id, system in found if system_id == wanted]
    return _ok(request, terminology.bundle([terminology.code_system(system_id) for system_id, _ in found]))


@fhir_endpoint("GET")
@cached_page(params=ALL_PARAMS)
def code_system(request: HttpRequest, id: str) -> HttpResponse:
    return _ok(request, terminology.code_system(id))


@fhir_endpoint("GET", "POST")
@cached_page(params=ALL_PARAMS)
def lookup(request: HttpRequest) -> HttpResponse:
    return _ok(request, terminology.lookup(_parameters(request)))


@fhir_endpoint("GET", "POST", "PUT", "DELETE", "PATCH")
def elsewhere(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything else under /fhir/: an operation we do not have (501) or a resource we do not have (404)."""
    if any(part.startswith("$") for part in rest.split("/")):
        operation = next(part for part in rest.split("/") if part.startswith("$"))
        raise FhirError(
            501, "not-supported", f"Operationen {operation[:40]} finns inte här ($expand, $lookup, $validate-code)."
        )
    if request.method not in ("GET", "HEAD"):
        response = _error(405, "not-supported", "Tjänsten går bara att läsa.")
        response["Allow"] = "GET, HEAD"
        return response
    raise FhirError(404, "not-found", f"{rest[:80]} finns inte. Här finns ValueSet, CodeSystem och metadata.")
