"""Search: a query in, ranked hits out (the index it reads is catalog.search.index).

Matching is done by one engine over an index built from the database, so SQLite and
PostgreSQL give the same answers. The index lives in each process and is rebuilt when the
content changes: every save of indexed content writes a new ``SearchIndexState.generation``,
and each search compares it (one query) before using the index it holds.

What a query matches, best first:
- a code, exactly or by prefix, in any case, with or without a space or leading zero;
- a word's stem (Snowball Swedish, as PostgreSQL's ``swedish`` configuration), å/ä/ö folded;
- the start of a longer word (typing in progress; the first part of a compound);
- a part inside a compound ("genomgång" in "läkemedelsgenomgång");
- a compound the content does not hold, split into words it does ("videosamtal" → video + samtal);
- a word one letter off (two for long words, a swap of two letters counting once), when nothing
  closer matches; also inside compounds and in synonyms and concepts;
- a synonym: a clinician's word or abbreviation that coordinators map to words or codes;
- a concept: everyday Swedish or jargon ("ringde", "sprit", "elchock") that coordinators map to
  the content's own words (telefon, alkohol, elektrokonvulsiv); any of those words may match.

Ranking: codes matching every part of the query first, then those whose matched words stand
close together, then by where the words stand (a title beats a body); the user's context
("Jag arbetar inom", ``inom``) and the list searched from come first within each of those tiers.
"""

import bisect
import heapq
import html
import math
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from itertools import chain, repeat

from django.utils.safestring import SafeString

from catalog.models import ContactType
from catalog.search import reading
from catalog.search.index import (
    QUALITY_CONCEPT,
    QUALITY_EXACT,
    QUALITY_SYNONYM,
    QUALITY_WHOLE,
    WEIGHT_BODY,
    WEIGHT_TITLE,
    IndexedCode,
    SearchIndex,
    _at_least_part,
    _content,
    current_index,
)
from catalog.search.results import DocumentLink, Hit, SearchResult, WizardLink
from catalog.text import swedish, textlinks
from catalog.visits import store as wizard_store

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 20


PROXIMITY_CANDIDATES = 20  # codes per tier whose texts are read for how close the words stand
BONUS_ADJACENT = 3.0
BONUS_SAME_TEXT = 1.0
RESULT_CACHE_SIZE = 2048
GENERIC_SHARE = 0.4  # a query word matching more than this share of all codes is generic
MAX_DOCUMENTS = 3
MAX_QUERY_WORDS = 12  # words past this are ignored: cost stays bounded for pasted text
WEAK_SHARE = 0.5  # what a word held nowhere whole weighs beside the query's words the content holds

# "Jag arbetar inom": the context a clinician picks, and the lists it puts first.
CONTEXTS = {
    "psykiatri": ("Psykiatri", ("psykiatri",)),
    "psykolog": ("Psykolog", ("psykologer-skrs",)),
    "rehab": ("Rehab", ("vardval-rehab-distans",)),
    "sob": ("Stöd och behandling", ("stod-och-behandling",)),
    "bhv": ("Barnhälsovård (BHV)", ("bhv-hembesok",)),
}

READ = -1  # the typed word of a group catalog.search.reading found (who was there or not; -2: who took part)
# What a concept's meaning says of a person ("mamman" → närstående): who may be there or not.
PERSON_TERMS = {swedish.term(w) for w in ("närstående", "barn", "barnet", "minderårig", "förälder", "vårdnadshavare")}

CODE_QUERY_RE = re.compile(r"^([A-ZÅÄÖ]{2})0*([0-9]{0,3})$")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(query: str) -> str:
    return " ".join(CONTROL_RE.sub(" ", query or "").split())[:MAX_QUERY_LENGTH]


def _code_hits(index: SearchIndex, query: str) -> list[tuple[str, float]]:
    """Codes the query names: exact first, then by prefix ('du11' is DU011, then DU11x)."""
    match = CODE_QUERY_RE.match(re.sub(r"\s+", "", query).upper())
    if not match:
        return []
    letters, digits = match.groups()
    raw_digits = re.sub(r"\s+", "", query)[2:]
    found: list[tuple[str, float]] = []
    if digits:
        exact = letters + digits.zfill(3)
        if exact in index.codes:
            found.append((exact, 1000.0))
    prefixes = {letters + raw_digits, letters + digits} if raw_digits else {letters}
    already = {code for code, _ in found}
    for prefix in sorted(prefixes):
        start = bisect.bisect_left(index.sorted_codes, prefix)
        for code in index.sorted_codes[start:]:
            if not code.startswith(prefix):
                break
            if code not in already:
                already.add(code)
                found.append((code, 500.0 if digits else 1.0))
    return found


