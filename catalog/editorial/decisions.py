"""Regional decisions as a workflow: the codes a decision creates or retires, applied in one go."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from catalog.editorial import history
from catalog.models import Code, DecisionCode, Entry, Revision


@transaction.atomic
def apply(decision_code: DecisionCode, user=None) -> Code:
    """Create the code in its list (linked to the decision), or set its last valid day."""
    decision = decision_code.decision
    code = Code.objects.select_for_update().filter(code=decision_code.code).first()
    before = history.snapshot(code) if code else None
    if decision_code.action == DecisionCode.Action.CREATE:
        if code is None:
            code = Code(code=decision_code.code)
        code.title = decision_code.title
        code.is_regional = decision_code.code.startswith("U")
        code.outside_lists = False
        code.valid_from = decision_code.date or decision.valid_from or decision.date
        code.valid_to = None
        code.decision = decision
        code.version = (code.version or 0) + (1 if code.pk else 0)
        code.save()
        history.record(
            code, Revision.Action.CHANGED if before else Revision.Action.CREATED, before, user, comment=str(decision)
        )
        if not Entry.objects.filter(section=decision_code.section, code=code).exists():
            order = (Entry.objects.filter(section=decision_code.section).aggregate(m=Max("order"))["m"] or 0) + 1
            entry = Entry.objects.create(
                code_list=decision_code.code_list,
                section=decision_code.section,
                code=code,
                order=order,
                title=decision_code.title,
                note=f"Införd genom beslut {decision.identifier}.",
            )
            history.record(entry, Revision.Action.CREATED, None, user, comment=str(decision))
    else:
        code.valid_to = decision_code.date
        code.decision = decision
        code.version += 1
        code.save()
        history.record(code, Revision.Action.CHANGED, before, user, comment=str(decision))
    DecisionCode.objects.filter(pk=decision_code.pk).update(applied_at=timezone.now())
    return code
