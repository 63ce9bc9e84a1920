"""The one gate every change to the guidance passes through.

Every door that changes the guidance — the admin's forms, inline rows and deletions, the CSV import,
a restore from the history, load_content, a draft's approval, the rewrite of path conditions after a
rename, a regional decision — opens a ``session`` and hands it each change. The session, and nothing
else:

- checks the version the user started from, field by field: it writes only the fields this user
  changed, on top of the current values, and refuses a change to an object someone else changed
  since (showing base → theirs → yours per field) until the user has seen theirs;
- turns a change on a list that requires review into a draft, unless the user may publish directly;
- keeps texts within both databases' limits and to one line ending (LF);
- after the last change, checks that the wizard tree is whole, that every path condition names an
  answer, and that every word-for-word quote (the wizard's and the practice cases') still stands —
  refusing only what this session made wrong, so an old problem never blocks unrelated work;
- records each write in the history with the acting user.

A refusal raises ``Refused`` with Swedish messages; the session's transaction rolls back, so nothing
is written. tests/editorial/test_gate.py drives every door with a gate that refuses everything.
"""

import contextlib
import contextvars
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst

from catalog.editorial import drafts, history, naming
from catalog.models import (
    Code,
    CodeList,
    ContactType,
    ContentTracked,
    DocumentPart,
    Draft,
    Entry,
    Footnote,
    PracticeCase,
    PracticeQuote,
    PracticeSet,
    Revision,
    Section,
    SourceDocument,
    WizardCode,
    WizardNote,
    WizardOption,
    WizardStep,
    plain_value,
)
from catalog.training import feedback, keys
from catalog.visits import store as wizard_store

# Doors that change the guidance as its maintainers do, not as one coordinator: the content files are
# reviewed in the repository, and a rename's rewrite follows a change that was itself checked.
SYSTEM_DOORS = frozenset({"load-content", "rename"})
# Doors that publish: the system's, and a draft's approval (the reviewer is the second pair of eyes).
PUBLISHING_DOORS = SYSTEM_DOORS | {"draft-approval"}
PUBLISH = "catalog.publish_directly"
# Fields that record what the loader wrote, not guidance (catalog.models.tracked).
BOOKKEEPING = frozenset({"loaded"})

WIZARD_MODELS = frozenset({WizardStep, WizardOption, WizardCode, WizardNote})
PRACTICE_MODELS = frozenset({PracticeCase, PracticeQuote, PracticeSet})
# Texts the wizard and the practice cases quote word for word, and what they check against.
QUOTED_MODELS = frozenset({Entry, Section, DocumentPart, ContactType, Footnote, Code, SourceDocument, CodeList})

_current: contextvars.ContextVar["Session | None"] = contextvars.ContextVar("kva_gate_session", default=None)


@dataclass
class FieldDiff:
    """One field of a refused change: what the user started from, what it is now, what they typed."""

    name: str
    label: str
    base: object
    theirs: object  # the current value; equal to base when only the user changed the field
    yours: object  # the user's value; equal to base when only someone else changed it

    @property
    def changed_by_them(self) -> bool:
        return self.theirs != self.base

    @property
    def changed_by_you(self) -> bool:
        return self.yours != self.base


@dataclass
class Conflict:
    """A change to an object someone else changed after the user opened it."""

    model: type
    pk: int
    label: str
    current_version: int | None
    fields: list[FieldDiff] = field(default_factory=list)
    by: list[str] = field(default_factory=list)  # "anna 2026-12-06 10:14", oldest first
    deleted: bool = False  # the user asked to delete it


class Refused(Exception):
    """The gate would not let this through; nothing was written. ``messages`` are Swedish sentences."""

    def __init__(self, messages: list[str] | str, conflicts: list[Conflict] | None = None):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.conflicts = conflicts or []
        super().__init__(" ".join(self.messages))

    def conflict_for(self, model, pk) -> Conflict | None:
        return next((c for c in self.conflicts if c.model is model and c.pk == pk), None)


def current_session() -> "Session | None":
    return _current.get()


def acting_user():
    """The user on whose behalf the open session writes (None outside a session or for load_content)."""
    session = _current.get()
    return session.user if session is not None else None