@dataclass
class _Phrase:
    """Words that count together: a synonym's meaning, a compound's parts, a concept's phrase."""

    words: list[dict[str, float]]  # per word: index terms -> quality
    strict: bool = True  # only codes holding every word (a synonym's meaning falls back to any word)
    concept: bool = False  # what a concept makes of a typed word ("wisc" → standardiserade bedömningsinstrument)


@dataclass
class _Group:
    """One thing the query asks for: a word, or a synonym or concept and what it stands for."""

    raw: dict[str, float]  # index terms the typed word(s) match -> quality
    typed: int  # which typed word it comes from: a compound read as its parts gives several groups one
    said: frozenset[str]  # the terms of the words as typed, which the content may not hold
    phrases: list[_Phrase] = field(default_factory=list)
    codes: dict[str, float] = field(default_factory=dict)  # codes a synonym or concept names -> score
    weak: bool = False  # only a hint: never counts as a part of the query a code must match

    def terms(self) -> set[str]:
        return set(self.raw) | {term for phrase in self.phrases for word in phrase.words for term in word}


def _name_codes(index: SearchIndex, group: _Group, words: list[str]) -> list[str]:
    """Put the codes among ``words`` into the group; return the other words."""
    rest = []
    for word in words:
        code = textlinks.normalize_code(word)
        if code and code in index.codes:
            group.codes[code] = WEIGHT_TITLE * QUALITY_SYNONYM
        else:
            rest.append(word)
    return rest


def _groups(index: SearchIndex, query: str, expand: bool = True) -> list[_Group]:
    query_words = swedish.words(query)[:MAX_QUERY_WORDS]
    if expand:
        query_words = [index.correct_key(w) for w in query_words]
        split = [(n, part) for n, word in enumerate(query_words) for part in index.apart(word)][:MAX_QUERY_WORDS]
        typed, query_words = [n for n, _ in split], [part for _, part in split]
    else:
        typed = list(range(len(query_words)))
    termed = [swedish.term(w) for w in query_words]
    # Who was there and who was not is read first: the words that say it are used up by it.
    said = reading.read(query_words, lambda word: _is_person(index, word))
    covered: set[int] = set(said.used)
    groups: list[_Group] = []
    if expand:
        groups += _long_concept_groups(index, query_words, typed, termed, covered)
        groups += _synonym_groups(index, query_words, typed, termed, covered)
    content_words = [i for i, w in enumerate(query_words) if w.lower() not in swedish.STOPWORDS]
    telling = [i for i in content_words if query_words[i].lower() not in swedish.FILLER]
    seen: set[str] = set()
    for i in telling or content_words or range(len(query_words)):
        if i in covered or termed[i] in seen:
            continue  # a word typed twice ("mamman … mamman") is one part of the query
        seen.add(termed[i])
        raw, phrases, from_concept = index.expanded(query_words[i], expand)
        digits = reading.number(query_words[i])
        if digits:
            raw = {**raw, **{t: q * QUALITY_SYNONYM for t, q in index.matches(digits).items() if q > raw.get(t, 0.0)}}
        group = _Group(
            raw=raw,
            phrases=[_Phrase(words, concept=n < from_concept) for n, words in enumerate(phrases)],
            typed=typed[i],
            said=frozenset([termed[i]]),
            weak=termed[i] in reading.SETTING,
        )
        if expand and (termed[i],) in index.concepts:
            for phrase in index.concepts[(termed[i],)]:
                _name_codes(index, group, phrase)
                # A concept's word that is itself a synonym brings the synonym's codes ("chattade" →
                # chatt → ZV051).
                _name_codes(index, group, index.synonyms.get(" ".join(swedish.fold(w) for w in phrase), []))
        groups.append(group)
    # What the reading found is a part of the query of its own (typed: -1), never a wizard answer's word.
    if said.taking_part:
        groups.append(_Group(raw=dict(index.matches(reading.TAKING_PART_WORD)), typed=READ - 1, said=frozenset()))
    if said.absent:
        groups.append(_Group(raw={reading.ABSENT: QUALITY_EXACT}, typed=READ, said=frozenset()))
    elif said.present:
        # Only a hint among codes that match the rest ("nätverksmöte med patienten"): "samtal med
        # patienten" is how most talks are written down.
        groups.append(_Group(raw={reading.PRESENT: QUALITY_EXACT}, typed=READ, said=frozenset(), weak=True))
    return _joined_compounds(index, query_words, groups)


