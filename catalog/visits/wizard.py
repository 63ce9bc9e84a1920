"""The visit wizard's engine: a tree of questions, and a walk through it.

Plain data and functions, no requests and no database: ``walk(tree, segments)`` follows the
answers in a URL and says where the walk stands (the next question, or the suggestion);
``validate(tree, …)`` lists what is wrong with a tree. ``catalog.wizard_store`` builds trees
from the content file and from the database.
"""

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

NONE_SEGMENT = "inga"
# A single-choice step's way out when none of its answers fits (a multiple-choice step's is "inga").
WAY_OUT_SEGMENT = "inget-passar"
RESERVED_SLUGS = (NONE_SEGMENT, WAY_OUT_SEGMENT)
DEFAULT_WAY_OUT = (
    "Guiden föreslår ingen kod när inget av svaren passar. Välj inte en kod som reglerna inte stöder: "
    "läs listan för din verksamhet, eller fråga den som ansvarar för kodningen på din enhet."
)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A "reservkod" is the contact's own code, given as a main code only where the walk gives no more
# specific one (XS012 for a planned telephone call whose purpose has no code of its own).
FALLBACK_ROLE = "reservkod"
MAIN_ROLE = "huvudåtgärd"
ROLES = (MAIN_ROLE, "åtgärd", "tilläggskod", FALLBACK_ROLE)
KINDS = ("single", "multiple")


@dataclass(frozen=True)
class SuggestedCode:
    code: str
    role: str
    reason: str
    quote_from: str
    check: str = ""


@dataclass(frozen=True)
class Note:
    text: str
    quote_from: str = ""


@dataclass(frozen=True)
class Contact:
    """A row of a contact-type table, as the wizard shows it."""

    ref: str  # "<document slug>/<contact type slug>"
    name: str
    printed: str
    staff_category: str
    patient_fee: str
    points: Decimal | None
    qualified: bool
    source: str


@dataclass
class Option:
    slug: str
    label: str
    help: str = ""
    next: str | None = None
    codes: list[SuggestedCode] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    contact: str | None = None
    extra_points: Decimal | None = None
    extra_points_from: str = ""
    no_code: bool = False
    # Path conditions, as "step/option" references: the option is offered only when one of
    # ``when`` was answered earlier on the walk, and never when one of ``unless`` was.
    when: list[str] = field(default_factory=list)
    unless: list[str] = field(default_factory=list)
    # With ``when`` met, the step is answered with this option without asking again
    # (the walk already said it, e.g. "Inneliggande patient" before "inskriven i slutenvård?").
    implied: bool = False
    # The guide's own words when the code must come from the unit's own list (a telephone contact
    # that replaces a visit, a BVC home visit outside the programme): the walk ends, incomplete.
    unit_code: str = ""


@dataclass
class Step:
    slug: str
    question: str
    kind: str = "single"
    help: str = ""
    next: str | None = None  # multiple-choice steps: where every answer goes on
    optional: bool = False
    options: list[Option] = field(default_factory=list)
    way_out: str = ""  # what to register instead when no answer fits (shown with the way out)

    def option(self, slug: str) -> Option | None:
        return next((o for o in self.options if o.slug == slug), None)


@dataclass
class Tree:
    start: str
    steps: dict[str, Step]
    contacts: dict[str, Contact] = field(default_factory=dict)
    retired: dict[str, str] = field(default_factory=dict)  # code -> last valid day; never suggested


@dataclass
class Answer:
    step: Step
    chosen: list[Option]
    segment: str
    path: list[str]  # segments up to and including this answer (implied answers add none)
    implied: bool = False  # answered by the walk itself, not asked
    way_out: bool = False  # "none of these fits": the walk ends here


def way_out_text(step: Step) -> str:
    return step.way_out or DEFAULT_WAY_OUT


FALLBACK_WAY_OUT = "Ingen mer specifik kod gäller, så kontakten registreras med sin egen kod."


def way_out_result_text(suggestion: "Suggestion") -> str:
    """What a result left by the way out says: the step's text, or, where the contact's own code
    (a reservkod) stands in, that it does."""
    if suggestion.way_out is None:
        return ""
    return FALLBACK_WAY_OUT if suggestion.fallback else way_out_text(suggestion.way_out.step)


