"""What counting costs (catalog.usage): `.venv/bin/python bench/usage.py [DATABASE_URL]`.

Against a fresh SQLite file (or the database named, e.g. a scratch PostgreSQL database): migrates,
loads the content, then prints
- the time of one count (the in-memory part every counted request pays),
- a code page served from the page cache, with counting, per request (the test client, in process),
- one flush: writing 1, 100 and 1,000 different waiting counts (done after a response has gone, once per
  USAGE_FLUSH_SECONDS per process).
The machines are shared: read the numbers as orders of magnitude.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
scratch = tempfile.mkdtemp()
os.environ["DATABASE_URL"] = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{scratch}/usage.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvaguide.settings")
os.environ.setdefault("CONTENT_CHECK_SECONDS", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from catalog.models import UsageCount  # noqa: E402
from catalog.usage import counter  # noqa: E402


def per_call_us(function, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        function()
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    UsageCount.objects.all().delete()
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}")

    counter.discard()
    print(
        f"one count (in memory): {per_call_us(lambda: counter.count(counter.Kind.CODE_READ, 'AU118'), 100_000):.2f} µs"
    )
    counter.discard()

    client = Client()
    client.get("/kod/AU118/")
    rounds = [per_call_us(lambda: client.get("/kod/AU118/"), 500) for _ in range(5)]
    print(f"code page from the page cache, counted: median {statistics.median(rounds):.0f} µs per request")
    counter.discard()

    for keys in (1, 100, 1000):
        timings = []
        for _ in range(5):
            for i in range(keys):
                counter.count(counter.Kind.CODE_READ, f"K{i:04d}")
            start = time.perf_counter()
            written = counter.flush()
            timings.append((time.perf_counter() - start) * 1000)
            assert written == keys, written
        print(
            f"flush of {keys} different counts: median {statistics.median(timings):.1f} ms (first {timings[0]:.1f} ms)"
        )
    UsageCount.objects.all().delete()


if __name__ == "__main__":
    main()
