"""What every FHIR answer goes through: methods, CORS, format negotiation, errors, conditional requests.

- Every answer is ``application/fhir+json``; XML (or anything not JSON) asked for is a 406, a body
  that is not JSON a 415; every error is an OperationOutcome with its status.
- CORS: the data is public and read-only, so any origin may read it (no credentials), and an
  ``OPTIONS`` preflight is answered for every address under /fhir/.
- Conditional reads: a weak ``ETag`` on every 200 (a ValueSet's is its versionId, as FHIR asks; others
  hash the body) and ``Last-Modified`` where the history knows it; ``If-None-Match`` (quoted, weak, or
  the bare versionId fhirpy sends) and ``If-Modified-Since`` give 304.

These checks sit outside the page cache (catalog.caching.pagecache): a cached page is served to a
request only after its Accept header, its Content-Type and its conditions have been looked at.
"""

import hashlib
import json
import re
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date, parse_http_date_safe

from catalog.fhir.terminology import FhirError, operation_outcome

CONTENT_TYPE = "application/fhir+json; charset=utf-8"
JSON_FORMATS = {"json", "application/json", "application/fhir+json", "text/json"}
ACCEPTABLE = JSON_FORMATS | {"*/*", "application/*", "text/*"}
EXPOSED_HEADERS = "ETag, Last-Modified, Location, Content-Location, Content-Type"
_TOKEN_LIST = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~, -]{0,500}")
PREFLIGHT_SECONDS = 86400


def serialise(resource: dict, status: int = 200, pretty: bool = False) -> HttpResponse:
    body = json.dumps(resource, ensure_ascii=False, indent=2 if pretty else None)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE)


def error(status: int, code: str, message: str) -> HttpResponse:
    return serialise(operation_outcome(code, message), status=status)


def _wants_json(request: HttpRequest) -> bool:
    requested = request.GET.get("_format")
    if requested is not None:
        return requested.split(";")[0].strip().lower() in JSON_FORMATS
    accept = request.headers.get("Accept", "")
    if not accept.strip():
        return True
    types = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return bool(types & ACCEPTABLE)


def _sends_json(request: HttpRequest) -> bool:
    sent = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return sent in ("", *JSON_FORMATS) or sent.endswith("+json")


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def _preflight(request: HttpRequest, allowed: set[str]) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(sorted(allowed))
    response["Access-Control-Allow-Methods"] = ", ".join(sorted(allowed))
    asked = request.headers.get("Access-Control-Request-Headers", "")
    # Echo the headers asked for: nothing here depends on them or on who asks (no credentials).
    response["Access-Control-Allow-Headers"] = asked if _TOKEN_LIST.fullmatch(asked) else "Accept, Content-Type"
    response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
    response["Vary"] = "Access-Control-Request-Headers"
    return response


def _etags(header: str) -> set[str]:
    """The entity tags of If-None-Match, without W/ and quotes (fhirpy sends a bare versionId)."""
    found = set()
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        found.add(part.strip('"'))
    return found


def _conditional(request: HttpRequest, response: HttpResponse, validators) -> HttpResponse:
    etag, last_modified = validators if validators else (None, None)
    if etag is None:
        etag = hashlib.sha256(response.content).hexdigest()[:24]
    headers = {"ETag": f'W/"{etag}"'}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified.timestamp())
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = _etags(if_none_match)
        not_modified = "*" in tags or etag in tags
    else:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        not_modified = since is not None and last_modified is not None and int(last_modified.timestamp()) <= since
    if not_modified:
        response = HttpResponse(status=304)
    for name, value in headers.items():
        response[name] = value
    return response


def fhir_endpoint(*methods: str, validators=None):
    """Method check, CORS, format negotiation, OperationOutcome errors and conditional GETs around a
    FHIR view. ``validators(**kwargs)`` gives (etag, last modified) for a read that knows them."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set()) | {"OPTIONS"}

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method == "OPTIONS":
                return _cors(_preflight(request, allowed))
            return _cors(_answer(view, request, args, kwargs))

        def _answer(view, request, args, kwargs) -> HttpResponse:
            if request.method not in allowed:
                response = error(405, "not-supported", f"{request.method} stöds inte här; tjänsten går bara att läsa.")
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            if not _wants_json(request):
                return error(406, "not-supported", "Bara JSON finns: application/fhir+json (_format=json).")
            if request.method == "POST" and not _sends_json(request):
                return error(415, "not-supported", "Skicka Parameters som application/fhir+json; XML stöds inte.")
            try:
                response = view(request, *args, **kwargs)
                if request.method in ("GET", "HEAD") and response.status_code == 200:
                    response = _conditional(request, response, validators(**kwargs) if validators else None)
            except RequestDataTooBig:
                return error(413, "too-costly", "Anropet är för stort.")
            except FhirError as failure:
                return error(failure.status, failure.code, failure.message)
            return response

        # Nothing here writes: a POST is an operation's Parameters, not a form to protect.
        wrapper.csrf_exempt = True
        return wrapper

    return decorate
