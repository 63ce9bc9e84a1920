"""FHIR views: read the address and the parameters, call the terminology, serialise.

catalog.fhir.endpoint wraps each view (methods, CORS, negotiation, errors, conditional GETs).
Reads and GET operations depend only on the content and the address, so they go through the same
rendered-page cache as the public pages (catalog.caching.pagecache).
"""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from catalog.caching.pagecache import ALL_PARAMS, cached_page
from catalog.fhir import definitions, expansion, parameters, search, validation, versions
from catalog.fhir import lookup as lookups
from catalog.fhir.definitions import CODE_SYSTEM_VALIDATE_CODE, EXPAND, LOOKUP, OPERATIONS, VALIDATE_CODE
from catalog.fhir.endpoint import error, fhir_endpoint, serialise
from catalog.fhir.terminology import FhirError, value_set_resource
from catalog.fhir.terminology import code_system as code_system_resource


def _ok(request: HttpRequest, resource: dict) -> HttpResponse:
    return serialise(resource, pretty=request.GET.get("_pretty") == "true")


def _here(request: HttpRequest) -> str:
    """The absolute address of /fhir on the host that answers: where a resource in a Bundle can be read."""
    return request.build_absolute_uri(reverse("fhir:root")).rstrip("/")


def _params(request: HttpRequest, operation) -> parameters.Params:
    if request.method == "POST":
        return parameters.from_body(operation, request.body, request.GET)
    return parameters.from_query(operation, request.GET)


def _strict(request: HttpRequest) -> bool:
    prefer = request.headers.get("Prefer", "")
    return any(part.strip().replace(" ", "") == "handling=strict" for part in prefer.split(";") + prefer.split(","))


def _value_set_validators(id: str, vid: str | None = None):
    terms = versions.terms(id, vid)
    return terms.version_id, versions.since(id, terms)


@fhir_endpoint("GET")
@cached_page(params=ALL_PARAMS)
def metadata(request: HttpRequest) -> HttpResponse:
    mode = request.GET.get("mode", "full")
    if mode == "terminology":
        return _ok(request, definitions.terminology_capabilities())
    if mode not in ("full", "normative"):
        raise FhirError(400, "invalid", "mode ska vara full, normative eller terminology.")
    return _ok(request, definitions.capability_statement())


@fhir_endpoint("GET")
def value_set_search(request: HttpRequest) -> HttpResponse:
    if _strict(request):
        search.refuse_unknown("ValueSet", request.GET)
    return _value_set_search(request)


@cached_page(params=ALL_PARAMS)
def _value_set_search(request: HttpRequest) -> HttpResponse:
    return _ok(request, search.search("ValueSet", request.GET, _here(request)))


def _value_set(request: HttpRequest, id: str, vid: str | None) -> HttpResponse:
    terms = versions.terms(id, vid)
    resource = value_set_resource(terms, versions.since(id, terms))
    return _ok(request, search.Subset.from_query(request.GET, searching=False).apply(resource))


@fhir_endpoint("GET", validators=_value_set_validators)
@cached_page(params=ALL_PARAMS)
def value_set(request: HttpRequest, id: str) -> HttpResponse:
    return _value_set(request, id, None)


@fhir_endpoint("GET", validators=_value_set_validators)
@cached_page(params=ALL_PARAMS)
def value_set_version(request: HttpRequest, id: str, vid: str) -> HttpResponse:
    return _value_set(request, id, vid)


@fhir_endpoint("GET")
@cached_page(params=ALL_PARAMS)
def value_set_history(request: HttpRequest, id: str) -> HttpResponse:
    versions.terms(id)  # 404 for an unknown list
    return _ok(request, search.history(id, request.GET, _here(request)))


@fhir_endpoint("GET", "POST")
@cached_page(params=ALL_PARAMS)
def expand(request: HttpRequest, id: str | None = None) -> HttpResponse:
    return _ok(request, expansion.expand(_params(request, EXPAND), id))


@fhir_endpoint("GET", "POST")
@cached_page(params=ALL_PARAMS)
def validate_code(request: HttpRequest, id: str | None = None) -> HttpResponse:
    return _ok(request, validation.in_value_set(_params(request, VALIDATE_CODE), id))


@fhir_endpoint("GET")
def code_system_search(request: HttpRequest) -> HttpResponse:
    if _strict(request):
        search.refuse_unknown("CodeSystem", request.GET)
    return _code_system_search(request)


@cached_page(params=ALL_PARAMS)
def _code_system_search(request: HttpRequest) -> HttpResponse:
    return _ok(request, search.search("CodeSystem", request.GET, _here(request)))


@fhir_endpoint("GET")
@cached_page(params=ALL_PARAMS)
def code_system(request: HttpRequest, id: str) -> HttpResponse:
    resource = code_system_resource(id)
    return _ok(request, search.Subset.from_query(request.GET, searching=False).apply(resource))


@fhir_endpoint("GET", "POST")
@cached_page(params=ALL_PARAMS)
def lookup(request: HttpRequest, id: str | None = None) -> HttpResponse:
    if id is not None:
        code_system_resource(id)  # 404 for an unknown system
    return _ok(request, lookups.lookup(_params(request, LOOKUP), id))


@fhir_endpoint("GET", "POST")
@cached_page(params=ALL_PARAMS)
def code_system_validate_code(request: HttpRequest, id: str | None = None) -> HttpResponse:
    if id is not None:
        code_system_resource(id)
    return _ok(request, validation.in_code_system(_params(request, CODE_SYSTEM_VALIDATE_CODE), id))


@fhir_endpoint("GET")
@cached_page(params=ALL_PARAMS)
def operation_definition(request: HttpRequest, id: str) -> HttpResponse:
    operation = OPERATIONS.get(id)
    if operation is None:
        raise FhirError(
            404, "not-found", f"OperationDefinition/{id[:64]} finns inte. Här finns: {', '.join(OPERATIONS)}."
        )
    return _ok(request, definitions.operation_definition(operation))


SERVED_OPERATIONS = "ValueSet: $expand, $validate-code; CodeSystem: $lookup, $validate-code"


@fhir_endpoint("GET", "POST", "PUT", "DELETE", "PATCH")
def elsewhere(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything else under /fhir/: an operation we do not have (501) or a resource we do not have (404)."""
    parts = rest.split("/")
    if any(part.startswith("$") for part in parts):
        operation = next(part for part in parts if part.startswith("$"))
        raise FhirError(501, "not-supported", f"Operationen {operation[:40]} finns inte här ({SERVED_OPERATIONS}).")
    if request.method not in ("GET", "HEAD"):
        response = error(405, "not-supported", "Tjänsten går bara att läsa.")
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response
    if len(parts) >= 3 and parts[2] == "_history":
        raise FhirError(404, "not-found", "Historik (_history) finns bara för ValueSet.")
    raise FhirError(
        404, "not-found", f"{rest[:80]} finns inte. Här finns ValueSet, CodeSystem, OperationDefinition och metadata."
    )
