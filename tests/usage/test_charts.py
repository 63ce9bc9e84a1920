"""catalog.usage.charts: counts per week → the bars the page draws, tested without Django."""

import pytest

from catalog.usage import charts


@pytest.mark.parametrize(("value", "top"), [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (10, 10), (11, 20), (4999, 5000)])
def test_the_scale_ends_at_the_next_1_2_or_5_times_a_power_of_ten(value, top):
    assert charts.nice_top(value) == top


def test_bars_stand_on_the_baseline_and_their_heights_follow_the_counts():
    chart = charts.bar_chart(["v1", "v2", "v3"], [[0, 5, 10]])
    plot = chart.baseline - charts.TOP
    assert chart.top == 10
    assert [bar.height for bar in chart.bars] == [0, plot / 2, plot]
    assert all(bar.y + bar.height == chart.baseline for bar in chart.bars)
    assert chart.bars[2].y == charts.TOP  # the highest count reaches the top of the scale


def test_weeks_go_left_to_right_in_the_order_given_each_label_under_its_bar():
    chart = charts.bar_chart(["v40", "v41", "v42", "v43"], [[1, 2, 3, 4]])
    xs = [bar.x for bar in chart.bars]
    assert xs == sorted(xs) and chart.left <= xs[0] and xs[-1] + chart.bars[-1].width <= chart.right
    for bar, label in zip(chart.bars, chart.labels, strict=True):
        assert bar.x < label.x < bar.x + bar.width
    assert [label.text for label in chart.labels] == ["v40", "v41", "v42", "v43"]


def test_two_series_stand_side_by_side_without_overlapping():
    chart = charts.bar_chart(["v1", "v2"], [[4, 6], [1, 6]])
    first, second = chart.bars[0], chart.bars[1]
    assert (first.series, second.series) == (0, 1)
    assert first.x + first.width <= second.x
    assert second.x + second.width <= chart.bars[2].x  # the next week's bars start after
    assert chart.bars[3].height == chart.bars[2].height  # equal counts, equal bars
    assert chart.numbers == ()  # numbers over two bars side by side would collide


def test_a_single_series_writes_each_nonzero_count_above_its_bar():
    chart = charts.bar_chart(["v1", "v2", "v3"], [[3, 0, 7]])
    assert [number.text for number in chart.numbers] == ["3", "7"]
    assert all(number.y < chart.baseline for number in chart.numbers)
    assert chart.numbers[1].y < chart.numbers[0].y


def test_the_scale_names_zero_and_its_top_and_the_middle_when_it_is_whole():
    assert [tick.value for tick in charts.bar_chart(["a"], [[7]]).ticks] == [0, 5, 10]
    assert [tick.value for tick in charts.bar_chart(["a"], [[5]]).ticks] == [0, 5]
    assert [tick.value for tick in charts.bar_chart(["a"], [[0]]).ticks] == [0, 1]


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        charts.bar_chart(["v1", "v2"], [[1]])