def _is_person(index: SearchIndex, word: str) -> bool:
    """A patient, or a word a concept reads as a närstående or a child ("mamman", "sonen", "barnet")."""
    term = swedish.term(word)
    if term in reading.PATIENT_TERMS or term in PERSON_TERMS:
        return True
    return any(swedish.term(w) in PERSON_TERMS for phrase in index.concepts.get((term,), []) for w in phrase)


def _long_concept_groups(index, query_words, typed, termed, covered) -> list[_Group]:
    """Concepts of several words, longest first ("barn som far illa" before "far", a synonym);
    one-word concepts are looked up per word, so that they work inside compounds too. A phrase
    whose words are mostly stop words ("var med", "gav upp") is matched with them, others without."""
    groups = []
    stop = [w.lower() in swedish.STOPWORDS for w in query_words]
    words = {}  # with stop words or not -> (positions not yet used, their terms)

    def sequence(with_stop_words: bool):
        if with_stop_words not in words:
            positions = [i for i in range(len(query_words)) if i not in covered and (with_stop_words or not stop[i])]
            words[with_stop_words] = (positions, [termed[i] for i in positions])
        return words[with_stop_words]

    for key, meanings, with_stop_words in index.long_concepts:
        positions, content = sequence(with_stop_words)
        if len(content) < len(key):
            continue
        for start in range(len(content) - len(key) + 1):
            if tuple(content[start : start + len(key)]) != key:
                continue
            span = positions[start : start + len(key)]
            covered.update(span)
            words.clear()
            # The words as typed count as a phrase (all of them), the concept's meanings as alternatives.
            group = _Group(raw={}, typed=typed[span[0]], said=frozenset(termed[i] for i in span))
            group.phrases.append(_Phrase([dict(index.matches(query_words[i])) for i in span if not stop[i]]))
            for phrase in meanings:
                rest = _content(_name_codes(index, group, phrase))
                if rest:
                    group.phrases.append(_Phrase([_at_least_part(index.matches(w), QUALITY_CONCEPT) for w in rest]))
            groups.append(group)
            break
    return groups


def _synonym_groups(index, query_words, typed, termed, covered) -> list[_Group]:
    """Synonyms, found by their words' stems ("anhöriga" is the synonym "anhörig")."""
    groups = []
    for key_words, expansion in index.synonym_keys:
        for start in range(len(termed) - len(key_words) + 1):
            if tuple(termed[start : start + len(key_words)]) != key_words or covered.intersection(
                range(start, start + len(key_words))
            ):
                continue
            covered.update(range(start, start + len(key_words)))
            raw: dict[str, float] = {}
            for word in query_words[start : start + len(key_words)]:
                raw.update(index.matches(word))
            group = _Group(raw=raw, typed=typed[start], said=frozenset(termed[start : start + len(key_words)]))
            meaning = [w for w in _name_codes(index, group, expansion) if w.lower() not in swedish.STOPWORDS]
            if meaning:
                group.phrases.append(
                    _Phrase([_at_least_part(index.matches(w), QUALITY_SYNONYM) for w in meaning], strict=False)
                )
            groups.append(group)
    return groups


def _joined_compounds(index: SearchIndex, query_words: list[str], groups: list[_Group]) -> list[_Group]:
    """Two words the content writes as one ("kropps kännedom", "läkemedels genomgång") also find it."""
    if len(query_words) < 2 or len(groups) != len(query_words):
        return groups
    for i in range(len(query_words) - 1):
        joined = query_words[i] + query_words[i + 1]
        stemmed = swedish.term(joined)
        if stemmed in index.buckets and len(stemmed) >= 6:
            groups[i].raw = {**groups[i].raw, stemmed: QUALITY_EXACT}
            groups[i + 1].raw = {**groups[i + 1].raw, stemmed: QUALITY_EXACT}
    return groups