@dataclass
class Suggestion:
    codes: list[SuggestedCode]
    notes: list[Note]
    contact: Contact | None
    extra_points: Decimal | None
    extra_points_from: str
    no_code: bool
    way_out: Answer | None = None  # the step where no answer fitted
    unit_code: str = ""  # what to register from the unit's own list (Option.unit_code)
    fallback: bool = False  # the codes include a "reservkod": no more specific code applied

    @property
    def has_main_code(self) -> bool:
        return any(c.role != "tilläggskod" for c in self.codes)

    @property
    def incomplete(self) -> bool:
        """True when the codes alone cannot be registered: only add-on codes, a code the unit must
        choose itself, or the walk was left early with no code of the contact's own."""
        if self.way_out is not None and not self.fallback:
            return True
        if self.unit_code and not self.has_main_code:
            return True
        return bool(self.codes) and not self.has_main_code

    @property
    def points(self) -> Decimal | None:
        if self.contact is None or self.contact.points is None:
            return None
        return self.contact.points + (self.extra_points or Decimal("0"))


@dataclass
class Walk:
    answers: list[Answer]
    current: Step | None  # the question to answer next; None when the walk is finished
    suggestion: Suggestion | None  # only when finished

    @property
    def finished(self) -> bool:
        return self.current is None


class WalkError(Exception):
    """A URL whose answers do not fit the tree (a broken or outdated link)."""

    def __init__(self, message: str, valid_path: list[str]):
        super().__init__(message)
        self.message = message
        self.valid_path = valid_path


def segment_for(step: Step, chosen: list[Option]) -> str:
    if step.kind == "single":
        return chosen[0].slug
    if not chosen:
        return NONE_SEGMENT
    order = {o.slug: i for i, o in enumerate(step.options)}
    return "+".join(o.slug for o in sorted(chosen, key=lambda o: order[o.slug]))


def _on_path(refs: list[str], answers: list[Answer]) -> bool:
    taken = {f"{a.step.slug}/{o.slug}" for a in answers for o in a.chosen}
    return any(ref in taken for ref in refs)


def available(step: Step, answers: list[Answer]) -> list[Option]:
    """The options that can apply after these answers (path conditions ``when``/``unless``)."""
    return [
        o
        for o in step.options
        if (not o.when or o.implied or _on_path(o.when, answers)) and not (o.unless and _on_path(o.unless, answers))
    ]


def _implied(step: Step, answers: list[Answer]) -> Option | None:
    return next((o for o in step.options if o.implied and o.when and _on_path(o.when, answers)), None)


def _parse(step: Step, segment: str, path: list[str], offered: list[Option] | None = None) -> list[Option]:
    offered = step.options if offered is None else offered
    if step.kind == "single":
        option = next((o for o in offered if o.slug == segment), None)
        if option is None:
            raise WalkError(f"Svaret ”{segment[:60]}” finns inte (längre) på frågan ”{step.question}”.", path)
        return [option]
    if segment == NONE_SEGMENT:
        return []
    chosen = []
    for slug in segment.split("+"):
        option = next((o for o in offered if o.slug == slug), None)
        if option is None:
            raise WalkError(f"Svaret ”{slug[:60]}” finns inte (längre) på frågan ”{step.question}”.", path)
        if option not in chosen:
            chosen.append(option)
    return sorted(chosen, key=step.options.index)


def _next_step(step: Step, chosen: list[Option]) -> str | None:
    return chosen[0].next if step.kind == "single" else step.next


