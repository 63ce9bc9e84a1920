"""Builds the database a site running commit 33b8345 (main before issue 22) would hold.

Run once, on that commit, to make tests/data/database-33b8345.sqlite3.gz:
    git worktree add /tmp/kva-old 33b8345 && cp tests/support/old_database.py /tmp/kva-old/
    cd /tmp/kva-old && make venv && DATABASE_URL=sqlite:////tmp/old.sqlite3 .venv/bin/python old_database.py
It holds the content as loaded, a coordinator's edit with its history, an undone edit, a deleted
and restored wizard answer, a draft waiting for review, a suggestion, a search miss and practice counts.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvaguide.settings")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from catalog import drafts, history  # noqa: E402
from catalog.accounts import coordinator_group, trainer_group  # noqa: E402
from catalog.content import load, read_content  # noqa: E402
from catalog.models import CodeList, Entry, Revision, SearchMiss, WizardOption  # noqa: E402
from catalog.practice import PracticeCase, PracticeCount  # noqa: E402
from catalog.suggestions import ChangeSuggestion, address_key  # noqa: E402

load(read_content())
anna = User.objects.create_user("anna", "anna@example.se", "x", is_staff=True)
anna.groups.add(coordinator_group())
bo = User.objects.create_user("bo", "bo@example.se", "x", is_staff=True)
bo.groups.add(coordinator_group())
tove = User.objects.create_user("tove", "", "x", is_staff=True)
tove.groups.add(trainer_group())

entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
before = history.snapshot(entry)
entry.anvisning = entry.anvisning + "\n\nTillägg av samordnaren (test av migrering)."
entry.version += 1
entry.save()
history.record(entry, Revision.Action.CHANGED, before, anna)

other = Entry.objects.get(code_list__slug="psykiatri", code__code="XS012")
before = history.snapshot(other)
other.title = other.title + " (ändrad)"
other.version += 1
other.save()
edit = history.record(other, Revision.Action.CHANGED, before, bo)
history.revert(Revision.objects.filter(object_id=other.pk, content_type=edit.content_type, action="loaded").get(), bo)

option = WizardOption.objects.filter(codes__isnull=False).order_by("pk").first()
root = history.record_delete(option, anna, comment="Borttagen i test av migrering")
option.delete()
history.revert(root, anna)

skrs = CodeList.objects.get(slug="psykologer-skrs")
skrs.requires_review = True
skrs.save()
waiting = Entry.objects.filter(code_list=skrs).order_by("pk").first()
drafts.create(waiting, {"anvisning": (waiting.anvisning or "") + " Utkast."}, bo)

ChangeSuggestion.objects.create(
    concerns="anvisning",
    code="AU118",
    text="Anvisningen borde nämna tolk.",
    email="klinik@example.se",
    address_key=address_key("127.0.0.1"),
)
SearchMiss.record("tobaksavvänjning barn")
case = PracticeCase.objects.order_by("pk").first()
PracticeCount.record(case, solved=True)
PracticeCount.record(case, solved=False)
print("built", Revision.objects.count(), "revisions")