@contextlib.contextmanager
def session(user=None, door: str = "admin", comment: str = "", *, as_draft: bool = False):
    """Open the gate for one change made of several writes; checks run, and history is final, at the end.

    A session opened inside another (a rename's rewrite inside the save that renamed) shares its
    transaction and leaves the checks to the outer one.
    """
    outer = _current.get()
    opened = Session(user if user is not None or outer is None else outer.user, door, comment, as_draft, outer)
    token = _current.set(opened)
    try:
        with transaction.atomic():
            yield opened
            opened.finish()
    finally:
        _current.reset(token)


def _is_text(model, name: str) -> bool:
    try:
        return isinstance(model._meta.get_field(name), models.CharField | models.TextField)
    except Exception:
        return False


def normalised(model, name: str, value):
    """One line ending everywhere: a browser posts CRLF, Excel may write either."""
    if isinstance(value, str) and _is_text(model, name):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def same_text(a, b) -> bool:
    """Equal once line endings are normalised (what export → import must treat as unchanged); an empty
    text and none are the same (a form posts "" for a text the source has none of)."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, str) and isinstance(b, str):
        return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")
    return a == b


def state_at(model, pk: int, version: int) -> dict | None:
    """The object as it stood at ``version``, from its history (None if no revision holds that version)."""
    revision = (
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=pk, version=version, after__isnull=False
        )
        .order_by("-id")
        .first()
    )
    return revision.after if revision is not None else None


def field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def lists_of(obj) -> list[CodeList]:
    """The lists an object belongs to, for the review rule: a code belongs to every list that holds it."""
    if isinstance(obj, Entry | Section):
        return [obj.code_list] if obj.code_list_id else []
    if isinstance(obj, CodeList):
        return [obj]
    if isinstance(obj, Code) and obj.pk:
        return list(CodeList.objects.filter(entries__code=obj).distinct())
    return []


def may_publish(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_perm(PUBLISH))


def needs_review(obj, user) -> bool:
    """Whether a change to ``obj`` by ``user`` must wait for review (a list that requires it, no right to publish)."""
    return not may_publish(user) and any(code_list.requires_review for code_list in lists_of(obj))


def limit_problems(obj, names) -> list[str]:
    """What the databases would refuse, or SQLite would store and every later save refuse (too long, no date)."""
    names = set(names)
    exclude = [f.name for f in obj._meta.concrete_fields if f.attname not in names and f.name not in names]
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as error:
        return [
            f"{field_label(type(obj), name).capitalize()}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def placement_problems(obj, names) -> list[str]:
    """A post stands in a section of its own list: the list pages read it by section, search by list."""
    names = set(names)
    if not isinstance(obj, Entry) or not names & {"section", "section_id", "code_list", "code_list_id"}:
        return []
    if obj.section_id is None or obj.code_list_id is None or obj.section.code_list_id == obj.code_list_id:
        return []
    return [
        f"Avsnittet ”{obj.section.title}” hör till listan ”{obj.section.code_list.title}”, inte till ”{obj.code_list.title}”."
    ]


class Session:
    def __init__(self, user, door: str, comment: str, as_draft: bool, outer: "Session | None"):
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.door = door
        self.comment = comment
        self.as_draft = as_draft
        self.outer = outer
        self.touched: set[type] = set()
        self.written: list[models.Model] = []
        self.drafts: list[Draft] = []
        self.deleted: list[Revision] = []
        self._before: set[str] | None = None  # problems that stood before this session's first relevant write
        self._checked = -1  # how many writes had been made when the end checks last passed

    # --- the per-change hook (tests replace it with one that refuses everything) -------------

    def _admit(self, obj, kind: str) -> None:
        """Called first for every change, whatever the door: the point no write can go around."""

    # --- what doors call -----------------------------------------------------------------

    def save(
        self,
        obj: models.Model,
        fields=None,
        *,
        seen_version: int | None = None,
        confirmed_version: int | None = None,
        m2m: dict[str, list[int]] | None = None,
        action: str = Revision.Action.CHANGED,
        comment: str = "",
    ):
        """Write ``fields`` of ``obj`` (an instance holding the proposed values) over the stored object.

        ``seen_version`` is the version the user started from; ``confirmed_version`` the newer one a
        refusal showed them. Only the fields that differ from what the user started from are written,
        on top of the current values. Returns the stored object, a Draft, or None when nothing changed.
        """
        self._admit(obj, "save")
        model = type(obj)
        current = model.objects.select_for_update().filter(pk=obj.pk).first()
        if current is None:
            raise Refused(f"Någon har tagit bort {naming.name(obj)} medan du arbetade, så ändringen kunde inte sparas.")
        names = [model._meta.get_field(n).attname for n in (self._editable(model) if fields is None else fields)]
        names = [n for n in names if n != model._meta.pk.attname and n != "version"]
        stored = history.snapshot(current)
        start = self._start(current, stored, seen_version)
        proposed = {n: plain_value(normalised(model, n, getattr(obj, n))) for n in names}
        mine = [n for n in names if not same_text(proposed[n], start.get(n))]
        m2m_mine = {n: sorted(v) for n, v in (m2m or {}).items() if sorted(v) != start.get(n)}
        if not mine and not m2m_mine:
            return None
        if set(mine) <= BOOKKEEPING and not m2m_mine:
            # What the loader last wrote changed, not the guidance: no new version, nothing to review.
            for name in mine:
                setattr(current, name, getattr(obj, name))
            current.save(update_fields=mine)
            return None
        self._refuse_if_stale(current, stored, start, {**proposed, **m2m_mine}, seen_version, confirmed_version)
        if self._needs_review(current, [*mine, *m2m_mine]):
            return self._draft(current, obj, mine, m2m_mine)
        self._before_relevant(model)
        for name in mine:
            setattr(current, name, normalised(model, name, getattr(obj, name)))
        if self.door == "restore":
            self._check_parents(current, mine)
        self._check_limits(current, mine)
        if isinstance(current, ContentTracked):
            current.version = (current.version or 0) + 1
        current.save()
        for name, pks in m2m_mine.items():
            getattr(current, name).set(model._meta.get_field(name).related_model.objects.filter(pk__in=pks))
        if self._published_past_review(current):
            comment = "Publicerad direkt utan granskning. " + (comment or self.comment)
        self._record(current, action, stored, comment)
        self._done(obj, current)
        return current

    def create(self, obj: models.Model, *, m2m=None, action: str = Revision.Action.CREATED, record=True, comment=""):
        """Store a new object (a restored one keeps its old id)."""
        self._admit(obj, "create")
        model = type(obj)
        if self._needs_review(obj, None):
            raise Refused(
                f"Listan ”{lists_of(obj)[0]}” kräver granskning: bara den som får publicera direkt kan lägga till "
                "eller återställa borttaget i den. Be en sådan samordnare, eller skicka ett förslag."
            )
        self._before_relevant(model)
        for f in model._meta.concrete_fields:
            value = getattr(obj, f.attname)
            setattr(obj, f.attname, normalised(model, f.attname, value))
        if self.door == "restore":
            self._check_parents(obj, [f.attname for f in model._meta.concrete_fields])
        self._check_limits(obj, [f.attname for f in model._meta.concrete_fields if not f.primary_key])
        obj.save(force_insert=obj.pk is not None and self.door == "restore")
        for name, pks in (m2m or {}).items():
            getattr(obj, name).set(model._meta.get_field(name).related_model.objects.filter(pk__in=pks))
        if record:
            self._record(obj, action, None, comment)
        self.touched.add(model)
        self.written.append(obj)
        return obj

    def delete(
        self, obj: models.Model, *, seen_version: int | None = None, confirmed_version: int | None = None, comment=""
    ):
        """Delete an object and what goes with it, each recorded so that a restore brings them back."""
        self._admit(obj, "delete")
        model = type(obj)
        current = model.objects.select_for_update().filter(pk=obj.pk).first()
        if current is None:
            return None  # already gone: what the user wanted
        stored = history.snapshot(current)
        if seen_version is not None and isinstance(current, ContentTracked) and current.version != seen_version:
            if confirmed_version != current.version:
                start = state_at(model, current.pk, seen_version) or stored
                raise Refused(
                    f"{capfirst(naming.name(current))} togs inte bort: någon har ändrat det sedan du öppnade sidan. "
                    "Se ändringen nedan och ta bort igen om det ändå ska bort.",
                    [self._conflict(current, stored, start, {}, seen_version, deleted=True)],
                )
        if self._needs_review(current, None):
            raise Refused(
                f"Listan ”{lists_of(current)[0]}” kräver granskning: bara den som får publicera direkt kan ta "
                "bort något i den."
            )
        self._before_relevant(model)
        self._touch_cascade(current)
        root = history.record_delete(current, self.user, comment or self.comment)
        current.delete()
        self.deleted.append(root)
        return root

    # --- the checks at the end ---------------------------------------------------------------

    def check(self) -> None:
        """Run the end checks now (a door that announces success before the session closes calls this first)."""
        root = self
        while root.outer is not None:
            root = root.outer
        if root._before is None or root._checked == len(root.written) + len(root.deleted):
            return  # nothing the checks look at was written since they last passed
        new = [problem for problem in content_problems() if problem.key not in root._before]
        if new:
            raise Refused(said(new))
        root._checked = len(root.written) + len(root.deleted)

    def finish(self) -> None:
        if self.outer is not None:
            self.outer.touched |= self.touched
            return
        self.check()

    # --- how a change is weighed ---------------------------------------------------------------

    @staticmethod
    def _editable(model) -> list[str]:
        return [f.attname for f in model._meta.concrete_fields if f.editable and not f.primary_key]

    @staticmethod
    def _start(current, stored: dict, seen_version) -> dict:
        """What the user started from: the version they opened (from the history), or what is stored now."""
        if seen_version is None or not isinstance(current, ContentTracked) or current.version == seen_version:
            return stored
        found = state_at(type(current), current.pk, seen_version)
        if found is None:
            raise Refused(
                f"{capfirst(naming.name(current))} har ändrats sedan du öppnade sidan, och läget du utgick från "
                "finns inte i historiken. "
                "Dina ändringar står kvar i formuläret: kopiera dem, öppna sidan på nytt och för in dem där."
            )
        return found

    def _refuse_if_stale(self, current, stored, start, proposed, seen_version, confirmed_version) -> None:
        if start is stored or start == stored:
            return
        if isinstance(current, ContentTracked) and confirmed_version == current.version:
            return  # the user has seen what changed: their fields go on top of it
        raise Refused(
            f"Någon annan har sparat {naming.name(current)} medan du redigerade, så din ändring sparades inte. "
            "Jämför nedan: det du skrev står kvar, och sparar du igen läggs bara dina ändringar ovanpå deras.",
            [self._conflict(current, stored, start, proposed, seen_version)],
        )

    @staticmethod
    def _conflict(current, stored, start, proposed, seen_version, deleted=False) -> Conflict:
        model = type(current)
        diffs = []
        for name in stored:
            yours = proposed.get(name, start.get(name))
            if stored.get(name) != start.get(name) or not same_text(yours, start.get(name)):
                diffs.append(FieldDiff(name, field_label(model, name), start.get(name), stored.get(name), yours))
        revisions = history.revisions_for(model, current.pk).order_by("created_at", "id")
        if seen_version is not None:
            revisions = revisions.filter(version__gt=seen_version)
        by = [
            f"{r.user.get_username() if r.user else 'load_content'} {timezone.localtime(r.created_at):%Y-%m-%d %H:%M}"
            for r in revisions[:10]
        ]
        label = naming.name(current)
        return Conflict(model, current.pk, label, getattr(current, "version", None), diffs, by, deleted)

    def _needs_review(self, obj, names) -> bool:
        if self.door in PUBLISHING_DOORS:
            return False
        if isinstance(obj, CodeList) and names and "requires_review" in names and not may_publish(self.user):
            raise Refused(
                "Bara den som får publicera direkt kan ändra om en lista kräver granskning "
                "(så att granskningen inte kan stängas av och slås på igen runt en ändring)."
            )
        if self.as_draft and names is not None:
            return True
        return needs_review(obj, self.user)

    def _published_past_review(self, obj) -> bool:
        """A change on a list that requires review, published by someone who may: the history says so."""
        return self.door not in PUBLISHING_DOORS and any(code_list.requires_review for code_list in lists_of(obj))

    def _draft(self, current, obj, mine: list[str], m2m_mine: dict):
        """The change as a draft for review; it must pass every check it would meet when published."""
        draftable = set(drafts.draftable(current))
        not_draftable = [n for n in [*mine, *m2m_mine] if n not in draftable]
        if not_draftable:
            labels = ", ".join(field_label(type(current), n) for n in not_draftable)
            raise Refused(
                f"Det här kan inte sparas som utkast och kräver den som får publicera direkt: {labels}. "
                "Utkast gäller texterna."
            )
        changes = {n: normalised(type(current), n, getattr(obj, n)) for n in mine}
        with contextlib.suppress(_TriedOnly):
            with transaction.atomic():
                self._before_relevant(type(current))
                trial = type(current).objects.get(pk=current.pk)
                for name, value in changes.items():
                    setattr(trial, name, value)
                problems = self._check_limits(trial, mine, raise_=False)
                trial.save()
                problems += said([p for p in content_problems() if p.key not in self._before])
                if problems:
                    raise Refused(["Utkastet sparades inte:", *problems])
                raise _TriedOnly
        draft = drafts.create(current, changes, self.user)
        self.drafts.append(draft)
        return draft

    def _check_limits(self, obj, names, raise_=True) -> list[str]:
        problems = limit_problems(obj, names) + placement_problems(obj, names)
        if problems and raise_:
            raise Refused([f"{capfirst(naming.name(obj))} sparades inte:", *problems])
        return problems

    def _check_parents(self, obj, names) -> None:
        """A restored row whose parent is gone: say so, rather than let the database refuse in English."""
        for f in obj._meta.concrete_fields:
            if not f.is_relation or f.attname not in names:
                continue
            value = getattr(obj, f.attname)
            if value is not None and not f.related_model._default_manager.filter(pk=value).exists():
                raise Refused(
                    f"{capfirst(naming.name(obj))} kan inte återställas, eftersom {naming.gone(f.related_model, value)} "
                    "har tagits bort. Återställ det först (under ”Borttagna …” på dess sida)."
                )

    def _before_relevant(self, model) -> None:
        """Before the first write the end checks look at, note which problems stood already."""
        if model in WIZARD_MODELS | PRACTICE_MODELS | QUOTED_MODELS:
            self.touched.add(model)
            root = self
            while root.outer is not None:
                root = root.outer
            if root._before is None:
                root._before = problem_keys()

    def _touch_cascade(self, obj) -> None:
        self.touched.add(type(obj))
        for related in obj._meta.related_objects:
            self.touched.add(related.related_model)

    def _record(self, obj, action, before, comment) -> None:
        history.record(obj, action, before, self.user, comment=comment or self.comment)
        self.touched.add(type(obj))
        self.written.append(obj)

    @staticmethod
    def _done(obj, current) -> None:
        """The door's own instance now mirrors what was stored (the admin names it in its messages)."""
        for f in current._meta.concrete_fields:
            setattr(obj, f.attname, getattr(current, f.attname))


