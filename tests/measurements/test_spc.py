"""Tests for measurements.spc (runs analysis and run/P/U/I charts).

Reference values come from qicharts2 (Jacob Anhøj) and from the Montgomery
textbook examples that qicharts2's own test suite (tests/testthat/test_montgomery.R)
is built on. Where a qicharts2 example uses random data, the series below is
constructed by hand to reproduce the numbers stated in the text.
"""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from measurements.spc import (
    DETERIORATION,
    IMPROVEMENT,
    ChartResult,
    chart,
    chart_direction,
    crossings_limit,
    describe,
    direction_of_signal,
    longest_run_limit,
    runs_analysis,
)

# Hand-checked series of 24 points around the median 16 = (12 + 20) / 2: runs (O = over, U = under)
# O3 U9 O3 U1 O2 U1 O2 U1 O2 -> 24 useful points, longest run 9 (under), 8 crossings.
# Limits for n = 24: longest run 8, crossings 8 -> run signal only.
LONG_RUN_UNDER = [20, 22, 21, 3, 5, 2, 4, 6, 1, 7, 8, 9, 23, 24, 25, 10, 26, 27, 11, 28, 29, 12, 30, 31]

# 20 points, runs U5 O5 U5 O5 -> longest run 5 (limit 7), 3 crossings (limit 6).
FEW_CROSSINGS = [1, 2, 3, 4, 5, 11, 12, 13, 14, 15, 6, 7, 8, 9, 10, 16, 17, 18, 19, 20]

# Random-looking series without a signal: 20 points, median 10.5, crossings 15, longest run 2.
RANDOM_20 = [12, 9, 14, 8, 7, 15, 11, 3, 16, 10, 13, 1, 17, 18, 5, 19, 6, 20, 2, 4]


# --------------------------------------------------------------------------- #
# Critical values
# --------------------------------------------------------------------------- #
# Table of critical values from qicharts2's vignette, Appendix 2 (and the qicharts
# "runcharts" vignette limits table / Anhøj & Olesen 2014):
# round(log2(n) + 3) and qbinom(0.05, n - 1, 0.5).
@pytest.mark.parametrize(
    ("n_useful", "expected_run_max", "expected_crossings_min"),
    [
        (10, 6, 2),
        (11, 6, 2),
        (12, 7, 3),
        (13, 7, 3),
        (14, 7, 4),
        (15, 7, 4),
        (16, 7, 4),
        (17, 7, 5),
        (18, 7, 5),
        (19, 7, 6),
        (20, 7, 6),
        (22, 7, 7),
        (23, 8, 7),
        (24, 8, 8),
        (30, 8, 10),
        (40, 8, 14),
        (45, 8, 17),
        (46, 9, 17),
        (50, 9, 19),
        (60, 9, 23),
        (91, 10, 37),
        (100, 10, 41),
    ],
)
def test_critical_values_table_matches_qicharts2(n_useful, expected_run_max, expected_crossings_min):
    # Arrange: parameters above. Act
    run_max = longest_run_limit(n_useful)
    crossings_min = crossings_limit(n_useful)

    # Assert
    assert (run_max, crossings_min) == (expected_run_max, expected_crossings_min)


def test_crossings_limit_matches_binomial_quantile_definition_for_many_n():
    # Arrange: R's qbinom(p, size, prob) is the smallest x with P(X <= x) >= p.
    def cdf(x: int, trials: int) -> float:
        return sum(math.comb(trials, k) for k in range(x + 1)) / 2**trials

    for n_useful in range(1, 201):
        # Act
        x = crossings_limit(n_useful)

        # Assert
        trials = n_useful - 1
        assert cdf(x, trials) >= 0.05
        assert x == 0 or cdf(x - 1, trials) < 0.05


def test_critical_values_none_for_zero_useful_points():
    # Arrange / Act
    limits = (longest_run_limit(0), crossings_limit(0))

    # Assert
    assert limits == (None, None)


# --------------------------------------------------------------------------- #
# Runs analysis
# --------------------------------------------------------------------------- #
def test_runs_analysis_long_run_under_median_signals():
    # Arrange
    median = 16

    # Act
    result = runs_analysis(LONG_RUN_UNDER, median)

    # Assert
    assert result.n_useful == 24
    assert (result.longest_run, result.longest_run_max) == (9, 8)
    assert (result.crossings, result.crossings_min) == (8, 8)
    assert result.longest_run_side == "under"
    assert result.run_signal and not result.crossing_signal and result.signal


