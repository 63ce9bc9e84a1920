"""Production-like settings for benchmarks: DEBUG off, plain HTTP on loopback, a hello-world view."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("STATIC_MANIFEST", "0")

from kvaguide.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": True}
