"""Path conditions follow a renamed step or answer.

An answer's ``when``/``unless`` name "step/answer". Renaming a step or an answer in the admin (or
through a draft, or by undoing a change) would leave them naming nothing: an unmatched "when" hides
its answer and an unmatched "unless" stops excluding, so the wizard would quietly offer the wrong
answers. The references are rewritten in the same transaction, each rewrite recorded in the
answer's history.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from catalog.caching.signals import in_batch
from catalog.editorial import gate
from catalog.models import WizardOption, WizardStep


@receiver(pre_save, sender=WizardStep)
def remember_step_slug(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None and not in_batch():
        instance._kva_old_slug = WizardStep.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()


@receiver(pre_save, sender=WizardOption)
def remember_option_reference(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None and not in_batch():
        old = WizardOption.objects.filter(pk=instance.pk).values_list("step__slug", "slug").first()
        instance._kva_old_reference = f"{old[0]}/{old[1]}" if old else None


@receiver(post_save, sender=WizardStep)
def conditions_follow_a_renamed_step(sender, instance, raw=False, **kwargs):
    old = getattr(instance, "_kva_old_slug", None)
    instance._kva_old_slug = instance.slug
    if old and old != instance.slug:
        prefix = old + "/"
        _rewrite_conditions(
            lambda ref: instance.slug + "/" + ref[len(prefix) :] if ref.startswith(prefix) else ref,
            f"Följer namnbytet av frågan ”{old}” till ”{instance.slug}”.",
        )


@receiver(post_save, sender=WizardOption)
def conditions_follow_a_renamed_answer(sender, instance, raw=False, **kwargs):
    old = getattr(instance, "_kva_old_reference", None)
    if not old:
        return
    new = f"{instance.step.slug}/{instance.slug}"
    instance._kva_old_reference = new
    if old != new:
        _rewrite_conditions(lambda ref: new if ref == old else ref, f"Följer namnbytet av svaret ”{old}” till ”{new}”.")


def _rewrite_conditions(rename, comment: str) -> None:
    # Through the gate, in the name of whoever renamed (its open session's user).
    with gate.session(door="rename", comment=comment) as session:
        for option in WizardOption.objects.exclude(when=[], unless=[]).order_by("pk"):
            when, unless = [rename(r) for r in option.when], [rename(r) for r in option.unless]
            if (when, unless) == (option.when, option.unless):
                continue
            option.when, option.unless = when, unless
            session.save(option, ["when", "unless"])