def walk(tree: Tree, segments: list[str]) -> Walk:
    """Follow the answers in ``segments`` from the start; raise WalkError where they stop fitting."""
    answers: list[Answer] = []
    current: Step | None = tree.steps[tree.start]
    path: list[str] = []
    way_out: Answer | None = None

    def settle_implied() -> None:
        nonlocal current
        while current is not None and current.kind == "single":
            option = _implied(current, answers)
            if option is None:
                return
            answers.append(Answer(step=current, chosen=[option], segment=option.slug, path=path, implied=True))
            current = tree.steps.get(option.next) if option.next else None

    settle_implied()
    for segment in segments:
        if answers and answers[-1].implied and segment == answers[-1].segment:
            # A link made before this answer was implied still names it: skip it (the view then
            # redirects to the address without it).
            continue
        if current is None:
            raise WalkError("Länken har fler svar än frågor: guiden var redan klar.", path)
        if (segment == WAY_OUT_SEGMENT and current.kind == "single") or (
            segment == NONE_SEGMENT and current.kind == "multiple" and not current.optional
        ):
            path = [*path, segment]
            way_out = Answer(step=current, chosen=[], segment=segment, path=path, way_out=True)
            answers.append(way_out)
            current = None
            continue
        chosen = _parse(current, segment, path, available(current, answers))
        canonical = segment_for(current, chosen)
        path = [*path, canonical]
        answers.append(Answer(step=current, chosen=chosen, segment=canonical, path=path))
        following = _next_step(current, chosen)
        current = tree.steps.get(following) if following else None
        settle_implied()
    suggestion = suggest(tree, answers) if current is None else None
    return Walk(answers=answers, current=current, suggestion=suggestion)


def choose(step: Step, selected: list[str]) -> str:
    """The URL segment for answers given in a form (checkbox values or one radio value)."""
    if step.kind == "single" and list(selected) == [WAY_OUT_SEGMENT]:
        return WAY_OUT_SEGMENT
    chosen = [o for o in step.options if o.slug in set(selected)]
    if step.kind == "single":
        if len(chosen) != 1:
            raise WalkError("Välj ett av svaren.", [])
        return chosen[0].slug
    if not chosen and not step.optional and NONE_SEGMENT not in selected:
        raise WalkError("Välj minst ett av svaren, eller ”Inget av dessa”.", [])
    return segment_for(step, chosen)


def remaining_at_most(tree: Tree, slug: str | None, memo: dict | None = None) -> int:
    """The most questions a walk can still ask from this step (itself included): for "Fråga 3 av högst 7"."""
    if not slug or slug not in tree.steps:
        return 0
    memo = {} if memo is None else memo
    if slug not in memo:
        memo[slug] = 0  # guard; trees have no cycles
        step = tree.steps[slug]
        following = {o.next for o in step.options} | {step.next}
        memo[slug] = 1 + max((remaining_at_most(tree, f, memo) for f in following), default=0)
    return memo[slug]


ROLE_ORDER = {role: i for i, role in enumerate(ROLES)}


def suggest(tree: Tree, answers: list[Answer]) -> Suggestion:
    codes: dict[str, SuggestedCode] = {}
    fallbacks: dict[str, SuggestedCode] = {}
    unit_code = ""
    notes: list[Note] = []
    contact = None
    extra_points = None
    extra_from = ""
    no_code = False
    way_out = None
    for answer in answers:
        if answer.way_out:
            way_out = answer
        for option in answer.chosen:
            for code in option.codes:
                if code.code in tree.retired:
                    note = Note(
                        f"{code.code} har utgått (gällde till och med {tree.retired[code.code]}) och föreslås inte."
                    )
                    if note not in notes:
                        notes.append(note)
                    continue
                (fallbacks if code.role == FALLBACK_ROLE else codes).setdefault(code.code, code)
            for note in option.notes:
                if note not in notes:
                    notes.append(note)
            if option.contact:
                contact = tree.contacts.get(option.contact)
            if option.extra_points is not None:
                extra_points = (extra_points or Decimal("0")) + option.extra_points
                extra_from = option.extra_points_from
            no_code = no_code or option.no_code
            unit_code = option.unit_code or unit_code
    use_fallback = bool(fallbacks) and not no_code and not unit_code
    use_fallback = use_fallback and not any(c.role != "tilläggskod" for c in codes.values())
    if use_fallback:
        codes = {**{k: replace(c, role=MAIN_ROLE) for k, c in fallbacks.items()}, **codes}
    ordered = sorted(codes.values(), key=lambda c: ROLE_ORDER.get(c.role, len(ROLES)))
    return Suggestion(
        codes=ordered,
        notes=notes,
        contact=contact,
        extra_points=extra_points,
        extra_points_from=extra_from,
        no_code=(no_code or way_out is not None) and not ordered and not unit_code,
        way_out=way_out,
        unit_code=unit_code,
        fallback=use_fallback,
    )


