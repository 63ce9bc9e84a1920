"""What the server says it does: its OperationDefinitions, CapabilityStatement and TerminologyCapabilities.

The operations' parameter lists here are the one home of what each operation accepts:
catalog.fhir.parameters refuses any parameter an OperationDefinition does not list (an R4 input we
do not serve is named in ``refused``, with the reason the refusal gives), and the statements are
built from the same lists, so what the server claims is what it does.
"""

from dataclasses import dataclass, field

from catalog.fhir.terminology import (
    FHIR_VERSION,
    KVA_SYSTEM_ALIASES,
    base,
    code_systems,
    publisher,
)

STATEMENT_DATE = "2026-12-06"
HL7 = "http://hl7.org/fhir/OperationDefinition"


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # a FHIR type; "" for a parameter made of parts
    min: int
    max: str
    documentation: str
    parts: tuple["Parameter", ...] = ()

    def resource(self, use: str) -> dict:
        found = {"name": self.name, "use": use, "min": self.min, "max": self.max, "documentation": self.documentation}
        if self.type:
            found["type"] = self.type
        if self.parts:
            found["part"] = [part.resource(use) for part in self.parts]
        return found


@dataclass(frozen=True)
class Operation:
    id: str
    code: str
    resource: str
    base: str
    title: str
    description: str
    inputs: tuple[Parameter, ...]
    outputs: tuple[Parameter, ...]
    refused: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"{base()}/OperationDefinition/{self.id}"

    def input(self, name: str) -> Parameter | None:
        return next((p for p in self.inputs if p.name == name), None)


def _p(name: str, type_: str, documentation: str, min_: int = 0, max_: str = "1", parts=()) -> Parameter:
    return Parameter(name, type_, min_, max_, documentation, tuple(parts))


URL = _p("url", "uri", "ValueSets kanoniska url, gärna med |version.")
VALUE_SET_VERSION = _p("valueSetVersion", "string", "En version ur ValueSets historik (ValueSet/<id>/_history).")
DISPLAY_LANGUAGE = _p("displayLanguage", "code", "Bara sv: texterna finns bara på svenska.")
DATE = _p("date", "dateTime", "Dagen giltigheten prövas för (annars i dag).")
CODING = _p("coding", "Coding", "Koden som Coding (system, version, code, display); bara med POST.")
CODEABLE = _p("codeableConcept", "CodeableConcept", "Giltig om någon av dess codings är giltig; bara med POST.")
ABSTRACT = _p("abstract", "boolean", "Tas emot; listornas koder är aldrig abstrakta, så svaret blir detsamma.")
RESULT = _p("result", "boolean", "Om koden är giltig.", 1)
MESSAGE = _p("message", "string", "Varför inte, eller varningar och upplysningar.")
VALIDATE_OUTPUTS = (
    RESULT,
    MESSAGE,
    _p("display", "string", "Den visningstext som rekommenderas."),
    _p("code", "code", "Koden som prövades."),
    _p("system", "uri", "Kodens system."),
    _p("version", "string", "Systemets version, där det har en."),
    _p("inactive", "boolean", "true när koden har gått ut."),
    _p("codeableConcept", "CodeableConcept", "Den CodeableConcept som prövades."),
    _p("issues", "OperationOutcome", "Varje fel, varning och upplysning för sig."),
)

EXPAND = Operation(
    id="kvaguiden-ValueSet-expand",
    code="expand",
    resource="ValueSet",
    base=f"{HL7}/ValueSet-expand",
    title="Lista en ValueSets koder",
    description="ValueSet/$expand för KVÅ-guidens listor. filter är webbplatsens sökning med dess rangordning.",
    inputs=(
        URL,
        VALUE_SET_VERSION,
        _p("filter", "string", "Webbplatsens sökning (stammar, sammansättningar, stavfel, synonymer) i listans koder."),
        _p("offset", "integer", "Hoppa över så många koder."),
        _p("count", "integer", "Högst så många koder; 0 ger bara total."),
        _p("includeDesignations", "boolean", "Ta med listans texter (beskrivning, anvisning) som designations."),
        _p("designation", "string", "Bara designations med detta språk (sv) eller denna use (system|code).", max_="*"),
        _p("includeDefinition", "boolean", "Ta med ValueSets compose i svaret."),
        _p("activeOnly", "boolean", "Utelämna utgångna koder."),
        _p("excludeNested", "boolean", "true: en platt lista utan avsnitten."),
        _p("excludeNotForUI", "boolean", "true: utan avsnitten (abstrakta poster)."),
        _p("excludePostCoordinated", "boolean", "Tas emot; listorna har inga efterkoordinerade koder."),
        DISPLAY_LANGUAGE,
        _p("exclude-system", "canonical", "Utelämna koderna från detta system.", max_="*"),
        _p("system-version", "canonical", "system|version; bara den version som finns godtas.", max_="*"),
        _p("check-system-version", "canonical", "system|version; annan version än den som finns ger fel.", max_="*"),
        _p("force-system-version", "canonical", "system|version; bara den version som finns godtas.", max_="*"),
    ),
    outputs=(_p("return", "ValueSet", "ValueSet med expansion.", 1),),
    refused={
        "valueSet": "en ValueSet i anropet stöds inte: ange en av listorna med url",
        "context": "context stöds inte",
        "contextDirection": "contextDirection stöds inte",
        "date": "en expansion per datum stöds inte: ange valueSetVersion (versionerna: ValueSet/<id>/_history)",
    },
)

