"""Several coordinators pressing "Spara" at the same moment, each from the form their browser got.

Used in-process on PostgreSQL (tests/editorial/test_concurrent_saves.py) and, for SQLite, run as a script
against a real database file: `python -m tests.support.concurrent_saves /tmp/x.sqlite3` (an in-memory test
database cannot show what separate connections to one file do).
"""

import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from tests.support.unquoted import unquoted_entries

WRITERS = 8


def coordinators(count: int):
    from django.contrib.auth.models import User
    from django.test import Client

    from catalog.editorial.accounts import coordinator_group

    group = coordinator_group()
    clients = []
    for i in range(count):
        user, _ = User.objects.get_or_create(username=f"samordnare{i}", defaults={"is_staff": True})
        user.groups.add(group)
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def simultaneous_saves(entries, clients) -> list[dict]:
    """Each client opens its entry's form, then all post at once; what each one got back."""
    from django.db import connections

    from tests.support.admin_forms import change_form_data

    urls = [f"/admin/catalog/entry/{entry.pk}/change/" for entry in entries]
    forms = [change_form_data(client.get(url)) for client, url in zip(clients, urls, strict=True)]
    barrier = threading.Barrier(len(clients))

    def save(i: int) -> dict:
        forms[i]["anvisning"] = f"Text från samordnare {i}."
        barrier.wait()
        try:
            response = clients[i].post(urls[i], forms[i])
            html = response.content.decode()
            return {"writer": i, "status": response.status_code, "refused": "din ändring sparades inte" in html}
        except Exception as error:  # a crash is what this measures: report it rather than hang the pool
            return {"writer": i, "status": 500, "refused": False, "error": repr(error)}
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(save, range(len(clients))))


def main(path: str) -> None:
    import os

    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvaguide.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from catalog.loading.load import load
    from catalog.loading.read import read_content
    from catalog.models import Entry

    call_command("migrate", verbosity=0)
    load(read_content())
    clients = coordinators(WRITERS)
    entries = unquoted_entries(WRITERS)
    same = simultaneous_saves([entries[0]] * WRITERS, clients)
    same_final = Entry.objects.get(pk=entries[0].pk).anvisning
    different = simultaneous_saves(entries, clients)
    different_final = [Entry.objects.get(pk=e.pk).anvisning for e in entries]
    print(
        json.dumps({"same": same, "same_final": same_final, "different": different, "different_final": different_final})
    )


if __name__ == "__main__":
    main(sys.argv[1])
