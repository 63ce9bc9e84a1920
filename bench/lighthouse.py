"""Lighthouse (mobile, simulated slow 4G, 4× CPU) on the eight point-of-care pages: `make bench-lighthouse`.

Not part of `make test`. Start the production server first, on a port of your own:

    make serve PORT=8127            # DEBUG off, compression on, static files collected
    .venv/bin/python bench/lighthouse.py --base http://127.0.0.1:8127 --runs 3

npm `lighthouse@12.2.3` (Node 20) is installed into bench/out/lighthouse on the first run and runs
Debian's Chromium (/usr/bin/chromium). Prints each page's four category scores (median of the runs),
total blocking time and DOM size, and exits 1 if a category is below --target (95) or total
blocking time is above --tbt (100 ms) on any page. JSON reports are kept in bench/out/lighthouse/.

Lighthouse cannot send a form: the described visit is audited as the page a clinician opens
(/besok/beskriv/); where its result stands on a phone is asserted in tests/site/test_point_of_care.py.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "lighthouse"
VERSION = "12.2.3"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PAGES = {
    "home": "/",
    "list": "/lista/psykiatri/",
    "code": "/kod/AU118/",
    "search": "/sok/?q=suicid",
    "wizard step": "/besok/psykiatri/mottagningsbesok/",
    "wizard result": "/besok/psykiatri/mottagningsbesok/bedomning/au006+au118/tolk/inga/",
    "described visit": "/besok/beskriv/",
    "practice case": "/ovningar/nybesok-med-tolk/",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def lighthouse_bin() -> Path:
    binary = OUT / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        print(f"Installing lighthouse@{VERSION} into {OUT} …", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "-E", f"lighthouse@{VERSION}", "--prefix", str(OUT)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return binary


def audit(binary: Path, url: str, report: Path, tries: int = 3) -> dict:
    # Chromium now and then fails to start on a busy machine: try again before giving up.
    for attempt in range(1, tries + 1):
        run = subprocess.run(_command(binary, url, report), capture_output=True, text=True)
        if run.returncode == 0:
            break
        print(f"lighthouse failed on {url} (try {attempt}): {run.stderr.strip()[-300:]}", file=sys.stderr)
    else:
        raise SystemExit(f"lighthouse failed {tries} times on {url}")
    return _scores(json.loads(report.read_text()))


def _command(binary: Path, url: str, report: Path) -> list[str]:
    return [
        str(binary),
        url,
        f"--chrome-path={CHROMIUM}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--form-factor=mobile",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
    ]


def _scores(data: dict) -> dict:
    scores = {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES}
    audits = data["audits"]
    scores["tbt_ms"] = round(audits["total-blocking-time"]["numericValue"])
    scores["dom"] = int(audits["dom-size"]["numericValue"])
    scores["failing"] = sorted(
        key
        for key, item in audits.items()
        if item.get("score") is not None and item["score"] < 0.9 and item.get("scoreDisplayMode") == "binary"
    )
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8127")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--target", type=int, default=95)
    parser.add_argument("--tbt", type=int, default=100)
    parser.add_argument("--only", nargs="*", help="page names (default: all eight)")
    args = parser.parse_args()
    binary = lighthouse_bin()
    names = args.only or list(PAGES)
    print(f"{'page':16} {'perf':>4} {'a11y':>4} {'best':>4} {'seo':>4} {'TBT ms':>6} {'DOM':>5}  failing audits")
    ok = True
    for name in names:
        runs = [
            audit(binary, args.base + PAGES[name], OUT / f"{name.replace(' ', '-')}-{n}.json") for n in range(args.runs)
        ]
        median = {key: statistics.median(run[key] for run in runs) for key in (*CATEGORIES, "tbt_ms", "dom")}
        failing = sorted({key for run in runs for key in run["failing"]})
        low = [c for c in CATEGORIES if median[c] < args.target]
        ok = ok and not low and median["tbt_ms"] <= args.tbt
        print(
            f"{name:16} {median['performance']:>4g} {median['accessibility']:>4g} {median['best-practices']:>4g} "
            f"{median['seo']:>4g} {median['tbt_ms']:>6g} {median['dom']:>5g}  {', '.join(failing) or '-'}"
        )
    print("all pages meet the targets" if ok else f"BELOW TARGET (category < {args.target} or TBT > {args.tbt} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