def _best(index: SearchIndex, matches: dict[str, float]) -> dict[str, float]:
    """code -> the best value any of these matched terms gives it."""
    pairs = [
        (quality * weight, codes) for term, quality in matches.items() for weight, codes in index.buckets.get(term, ())
    ]
    pairs.sort(key=lambda pair: pair[0], reverse=True)
    best: dict[str, float] = {}
    for value, codes in pairs:
        # Highest values come first, so setdefault keeps each code's best; map() keeps the loop in C.
        deque(map(best.setdefault, codes, repeat(value)), maxlen=0)
    return best


def _summed(dicts: list[dict[str, float]], codes) -> dict[str, float]:
    """code -> the sum of its values in the dicts (0 where missing), for the given codes.

    Written out for one and two dicts, the common cases: this runs over thousands of codes.
    """
    if len(dicts) == 1:
        get = dicts[0].get
        return {code: get(code, 0.0) for code in codes}
    if len(dicts) == 2:
        first, second = dicts[0].get, dicts[1].get
        return {code: first(code, 0.0) + second(code, 0.0) for code in codes}
    if len(dicts) == 3:
        first, second, third = dicts[0].get, dicts[1].get, dicts[2].get
        return {code: first(code, 0.0) + second(code, 0.0) + third(code, 0.0) for code in codes}
    getters = [d.get for d in dicts]
    return {code: sum(get(code, 0.0) for get in getters) for code in codes}


def _holders(index: SearchIndex, matches: dict[str, float]) -> set[str]:
    """The codes holding any of these terms as a whole word (a stem, a synonym's or concept's word)
    in their own title or texts: a prefix, a part inside a longer word or a typo is no whole word,
    and a section's instruction speaks of the section, not of each code in it."""
    holders: set[str] = set()
    for term, quality in matches.items():
        if quality >= QUALITY_WHOLE:
            for weight, codes in index.buckets.get(term, ()):
                if weight >= WEIGHT_BODY:
                    holders.update(codes)
    return holders


@dataclass
class _Scored:
    """How the codes match one group of the query."""

    values: dict[str, float]  # code -> how well
    whole: set[str]  # the codes that hold it as a whole word (what counts as matching this part of the query)
    typed: int = 0  # the typed word it comes from (a compound read as its parts gives several groups one)
    hint: bool = False  # a weak group: only ever adds to the score


def _score(index: SearchIndex, groups: list[_Group]) -> list[_Scored]:
    """For each of the query's groups: code -> how well the code matches it, and which codes hold it whole."""
    found = [_matched(index, group) for group in groups]
    total = len(index.codes)
    generic = GENERIC_SHARE * total
    any_telling = len(groups) > 1 and any(len(values) <= generic for values, _whole in found)
    any_whole = any(whole for (_values, whole), group in zip(found, groups, strict=True) if not group.weak)
    per_group = []
    for group, (values, whole) in zip(groups, found, strict=True):
        factor = 1.0
        if len(groups) > 1 and values:
            # A word few codes hold says more than one many codes hold ("tolk" vs "samtal"): weigh
            # each part of the query by its rarity (1 for a word every code holds, up to 2).
            factor = 1.0 + math.log(total / len(values)) / math.log(max(total, 2))
        if group.weak:
            factor *= WEAK_SHARE  # only a hint (a profession, "med patienten"): never a part to match
            whole = set()
        if any_telling and len(values) > generic:
            factor *= WEAK_SHARE  # a word most codes hold ("använder", "patienten") tells little
        if any_whole and not whole:
            # A word the content holds nowhere whole (an unknown word, found only inside longer words or
            # one letter off) says less than the words it does hold: "kurator samtal via video" is a video call.
            factor *= WEAK_SHARE
        if factor != 1.0:
            values = {code: value * factor for code, value in values.items()}
        per_group.append(_Scored(values, whole, group.typed, hint=group.weak))
    return per_group


