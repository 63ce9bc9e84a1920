"""Counts per week → the geometry of a small bar chart, which the page draws as inline SVG.

Plain Python, no Django: what the picture shows is decided here and tested directly; the template
only writes the numbers out. The numbers themselves stand in a table beside every chart, which is
what a screen reader reads.
"""

from dataclasses import dataclass

WIDTH = 480
HEIGHT = 190
LEFT = 34  # room for the scale's numbers
RIGHT = 6
TOP = 16  # room for a number above the highest bar
BOTTOM = 22  # room for the week labels
GAP = 0.25  # of each week's slot left empty, half on either side


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: int


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class Number:
    """A count written above its bar."""

    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: float  # where the plot ends on the x axis
    baseline: float
    top: int  # the scale's highest value
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    labels: tuple[Label, ...]
    numbers: tuple[Number, ...]  # above the bars of a single series (two side by side would collide)


def nice_top(value: int) -> int:
    """The scale's top: the smallest 1, 2 or 5 × 10ⁿ at or above ``value`` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def bar_chart(labels: list[str], series: list[list[int]], width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """Bars for each label (oldest week first), one per series side by side, on a scale from 0.

    ``series`` holds one list of counts per series, each as long as ``labels``."""
    if any(len(values) != len(labels) for values in series):
        raise ValueError("every series needs one value per label")
    top = nice_top(max((v for values in series for v in values), default=0))
    plot_height = height - TOP - BOTTOM
    baseline = float(height - BOTTOM)
    slot = (width - LEFT - RIGHT) / max(len(labels), 1)
    bar_width = slot * (1 - GAP) / max(len(series), 1)
    bars, names, numbers = [], [], []
    for i, text in enumerate(labels):
        start = LEFT + i * slot + slot * GAP / 2
        names.append(Label(round(LEFT + (i + 0.5) * slot, 1), text))
        for s, counts in enumerate(series):
            value = counts[i]
            bar_height = round(plot_height * value / top, 1)
            x = round(start + s * bar_width, 1)
            bars.append(Bar(x, round(baseline - bar_height, 1), round(bar_width, 1), bar_height, value, s))
            if len(series) == 1 and value:
                numbers.append(Number(round(x + bar_width / 2, 1), round(baseline - bar_height - 3, 1), str(value)))
    ticks = [Tick(baseline, 0), Tick(float(TOP), top)]
    if top % 2 == 0:
        ticks.insert(1, Tick(round(baseline - plot_height / 2, 1), top // 2))
    return Chart(
        width=width,
        height=height,
        left=LEFT,
        right=float(width - RIGHT),
        baseline=baseline,
        top=top,
        bars=tuple(bars),
        ticks=tuple(ticks),
        labels=tuple(names),
        numbers=tuple(numbers),
    )
