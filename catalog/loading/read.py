"""Reading the content files in catalog/content/: parse every file, validate it, and hand the loader a ContentSet.

``read_content`` raises ``ContentError`` listing every problem by file and entry; nothing is loaded
from a set of files with any problem in it.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from catalog.content import CODES_FILE, CONCEPTS_FILE, CONTENT_DIR, PRACTICE_FILE, SYNONYMS_FILE, WIZARD_FILE
from catalog.loading import practice, validate


class ContentError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ContentSet:
    codes: list[dict] = field(default_factory=list)
    outside: list[dict] = field(default_factory=list)
    documents: list[tuple[str, dict]] = field(default_factory=list)  # (file name, parsed file)
    synonyms: list[dict] = field(default_factory=list)
    concepts: list[dict] = field(default_factory=list)
    wizard: dict | None = None
    practice: dict | None = None  # ovningar.toml: practice cases (catalog.loading.practice)


def _parse(directory: Path) -> dict[str, dict]:
    errors: list[str] = []
    parsed: dict[str, dict] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            with path.open("rb") as handle:
                parsed[path.name] = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            errors.append(f"{path.name}: not valid TOML: {error}")
    if CODES_FILE not in parsed and not any(e.startswith(CODES_FILE) for e in errors):
        errors.append(f"{CODES_FILE}: missing (every code must be declared there once)")
    if errors:
        raise ContentError(errors)
    return parsed


def read_content(directory: Path = CONTENT_DIR) -> ContentSet:
    """Parse and validate every content file; raise ContentError naming each problem."""
    parsed = _parse(directory)
    errors: list[str] = []
    content = ContentSet()
    declared = validate.codes_file(parsed.pop(CODES_FILE), content, errors)
    parsed_wizard = parsed.pop(WIZARD_FILE, None)
    parsed_practice = parsed.pop(PRACTICE_FILE, None)
    content.synonyms = validate.search_words_file(
        SYNONYMS_FILE,
        parsed.pop(SYNONYMS_FILE, {}),
        "synonyms",
        "term",
        "expansion",
        validate.SYNONYM_SCHEMA,
        declared,
        errors,
    )
    content.concepts = validate.search_words_file(
        CONCEPTS_FILE,
        parsed.pop(CONCEPTS_FILE, {}),
        "concepts",
        "name",
        "means",
        validate.CONCEPT_SCHEMA,
        declared,
        errors,
    )
    for name, data in parsed.items():
        if validate.document_file(name, data, declared, errors):
            content.documents.append((name, data))
    if parsed_wizard is not None:
        errors += validate.wizard_file(parsed_wizard, content.documents, declared)
        content.wizard = parsed_wizard
    validate.across_files(content, declared, errors)
    if parsed_practice is not None:
        errors += practice.validate_file(parsed_practice, declared.known_codes, content.documents, validate.check)
        content.practice = parsed_practice
    validate.slugs_and_placement(content, declared, errors)
    if errors:
        raise ContentError(errors)
    return content