def _matched(index: SearchIndex, group: _Group) -> tuple[dict[str, float], set[str]]:
    """code -> how well it matches one group, and the codes that hold the group whole."""
    values = _best(index, group.raw)
    whole = _holders(index, group.raw)
    # A word the texts hold as typed is held by those texts: what a concept makes of it in several
    # words ("wisc" → standardiserade bedömningsinstrument) only adds to the score.
    literal = any(p.concept for p in group.phrases) and bool(
        _holders(index, {t: q for t, q in group.raw.items() if q >= QUALITY_EXACT})
    )
    for phrase in group.phrases:
        per_word = [_best(index, matches) for matches in phrase.words]
        if not per_word:
            continue
        # A phrase counts as a whole: codes holding all its words (for a synonym's meaning,
        # if there are none, any of them), scored by the mean of its words.
        holders = set.intersection(*(set(best) for best in per_word))
        firm = [_holders(index, matches) for matches in phrase.words]
        firm_holders = set.intersection(*firm)
        if not holders and not phrase.strict:
            holders = set().union(*per_word)
            firm_holders = set().union(*firm)
        if not (phrase.concept and literal):
            whole |= firm_holders & holders
        means = _summed(per_word, holders)
        for code, sum_of_words in means.items():
            mean = sum_of_words / len(per_word)
            if mean > values.get(code, 0.0):
                values[code] = mean
    for code, bonus in group.codes.items():
        values[code] = values.get(code, 0.0) + bonus
        whole.add(code)
    return values, whole


def _proximity(index: SearchIndex, code: str, group_terms: list[set[str]]) -> float:
    """A bonus for a code whose texts hold the query's words close together (adjacent, or in one text)."""
    best = 0.0
    indexed = index.codes[code]
    for number in range(-1, len(indexed.texts)):
        if not all(indexed.may_hold(number, terms) for terms in group_terms):
            continue
        where = indexed.positions(number)
        positions = []
        for terms in group_terms:
            shared = terms & where.keys() if len(terms) > len(where) else [t for t in terms if t in where]
            positions.append([p for t in shared for p in where[t]])
        if not all(positions):
            continue
        best = BONUS_SAME_TEXT
        # The smallest window holding one word of each group, over sorted positions.
        marks = sorted((p, g) for g, found in enumerate(positions) for p in found)
        counts: Counter = Counter()
        left = 0
        for position, group in marks:
            counts[group] += 1
            while len(counts) == len(group_terms):
                if position - marks[left][0] < len(group_terms) + 1:
                    return BONUS_ADJACENT
                counts[marks[left][1]] -= 1
                if not counts[marks[left][1]]:
                    del counts[marks[left][1]]
                left += 1
    return best


def _tiers(index: SearchIndex, scored: list[_Scored], need: int, taken: set[str]) -> list[list[str]]:
    """The codes found, by how much of the query each holds, most first.

    Each typed word is one part of the query; a compound read as its parts counts whole for its
    rarest part and less for the others ("telefonkontakt": all of it for telefon, half for kontakt). A part counts for a code
    that holds it as a whole word; a word the content holds nowhere whole counts only when no word
    of the query is held whole ("suicdrisk" typed alone). A word most codes hold ("patient") says
    little about which code is meant: it does not count either (it still adds to the score)."""
    total = len(index.codes)
    asked = [group for group in scored if not group.hint] or scored
    telling = [group for group in asked if len(group.values) <= GENERIC_SHARE * total] or asked
    # Lists in the order of the values (not sets): ties keep one order in every process.
    counted = [(group, [c for c in group.values if c in group.whole]) for group in telling if group.whole]
    if not counted:
        counted = [(group, list(group.values)) for group in telling]
    by_typed: dict[int, list[tuple[_Scored, list[str]]]] = defaultdict(list)
    for group, holders in counted:
        by_typed[group.typed].append((group, holders))
    coverage: Counter = Counter()
    for parts in by_typed.values():
        if len(parts) == 1:
            coverage.update(parts[0][1])
            continue
        rarity = [1.0 + math.log(total / max(len(group.values), 1)) for group, _holders in parts]
        held: Counter = Counter()
        for weight, (_group, holders) in zip(rarity, parts, strict=True):
            share = round(weight / max(rarity), 2)
            for code in holders:
                held[code] += share
        for code, share in held.items():
            coverage[code] += min(share, 1.0)
    complete = len(by_typed) - 0.01
    everywhere = [code for code, share in coverage.items() if share >= complete]
    if len(set(everywhere) - taken) >= need:
        return [everywhere]  # the codes matching only part of the query cannot make the list
    by_coverage: dict[float, list[str]] = defaultdict(list)
    for code in dict.fromkeys(chain.from_iterable(group.values for group in scored)):
        by_coverage[round(coverage.get(code, 0), 2)].append(code)
    return [by_coverage[matched] for matched in sorted(by_coverage, reverse=True)]


