"""Production-like settings for benchmarks: DEBUG off, plain HTTP on loopback, a hello-world view."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("ACCESS_LOG", "0")  # bench/load.py turns it on to measure what make serve runs

from kvaguide.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
# The real JSON logs (and access log) stay on, written to a pipe the bench drains, as in production.