def _dead_ends(tree: Tree, step_slug: str, gives: bool, memo: dict, limit: int = 5) -> list[list[str]]:
    """Walks (as "step/answer" labels) from this step that end without a code, a contact or no_code.

    ``gives`` says whether the walk so far already gives something. Each option is tried on its
    own (and "inga" where allowed): answers only ever add, so that finds every dead end.
    """
    key = (step_slug, gives)
    if key in memo:
        return memo[key]
    memo[key] = []  # no cycles (checked before), but guard anyway
    step = tree.steps[step_slug]
    choices = [[option] for option in step.options]
    if step.kind == "multiple" and step.optional:
        choices.append([])
    found: list[list[str]] = []
    for chosen in choices:
        gives_here = gives or any(o.codes or o.contact or o.no_code or o.unit_code for o in chosen)
        label = f"{step.slug}/{chosen[0].slug if chosen else NONE_SEGMENT}"
        following = _next_step(step, chosen) if chosen or step.kind == "multiple" else None
        if following:
            found += [[label, *rest] for rest in _dead_ends(tree, following, gives_here, memo, limit)]
        elif not gives_here:
            found.append([label])
        if len(found) >= limit:
            break
    memo[key] = found[:limit]
    return memo[key]


class Names:
    """How the checks name steps, answers and sources: by kortnamn and reference, as the content file
    writes them. The write gate names them in a coordinator's words instead (catalog.editorial.naming)."""

    def step(self, step: Step) -> str:
        return f"Steget ”{step.slug}”"

    def option(self, step: Step, option: Option) -> str:
        return f"Steget ”{step.slug}”, svaret ”{option.slug}”"

    def step_ref(self, slug: str) -> str:
        return slug

    def cycle(self, slugs: list[str]) -> str:
        return " → ".join(slugs)

    def missing_start(self, slug: str) -> str:
        return f"Startsteget ”{slug}” finns inte."

    def path_item(self, item: str) -> str:
        return item

    def source(self, ref: str) -> str:
        return ref or "(ingen källa angiven)"


def validate(
    tree: Tree, known_codes: set[str], quote_ok=None, contact_refs: set[str] | None = None, names: Names | None = None
) -> list[str]:
    """Everything wrong with a tree, as Swedish sentences; ``names`` says how they name things."""
    names = names or Names()
    if tree.start not in tree.steps:
        return [names.missing_start(tree.start)]
    errors: list[str] = []
    for step in tree.steps.values():
        errors += _step_errors(tree, step, names)
        seen: set[str] = set()
        for option in step.options:
            errors += _option_errors(tree, step, option, seen, known_codes, quote_ok, contact_refs, names)
            seen.add(option.slug)
    if errors:
        return errors
    errors = _graph_errors(tree, names)
    if errors:
        return errors
    return [
        "En väg slutar utan kod, kontakttyp eller uttryckligt ”ingen kod”: "
        f"{' → '.join(names.path_item(item) for item in path)}."
        for path in _dead_ends(tree, tree.start, False, {})
    ]


def _step_errors(tree: Tree, step: Step, names: Names) -> list[str]:
    errors = []
    where = names.step(step)
    if not SLUG_RE.match(step.slug) or step.slug in RESERVED_SLUGS:
        errors.append(
            f"{where}: kortnamnet får bara ha små bokstäver a–z, siffror och bindestreck (och inte vara ”inga”)."
        )
    if step.kind not in KINDS:
        errors.append(f"{where}: slaget måste vara single eller multiple.")
    if not step.question.strip():
        errors.append(f"{where}: frågan saknas.")
    if not step.options:
        errors.append(f"{where}: har inga svar att välja.")
    if step.kind == "multiple" and step.next and step.next not in tree.steps:
        errors.append(f"{where}: nästa steg ”{names.step_ref(step.next)}” finns inte.")
    return errors


