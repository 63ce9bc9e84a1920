"""The counts of the last weeks as the page "Vad letar klinikerna efter?" shows them: per kind, a
row per ISO week (newest first) and a total, what was counted most, and a chart of the weeks."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from catalog.models import Code, PracticeCase, UsageCount, WizardStep
from catalog.usage import charts, counter

Kind = UsageCount.Kind
SHOWN_WEEKS = 12
TOP_KEYS = 10


@dataclass
class Section:
    """One kind of thing counted (practice cases: two, tried and solved, side by side)."""

    slug: str
    title: str
    about: str
    kinds: tuple[str, ...]
    series: tuple[str, ...]  # the column heading of each kind
    key_heading: str = ""  # "" where nothing but the number is counted
    weeks: list = field(default_factory=list)  # (Week, [count per kind], most counted (label, n) or None)
    totals: list[int] = field(default_factory=list)
    top: list = field(default_factory=list)  # (label, url, [count per kind])
    chart: charts.Chart | None = None
    summary: str = ""


@dataclass(frozen=True)
class Week:
    monday: datetime.date

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def short(self) -> str:
        return f"v{self.number}"

    @property
    def label(self) -> str:
        sunday = self.monday + datetime.timedelta(days=6)
        return f"Vecka {self.number}, {self.monday:%Y-%m-%d}–{sunday:%Y-%m-%d}"


SECTIONS = (
    (
        "sokningar",
        "Sökningar utan träff",
        "Sökningar på webbplatsen och i API:et som inte hittade någon kod. Vad som söktes står under "
        "Sökningar utan träff.",
        (Kind.SEARCH_MISS,),
        ("Sökningar utan träff",),
        "",
    ),
    (
        "utvagar",
        "”Inget av dessa passar” i besöksguiden",
        "Gånger ett besök i guiden slutade med ”Inget av dessa passar”, per fråga där det valdes.",
        (Kind.WAY_OUT,),
        ("Inget av dessa passar",),
        "Fråga",
    ),
    (
        "beskrivna",
        "Beskrivna besök som stannade",
        "Beskrivna besök där texten inte räckte och guiden fick fråga: frågan där den stannade. Texten sparas aldrig.",
        (Kind.DESCRIBE_STOP,),
        ("Stannade",),
        "Fråga",
    ),
    (
        "koder",
        "Mest lästa koder",
        "Gånger en kods sida visades.",
        (Kind.CODE_READ,),
        ("Visningar",),
        "Kod",
    ),
    (
        "ovningar",
        "Övningar",
        "Övningar som rättades, och hur många av dem som var helt rätt.",
        (Kind.PRACTICE_TRIED, Kind.PRACTICE_SOLVED),
        ("Rättade", "Helt rätt"),
        "Övning",
    ),
)


def shown_weeks(today: datetime.date | None = None) -> list[Week]:
    """The weeks the page shows, newest first: the last 12, never more than are kept (USAGE_WEEKS)."""
    monday = counter.week_of(today or timezone.localdate())
    return [Week(monday - datetime.timedelta(weeks=i)) for i in range(min(SHOWN_WEEKS, max(settings.USAGE_WEEKS, 1)))]


def _labels(keys: dict[str, set[str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, key) → (what a coordinator reads, where it leads): a step's question, a code's title, a case's title."""
    steps = {
        slug: (f"{question} ({slug})", reverse("admin:catalog_wizardstep_change", args=[pk]))
        for slug, question, pk in WizardStep.objects.filter(
            slug__in=keys[Kind.WAY_OUT] | keys[Kind.DESCRIBE_STOP]
        ).values_list("slug", "question", "pk")
    }
    codes = {
        code: (f"{code} {title}", reverse("catalog:code", args=[code]))
        for code, title in Code.objects.filter(code__in=keys[Kind.CODE_READ]).values_list("code", "title")
    }
    cases = {
        slug: (title, reverse("catalog:practice-case", args=[slug]))
        for slug, title in PracticeCase.objects.filter(
            slug__in=keys[Kind.PRACTICE_TRIED] | keys[Kind.PRACTICE_SOLVED]
        ).values_list("slug", "title")
    }
    found = {Kind.WAY_OUT: steps, Kind.DESCRIBE_STOP: steps, Kind.CODE_READ: codes}
    found[Kind.PRACTICE_TRIED] = found[Kind.PRACTICE_SOLVED] = cases
    return {(kind, key): found.get(kind, {}).get(key, (key, "")) for kind, kept in keys.items() for key in kept}


def _section(spec: tuple, weeks: list[Week], counts: dict, labels: dict) -> Section:
    slug, title, about, kinds, series, key_heading = spec
    section = Section(slug, title, about, kinds, series, key_heading)
    first = kinds[0]
    for week in weeks:
        per_key = counts[week.monday]
        values = [sum(per_key[kind].values()) for kind in kinds]
        most = None
        if key_heading and per_key[first]:
            key, n = max(per_key[first].items(), key=lambda item: (item[1], item[0]))
            most = (labels[(first, key)][0], n)
        section.weeks.append((week, values, most))
    section.totals = [sum(values[i] for _week, values, _most in section.weeks) for i in range(len(kinds))]
    if key_heading:
        by_key: dict[str, list[int]] = defaultdict(lambda: [0] * len(kinds))
        for week in weeks:
            for i, kind in enumerate(kinds):
                for key, n in counts[week.monday][kind].items():
                    by_key[key][i] += n
        ranked = sorted(by_key.items(), key=lambda item: (-item[1][0], item[0]))[:TOP_KEYS]
        section.top = [(*labels[(first, key)], values) for key, values in ranked]
    oldest_first = list(reversed(section.weeks))
    section.chart = charts.bar_chart(
        [week.short for week, _values, _most in oldest_first],
        [[values[i] for _week, values, _most in oldest_first] for i in range(len(kinds))],
    )
    section.summary = (
        f"Stapeldiagram: {title.lower()} per vecka, vecka {weeks[-1].number} till {weeks[0].number}. "
        "Samma siffror står i tabellen."
    )
    return section


def sections(today: datetime.date | None = None) -> tuple[list[Week], list[Section]]:
    """The weeks shown (newest first) and every section, read in one query (and one per kind of name)."""
    weeks = shown_weeks(today)
    counts: dict = defaultdict(lambda: defaultdict(dict))
    keys: dict[str, set[str]] = defaultdict(set)
    rows = UsageCount.objects.filter(week__gte=weeks[-1].monday, week__lte=weeks[0].monday)
    for monday, kind, key, n in rows.values_list("week", "kind", "key", "count"):
        counts[monday][kind][key] = n
        keys[kind].add(key)
    labels = _labels(keys)
    return weeks, [_section(spec, weeks, counts, labels) for spec in SECTIONS]
