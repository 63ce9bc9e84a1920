"""A live class under load: `make bench-classroom` (or `python bench/classroom.py`).

Against the production server of `make serve` (DEBUG off, granian, 2 workers; started here with
`make serve PORT=8129` unless --base names one already running), on the database DATABASE_URL names:

- a trainer account is made (manage.py create_trainer), logs in through the admin's login form and
  starts a class on a practice set through /klassrum/'s form;
- 40 learners (each its own cookie jar: its own phone) open the class's page and then poll it as
  htmx does on a phone (every 2 s, HX-Request, 204 while nothing changes);
- the projector polls its view as htmx does on the trainer's screen (every second);
- each learner answers once at a random moment within 10 seconds (POST of the page's own form,
  then the page it is sent back to), with one of a few answer sets.

Printed: every request that failed (status, or an exception: "no error" is the target), the
answers' latency (POST and its redirect, p50/p95/max), how long after the last answer was accepted
the projector showed all 40 (target: ≤ 3 s), and the polls' latency. Exit status 1 when a target
is missed. Nothing is timed in the test suite; this is where the number lives.
"""

import argparse
import http.cookiejar
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import wait_for  # noqa: E402

TRAINER = "bench-utbildare"
PASSWORD_ENV = "KVA_BENCH_TRAINER_PASSWORD"
ANSWERS = ["XV015", "XV016", "XV015 XV016", "", "AU118"]
HX = {"HX-Request": "true"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One phone or one trainer's screen: its own cookies, like a browser profile."""

    def __init__(self, base: str, log: "Log"):
        self.base, self.log = base, log
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.headers = {}

    def request(self, what: str, path: str, data: dict | None = None, headers: dict | None = None):
        """(status, body, seconds); an exception is logged as an error under ``what`` (a status the
        caller did not want, by ``Log.expect``). The last response's headers stay in ``self.headers``."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        if data is not None:
            request.add_header("Referer", self.base + path)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text, self.headers = response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            status, text, self.headers = error.code, error.read().decode(errors="replace"), error.headers
        except OSError as error:
            self.log.error(what, repr(error))
            return 0, "", time.perf_counter() - started
        seconds = time.perf_counter() - started
        self.log.timing(what, seconds)
        return status, text, seconds

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")


class Log:
    def __init__(self):
        self.lock = threading.Lock()
        self.errors: list[tuple[str, str]] = []
        self.times: dict[str, list[float]] = {}

    def error(self, what: str, detail: str) -> None:
        with self.lock:
            self.errors.append((what, detail[:200]))

    def timing(self, what: str, seconds: float) -> None:
        with self.lock:
            self.times.setdefault(what, []).append(seconds)

    def expect(self, what: str, status: int, wanted: tuple[int, ...]) -> None:
        if status not in wanted:
            self.error(what, f"HTTP {status}")


def form_fields(html: str, form_id: str) -> dict:
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def start_class(base: str, set_slug: str, log: Log) -> tuple[Browser, str]:
    trainer = Browser(base, log)
    status, html, _ = trainer.request("login page", "/admin/login/?next=/klassrum/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    login = {
        "csrfmiddlewaretoken": token,
        "username": TRAINER,
        "password": os.environ[PASSWORD_ENV],
        "next": "/klassrum/",
    }
    status, _, _ = trainer.request("login", "/admin/login/?next=/klassrum/", login)
    log.expect("login", status, (302,))
    status, html, _ = trainer.request("class index", "/klassrum/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    status, _, _ = trainer.request("start", "/klassrum/starta/", {"csrfmiddlewaretoken": token, "set": set_slug})
    log.expect("start", status, (302,))
    code = re.search(r"/klassrum/(\d{6})/utbildare/", trainer.headers["Location"]).group(1)
    return trainer, code


def learner(base: str, code: str, window: float, t0: float, stop: threading.Event, log: Log, done: list) -> None:
    phone = Browser(base, log)
    status, html, _ = phone.request("join", f"/klassrum/{code}/")
    log.expect("join", status, (200,))
    fields = form_fields(html, "svara")
    version = re.search(r'data-version="(\d+)"', html).group(1)
    when = t0 + random.uniform(0, window)
    answered = False
    next_poll = time.time() + random.uniform(0, 2)
    while not stop.is_set():
        now = time.time()
        if not answered and now >= when:
            data = {**fields, "koder": random.choice(ANSWERS)}
            status, _, post = phone.request("answer", f"/klassrum/{code}/svar/", data)
            log.expect("answer", status, (302,))
            status, _, page = phone.request("page after answer", f"/klassrum/{code}/")
            log.expect("page after answer", status, (200,))
            log.timing("answer and its page", post + page)
            with log.lock:
                done.append(time.time())
            answered = True
        if now >= next_poll:
            status, _, _ = phone.request("phone poll", f"/klassrum/{code}/?v={version}&fall=0", headers=HX)
            log.expect("phone poll", status, (204,))
            next_poll += 2
        stop.wait(0.05)


def projector(trainer: Browser, code: str, wanted: int, stop: threading.Event, log: Log, seen: dict) -> None:
    while not stop.is_set():
        status, html, _ = trainer.request("projector poll", f"/klassrum/{code}/utbildare/?v=1&projektor=1", headers=HX)
        log.expect("projector poll", status, (200,))
        match = re.search(r'data-svarat="(\d+)"', html)
        if match and int(match.group(1)) >= wanted and "all" not in seen:
            seen["all"] = time.time()
        stop.wait(1.0)


def run(base: str, learners: int, window: float, set_slug: str) -> bool:
    log = Log()
    trainer, code = start_class(base, set_slug, log)
    stop, done, seen = threading.Event(), [], {}
    t0 = time.time() + 3  # every phone has joined before the first answer
    threads = [
        threading.Thread(target=learner, args=(base, code, window, t0, stop, log, done), daemon=True)
        for _ in range(learners)
    ]
    threads.append(threading.Thread(target=projector, args=(trainer, code, learners, stop, log, seen), daemon=True))
    for thread in threads:
        thread.start()
    deadline = t0 + window + 15
    while time.time() < deadline and not ("all" in seen and len(done) == learners):
        time.sleep(0.2)
    time.sleep(2)  # a little more polling after the last answer, as a class would
    stop.set()
    for thread in threads:
        thread.join(timeout=40)
    return report(log, learners, done, seen, t0, window)


def quantiles(values: list[float]) -> str:
    if not values:
        return "–"
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return f"p50 {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms (n={len(ms)})"


def report(log: Log, learners: int, done: list, seen: dict, t0: float, window: float) -> bool:
    print(
        f"learners: {learners}; answers accepted: {len(done)}, within {max(done) - t0:.1f} s" if done else "no answers"
    )
    print(f"requests: {sum(len(v) for v in log.times.values())}; errors: {len(log.errors)}")
    for what, detail in log.errors[:20]:
        print(f"  error: {what}: {detail}")
    for what in ("answer and its page", "phone poll", "projector poll"):
        print(f"{what}: {quantiles(log.times.get(what, []))}")
    lag = seen["all"] - max(done) if "all" in seen and len(done) == learners else None
    print(f"projector showed all {learners}: " + (f"{lag:.2f} s after the last answer" if lag is not None else "never"))
    ok = not log.errors and len(done) == learners and lag is not None and lag <= 3.0
    print("targets (no error, all answers, projector ≤ 3 s):", "met" if ok else "MISSED")
    return ok


def serve(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", help="a server already running (else `make serve PORT=--port` is started here)")
    parser.add_argument("--port", type=int, default=8129)
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10.0, help="the answers come within this window")
    parser.add_argument("--set", default="fallor", help="the practice set the class runs")
    args = parser.parse_args()
    os.environ.setdefault(PASSWORD_ENV, "bänk-lösenord-" + str(random.randrange(10**9)))
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"], cwd=ROOT, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "create_trainer", TRAINER, "--password-env", PASSWORD_ENV],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    server = None if args.base else serve(args.port)
    base = args.base or f"http://127.0.0.1:{args.port}"
    try:
        wait_for(base + "/healthz", 180)
        print(
            f"server: {base} ({'given' if args.base else 'make serve'}), database: {os.environ.get('DATABASE_URL', 'sqlite:///db.sqlite3')}"
        )
        ok = run(base, args.learners, args.seconds, args.set)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