def test_describe_long_run_under_median_gives_exact_danish_sentence():
    # Arrange
    result = chart("run", LONG_RUN_UNDER)

    # Act
    text = describe(result)

    # Assert
    assert result.points[0].cl == 16
    assert text == "Ikke-tilfældig variation: usædvanligt lang serie under medianen (9 punkter, grænse 8)"


def test_runs_analysis_few_crossings_signals():
    # Arrange
    median = 10.5

    # Act
    result = runs_analysis(FEW_CROSSINGS, median)

    # Assert
    assert (result.n_useful, result.longest_run, result.longest_run_max) == (20, 5, 7)
    assert (result.crossings, result.crossings_min) == (3, 6)
    assert result.crossing_signal and not result.run_signal and result.signal


def test_describe_few_crossings_gives_exact_danish_sentence():
    # Arrange
    result = chart("run", FEW_CROSSINGS)

    # Act
    text = describe(result)

    # Assert
    assert text == "Ikke-tilfældig variation: for få krydsninger af medianen (3, mindst 6)"


def test_describe_random_series_reports_no_signal():
    # Arrange
    result = chart("run", RANDOM_20)

    # Act
    text = describe(result)

    # Assert
    assert not result.signal
    assert text == "Ingen tegn på ikke-tilfældig variation (n = 20 brugbare punkter)"


def test_describe_few_points_says_too_few():
    # Arrange
    result = chart("run", [1, 2, 3, 4])

    # Act
    text = describe(result)

    # Assert
    assert text == "For få datapunkter til analyse (n = 4)"


def test_describe_runs_result_uses_median_and_joins_both_signals():
    # Arrange: qicharts runcharts vignette, figure 2 (see test below) has both signals.
    result = runs_analysis(QICHARTS_FIGURE_2, 16)

    # Act
    text = describe(result)

    # Assert
    assert text == (
        "Ikke-tilfældig variation: usædvanligt lang serie over medianen (10 punkter, grænse 7)"
        " og for få krydsninger af medianen (3, mindst 7)"
    )


# qicharts "Run charts with R" vignette, figure 2: "24 data points of which 22 are not
# on the median. The longest run ... is 10 (not counting the two data points that fall
# on the median); and the graph crosses the median 3 times. ... longest run longer than
# predicted (7) and the number of crossings smaller than predicted (7)". The data there
# are random (set.seed(9); rpois), so this series is built to match the description:
# runs U6 O1 U5 O4 [median, median] O6.
QICHARTS_FIGURE_2 = [12, 14, 11, 13, 15, 10, 19, 13, 12, 14, 11, 15, 18, 20, 17, 21, 16, 16, 19, 22, 18, 20, 21, 17]


def test_runs_analysis_reproduces_qicharts_vignette_figure_2():
    # Arrange
    result = chart("run", QICHARTS_FIGURE_2)

    # Act
    runs = result.last_part

    # Assert
    assert result.points[0].cl == 16
    assert (runs.n_obs, runs.n_useful) == (24, 22)
    assert (runs.longest_run, runs.longest_run_max) == (10, 7)
    assert (runs.crossings, runs.crossings_min) == (3, 7)
    assert runs.run_signal and runs.crossing_signal


def test_runs_analysis_points_on_median_neither_break_nor_contribute():
    # Arrange: the two points on the centre sit inside a run of over-points.
    values = [1, 2, 3, 7, 8, 5, 5, 9, 6]

    # Act
    result = runs_analysis(values, 5)

    # Assert
    assert result.n_obs == 9
    assert result.n_useful == 7
    assert result.longest_run == 4  # 7, 8, (5, 5 skipped), 9, 6
    assert result.crossings == 1


def test_runs_analysis_missing_values_are_skipped():
    # Arrange
    values = [1, None, 2, float("nan"), 8, None, 9]

    # Act
    result = runs_analysis(values, 5)

    # Assert
    assert (result.n_obs, result.n_useful, result.longest_run, result.crossings) == (7, 4, 2, 1)
    assert result.longest_run_side is None  # two runs of 2: a tie