VALIDATE_CODE = Operation(
    id="kvaguiden-ValueSet-validate-code",
    code="validate-code",
    resource="ValueSet",
    base=f"{HL7}/ValueSet-validate-code",
    title="Pröva om en kod står i en lista",
    description="ValueSet/$validate-code för KVÅ-guidens listor.",
    inputs=(
        URL,
        VALUE_SET_VERSION,
        _p("code", "code", "Koden."),
        _p("system", "uri", "Kodens system."),
        _p("systemVersion", "string", "Systemets version; bara den version som finns godtas."),
        _p("display", "string", "Visningstexten att pröva: vilken som helst av kodens titlar godtas."),
        CODING,
        CODEABLE,
        DATE,
        ABSTRACT,
        DISPLAY_LANGUAGE,
    ),
    outputs=VALIDATE_OUTPUTS,
    refused={
        "context": "context stöds inte",
        "valueSet": "en ValueSet i anropet stöds inte: ange en av listorna med url",
    },
)

CODE_SYSTEM_VALIDATE_CODE = Operation(
    id="kvaguiden-CodeSystem-validate-code",
    code="validate-code",
    resource="CodeSystem",
    base=f"{HL7}/CodeSystem-validate-code",
    title="Pröva om en kod finns i ett kodsystem",
    description=(
        "CodeSystem/$validate-code. KVÅ är här ett fragment: en kod med KVÅ-kodens form som inte finns här "
        "kan finnas i KVÅ, så svaret är då true med en varning."
    ),
    inputs=(
        _p("url", "uri", "Kodsystemets kanoniska url, gärna med |version."),
        _p("code", "code", "Koden."),
        _p("version", "string", "Kodsystemets version; bara den version som finns godtas."),
        _p("display", "string", "Visningstexten att pröva: vilken som helst av kodens titlar godtas."),
        CODING,
        CODEABLE,
        DATE,
        ABSTRACT,
        DISPLAY_LANGUAGE,
    ),
    outputs=VALIDATE_OUTPUTS,
    refused={"codeSystem": "ett CodeSystem i anropet stöds inte: ange url"},
)

LOOKUP = Operation(
    id="kvaguiden-CodeSystem-lookup",
    code="lookup",
    resource="CodeSystem",
    base=f"{HL7}/CodeSystem-lookup",
    title="Slå upp en kod",
    description="CodeSystem/$lookup: kodens titel, listornas texter och egenskaper.",
    inputs=(
        _p("code", "code", "Koden."),
        _p("system", "uri", "Kodsystemet, gärna med |version."),
        _p("version", "string", "Kodsystemets version; bara den version som finns godtas."),
        CODING,
        _p("date", "dateTime", "Dagen egenskapen inactive gäller för (annars i dag)."),
        DISPLAY_LANGUAGE,
        _p(
            "property",
            "code",
            "Bara dessa egenskaper (valueset, inactive, sista-giltiga-dag, giltig-fran, tillaggskod, designation).",
            max_="*",
        ),
    ),
    outputs=(
        _p("name", "string", "Kodsystemets namn.", 1),
        _p("version", "string", "Kodsystemets version, där det har en."),
        _p("display", "string", "Kodens titel.", 1),
        _p(
            "designation",
            "",
            "Listornas texter och titlar.",
            max_="*",
            parts=(
                _p("language", "code", "sv"),
                _p("use", "Coding", "Vilken text (beteckningstyp)."),
                _p("value", "string", "Texten.", 1),
            ),
        ),
        _p(
            "property",
            "",
            "Egenskaper.",
            max_="*",
            parts=(
                _p("code", "code", "Egenskapen.", 1),
                _p("value", "Element", "Värdet: valueString (valueset), valueBoolean eller valueDateTime.", 1),
                _p("description", "string", "För valueset: listans titel."),
            ),
        ),
    ),
)

OPERATIONS = {op.id: op for op in (EXPAND, VALIDATE_CODE, CODE_SYSTEM_VALIDATE_CODE, LOOKUP)}


def operation_definition(operation: Operation) -> dict:
    return {
        "resourceType": "OperationDefinition",
        "id": operation.id,
        "url": operation.url,
        "name": "".join(ch for ch in operation.id.title() if ch.isalnum()),
        "title": operation.title,
        "status": "active",
        "kind": "operation",
        "experimental": False,
        "date": STATEMENT_DATE,
        "publisher": publisher(),
        "description": operation.description
        + (" Stöds inte: " + "; ".join(sorted(operation.refused)) + "." if operation.refused else ""),
        "affectsState": False,
        "code": operation.code,
        "base": operation.base,
        "resource": [operation.resource],
        "system": False,
        "type": True,
        "instance": True,
        "parameter": [p.resource("in") for p in operation.inputs] + [p.resource("out") for p in operation.outputs],
    }