def _rank(
    index: SearchIndex,
    scored: list[_Scored],
    group_terms: list[set[str]],
    code_hits: dict[str, float],
    preferred: set[str],
    limit: int,
) -> list[str]:
    """The best codes: named codes first, then by how many parts of the query they hold as whole
    words, then the preferred codes (the list searched from, the user's context), then by score with
    a bonus for words standing close together, then by code."""
    order = sorted(code_hits, key=lambda code: (-code_hits[code], code))[:limit]
    taken = set(order)
    per_group = [group.values for group in scored]
    if per_group:
        tiers = _tiers(index, scored, limit - len(order), taken)
        for tier in tiers:
            if len(order) >= limit:
                break
            scores = per_group[0] if len(per_group) == 1 else _summed(per_group, tier)
            pool = [code for code in tier if code not in taken]
            pools = (
                [[c for c in pool if c in preferred], [c for c in pool if c not in preferred]] if preferred else [pool]
            )
            for pool in pools:
                need = limit - len(order)
                if need <= 0 or not pool:
                    continue
                if len(group_terms) > 1:
                    # Read the texts of the best few only: how close the words stand decides among them.
                    candidates = heapq.nsmallest(PROXIMITY_CANDIDATES, pool, key=lambda c: (-scores[c], c))
                    close = {c: scores[c] + _proximity(index, c, group_terms) for c in candidates}
                    best = sorted(close, key=lambda c: (-close[c], c))[:need]
                else:
                    values = list(map(scores.__getitem__, pool))
                    threshold = heapq.nlargest(need, values)[-1]
                    # Thousands of codes may tie at the threshold: take the first by code among them
                    # without sorting them all.
                    above = sorted(
                        (c for c, v in zip(pool, values, strict=True) if v > threshold), key=lambda c: (-scores[c], c)
                    )
                    tied = heapq.nsmallest(
                        need - len(above), (c for c, v in zip(pool, values, strict=True) if v == threshold)
                    )
                    best = (above + tied)[:need]
                order += best
                taken.update(best)
    return order


def _highlight(text: str, words: list[tuple[int, int, str, str]], terms: set[str], window: bool) -> SafeString:
    """The text (or a window of it around the first match) with matched words in <mark>."""
    marked = [(start, end) for start, end, stem, folded in words if stem in terms or folded in terms] if terms else []
    start, end = 0, len(text)
    if window and len(text) > 200:
        anchor = marked[0][0] if marked else 0
        start = text.rfind(" ", 0, anchor - 60) + 1 if anchor > 60 else 0
        end = text.find(" ", start + 200)
        end = len(text) if end == -1 else end
    out, cursor = ["… " if start > 0 else ""], start
    for word_start, word_end in marked:
        if word_start < start:
            continue
        if word_end > end:
            break
        out.append(html.escape(text[cursor:word_start]))
        out.append(f"<mark>{html.escape(text[word_start:word_end])}</mark>")
        cursor = word_end
    out.append(html.escape(text[cursor:end]))
    out.append(" …" if end < len(text) else "")
    return SafeString("".join(out).replace("\n", " "))


def _snippet(indexed: IndexedCode, terms: set[str]) -> SafeString:
    for number, text in enumerate(indexed.texts):
        if indexed.may_hold(number, terms) and not indexed.text_terms(number).isdisjoint(terms):
            return _highlight(text, indexed.text_words(number), terms, window=True)
    return _highlight(indexed.texts[0], [], set(), window=True) if indexed.texts else SafeString("")


def _hit(index: SearchIndex, code: str, terms: set[str]) -> Hit:
    indexed = index.codes[code]
    return Hit(
        code=code,
        title=indexed.title,
        url=index.code_url(code),
        lists=[title for _slug, title in indexed.lists],
        snippet=_snippet(indexed, terms),
        title_html=_highlight(indexed.title, indexed.title_words(), terms, window=False),
        retired_on=indexed.retired_on,
    )


