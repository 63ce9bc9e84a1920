"""Where the tests' own data and the project's files are, wherever a test module sits."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "tests" / "data"
