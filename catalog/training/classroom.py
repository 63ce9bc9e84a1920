"""A live class: the rules of starting, moving, answering and forgetting, apart from any request.

A trainer starts a class from a practice set and gets a six-digit join code. The class shows one
case at a time, in three phases: answers are taken, then (if the trainer wants) the hint, then the
key. Learners are anonymous: each answer adds one to the count of its answer set (the codes, sorted,
and the contact type) for that case, and a learner who changes an answer moves their one count from
the old set to the new one (the phone says which was its old answer, in a signed cookie: the server
keeps no list of who answered what). A class counts as ended when the trainer ends it or after
CLASSROOM_IDLE_HOURS without a move, and is deleted CLASSROOM_RETENTION_HOURS after it ended.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from catalog import throttle
from catalog.models import ClassAnswer, ContactType, LiveClass, PracticeCase, PracticeSet
from catalog.training import feedback

CODE_DIGITS = 6
MAX_CODES = 12  # codes in one answer; more is not an answer to a practice case
MAX_ANSWER_SETS = 60  # distinct answer sets kept per case; further ones are counted together
OTHER = "*"  # the answer set that counts those beyond MAX_ANSWER_SETS
SHOWN_SETS = 8  # answer sets the chart shows one by one; the rest are summed under "Övriga svar"
ACTIONS = {
    "ledtrad": "Visa ledtråden",
    "facit": "Visa facit",
    "nasta": "Nästa fall",
    "forra": "Föregående fall",
    "avsluta": "Avsluta klassen",
}


class ClassError(Exception):
    """A move or an answer the class refuses, with a Swedish sentence saying why."""


def may_lead(user) -> bool:
    """Trainers (group Utbildare) and coordinators may start and lead a class: both groups, and only
    they (besides superusers), may change practice cases."""
    return bool(user.is_authenticated and user.is_active and user.has_perm("catalog.change_practicecase"))


def leads(user, live_class: LiveClass) -> bool:
    """Only the trainer who started a class (or a superuser) moves it."""
    return bool(user.is_authenticated and (user.pk == live_class.trainer_id or user.is_superuser))


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.CLASSROOM_IDLE_HOURS)


def retention() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.CLASSROOM_RETENTION_HOURS)


def ended(live_class: LiveClass, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return live_class.ended_at is not None or live_class.changed_at < now - idle_limit()


def prune(now: datetime.datetime | None = None) -> int:
    """Delete classes (and their answer counts) that ended more than the retention time ago, and
    the throttle's used buckets; returns how many classes went."""
    now = now or timezone.now()
    before = now - retention()
    gone = LiveClass.objects.filter(
        models.Q(ended_at__lt=before) | models.Q(changed_at__lt=before - idle_limit())
    ).delete()[1]
    throttle.prune(now.timestamp())
    return gone.get(LiveClass._meta.label, 0)


def start(practice_set: PracticeSet, user) -> LiveClass:
    """A new class on the set's first case, under a join code no other class has."""
    case_ids = list(practice_set.cases.order_by("order", "slug").values_list("pk", flat=True))
    if not case_ids:
        raise ClassError("Setet har inga övningar att visa.")
    prune()
    for _ in range(20):
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        try:
            with transaction.atomic():
                return LiveClass.objects.create(code=code, practice_set=practice_set, case_ids=case_ids, trainer=user)
        except IntegrityError:
            continue
    raise ClassError("Kunde inte hitta en ledig kod. Försök igen.")


def current_case(live_class: LiveClass) -> PracticeCase | None:
    """The case the class is on (None if it was deleted since the class started)."""
    ids = live_class.case_ids
    if not 0 <= live_class.position < len(ids):
        return None
    return PracticeCase.objects.select_related("contact_type__document").filter(pk=ids[live_class.position]).first()


def move(live_class: LiveClass, action: str) -> None:
    """The trainer's moves: show the hint, show the key, go to the next or the previous case, end."""
    now = timezone.now()
    changes: dict = {"version": models.F("version") + 1, "changed_at": now}
    last = len(live_class.case_ids) - 1
    if action == "ledtrad":
        changes["phase"] = LiveClass.Phase.HINT
    elif action == "facit":
        changes["phase"] = LiveClass.Phase.KEY
    elif action in ("nasta", "forra"):
        position = live_class.position + (1 if action == "nasta" else -1)
        if not 0 <= position <= last:
            raise ClassError("Det finns inget fall åt det hållet.")
        changes.update(position=position, phase=LiveClass.Phase.ANSWERING)
    elif action == "avsluta":
        changes["ended_at"] = now
    else:
        raise ClassError("Okänt kommando.")
    if not LiveClass.objects.filter(pk=live_class.pk, ended_at__isnull=True).update(**changes):
        raise ClassError("Klassen är redan avslutad.")
    live_class.refresh_from_db()


