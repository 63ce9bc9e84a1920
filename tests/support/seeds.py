"""Where each text of a content file stands in its seed: a locator for the content-fidelity tests.

A seed is a PDF extraction: line breaks fall mid-word, columns run into each other. Whitespace
never counts (``squeeze``), as in the word-for-word check. What a list holds is read as one
sequence — per section its title, its instructions' title and its instructions, per entry its
code and title, marker, Beskrivning and Anvisning — and walked through the seed in that order:

* a section title, an instructions title and an entry's code start a new block: they are looked
  for from where the previous piece ended (so a code mentioned in a text already read, "… t.ex.
  DU011 och GB009", is never taken for the code's own row);
* everything else (an entry's title right after its code, then its marker, Beskrivning and
  Anvisning) must follow its predecessor directly.

So the content, read in order, must tile the seed: a text moved to another code is not where its
code's block is, a truncated text leaves the rest of its sentence behind as seed text that no
content holds, and a dropped or reordered section shows as missing or out of order. What the seed
holds between two pieces and the content does not (column headings, a marker printed in one place
only) is a *gap*; each gap must be one the caller expects (see ``Gap``).
"""

import re
from dataclasses import dataclass

CODE = re.compile(r"[A-ZÅÄÖ]{2}\d{3}")


def squeeze(text: str) -> str:
    """Whitespace (and so PDF line breaks, including those after a hyphen) does not count."""
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Piece:
    where: str  # "AU118 anvisning", "section samordning title"
    text: str  # as the content file has it
    starts_block: bool  # looked for from the end of the previous piece, not right after it
    # Starts a paragraph of its own: the seeds print an entry's Anvisning apart from its
    # Beskrivning, so a sentence moved from one to the other leaves a boundary mid-paragraph.
    new_paragraph: bool = False


@dataclass(frozen=True)
class Gap:
    """Seed text the content does not hold, right before the piece named ``before``.

    ``seed`` is the skipped text as printed (whitespace does not count); "…" in it stands for any
    text, for prose a list does not repeat (it is checked as the document's own parts)."""

    before: str
    seed: str
    why: str

    def matches(self, skipped: str) -> bool:
        parts = [re.escape(squeeze(p)) for p in self.seed.split("…")]
        return re.fullmatch(".*".join(parts), skipped, re.S) is not None


@dataclass
class Seed:
    text: str

    def __post_init__(self) -> None:
        self.squeezed = squeeze(self.text)
        # Where each character of the squeezed text stands in the seed as printed.
        self._at = [m.start() for m in re.finditer(r"\S", self.text)]

    def line(self, index: int) -> int:
        """The seed's line number of a position in the squeezed text, for messages."""
        if not self._at:
            return 1
        return self.text.count("\n", 0, self._at[min(index, len(self._at) - 1)]) + 1

    def break_before(self, index: int) -> str:
        """The whitespace the seed prints before a position in the squeezed text."""
        if index <= 0 or index >= len(self._at):
            return "\n\n"
        return self.text[self._at[index - 1] + 1 : self._at[index]]

    def find(self, text: str, start: int = 0, end: int | None = None) -> int:
        return self.squeezed.find(squeeze(text), start, len(self.squeezed) if end is None else end)


def list_pieces(
    code_list: dict, not_printed: frozenset[str] = frozenset(), same_paragraph: frozenset[str] = frozenset()
) -> list[Piece]:
    """The list's texts in the order the seed's detailed part prints them. ``not_printed``: the
    ``where`` of pieces the seed does not print (a section title the content file gives a list
    built from prose); they are left out. ``same_paragraph``: the Anvisningar the seed prints in
    their Beskrivning's paragraph."""
    pieces: list[Piece] = []
    for section in code_list["sections"]:
        head = f"section {section['slug']}"
        pieces.append(Piece(f"{head} title", section["title"], True))
        if section.get("instructions_title"):
            pieces.append(Piece(f"{head} instructions_title", section["instructions_title"], True))
        if section.get("instructions"):
            pieces.append(Piece(f"{head} instructions", section["instructions"], False))
        for entry in section["entries"]:
            if entry.get("in_table") is False:
                continue  # the code stands only in the overview (see overview_rows)
            code = entry["code"]
            pieces.append(Piece(f"{code} code", code, True))
            pieces.append(Piece(f"{code} title", entry["title"], False))
            for key in ("marker", "beskrivning", "anvisning"):
                if entry.get(key):
                    where = f"{code} {key}"
                    apart = key == "anvisning" and bool(entry.get("beskrivning")) and where not in same_paragraph
                    pieces.append(Piece(where, entry[key], False, new_paragraph=apart))
    return [p for p in pieces if p.where not in not_printed]