def test_runs_analysis_no_useful_points_has_no_limits_and_no_signal():
    # Arrange
    values = [5, None, 5]

    # Act
    result = runs_analysis(values, 5)

    # Assert
    assert (result.n_useful, result.longest_run, result.crossings) == (0, 0, 0)
    assert (result.longest_run_max, result.crossings_min) == (None, None)
    assert not result.signal


def test_runs_analysis_single_useful_point_has_qicharts2_limits():
    # Arrange / Act
    result = runs_analysis([7], 5)

    # Assert: round(log2(1)) + 3 = 3 and qbinom(0.05, 0, 0.5) = 0
    assert (result.longest_run, result.longest_run_max, result.crossings, result.crossings_min) == (1, 3, 0, 0)
    assert not result.signal


def test_runs_analysis_accepts_decimal_values():
    # Arrange: Django DecimalField values
    values = [Decimal("1.5"), Decimal("2.5"), None]

    # Act
    result = runs_analysis(values, Decimal("2"))

    # Assert
    assert (result.n_useful, result.crossings) == (2, 1)


# --------------------------------------------------------------------------- #
# P chart
# --------------------------------------------------------------------------- #
def test_p_chart_limits_small_example_by_hand():
    # Arrange: p̄ = 30/300 = 0.1, sd = sqrt(0.1 * 0.9 / 100) = 0.03, limits 0.1 ± 0.09
    y, n = [5, 10, 15], [100, 100, 100]

    # Act
    result = chart("p", y, n)

    # Assert
    assert [p.y for p in result.points] == pytest.approx([0.05, 0.10, 0.15])
    for point in result.points:
        assert point.cl == pytest.approx(0.1)
        assert point.lcl == pytest.approx(0.01)
        assert point.ucl == pytest.approx(0.19)
    assert result.sigma_signals == 0


def test_p_chart_limits_are_clipped_to_zero_and_one():
    # Arrange: p̄ = 0.5; for n = 4: 0.5 ± 3 * 0.25 = [-0.25, 1.25] -> [0, 1]
    y, n = [2, 2, 50], [4, 4, 100]

    # Act
    result = chart("p", y, n)

    # Assert
    small = result.points[0]
    assert small.cl == pytest.approx(54 / 108)
    assert (small.lcl, small.ucl) == (0.0, 1.0)
    assert 0 < result.points[2].lcl < result.points[2].ucl < 1


def test_p_chart_multiply_scales_values_and_limits():
    # Arrange
    y, n = [5, 10, 15], [100, 100, 100]

    # Act
    result = chart("p", y, n, multiply=100)

    # Assert
    first = result.points[0]
    assert (first.y, first.cl, first.lcl, first.ucl) == pytest.approx((5.0, 10.0, 1.0, 19.0))


# Montgomery, Statistical Quality Control, Example 7.1 (orange juice cans, n = 50):
# trial limits p̄ = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 are above
# the UCL. qicharts2's test_montgomery.R uses the same data (with exclude = c(15, 23)).
MONTGOMERY_7_1 = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7]
MONTGOMERY_7_1 += [13, 9, 6]


def test_p_chart_reproduces_montgomery_example_7_1_trial_limits():
    # Arrange
    n = [50] * len(MONTGOMERY_7_1)

    # Act
    result = chart("p", MONTGOMERY_7_1, n)

    # Assert
    first = result.points[0]
    assert first.cl == pytest.approx(0.2313, abs=1e-4)
    assert first.ucl == pytest.approx(0.4102, abs=1e-4)
    assert first.lcl == pytest.approx(0.0524, abs=1e-4)
    assert [i + 1 for i, p in enumerate(result.points) if p.sigma_signal] == [15, 23]


def test_p_chart_missing_denominator_makes_point_missing():
    # Arrange
    y, n = [5, 10, 15, 7], [100, None, 100, 0]

    # Act
    result = chart("p", y, n)

    # Assert
    assert result.points[1].y is None and result.points[3].y is None
    assert (result.points[1].lcl, result.points[1].ucl) == (None, None)
    assert result.points[1].cl == pytest.approx(0.1)
    assert result.last_part.n_obs == 4


