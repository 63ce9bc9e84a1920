"""The content files: one TOML file per source document, plus the codes, the wizard, search words and practice.

The files are the reviewed source of the guidance (see README.md here); catalog.loading reads them.
"""

from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent
CODES_FILE = "koder.toml"
SYNONYMS_FILE = "synonymer.toml"
CONCEPTS_FILE = "begrepp.toml"
WIZARD_FILE = "besok.toml"
PRACTICE_FILE = "ovningar.toml"
