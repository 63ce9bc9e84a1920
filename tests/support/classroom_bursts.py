"""Simultaneous bursts of answers in a live class: the throttle must pass no more than its limit.

Two connections send their bursts at the same moment: one phone in two tabs (the same cookie), and
two phones behind one address. Used in-process on PostgreSQL (tests/training/test_classroom_bursts.py)
and, for SQLite, run as a script against a real database file (an in-memory test database cannot show
what separate connections to one file do): `python -m tests.support.classroom_bursts /tmp/x.sqlite3`.
"""

import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

BURST = 12
PHONE_LIMIT = 5
ADDRESS_LIMIT = 7


def a_class(name: str):
    """A class on a one-case set, made without the content files (the throttle needs no codes)."""
    from django.contrib.auth.models import User

    from catalog.models import PracticeCase, PracticeSet
    from catalog.training import classroom

    case = PracticeCase.objects.create(
        slug=name, title=name, context="psykiatri", text="Ett besök.", required_codes="AU006"
    )
    chosen = PracticeSet.objects.create(slug=name, title=name)
    chosen.cases.add(case)
    trainer = User.objects.create_user(name)
    return classroom.start(chosen, trainer)


def _phone(code: str, cookies=None):
    from django.test import Client

    from tests.support.html_forms import post_form

    client = Client()
    if cookies is not None:
        client.cookies = cookies
    form = post_form(client.get(f"/klassrum/{code}/").content.decode(), form_id="svara")
    return client, form


def simultaneous_bursts(code: str, same_phone: bool) -> list[int]:
    """Two clients, each sending BURST answers at once; every status they got back."""
    from django.db import connections

    from tests.support.html_forms import fill

    first, form = _phone(code)
    second, _ = _phone(code, first.cookies if same_phone else None)
    barrier = threading.Barrier(2)

    def burst(client) -> list[int]:
        barrier.wait()
        try:
            return [client.post(form.action, fill(form, koder=f"AU{n:03d}")).status_code for n in range(BURST)]
        except Exception as error:  # a crash is what this measures: report it rather than hang the pool
            return [500, repr(error)]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        return [status for statuses in pool.map(burst, [first, second]) for status in statuses]


def both_bursts(settings) -> dict:
    """Both scenarios, each within one throttle window (held fixed, so no minute turns mid-burst)."""
    from catalog import throttle
    from catalog.models import RateBucket

    throttle._window = lambda now=None, seconds=60: 0
    outcome = {}
    settings.CLASSROOM_ANSWERS_PER_MINUTE, settings.CLASSROOM_ANSWERS_PER_ADDRESS_MINUTE = PHONE_LIMIT, 1000
    outcome["one_phone"] = simultaneous_bursts(a_class("en-telefon").code, same_phone=True)
    RateBucket.objects.all().delete()
    settings.CLASSROOM_ANSWERS_PER_MINUTE, settings.CLASSROOM_ANSWERS_PER_ADDRESS_MINUTE = 1000, ADDRESS_LIMIT
    outcome["one_address"] = simultaneous_bursts(a_class("en-adress").code, same_phone=False)
    return outcome


def main(path: str) -> None:
    import os

    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvaguide.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(both_bursts(settings)))


if __name__ == "__main__":
    main(sys.argv[1])