# --------------------------------------------------------------------------- #
# U chart
# --------------------------------------------------------------------------- #
def test_u_chart_with_multiply_and_lower_limit_floored_at_zero():
    # Arrange: ū = 6/600 = 0.01. For n = 100: 0.01 ± 3 * 0.01 -> lcl floored at 0,
    # ucl 0.04; for n = 400: 0.01 ± 3 * 0.005 -> lcl floored at 0, ucl 0.025.
    y, n = [1, 1, 4], [100, 100, 400]

    # Act
    result = chart("u", y, n, multiply=1000)

    # Assert
    first, _, last = result.points
    assert (first.y, first.cl, first.lcl, first.ucl) == pytest.approx((10.0, 10.0, 0.0, 40.0))
    assert (last.y, last.lcl, last.ucl) == pytest.approx((10.0, 0.0, 25.0))


def test_u_chart_positive_lower_limit_when_rate_is_high():
    # Arrange: ū = 1, n = 100 -> 1 ± 0.3
    y, n = [100, 100], [100, 100]

    # Act
    result = chart("u", y, n)

    # Assert
    assert (result.points[0].lcl, result.points[0].ucl) == pytest.approx((0.7, 1.3))


# Montgomery Example 7.3 (nonconformities on circuit boards, 26 samples): c̄ = 19.85,
# UCL = 33.22, LCL = 6.48, samples 6 and 20 outside (qicharts2 test uses exclude = c(6, 20)).
# A U chart with unit denominators is a C chart.
MONTGOMERY_7_3 = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13, 22, 18, 39, 30, 24, 16, 19]
MONTGOMERY_7_3 += [17, 15]


def test_u_chart_with_unit_denominator_reproduces_montgomery_example_7_3():
    # Arrange
    n = [1] * len(MONTGOMERY_7_3)

    # Act
    result = chart("u", MONTGOMERY_7_3, n)

    # Assert
    first = result.points[0]
    assert (first.cl, first.ucl, first.lcl) == pytest.approx((19.85, 33.22, 6.48), abs=0.01)
    assert [i + 1 for i, p in enumerate(result.points) if p.sigma_signal] == [6, 20]


# Montgomery Example 7.4 (nonconformities in personal computers, 20 samples of 5 units):
# ū = 1.93, UCL = 3.79, LCL = 0.07 (qicharts2 test_montgomery.R, tbl_07.10).
MONTGOMERY_7_4 = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]


def test_u_chart_reproduces_montgomery_example_7_4():
    # Arrange
    n = [5] * len(MONTGOMERY_7_4)

    # Act
    result = chart("u", MONTGOMERY_7_4, n)

    # Assert
    first = result.points[0]
    assert (first.cl, first.ucl, first.lcl) == pytest.approx((1.93, 3.79, 0.07), abs=0.005)
    assert result.sigma_signals == 0


def test_p_and_u_chart_without_denominator_raise():
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="denominator"):
        chart("u", [1, 2, 3])


# --------------------------------------------------------------------------- #
# I chart
# --------------------------------------------------------------------------- #
# Montgomery Example 6.5 (cost of processing mortgage loans, first 20 weeks):
# x̄ = 300.5, MR̄ = 7.79, UCL = 321.22, LCL = 279.78 (qicharts2 test uses tbl_06.07, freeze = 20).
MONTGOMERY_6_5 = [310, 288, 297, 298, 307, 303, 294, 297, 308, 306, 294, 299, 297, 299, 314, 295, 293, 306, 301, 304]


def test_i_chart_reproduces_montgomery_example_6_5():
    # Arrange / Act
    result = chart("i", MONTGOMERY_6_5)

    # Assert
    first = result.points[0]
    assert first.cl == pytest.approx(300.5)
    assert first.ucl == pytest.approx(321.22, abs=0.01)
    assert first.lcl == pytest.approx(279.78, abs=0.01)
    assert result.sigma_signals == 0


def test_i_chart_screens_huge_moving_ranges_once():
    # Arrange: moving ranges 1,1,1,1,1,1,1,1,97,97 (mean 20.2, limit 66.0) -> the two 97s
    # are screened out, mean MR = 1, sigma = 1 / 1.128.
    y = [1, 2, 1, 2, 1, 2, 1, 2, 1, 98, 1]
    cl = sum(y) / len(y)

    # Act
    screened = chart("i", y)
    unscreened = chart("i", y, screen_mr=False)

    # Assert
    point = screened.points[0]
    assert point.cl == pytest.approx(cl)
    assert point.ucl == pytest.approx(cl + 3 / 1.128)
    assert point.lcl == pytest.approx(cl - 3 / 1.128)
    assert screened.points[9].sigma_signal
    assert unscreened.points[0].ucl == pytest.approx(cl + 3 * (202 / 10) / 1.128)