# --- Answers ------------------------------------------------------------------------------------


def contact_choices(case: PracticeCase) -> list[tuple[str, str]]:
    """The contact types a learner chooses among (those of the document the case's contact is from)."""
    if case.contact_type is None:
        return []
    rows = ContactType.objects.filter(document=case.contact_type.document).select_related("document")
    return [(f"{row.document.slug}/{row.slug}", str(row)) for row in rows]


def answer_set(case: PracticeCase, typed: str, contact: str) -> str:
    """What a learner typed and chose → the answer set counted ("AU006 ZV020", "|<contact>" added
    where the case asks for a contact type); ClassError with a Swedish sentence when it is not one."""
    codes, junk = feedback.parse_codes(typed)
    if junk:
        raise ClassError(f"Det här är inte koder (två bokstäver och tre siffror): {', '.join(junk)}")
    if len(codes) > MAX_CODES:
        raise ClassError(f"Ange högst {MAX_CODES} koder.")
    answer = " ".join(sorted(codes))
    if case.contact_type is not None:
        if contact and contact not in dict(contact_choices(case)):
            raise ClassError("Välj en av kontakttyperna i listan.")
        answer += f"|{contact}" if contact else ""
    return answer


def split(answer: str) -> tuple[list[str], str]:
    codes, _, contact = answer.partition("|")
    return codes.split(), contact


def record(live_class: LiveClass, position: int, answer: str, previous: str | None) -> None:
    """Count one answer at ``position``; a learner's earlier answer there (``previous``) is uncounted
    (from OTHER, if it was counted there).

    In one transaction, so the move from the old set to the new is never half done."""
    if previous == answer:
        return
    answers = ClassAnswer.objects.filter(live_class=live_class, position=position)
    one_less, one_more = models.F("count") - 1, models.F("count") + 1
    with transaction.atomic():
        if previous is not None and not answers.filter(answer=previous, count__gt=0).update(count=one_less):
            answers.filter(answer=OTHER, count__gt=0).update(count=one_less)
        if answers.filter(answer=answer).update(count=one_more):
            return
        if answers.count() >= MAX_ANSWER_SETS:
            answer = OTHER
            if answers.filter(answer=answer).update(count=one_more):
                return
        try:
            with transaction.atomic():
                ClassAnswer.objects.create(live_class=live_class, position=position, answer=answer, count=1)
        except IntegrityError:
            answers.filter(answer=answer).update(count=one_more)


def answered(live_class: LiveClass, position: int) -> int:
    total = ClassAnswer.objects.filter(live_class=live_class, position=position).aggregate(n=models.Sum("count"))
    return total["n"] or 0


@dataclass
class SpreadRow:
    answer: str
    codes: list[str]
    contact: str  # the contact type's name, or ""
    count: int
    share: int  # per cent of those who answered, rounded
    solved: bool | None  # once the key is shown: whether this answer is right

    @property
    def other(self) -> bool:
        return self.answer == OTHER


def spread(live_class: LiveClass, position: int, key: feedback.Key | None, contacts: dict[str, str]) -> dict:
    """How the class answered one case: the answer sets by count (most first), the rest summed."""
    rows = list(
        ClassAnswer.objects.filter(live_class=live_class, position=position, count__gt=0)
        .order_by("-count", "answer")
        .values_list("answer", "count")
    )
    total = sum(count for _, count in rows)
    shown, rest = rows[:SHOWN_SETS], rows[SHOWN_SETS:]
    if rest:
        shown = [*shown, (OTHER, sum(count for _, count in rest))]
    result = []
    for answer, count in shown:
        codes, contact = split(answer) if answer != OTHER else ([], "")
        solved = None
        if key is not None and answer != OTHER:
            solved = feedback.grade(key, codes, contact or None).solved
        share = round(100 * count / total) if total else 0
        result.append(SpreadRow(answer, codes, contacts.get(contact, contact), count, share, solved))
    most = max((row.count for row in result), default=0)
    return {"rows": result, "total": total, "most": most}


def take_answer_turn(device: str, address: str) -> bool:
    """Whether one more answer may come from this phone and this address this minute (see throttle)."""
    return throttle.take(
        throttle.key_for("klass-enhet", device), settings.CLASSROOM_ANSWERS_PER_MINUTE
    ) and throttle.take(throttle.key_for("klass-adress", address), settings.CLASSROOM_ANSWERS_PER_ADDRESS_MINUTE)


def take_lookup_turn(address: str) -> bool:
    """Whether one more unknown join code may be tried from this address this minute."""
    return throttle.take(throttle.key_for("klass-sok", address), settings.CLASSROOM_MISSES_PER_MINUTE)
