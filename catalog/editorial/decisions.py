"""Regional decisions as a workflow: the codes a decision creates or retires, applied in one go, through the gate."""

from django.db.models import Max
from django.utils import timezone

from catalog.editorial import gate
from catalog.models import Code, DecisionCode, Entry, Revision


def apply(decision_code: DecisionCode, user=None) -> Code:
    """Create the code in its list (linked to the decision), or set its last valid day."""
    decision = decision_code.decision
    with gate.session(user, "decision", str(decision)) as session:
        code = Code.objects.filter(code=decision_code.code).first()
        if decision_code.action == DecisionCode.Action.CREATE:
            code = _create(session, decision_code, code)
        else:
            code.valid_to = decision_code.date
            code.decision = decision
            session.save(code, ["valid_to", "decision"])
        DecisionCode.objects.filter(pk=decision_code.pk).update(applied_at=timezone.now())
    return Code.objects.get(pk=code.pk)


def _create(session: gate.Session, decision_code: DecisionCode, code: Code | None) -> Code:
    decision = decision_code.decision
    values = {
        "title": decision_code.title,
        "is_regional": decision_code.code.startswith("U"),
        "outside_lists": False,
        "valid_from": decision_code.date or decision.valid_from or decision.date,
        "valid_to": None,
        "decision": decision,
    }
    if code is None:
        code = session.create(Code(code=decision_code.code, **values))
    else:
        for name, value in values.items():
            setattr(code, name, value)
        session.save(code, list(values))
    if not Entry.objects.filter(section=decision_code.section, code=code).exists():
        order = (Entry.objects.filter(section=decision_code.section).aggregate(m=Max("order"))["m"] or 0) + 1
        session.create(
            Entry(
                code_list=decision_code.code_list,
                section=decision_code.section,
                code=code,
                order=order,
                title=decision_code.title,
                note=f"Införd genom beslut {decision.identifier}.",
            ),
            action=Revision.Action.CREATED,
        )
    return code
