"""Lists as CSV (for Excel in Swedish: UTF-8 with BOM, semicolons) and CSV back in, with a dry run."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import transaction

from catalog.caching.signals import one_change
from catalog.editorial import gate
from catalog.models import CodeList, Draft, Entry, Revision
from catalog.numbers import whole_number

COLUMNS = ["kod", "avsnitt", "titel", "markering", "beskrivning", "anvisning", "gäller_till", "version"]
EDITABLE = {
    "titel": "title",
    "markering": "marker",
    "beskrivning": "beskrivning",
    "anvisning": "anvisning",
    "gäller_till": "valid_to",
}
# One limit for an import, stated on the form: far above any real list (the largest holds about
# a hundred entries, some 60 kB), and small enough that the confirmation step can carry the file
# back within Django's request limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB, base64 adds a third).
MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 5_000
LIMIT_TEXT = "högst 1 MB och 5 000 rader"
SHOWN_ROWS = 200

# A cell Excel would read as a formula (or that starts with a tab or carriage return, which some
# programs strip before reading one) is written with a leading apostrophe: Excel shows it as text
# and hides the apostrophe. A cell that really starts with an apostrophe gets a second one, and
# the import removes one leading apostrophe from every cell, so export → import changes nothing.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")  # Swedish: 131 072


def excel_safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def from_excel_safe(value: str) -> str:
    return value[1:] if value.startswith("'") else value


def _cell(value: str | None) -> str:
    """A text as the file carries it: one line ending (LF) whatever the database holds, Excel-safe."""
    return excel_safe((value or "").replace("\r\n", "\n"))


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
                _cell(entry.code.code),
                _cell(entry.section.slug),
                _cell(entry.title),
                _cell(entry.marker),
                _cell(entry.beskrivning),
                _cell(entry.anvisning),
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
    version: int | None = None  # the entry's version when the file was exported


@dataclass
class ImportPlan:
    rows: list[RowResult]
    errors: list[str] = field(default_factory=list)
    published: int = 0  # after the import: entries changed
    drafted: int = 0  # … and drafts made (a list that requires review)

    @property
    def ok(self) -> bool:
        return not self.errors and not any(row.errors for row in self.rows)

    @property
    def changed(self) -> list[RowResult]:
        return [row for row in self.rows if row.changes]

    @property
    def failed(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    @property
    def unchanged_count(self) -> int:
        return sum(1 for row in self.rows if not row.changes and not row.errors)

    @property
    def shown(self) -> list[RowResult]:
        """What the preview lists: errors first, then changes (each in file order), at most SHOWN_ROWS."""
        return (self.failed + [row for row in self.rows if row.changes and not row.errors])[:SHOWN_ROWS]

    @property
    def not_shown(self) -> int:
        return len(self.failed) + len(self.changed) - len(self.shown)


def _text(value: str) -> str | None:
    value = value.replace("\r\n", "\n").strip()
    return value or None


def plan_import(code_list: CodeList, raw: bytes, user=None) -> ImportPlan:
    """What importing this CSV into the list would change: nothing is written.

    The changes are also tried through the gate and rolled back, so the preview already says what the
    import would be refused for (a quote the wizard or a practice case needs, a stale row)."""
    plan = _read(code_list, raw)
    if plan.ok and plan.changed:
        plan.errors += _tried(code_list, plan, user)
    return plan


def _read(code_list: CodeList, raw: bytes) -> ImportPlan:
    if len(raw) > MAX_IMPORT_BYTES:
        return ImportPlan(
            rows=[], errors=[f"Filen är för stor: {_number(len(raw))} byte. En import får vara {LIMIT_TEXT}."]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ImportPlan(rows=[], errors=["Filen är inte UTF-8. Spara den som ”CSV UTF-8 (kommaavgränsad)” i Excel."])
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return ImportPlan(
            rows=[],
            errors=[
                f"Filen innehåller ett nolltecken (NUL) på rad {line}, som inte kan sparas i en text. "
                "Spara filen på nytt som ”CSV UTF-8 (kommaavgränsad)” i Excel."
            ],
        )
    try:
        return _plan_rows(code_list, text)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            message = (
                f"Ett fält är längre än {_number(csv.field_size_limit())} tecken, mer än någon text i en lista kan vara. "
                "Kontrollera att citattecknen i filen går jämnt ut."
            )
        else:
            message = f"Filen går inte att läsa som CSV ({error})."
        return ImportPlan(rows=[], errors=[message])


def _plan_rows(code_list: CodeList, text: str) -> ImportPlan:
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
        if line - 1 > MAX_IMPORT_ROWS:
            return ImportPlan(
                rows=[],
                errors=[f"Filen har fler än {_number(MAX_IMPORT_ROWS)} rader. En import får vara {LIMIT_TEXT}."],
            )
        record = {key: from_excel_safe(value) if isinstance(value, str) else value for key, value in record.items()}
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
        version = whole_number((record.get("version") or "").strip())
        if version is not None and version != entry.version:
            row.errors.append(
                f"Posten har ändrats sedan filen exporterades (version {version}, nu {entry.version}). Exportera på nytt."
            )
            continue
        row.version = version
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
            if not gate.same_text(current, value):
                row.changes[attribute] = (current, value)
        if row.changes and row.version is None:
            row.errors.append(
                "Raden saknar version. Exportera listan på nytt och ändra i den filen: versionen visar att ingen "
                "annan har hunnit ändra posten sedan."
            )
        elif row.changes:
            row.errors += _limits(entry, row.changes)
    if not rows:
        return ImportPlan(rows=[], errors=["Filen har inga rader under rubrikraden."])
    return ImportPlan(rows=rows)


def _limits(entry: Entry, changes: dict) -> list[str]:
    """What the databases would refuse (a marker or title too long), said in the preview."""
    trial = Entry(**{f.attname: getattr(entry, f.attname) for f in Entry._meta.concrete_fields})
    for attribute, (_old, new) in changes.items():
        setattr(trial, attribute, new)
    return gate.limit_problems(trial, list(changes))


def _write(session: gate.Session, code_list: CodeList, plan: ImportPlan) -> None:
    entries = {
        (e.section.slug, e.code.code): e
        for e in Entry.objects.filter(code_list=code_list).select_related("code", "section")
    }
    for row in plan.changed:
        entry = entries[(row.section, row.code)]
        for attribute, (_old, new) in row.changes.items():
            setattr(entry, attribute, new)
        saved = session.save(
            entry, list(row.changes), seen_version=row.version, action=Revision.Action.IMPORTED, comment="CSV-import"
        )
        if isinstance(saved, Draft):
            plan.drafted += 1
        elif saved is not None:
            plan.published += 1


class _Tried(Exception):
    pass


def _tried(code_list: CodeList, plan: ImportPlan, user) -> list[str]:
    """The import done and undone: what the gate would refuse."""
    try:
        with transaction.atomic():
            with gate.session(user, "csv-import", "CSV-import") as session:
                _write(session, code_list, plan)
            raise _Tried
    except gate.Refused as refusal:
        return refusal.messages
    except _Tried:
        return []
    finally:
        plan.published = plan.drafted = 0  # counted for real by apply_import


@transaction.atomic
def apply_import(code_list: CodeList, raw: bytes, user) -> ImportPlan:
    """Import for real, through the gate: only when the plan has no errors; every change recorded."""
    plan = plan_import(code_list, raw, user)
    if not plan.ok:
        return plan
    try:
        with one_change(), gate.session(user, "csv-import", "CSV-import") as session:
            _write(session, code_list, plan)
    except gate.Refused as refusal:
        plan.errors += refusal.messages
    return plan
