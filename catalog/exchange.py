"""Lists as CSV (for Excel in Swedish: UTF-8 with BOM, semicolons) and CSV back in, with a dry run."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import transaction

from . import history
from .models import CodeList, Entry, Revision

COLUMNS = ["kod", "avsnitt", "titel", "markering", "beskrivning", "anvisning", "gäller_till", "version"]
EDITABLE = {
    "titel": "title",
    "markering": "marker",
    "beskrivning": "beskrivning",
    "anvisning": "anvisning",
    "gäller_till": "valid_to",
}
MAX_IMPORT_BYTES = 2_000_000


def export_csv(code_list: CodeList) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    entries = (
        Entry.objects.filter(code_list=code_list).select_related("code", "section").order_by("section__order", "order")
    )
    for entry in entries:
        writer.writerow(
            [
                entry.code.code,
                entry.section.slug,
                entry.title,
                entry.marker,
                entry.beskrivning or "",
                entry.anvisning or "",
                entry.valid_to.isoformat() if entry.valid_to else "",
                entry.version,
            ]
        )
    return out.getvalue()


@dataclass
class RowResult:
    line: int
    code: str
    section: str
    changes: dict = field(default_factory=dict)  # field -> (before, after)
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[RowResult]
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not any(row.errors for row in self.rows)

    @property
    def changed(self) -> list[RowResult]:
        return [row for row in self.rows if row.changes]


def _text(value: str) -> str | None:
    value = value.replace("\r\n", "\n").strip()
    return value or None


def plan_import(code_list: CodeList, raw: bytes) -> ImportPlan:
    """What importing this CSV into the list would change: nothing is written."""
    if len(raw) > MAX_IMPORT_BYTES:
        return ImportPlan(rows=[], errors=["Filen är för stor (högst 2 MB)."])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ImportPlan(rows=[], errors=["Filen är inte UTF-8. Spara den som ”CSV UTF-8 (kommaavgränsad)” i Excel."])
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = [c for c in ("kod", "avsnitt") if c not in (reader.fieldnames or [])]
    if missing:
        return ImportPlan(
            rows=[], errors=[f"Kolumnen {', '.join(missing)} saknas. Första raden ska vara: {';'.join(COLUMNS)}"]
        )
    entries = {
        (e.section.slug, e.code.code): e
        for e in Entry.objects.filter(code_list=code_list).select_related("code", "section")
    }
    rows: list[RowResult] = []
    seen: set[tuple[str, str]] = set()
    for line, record in enumerate(reader, start=2):
        code = (record.get("kod") or "").strip().upper()
        section = (record.get("avsnitt") or "").strip()
        row = RowResult(line=line, code=code, section=section)
        rows.append(row)
        entry = entries.get((section, code))
        if entry is None:
            row.errors.append(
                f"{code or '(tom kod)'} finns inte i avsnittet ”{section}” i listan. Nya koder läggs till i administrationen."
            )
            continue
        if (section, code) in seen:
            row.errors.append("Samma kod och avsnitt står två gånger i filen.")
            continue
        seen.add((section, code))
        version = (record.get("version") or "").strip()
        if version and version.isdigit() and int(version) != entry.version:
            row.errors.append(
                f"Posten har ändrats sedan filen exporterades (version {version}, nu {entry.version}). Exportera på nytt."
            )
            continue
        for column, attribute in EDITABLE.items():
            if column not in record:
                continue
            raw_value = record[column] or ""
            if attribute == "valid_to":
                value = None
                if raw_value.strip():
                    try:
                        value = datetime.date.fromisoformat(raw_value.strip())
                    except ValueError:
                        row.errors.append(f"gäller_till ”{raw_value.strip()}” är inget datum (ÅÅÅÅ-MM-DD).")
                        continue
            elif attribute in ("title", "marker"):
                value = raw_value.strip()
                if attribute == "title" and not value:
                    row.errors.append("titel får inte vara tom.")
                    continue
            else:
                value = _text(raw_value)
            current = getattr(entry, attribute)
            if current != value:
                row.changes[attribute] = (current, value)
    if not rows:
        return ImportPlan(rows=[], errors=["Filen har inga rader under rubrikraden."])
    return ImportPlan(rows=rows)


@transaction.atomic
def apply_import(code_list: CodeList, raw: bytes, user) -> ImportPlan:
    """Import for real: only when the plan has no errors; every changed entry gets a revision."""
    plan = plan_import(code_list, raw)
    if not plan.ok:
        return plan
    entries = {
        (e.section.slug, e.code.code): e
        for e in Entry.objects.select_for_update().filter(code_list=code_list).select_related("code", "section")
    }
    for row in plan.changed:
        entry = entries[(row.section, row.code)]
        before = history.snapshot(entry)
        for attribute, (_old, new) in row.changes.items():
            setattr(entry, attribute, new)
        entry.version += 1
        entry.save()
        history.record(entry, Revision.Action.IMPORTED, before, user, comment="CSV-import")
    return plan