def test_i_chart_drops_moving_range_next_to_missing_value():
    # Arrange: moving ranges 2 (10->12) and 2 (20->22); 12->None->20 gives none.
    y = [10, 12, None, 20, 22]

    # Act
    result = chart("i", y, screen_mr=False)

    # Assert
    point = result.points[0]
    assert point.cl == pytest.approx(16.0)
    assert point.ucl == pytest.approx(16 + 3 * 2 / 1.128)
    assert result.points[2].y is None and not result.points[2].sigma_signal


def test_i_chart_with_single_point_has_centre_but_no_limits():
    # Arrange / Act
    result = chart("i", [None, 4, None])

    # Assert
    assert [(p.cl, p.lcl, p.ucl) for p in result.points] == [(4.0, None, None)] * 3


def test_run_chart_with_denominator_plots_ratio_and_has_no_limits():
    # Arrange
    y, n = [1, 2, None, 3], [2, 4, 5, 0]

    # Act
    result = chart("run", y, n, multiply=100)

    # Assert
    assert [p.y for p in result.points] == [50.0, 50.0, None, None]
    assert all(p.lcl is None and p.ucl is None and not p.sigma_signal for p in result.points)


# --------------------------------------------------------------------------- #
# Freeze and part
# --------------------------------------------------------------------------- #
def test_freeze_uses_baseline_centre_and_analyses_all_points():
    # Arrange: baseline median of the first 6 points is 5.5 (alternating U O U O U O);
    # the next 8 points are all lower -> run of 8 under, limit 7 for n = 14.
    y = [5, 6, 4, 7, 5, 6, 1, 2, 1, 2, 1, 2, 1, 2]

    # Act
    result = chart("run", y, freeze=6)

    # Assert
    assert len(result.parts) == 1
    assert all(p.cl == 5.5 for p in result.points)
    assert [p.baseline for p in result.points] == [True] * 6 + [False] * 8
    runs = result.last_part
    assert (runs.n_useful, runs.longest_run, runs.longest_run_side) == (14, 8, "under")
    assert runs.run_signal


def test_freeze_larger_than_series_uses_all_points():
    # Arrange / Act
    frozen = chart("i", MONTGOMERY_6_5, freeze=100)
    plain = chart("i", MONTGOMERY_6_5)

    # Assert
    assert frozen.points == plain.points


def test_part_gives_each_part_its_own_centre_and_runs_analysis():
    # Arrange: part after point 4 (1-based) -> parts [0..3] and [4..9]
    y = [1, 2, 3, 4, 10, 20, 30, 40, 50, 60]

    # Act
    result = chart("run", y, part=[4])

    # Assert
    assert len(result.parts) == 2
    assert [p.cl for p in result.points] == [2.5] * 4 + [35.0] * 6
    assert [p.part for p in result.points] == [0] * 4 + [1] * 6
    assert (result.parts[0].n_obs, result.parts[1].n_obs) == (4, 6)


def test_part_overrides_freeze():
    # Arrange
    y = [1, 2, 3, 4, 10, 20, 30, 40, 50, 60]

    # Act
    result = chart("i", y, part=[4], freeze=2)

    # Assert
    assert result.freeze is None
    assert [p.cl for p in result.points] == [2.5] * 4 + [35.0] * 6
    assert all(p.baseline for p in result.points)


def test_part_break_points_outside_series_are_ignored():
    # Arrange / Act
    result = chart("run", [1, 2, 3, 4], part=[0, 4, 9])

    # Assert
    assert len(result.parts) == 1