class _TriedOnly(Exception):
    """Rolls back a change tried only to see whether it would pass."""


# --- What must hold after every change ---------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong with the guidance: ``key`` names it by ids and kortnamn, so that a problem that
    stood before a change is recognised after it even when the change renamed what it mentions;
    ``text`` says it in the coordinator's words (catalog.editorial.naming)."""

    key: str
    text: str


QUOTE_PROBLEM = "citat"  # how content_problems marks a broken quote, so said() can say them together


def _quote_problems() -> list[Problem]:
    """One problem per quote that no longer stands word for word in its source."""
    texts = wizard_store.quote_texts_from_db()
    quote_ok = wizard_store.quote_checker(texts)
    broken = []
    for row in WizardCode.objects.select_related("option__step", "code"):
        if not quote_ok(row.reason, row.quote_from):
            text = f"{naming.name(row.option)} citerar {naming.source(row.quote_from)} som skäl för {row.code.code}"
            broken.append(Problem(f"{QUOTE_PROBLEM}:wizardcode:{row.pk}", text))
    for row in WizardNote.objects.exclude(quote_from="").select_related("option__step"):
        if not quote_ok(row.text, row.quote_from):
            text = f"{naming.name(row.option)} citerar {naming.source(row.quote_from)} i en anteckning"
            broken.append(Problem(f"{QUOTE_PROBLEM}:wizardnote:{row.pk}", text))
    for row in PracticeQuote.objects.select_related("case"):
        if not quote_ok(row.quote, row.quote_from):
            about = f" om {row.code}" if row.code else ""
            text = f"{naming.name(row.case)} citerar {naming.source(row.quote_from)}{about}"
            broken.append(Problem(f"{QUOTE_PROBLEM}:practicequote:{row.pk}", text))
    return sorted(broken, key=lambda problem: problem.text)