def _option_errors(
    tree: Tree,
    step: Step,
    option: Option,
    seen: set[str],
    known_codes: set[str],
    quote_ok,
    contact_refs,
    names: Names,
) -> list[str]:
    errors = []
    o_where = names.option(step, option)
    if option.slug in seen:
        errors.append(f"{o_where}: finns två gånger.")
    if not SLUG_RE.match(option.slug) or option.slug in RESERVED_SLUGS:
        errors.append(
            f"{o_where}: kortnamnet får bara ha små bokstäver a–z, siffror och bindestreck "
            "(och inte vara ”inga” eller ”inget-passar”)."
        )
    # Conditions name "step/option"; renames in the admin rewrite them (catalog.editorial.renames). One
    # left unmatched is not an error here: an unmatched "when" hides the option, "unless" is ignored.
    if option.implied and not option.when:
        errors.append(f"{o_where}: ett underförstått svar behöver ett villkor (when).")
    if not option.label.strip():
        errors.append(f"{o_where}: texten saknas.")
    if step.kind == "single" and option.next and option.next not in tree.steps:
        errors.append(f"{o_where}: nästa steg ”{names.step_ref(option.next)}” finns inte.")
    if step.kind == "multiple" and option.next:
        errors.append(f"{o_where}: svar på en flervalsfråga kan inte ha eget nästa steg (stegets nästa steg gäller).")
    for code in option.codes:
        if code.code not in known_codes:
            errors.append(f"{o_where}: koden {code.code} finns inte i guiden.")
        if code.role not in ROLES:
            errors.append(f"{o_where}: rollen ”{code.role}” för {code.code} ska vara en av {', '.join(ROLES)}.")
        if not code.reason.strip():
            errors.append(f"{o_where}: {code.code} saknar skäl (citat ur regeln).")
        elif quote_ok and not quote_ok(code.reason, code.quote_from):
            errors.append(f"{o_where}: skälet för {code.code} står inte ordagrant i {names.source(code.quote_from)}.")
    for note in option.notes:
        if quote_ok and note.quote_from and not quote_ok(note.text, note.quote_from):
            errors.append(f"{o_where}: anteckningen står inte ordagrant i {names.source(note.quote_from)}.")
    if option.contact and contact_refs is not None and option.contact not in contact_refs:
        errors.append(f"{o_where}: kontakttypen ”{option.contact}” finns inte.")
    return errors


def _graph_errors(tree: Tree, names: Names) -> list[str]:
    """Cycles and reachability, over the graph of steps."""
    errors: list[str] = []
    edges = {
        slug: {o.next for o in step.options if o.next} | ({step.next} if step.next else set())
        for slug, step in tree.steps.items()
    }
    state: dict[str, int] = {}

    def visit(slug: str, trail: list[str]) -> None:
        state[slug] = 1
        for following in sorted(edges[slug]):
            if state.get(following) == 1:
                loop = [*trail[trail.index(following) :], following] if following in trail else [following]
                errors.append(f"Trädet går i cirkel: {names.cycle(loop)}.")
            elif following not in state:
                visit(following, [*trail, following])
        state[slug] = 2

    visit(tree.start, [tree.start])
    for slug in tree.steps:
        if slug not in state:
            errors.append(f"{names.step(tree.steps[slug])} går inte att nå från starten.")
    return errors


def reachable_codes(tree: Tree) -> set[str]:
    return {code.code for step in tree.steps.values() for option in step.options for code in option.codes}


CONTACT_NUMBER_RE = re.compile(r"^(?:Kontakttyp\s*)?(\d+)\s*[.:]")
CONTACT_ABBREVIATION_RE = re.compile(r"\(([A-ZÅÄÖ]+)\s*[,)/]")


def contact_type_code(printed: str) -> str | None:
    """The contact-type code in a printed row: "Telefon som ersätter besök (TB)" → "TB", "23.Distanskontakt video" → "23".

    A row with several abbreviations ("(M, T)") gives the first: the contact type; the rest say who took part.
    """
    number = CONTACT_NUMBER_RE.match(printed.strip())
    if number:
        return number.group(1)
    abbreviation = CONTACT_ABBREVIATION_RE.search(printed)
    return abbreviation.group(1) if abbreviation else None


def fee_kronor(printed: str) -> int | None:
    """The patient fee in kronor as a number: "100 kr" → 100, "0" → 0, "Ingen patientavgift …" → 0.

    None where the source names no amount ("patientutgift ska tas ut").
    """
    text = printed.strip()
    amount = re.fullmatch(r"(\d+)(?:\s*kr)?", text)
    if amount:
        return int(amount.group(1))
    if text.lower().startswith("ingen patientavgift"):
        return 0
    return None