SEARCH_PARAMETERS = [
    ("_id", "token", "Resursens id."),
    ("url", "uri", "Kanonisk url (för ValueSet gärna med |version)."),
    ("version", "token", "Version; för ValueSet också en tidigare version ur historiken."),
    ("name", "string", "Namn: början av ett ord, utan hänsyn till versaler och accenter (:exact, :contains)."),
    ("title", "string", "Titel: början av ett ord, utan hänsyn till versaler och accenter (:exact, :contains)."),
    ("status", "token", "active, draft, retired eller unknown (alla här är active)."),
]
VALUE_SET_SEARCH = [*SEARCH_PARAMETERS, ("code", "token", "ValueSets som har denna kod (system|code eller code).")]
RESULT_PARAMETERS = ("_count", "_summary", "_elements", "_offset")


def _search_params(params) -> list[dict]:
    return [{"name": name, "type": type_, "documentation": doc} for name, type_, doc in params]


def _operation_refs(*operations: Operation) -> list[dict]:
    return [{"name": op.code, "definition": op.url} for op in operations]


def capability_statement() -> dict:
    return {
        "resourceType": "CapabilityStatement",
        "id": "kvaguiden",
        "url": f"{base()}/metadata",
        "name": "KvaGuiden",
        "title": "KVÅ-guidens terminologitjänst",
        "status": "active",
        "experimental": False,
        "date": STATEMENT_DATE,
        "publisher": publisher(),
        "description": (
            "Läsbar FHIR-terminologi över KVÅ-guidens listor. Operationernas parametrar står i "
            "OperationDefinition-resurserna; det som inte står där avvisas med en OperationOutcome. "
            "Terminologins egenskaper: metadata?mode=terminology."
        ),
        "kind": "instance",
        "software": {"name": "KVÅ-guiden"},
        "implementation": {"description": "KVÅ-guiden", "url": base()},
        "fhirVersion": FHIR_VERSION,
        "format": ["json", "application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Bara läsning; ingen inloggning; CORS för alla ursprung. ETag och Last-Modified; "
                    "If-None-Match och If-Modified-Since ger 304. Svar komprimeras (br, gzip) på begäran. "
                    "Sökning: okända parametrar utelämnas ur self-länken, eller ger 400 med Prefer: handling=strict. "
                    "_summary och _elements på läsning och sökning. Fel ges som OperationOutcome."
                ),
                "resource": [
                    {
                        "type": "ValueSet",
                        "versioning": "versioned",
                        "readHistory": True,
                        "conditionalRead": "full-support",
                        "interaction": [
                            {"code": "read"},
                            {"code": "vread"},
                            {"code": "history-instance"},
                            {"code": "search-type"},
                        ],
                        "searchParam": _search_params(VALUE_SET_SEARCH),
                        "operation": _operation_refs(EXPAND, VALIDATE_CODE),
                    },
                    {
                        "type": "CodeSystem",
                        "conditionalRead": "full-support",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": _search_params(SEARCH_PARAMETERS),
                        "operation": _operation_refs(LOOKUP, CODE_SYSTEM_VALIDATE_CODE),
                    },
                    {"type": "OperationDefinition", "interaction": [{"code": "read"}]},
                ],
            }
        ],
    }


def terminology_capabilities() -> dict:
    systems = []
    for system_id, url, version in code_systems():
        for uri in sorted(KVA_SYSTEM_ALIASES, reverse=True) if system_id == "kva" else [url]:
            entry = {"uri": uri, "version": [{"isDefault": True, "language": ["sv"]}]}
            if version:
                entry["version"][0]["code"] = version
            systems.append(entry)
    return {
        "resourceType": "TerminologyCapabilities",
        "id": "kvaguiden",
        "url": f"{base()}/metadata?mode=terminology",
        "name": "KvaGuidenTerminologi",
        "title": "KVÅ-guidens terminologitjänst",
        "status": "active",
        "experimental": False,
        "date": STATEMENT_DATE,
        "publisher": publisher(),
        "description": "Kodsystemen och operationerna i KVÅ-guidens terminologitjänst.",
        "kind": "instance",
        "software": {"name": "KVÅ-guiden"},
        "implementation": {"description": "KVÅ-guiden", "url": base()},
        "lockedDate": False,
        "codeSystem": systems,
        "expansion": {
            "hierarchical": True,
            "paging": True,
            "incomplete": False,
            "parameter": [{"name": p.name, "documentation": p.documentation} for p in EXPAND.inputs],
            "textFilter": (
                "filter är webbplatsens sökning: ordstammar, sammansättningar, stavfel, synonymer och vardagsord, "
                "rangordnade som på webbplatsen."
            ),
        },
        "codeSearch": "explicit",
        "validateCode": {"translations": False},
    }
