"""The login lock-out's view of client addresses behind a proxy, as settings.py computes it."""

import json
import os
import subprocess
import sys


def proxy_settings(trusted_proxies: str) -> dict:
    """The lock-out's address settings as settings.py computes them for BEHIND_PROXY=1."""
    env = {**os.environ, "BEHIND_PROXY": "1", "TRUSTED_PROXIES": trusted_proxies, "DEBUG": "1"}
    names = ["AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_COUNT", "AXES_IPWARE_PROXY_ORDER", "IPWARE_STRICT"]
    script = f"import json, kvaguide.settings as s; print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)
