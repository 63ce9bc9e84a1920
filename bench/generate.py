"""Fill a database with the real content plus N generated codes in realistic lists.

The generated lists reuse the real texts' words and sentences, so the vocabulary, text
lengths and section structure look like the real thing to the search engine.
"""

import random
import string

from django.db import transaction

from catalog.loading.load import load
from catalog.loading.read import read_content
from catalog.models import Code, CodeList, Entry, SearchIndexState, Section, SourceDocument


def _sentences(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        for sentence in text.replace("\n", " ").split(". "):
            if len(sentence.split()) >= 4:
                found.append(sentence.strip().rstrip(".") + ".")
    return found


@transaction.atomic
def generate(count: int, seed: int = 1) -> None:
    load(read_content())
    rng = random.Random(seed)
    real = list(Entry.objects.select_related("code"))
    titles = [e.title for e in real]
    title_words = [w for t in titles for w in t.split() if len(w) > 3]
    sentences = _sentences([t for e in real for t in (e.beskrivning or "", e.anvisning or "")])
    taken = set(Code.objects.values_list("code", flat=True))
    source = SourceDocument.objects.create(slug="genererad", title="Genererade listor", kind="baslista", seed_file="-")
    lists_needed = max(1, count // 500)
    codes, entries = [], []
    for list_number in range(lists_needed):
        code_list = CodeList.objects.create(
            slug=f"genererad-{list_number}",
            title=f"Genererad lista {list_number}",
            source=source,
            order=1000 + list_number,
        )
        sections = [
            Section.objects.create(
                code_list=code_list,
                slug=f"avsnitt-{n}",
                order=n,
                title=" ".join(rng.sample(title_words, 2)).capitalize(),
                instructions=" ".join(rng.sample(sentences, 2)) if n % 5 == 0 else "",
            )
            for n in range(20)
        ]
        for position in range(count // lists_needed):
            while True:
                code = (
                    rng.choice(string.ascii_uppercase)
                    + rng.choice(string.ascii_uppercase)
                    + f"{rng.randrange(1000):03d}"
                )
                if code not in taken:
                    taken.add(code)
                    break
            words = rng.sample(title_words, rng.randint(2, 5))
            title = " ".join(words).capitalize()
            codes.append(Code(code=code, title=title))
            entries.append(
                (
                    code,
                    code_list,
                    sections[position % 20],
                    position,
                    title,
                    " ".join(rng.sample(sentences, rng.randint(1, 4))),
                    " ".join(rng.sample(sentences, rng.randint(0, 3))) or None,
                )
            )
    Code.objects.bulk_create(codes, batch_size=1000)
    by_code = {c.code: c for c in Code.objects.filter(code__in=[c.code for c in codes])}
    Entry.objects.bulk_create(
        [
            Entry(code=by_code[code], code_list=cl, section=s, order=o, title=t, beskrivning=b, anvisning=a)
            for code, cl, s, o, t, b, a in entries
        ],
        batch_size=1000,
    )
    SearchIndexState.bump()