def test_describe_chart_with_parts_describes_last_part_with_control_chart_wording():
    # Arrange: the first part has a long run; the last part alternates around its mean 11
    # with one high and one low outlier. Moving ranges 2,2,2,2,30,58,30,2,2,2,2 (mean 12.18,
    # screening limit 39.8) -> 58 screened out, mean MR 7.6, limits 11 ± 20.2.
    first = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5, 5, 5]
    last = [10, 12, 10, 12, 10, 40, -18, 12, 10, 12, 10, 12]
    result = chart("i", first + last, part=[len(first)])

    # Act
    text = describe(result)

    # Assert
    assert result.parts[0].signal
    assert not result.last_part.signal
    assert text == "Ikke-tilfældig variation: 2 punkter uden for kontrolgrænserne"


def test_describe_control_chart_combines_runs_and_sigma_signals():
    # Arrange: baseline of 12 alternating points (cl 10.5, sigma 1/1.128), then 9 high
    # points -> run of 10 over the centre line (limit 7 for n = 21) and 9 points outside.
    y = [10, 11] * 6 + [60, 61, 60, 61, 60, 61, 60, 61, 60]
    result = chart("i", y, freeze=12)

    # Act
    text = describe(result)

    # Assert
    assert text == (
        "Ikke-tilfældig variation: usædvanligt lang serie over centerlinjen (10 punkter, grænse 7)"
        "; 9 punkter uden for kontrolgrænserne"
    )


# --------------------------------------------------------------------------- #
# Direction of a signal
# --------------------------------------------------------------------------- #
def test_direction_long_run_under_median_is_improvement_when_lower_is_better():
    # Arrange
    runs = runs_analysis(LONG_RUN_UNDER, 16)

    # Act
    lower_better = direction_of_signal(runs, LONG_RUN_UNDER, 16, higher_is_better=False)
    higher_better = direction_of_signal(runs, LONG_RUN_UNDER, 16, higher_is_better=True)

    # Assert
    assert (lower_better, higher_better) == (IMPROVEMENT, DETERIORATION)


def test_direction_crossings_only_uses_mean_of_last_third():
    # Arrange: FEW_CROSSINGS ends with a run of 5 over the median (last third = 7 points,
    # 2 under and 5 over, mean 15.57 > 10.5).
    runs = runs_analysis(FEW_CROSSINGS, 10.5)

    # Act
    direction = direction_of_signal(runs, FEW_CROSSINGS, 10.5, higher_is_better=True)

    # Assert
    assert not runs.run_signal
    assert direction == IMPROVEMENT


def test_direction_is_none_without_signal():
    # Arrange
    runs = runs_analysis(RANDOM_20, 10.5)

    # Act
    direction = direction_of_signal(runs, RANDOM_20, 10.5, higher_is_better=True)

    # Assert
    assert direction is None


def test_chart_direction_uses_latest_sigma_signal_without_runs_signal():
    # Arrange
    y = [10, 11] * 10 + [60]
    result = chart("i", y, freeze=20)

    # Act
    direction = chart_direction(result, higher_is_better=False)

    # Assert
    assert not result.last_part.signal
    assert direction == DETERIORATION


# --------------------------------------------------------------------------- #
# Validation and edge cases
# --------------------------------------------------------------------------- #
def test_chart_unknown_kind_raises():
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="Unknown chart kind"):
        chart("ip", [1, 2, 3])


def test_chart_mismatched_lengths_raise():
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="same length"):
        chart("p", [1, 2, 3], [10, 10])


def test_chart_empty_series_gives_one_empty_part():
    # Arrange / Act
    result = chart("run", [])

    # Assert
    assert result.points == ()
    assert len(result.parts) == 1 and result.parts[0].n_useful == 0
    assert not result.signal
    assert describe(result) == "For få datapunkter til analyse (n = 0)"


def test_chart_signal_property_true_for_sigma_signal_only():
    # Arrange
    result = chart("i", [10, 11] * 10 + [60], freeze=20)

    # Act
    signal = result.signal

    # Assert
    assert isinstance(result, ChartResult) and result.kind == "i"
    assert signal and not result.runs_signal and result.sigma_signals == 1


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #
maybe_int = st.one_of(st.none(), st.integers(min_value=-1000, max_value=1000))
maybe_float = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))


@given(values=st.lists(maybe_int, max_size=60), centre=st.integers(-1000, 1000), shift=st.integers(-(10**6), 10**6))
def test_runs_analysis_invariant_to_shifting_values_and_centre(values, centre, shift):
    # Arrange
    shifted = [None if v is None else v + shift for v in values]

    # Act
    original = runs_analysis(values, centre)
    moved = runs_analysis(shifted, centre + shift)

    # Assert
    assert moved == dataclasses.replace(original, centre=float(centre + shift))