def said(problems: list[Problem]) -> list[str]:
    """Problems as sentences: broken quotes together in one, in the coordinator's words."""
    quotes = [p.text for p in problems if p.key.startswith(f"{QUOTE_PROBLEM}:")]
    others = [p.text for p in problems if not p.key.startswith(f"{QUOTE_PROBLEM}:")]
    if not quotes:
        return others
    listed = "; ".join(quotes)
    return [
        "Ändringen sparades inte: citat som ska stå ordagrant i sin källa skulle inte längre göra det. "
        + listed[:1].upper()
        + listed[1:]
        + ". Behåll de citerade orden, eller ändra först citatet så att det stämmer med texten.",
        *others,
    ]


def _condition_problems() -> list[Problem]:
    known = {f"{step}/{option}" for step, option in WizardOption.objects.values_list("step__slug", "slug")}
    problems = []
    for option in WizardOption.objects.exclude(when=[], unless=[]).select_related("step"):
        for field_name, kind, refs in (
            ("when", "visas bara efter", option.when),
            ("unless", "visas inte efter", option.unless),
        ):
            for ref in refs or []:
                if ref not in known:
                    text = (
                        f"{capfirst(naming.name(option))} {kind} {naming.answer_ref(ref)}, som inte finns längre. "
                        f"Ta först bort villkoret under ”{capfirst(field_label(WizardOption, field_name))}” på det svarets "
                        "sida."
                    )
                    problems.append(Problem(f"villkor:{option.pk}:{field_name}:{ref}", text))
    return problems