def context_codes(index: SearchIndex, inom: str) -> set[str]:
    """The codes a context ("Jag arbetar inom") puts first: its lists, and for rehab the codes its rules name."""
    if inom not in CONTEXTS:
        return set()
    if inom not in index.context_cache:
        codes = set().union(*(index.list_codes.get(slug, set()) for slug in CONTEXTS[inom][1]))
        if inom == "rehab":
            for required, one_of in ContactType.objects.filter(document__slug="vardval-rehab-distans").values_list(
                "required_codes", "one_of_codes"
            ):
                codes.update(c for c in [*required, *one_of] if c in index.codes)
        index.context_cache[inom] = codes
    return index.context_cache[inom]


def _ranked(index, groups, group_terms, code_hits, preferred, limit) -> list[str]:
    scored = _score(index, groups)
    # Retired codes stay findable, but after every code in use.
    current = (
        [
            _Scored({c: v for c, v in g.values.items() if c not in index.retired}, g.whole, g.typed, g.hint)
            for g in scored
        ]
        if index.retired
        else scored
    )
    ranked = _rank(
        index, current, group_terms, {c: v for c, v in code_hits.items() if c not in index.retired}, preferred, limit
    )
    if len(ranked) < limit and index.retired:
        retired = [
            _Scored({c: v for c, v in g.values.items() if c in index.retired}, g.whole, g.typed, g.hint) for g in scored
        ]
        ranked += _rank(
            index,
            retired,
            group_terms,
            {c: v for c, v in code_hits.items() if c in index.retired},
            preferred,
            limit - len(ranked),
        )
    return ranked


def search(
    query: str, within_list: str = "", limit: int = MAX_RESULTS, inom: str = "", expand: bool = True
) -> SearchResult:
    """Ranked hits for a query. ``inom`` is the user's context (a key of CONTEXTS), whose codes come
    first; ``expand=False`` leaves out synonyms and concepts (to measure what the engine finds alone).

    The same query on the same content returns the same (cached) result object: do not change it."""
    cleaned = clean_query(query)
    inom = inom if inom in CONTEXTS else ""
    if len(cleaned) < 2 or not swedish.words(cleaned):
        hint = "Skriv minst två tecken: en kod (t.ex. AU118), en förkortning (t.ex. KBT) eller ett ord (t.ex. suicid)."
        return SearchResult(query=cleaned, hint=hint, inom=inom)
    index = current_index()
    key = (cleaned, within_list, inom, limit, expand)
    cached = index.results.get(key)
    if cached is None:
        if len(index.results) >= RESULT_CACHE_SIZE:
            index.results.clear()
        cached = index.results[key] = _search(index, cleaned, within_list, limit, inom, expand)
    return cached


def narrowed(query: str, codes) -> set[str]:
    """The list filter (/lista/<slug>/?filtrera=): of these codes, those search would put first for the
    query, as search reads it (stems, å/ä/ö, compounds, typos, synonyms, concepts, who was there).

    A code the query names (or begins) is shown; otherwise the codes that hold the most of the
    query's parts, all of them when the list has codes that hold all. A query of no words leaves
    every code; one that finds nothing among them leaves none."""
    cleaned = clean_query(query)
    codes = set(codes)
    if not swedish.words(cleaned):
        return codes
    index = current_index()
    named = {code for code, _value in _code_hits(index, cleaned) if code in codes}
    if named:
        return named
    for tier in _tiers(index, _score(index, _groups(index, cleaned)), len(index.codes) + 1, set()):
        found = codes.intersection(tier)
        if found:
            return found
    return set()


def _search(index: SearchIndex, cleaned: str, within_list: str, limit: int, inom: str, expand: bool) -> SearchResult:
    code_hits = dict(_code_hits(index, cleaned))
    groups = _groups(index, cleaned, expand)
    preferred = index.list_codes.get(within_list, set()) | context_codes(index, inom)
    group_terms = [group.terms() for group in groups]
    ranked = _ranked(index, groups, group_terms, code_hits, preferred, limit)
    terms = set().union(*group_terms)
    result = SearchResult(query=cleaned, hits=[_hit(index, code, terms) for code in ranked], inom=inom)
    by_word: dict[int, list[set[str]]] = defaultdict(list)
    for n, group in enumerate(groups):
        if group.typed >= 0:
            by_word[group.typed].append(group_terms[n] | group.said)
    result.wizard_links = wizard_links(index, list(by_word.values()))
    result.documents = documents(index, cleaned, groups)
    if not result.hits:
        result.hint = f"Inga träffar på ”{cleaned}”."
        result.suggestion = _suggestion(index, cleaned)
        if result.suggestion:
            near_groups = _groups(index, result.suggestion, expand)
            near_group_terms = [group.terms() for group in near_groups]
            near_terms = set().union(*near_group_terms)
            near = _ranked(index, near_groups, near_group_terms, {}, preferred, 5)
            result.nearest = [_hit(index, code, near_terms) for code in near]
    return result