@given(values=st.lists(maybe_float, max_size=60), centre=st.floats(allow_nan=False, allow_infinity=False))
def test_runs_analysis_mirror_symmetry_swaps_sides_and_keeps_counts(values, centre):
    # Arrange
    mirrored = [None if v is None else -v for v in values]
    swap = {"over": "under", "under": "over", None: None}

    # Act
    original = runs_analysis(values, centre)
    mirror = runs_analysis(mirrored, -centre)

    # Assert
    assert (mirror.n_useful, mirror.longest_run, mirror.crossings) == (
        original.n_useful,
        original.longest_run,
        original.crossings,
    )
    assert mirror.signal == original.signal
    assert mirror.longest_run_side == swap[original.longest_run_side]


@st.composite
def counts_and_denominators(draw, *, proportion: bool):
    size = draw(st.integers(min_value=1, max_value=40))
    dens = draw(st.lists(st.integers(min_value=1, max_value=5000), min_size=size, max_size=size))
    nums = [draw(st.integers(min_value=0, max_value=d if proportion else 3 * d)) for d in dens]
    missing = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    return [None if m else v for v, m in zip(nums, missing, strict=True)], dens


def _assert_limits_bracket_centre(result: ChartResult) -> None:
    for point in result.points:
        if point.cl is None:
            continue
        if point.lcl is not None:
            assert point.lcl <= point.cl
        if point.ucl is not None:
            assert point.cl <= point.ucl


@given(data=counts_and_denominators(proportion=True), multiply=st.sampled_from([1, 100]))
def test_p_chart_limits_bracket_centre_within_unit_interval(data, multiply):
    # Arrange
    y, n = data

    # Act
    result = chart("p", y, n, multiply=multiply)

    # Assert
    _assert_limits_bracket_centre(result)
    for point in result.points:
        if point.lcl is not None:
            assert point.lcl >= 0 and point.ucl <= multiply


@given(data=counts_and_denominators(proportion=False), multiply=st.sampled_from([1, 1000]))
def test_u_chart_limits_bracket_centre_and_lower_limit_nonnegative(data, multiply):
    # Arrange
    y, n = data

    # Act
    result = chart("u", y, n, multiply=multiply)

    # Assert
    _assert_limits_bracket_centre(result)
    assert all(p.lcl is None or p.lcl >= 0 for p in result.points)


@given(
    y=st.lists(st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6)), max_size=50),
    screen=st.booleans(),
    freeze=st.one_of(st.none(), st.integers(min_value=-2, max_value=60)),
)
def test_i_chart_limits_bracket_centre(y, screen, freeze):
    # Arrange / Act
    result = chart("i", y, freeze=freeze, screen_mr=screen)

    # Assert
    _assert_limits_bracket_centre(result)


any_number = st.one_of(
    st.none(),
    st.floats(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=True, allow_infinity=True).filter(lambda d: not d.is_snan()),
)


@given(
    kind=st.sampled_from(["run", "p", "u", "i"]),
    data=st.data(),
    freeze=st.one_of(st.none(), st.integers(min_value=-5, max_value=80)),
    part=st.one_of(st.none(), st.lists(st.integers(min_value=-5, max_value=80), max_size=5)),
    multiply=st.sampled_from([1, 100, 1000, 0.5]),
    screen=st.booleans(),
)
def test_chart_never_raises_for_arbitrary_lists_with_none(kind, data, freeze, part, multiply, screen):
    # Arrange
    y = data.draw(st.lists(any_number, max_size=40))
    use_n = kind in ("p", "u") or data.draw(st.booleans())
    n = data.draw(st.lists(any_number, min_size=len(y), max_size=len(y))) if use_n else None

    # Act
    result = chart(kind, y, n, freeze=freeze, part=part, multiply=multiply, screen_mr=screen)
    text = describe(result)

    # Assert
    assert len(result.points) == len(y)
    assert len(result.parts) >= 1
    assert text
    assert isinstance(result.signal, bool)
    for point in result.points:
        for value in (point.y, point.cl, point.lcl, point.ucl):
            assert value is None or math.isfinite(value)