def _practice_problems() -> list[Problem]:
    known = set(Code.objects.values_list("code", flat=True))
    contacts = {f"{c.document.slug}/{c.slug}" for c in ContactType.objects.select_related("document")}
    problems = []
    cases = PracticeCase.objects.select_related("contact_type__document").prefetch_related("quotes")
    for case in cases:
        where = capfirst(naming.name(case))
        # Quotes are checked with the wizard's in _quote_problems, in the coordinator's words.
        found = feedback.validate(keys.key_from_model(case), known, quote_ok=None, contact_refs=contacts, where=where)
        problems += [Problem(f"övning:{case.pk}:{text.removeprefix(where)}", text) for text in found]
    return problems


def _tree_problems() -> list[Problem]:
    """The tree's problems in the coordinator's words, keyed as the content file would name them."""
    tree = wizard_store.tree_from_db()
    if not tree.steps:
        return []
    texts = wizard_store.tree_problems(tree, check_quotes=False, names=naming.CoordinatorNames(tree))
    if not texts:
        return []
    keys_ = wizard_store.tree_problems(tree, check_quotes=False)
    return [Problem(f"träd:{key}", text) for key, text in zip(keys_, texts, strict=True)]


def content_problems() -> list[Problem]:
    """Everything wrong with the guidance as the database holds it now."""
    return [*_tree_problems(), *_condition_problems(), *_quote_problems(), *_practice_problems()]


def problem_keys() -> set[str]:
    return {problem.key for problem in content_problems()}