def _suggestion(index: SearchIndex, query: str) -> str:
    """The query with each word the content does not know replaced by its nearest word ("Menade du …")."""
    out, changed = [], False
    for word in swedish.words(query)[:MAX_QUERY_WORDS]:
        if word.lower() in swedish.STOPWORDS or index.matches(word):
            out.append(word)
            continue
        # An abbreviation first ("srb" → suicidriskbedömning), then the nearest spelling.
        nearest = index.spelled_out(word) or index.suggest(word)
        if nearest and nearest != word.lower():
            out.append(nearest)
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else ""


def documents(index: SearchIndex, query: str, groups: list[_Group]) -> list[DocumentLink]:
    """The rules, guides and decisions a query names: its number ("RS 2024-00668", "2024-00668"),
    or words that all stand in it when one of them stands in no code's own texts ("fysioterapeut BR",
    "rinkebymodellen") or two stand in its title ("beslut utökade hembesök"), so that no such search
    ends without the document."""
    typed = re.sub(r"[^0-9A-Za-z]", "", swedish.fold(query)).upper()
    # Each word as typed, or what it means whole (a synonym's or concept's word, not a part or typo).
    telling = [g for g in groups if g.typed >= 0 and not g.weak and not g.said <= swedish.STOPWORDS]
    words = [group.said | {t for t, q in group.raw.items() if q >= QUALITY_WHOLE} for group in telling]
    # A word no code's own title or text holds, but a document does ("fysioterapeut", "rinkebymodellen").
    rare = [said for group in telling for said in group.said if said not in index.own]
    found = []
    for document in index.documents:
        number = re.sub(r"[^0-9A-Za-z]", "", swedish.fold(document.identifier)).upper()
        named = bool(number) and (number in typed or (len(typed) >= 6 and typed in number))
        held = bool(words) and all(not terms.isdisjoint(document.terms) for terms in words)
        titled = sum(not terms.isdisjoint(document.title_terms) for terms in words) >= 2
        if named or (held and (titled or any(said in document.terms for said in rare))):
            found.append(DocumentLink(document.title, document.identifier, document.url, document.kind))
    return found[:MAX_DOCUMENTS]


def wizard_links(index: SearchIndex, words: list[list[set[str]]]) -> list[WizardLink]:
    """Answers in the visit wizard whose words the query matches (hembesök, video, telefon): a link
    to the step where that answer is chosen. ``words`` holds, per typed word, the terms of each of
    its parts (one part, but for a compound the content writes apart)."""
    if not words:
        return []

    try:
        answers = index.wizard_answers(wizard_store.current_tree)
    except Exception:  # noqa: BLE001 - a broken tree must not break search; the wizard reports it itself
        return []
    # How many codes hold each part: read once per search, not once per answer.
    counted = [[(terms, index.holding(terms)) for terms in parts] for parts in words]
    ranked = []
    for position, (label_terms, _link) in enumerate(answers):
        # Every typed word must match a word of the answer's label: "hembesök" matches "Hembesök",
        # "video" matches "Video". A compound needs one of its parts; labels matching more parts
        # come first, then those matching the part fewer codes hold ("videobesök": Video before
        # Hembesök), then the wizard's own order.
        matched = [[held for terms, held in parts if not label_terms.isdisjoint(terms)] for parts in counted]
        if all(matched):
            found = [held for parts in matched for held in parts]
            ranked.append((-len(found), sum(found), position))
    ranked.sort()
    links, labels = [], set()
    for *_order, position in ranked:
        link = answers[position][1]
        if link.label not in labels:
            links.append(link)
            labels.add(link.label)
    return links[:3]