@dataclass
class Located:
    problems: list[str]
    gaps_used: set[Gap]
    end: int  # where the last piece ended in the squeezed seed


def locate(
    seed: Seed, pieces: list[Piece], gaps: list[Gap], start: int = 0, end: int | None = None, to_end: bool = True
) -> Located:
    """Walk the pieces through ``seed.squeezed[start:end]``; every seed text between them (and after
    the last, when ``to_end``) must be an expected gap. Returns what is out of place."""
    end = len(seed.squeezed) if end is None else end
    expected = {}
    for gap in gaps:
        expected.setdefault(gap.before, []).append(gap)
    problems: list[str] = []
    used: set[Gap] = set()
    cursor = start

    def skipped(until: int, before: str) -> None:
        text = seed.squeezed[cursor:until]
        if not text:
            return
        gap = next((g for g in expected.get(before, []) if g.matches(text)), None)
        if gap is None:
            problems.append(
                f"seed line {seed.line(cursor)}: seed text before {before} that the content does not hold: "
                f"{_short(text)!r}"
            )
        else:
            used.add(gap)

    for index, piece in enumerate(pieces):
        text = squeeze(piece.text)
        at = seed.find(text, cursor, end)
        if at < 0:
            elsewhere = seed.find(text)
            hint = f" (it stands at seed line {seed.line(elsewhere)}, out of order)" if elsewhere >= 0 else ""
            problems.append(f"{piece.where}: not in its place after seed line {seed.line(cursor)}{hint}")
            continue
        if not piece.starts_block and at != cursor:
            # It must follow its predecessor: a gap is allowed only where one is expected.
            allowed = expected.get(piece.where, [])
            if not any(g.matches(seed.squeezed[cursor:at]) for g in allowed):
                problems.append(
                    f"{piece.where}: does not follow {pieces[index - 1].where} at seed line {seed.line(cursor)}; "
                    f"between them the seed has {_short(seed.squeezed[cursor:at])!r}"
                )
                cursor = at + len(text)
                continue
        if index and at == cursor:
            between = seed.break_before(at)
            if not between:
                problems.append(f"{piece.where}: starts mid-word at seed line {seed.line(at)}")
            elif piece.new_paragraph and between.count("\n") < 2:
                problems.append(
                    f"{piece.where}: starts inside the paragraph of {pieces[index - 1].where} at seed line "
                    f"{seed.line(at)}, where the seed prints them apart"
                )
        skipped(at, piece.where)
        cursor = at + len(text)
    if to_end:
        skipped(end, "the end")
    return Located(problems, used, cursor)


def overview_rows(seed: Seed, code_list: dict, end: int) -> list[str]:
    """The overview (before the detailed table, up to ``end``) prints columns side by side, so its
    rows are not in list order: each entry's code + overview title (+ marker) must stand there and
    be followed by what starts another row or heading (a code, or a heading the list names), so a
    title cut short fails too. Returns what is out of place."""
    headings = {squeeze(s["overview_title"]) for s in code_list["sections"] if s.get("overview_title")}
    problems: list[str] = []
    for section in code_list["sections"]:
        if section.get("overview_title") and seed.find(section["overview_title"], 0, end) < 0:
            problems.append(f"section {section['slug']} overview_title: not in the overview")
        for entry in section["entries"]:
            if not entry.get("overview_title"):
                continue
            row = squeeze(f"{entry['code']} {entry['overview_title']} {entry.get('overview_marker', '')}")
            at = seed.find(row, 0, end)
            if at < 0:
                problems.append(f"{entry['code']} overview_title: {row!r} is not in the overview")
                continue
            after = seed.squeezed[at + len(row) : end]
            if after and not CODE.match(after) and not any(after.startswith(h) for h in headings):
                problems.append(f"{entry['code']} overview_title: the overview row goes on: {_short(after)!r}")
    return problems


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else f"{text[: limit - 20]}…{text[-15:]}"
