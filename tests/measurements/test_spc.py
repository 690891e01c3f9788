"""Tests for measurements.spc (runs analysis, run charts and every control chart kind).

Reference values come from qicharts2 (Jacob Anhøj) and from the Montgomery
textbook examples that qicharts2's own test suite (tests/testthat/test_montgomery.R)
is built on. Where a qicharts2 example uses random data, the series below is
constructed by hand to reproduce the numbers stated in the text.
`qicharts2_reference.json` holds numbers computed by qicharts2 0.8.1 itself (its
`provenance` says how); no test needs R.
"""

from __future__ import annotations

import dataclasses
import json
import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from measurements.spc import (
    DETERIORATION,
    IMPROVEMENT,
    KINDS,
    ChartResult,
    a3,
    b3,
    b4,
    c4,
    chart,
    chart_direction,
    crossings_limit,
    describe,
    direction_of_signal,
    laney_dispersion,
    longest_run_limit,
    runs_analysis,
    sigma_z_limit,
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
    st.decimals(allow_nan=True, allow_infinity=True),  # sNaN included: float() refuses it
)


@given(
    kind=st.sampled_from(KINDS),
    data=st.data(),
    freeze=st.one_of(st.none(), st.integers(min_value=-5, max_value=80)),
    part=st.one_of(st.none(), st.lists(st.integers(min_value=-5, max_value=80), max_size=5)),
    exclude=st.one_of(st.none(), st.lists(st.integers(min_value=-5, max_value=80), max_size=8)),
    multiply=st.sampled_from([1, 100, 1000, 0.5]),
    screen=st.booleans(),
)
def test_chart_never_raises_for_arbitrary_lists_with_none(kind, data, freeze, part, exclude, multiply, screen):
    # Arrange
    y = data.draw(st.lists(any_number, max_size=40))
    use_n = kind in ("p", "u", "pp", "up", "xbar", "s") or data.draw(st.booleans())
    n = data.draw(st.lists(any_number, min_size=len(y), max_size=len(y))) if use_n else None
    sd = data.draw(st.lists(any_number, min_size=len(y), max_size=len(y))) if kind in ("xbar", "s") else None

    # Act
    result = chart(kind, y, n, sd=sd, freeze=freeze, part=part, exclude=exclude, multiply=multiply, screen_mr=screen)
    text = describe(result)

    # Assert
    assert len(result.points) == len(y)
    assert len(result.parts) >= 1
    assert text
    assert isinstance(result.signal, bool)
    for point in result.points:
        for value in (point.y, point.cl, point.lcl, point.ucl):
            assert value is None or math.isfinite(value)
        assert not (point.excluded and point.sigma_signal)
    for dispersion in result.dispersion:
        assert dispersion.sigma_z is None or dispersion.sigma_z >= 0


# --------------------------------------------------------------------------- #
# Reference values computed by qicharts2 0.8.1 (tests/measurements/qicharts2_reference.json)
# --------------------------------------------------------------------------- #
REFERENCE = json.loads((Path(__file__).parent / "qicharts2_reference.json").read_text(encoding="utf-8"))
REFERENCE_CASES = {case["name"]: case for case in REFERENCE["cases"]}
NEW_KINDS = ("c", "g", "t", "pp", "up", "mr", "xbar", "s")


def _reference_chart(case: dict) -> ChartResult:
    given_input = case["input"]
    return chart(
        case["kind"],
        given_input["y"],
        given_input["n"],
        sd=given_input["sd"],
        freeze=given_input["freeze"],
        part=given_input["part"],
        exclude=given_input["exclude"],
        multiply=given_input["multiply"],
        screen_mr=given_input["screen_mr"],
    )


def _close(got: float | None, expected: float | None, *, rel: float = 1e-9, scale: float = 1.0) -> bool:
    if expected is None or got is None:
        return got is None and expected is None
    return math.isclose(got, expected, rel_tol=rel, abs_tol=1e-12 * scale)


def _mismatches(got: list, expected: list, **kwargs) -> list:
    assert len(got) == len(expected)
    return [(k + 1, g, e) for k, (g, e) in enumerate(zip(got, expected, strict=True)) if not _close(g, e, **kwargs)]


def test_reference_file_covers_every_new_kind_with_freeze_part_and_exclude():
    # Arrange
    cases = REFERENCE["cases"]

    # Act
    by_kind = {kind: [c for c in cases if c["kind"] == kind] for kind in NEW_KINDS}

    # Assert
    assert "1b9487e" in REFERENCE["provenance"]["generator"]
    assert "0.8.1" in REFERENCE["provenance"]["generator"]
    for kind, kind_cases in by_kind.items():
        assert kind_cases, kind
        assert any(c["input"]["exclude"] for c in kind_cases), kind
        assert any(c["input"]["freeze"] or c["input"]["part"] for c in kind_cases), kind
        assert all(c["qic_call"].startswith("qic(") for c in kind_cases)


@pytest.mark.parametrize("name", sorted(REFERENCE_CASES))
def test_chart_matches_qicharts2_reference(name):
    # Arrange
    case = REFERENCE_CASES[name]
    expected = case["expected"]

    # Act
    result = _reference_chart(case)

    # Assert: every point's value, centre and limits to 1e-9 (relative)
    for field in ("y", "cl", "lcl", "ucl"):
        assert _mismatches([getattr(p, field) for p in result.points], expected[field]) == [], field
    assert [p.part for p in result.points] == expected["part"]
    assert [not p.excluded for p in result.points] == expected["include"]
    # qicharts2 also flags excluded points (drawn grey); we never do (documented deviation).
    assert [p.sigma_signal for p in result.points] == [
        signal and include for signal, include in zip(expected["sigma_signal"], expected["include"], strict=True)
    ]
    # and each part's runs analysis (qicharts2 reports NA for longest run and crossings without useful points)
    parts = [
        {
            "n_obs": r.n_obs,
            "n_useful": r.n_useful,
            "longest_run": r.longest_run if r.n_useful else None,
            "longest_run_max": r.longest_run_max,
            "crossings": r.crossings if r.n_useful else None,
            "crossings_min": r.crossings_min,
            "runs_signal": r.signal,
        }
        for r in result.parts
    ]
    assert parts == expected["parts"]


@pytest.mark.parametrize("name", sorted(n for n, c in REFERENCE_CASES.items() if "sigma_z" in c["expected"]))
def test_sigma_z_matches_qicharts2_prime_chart_limits(name):
    # Arrange: sigma_z = half-width of qicharts2's P'/U' limit / half-width of its P/U limit
    case = REFERENCE_CASES[name]

    # Act
    result = _reference_chart(case)

    # Assert
    assert _mismatches([d.sigma_z for d in result.dispersion], case["expected"]["sigma_z"]) == []


# --------------------------------------------------------------------------- #
# Published examples and tables
# --------------------------------------------------------------------------- #
def test_c_chart_reproduces_montgomery_example_7_3_trial_limits():
    # Arrange: Montgomery Example 7.3 (nonconformities in samples of 100 printed circuit boards):
    # c̄ = 19.85, UCL = 33.22, LCL = 6.48; samples 6 and 20 are outside. The book computes the
    # limits from the rounded c̄ (19.85 ± 3·√19.85), hence one unit of the last digit.

    # Act
    result = chart("c", MONTGOMERY_7_3)

    # Assert
    first = result.points[0]
    assert (first.cl, first.ucl, first.lcl) == pytest.approx((19.85, 33.22, 6.48), abs=0.01)
    assert [i + 1 for i, p in enumerate(result.points) if p.sigma_signal] == [6, 20]


def test_c_chart_exclude_reproduces_montgomery_example_7_3_revised_limits():
    # Arrange: Montgomery Example 7.3, revised after samples 6 (inspection error) and 20
    # (temperature control problem) are removed: c̄ = 19.67, UCL = 32.97, LCL = 6.36.

    # Act
    result = chart("c", MONTGOMERY_7_3, exclude=[6, 20])

    # Assert
    first = result.points[0]
    assert (first.cl, first.ucl, first.lcl) == pytest.approx((19.67, 32.97, 6.36), abs=0.005)
    assert [i + 1 for i, p in enumerate(result.points) if p.excluded] == [6, 20]
    assert result.points[5].y == 5 and result.points[19].y == 39  # still returned, with limits
    assert result.points[19].ucl == pytest.approx(32.97, abs=0.005)
    assert result.sigma_signals == 0
    assert result.exclude == (6, 20)
    assert result.last_part.n_obs == 24


def _subgroups(name: str) -> tuple[list, list, list]:
    given_input = REFERENCE_CASES[name]["input"]
    return given_input["y"], given_input["n"], given_input["sd"]


def test_xbar_and_s_charts_reproduce_montgomery_example_6_3_piston_rings():
    # Arrange: Montgomery Example 6.3 (inside diameter of piston rings, 25 samples of n = 5;
    # subgroup means and SDs of Table 6.3): x̿ = 74.001, s̄ = 0.0094, Xbar UCL = 74.014,
    # LCL = 73.988; S chart UCL = 0.0196, LCL = 0. Montgomery computes the limits from the
    # rounded x̿ and s̄, so they are checked to one unit of the last printed digit.
    means, sizes, sds = _subgroups("xbar_montgomery_ex_6_3")

    # Act
    xbar = chart("xbar", means, sizes, sd=sds)
    s = chart("s", means, sizes, sd=sds)

    # Assert
    x0, s0 = xbar.points[0], s.points[0]
    assert x0.cl == pytest.approx(74.001, abs=0.0005)
    assert (x0.ucl, x0.lcl) == pytest.approx((74.014, 73.988), abs=0.001)
    assert s0.cl == pytest.approx(0.0094, abs=0.00005)
    assert s0.ucl == pytest.approx(0.0196, abs=0.00005)
    assert s0.lcl == 0
    assert not xbar.signal and not s.signal


# Montgomery, Appendix Table VI (factors for constructing variables control charts).
MONTGOMERY_TABLE_VI = {
    # n: (c4, A3, B3, B4)
    2: (0.7979, 2.659, 0.0, 3.267),
    3: (0.8862, 1.954, 0.0, 2.568),
    4: (0.9213, 1.628, 0.0, 2.266),
    5: (0.9400, 1.427, 0.0, 2.089),
    6: (0.9515, 1.287, 0.030, 1.970),
    10: (0.9727, 0.975, 0.284, 1.716),
    25: (0.9896, 0.606, 0.565, 1.435),
}


@pytest.mark.parametrize("size", sorted(MONTGOMERY_TABLE_VI))
def test_control_chart_constants_match_montgomery_table_vi(size):
    # Arrange
    expected_c4, expected_a3, expected_b3, expected_b4 = MONTGOMERY_TABLE_VI[size]

    # Act
    constants = (c4(size), a3(size), b3(size), b4(size))

    # Assert
    assert constants[0] == pytest.approx(expected_c4, abs=0.00005)
    assert constants[1:] == pytest.approx((expected_a3, expected_b3, expected_b4), abs=0.0005)


def test_control_chart_constants_undefined_for_subgroups_of_one():
    # Arrange / Act
    constants = [f(1) for f in (c4, a3, b3, b4)] + [c4(0), a3(-3)]

    # Assert
    assert constants == [None] * 6


def test_xbar_and_s_charts_reproduce_montgomery_example_6_4_variable_sample_size():
    # Arrange: Montgomery Example 6.4 (piston rings, samples of 3, 4 or 5): x̿ = 74.001 and the
    # pooled s̄ = [Σ(nᵢ − 1)sᵢ² / Σ(nᵢ − 1)]^½ = 0.0103; limits x̿ ± A3(nᵢ)s̄ and B3(nᵢ)s̄, B4(nᵢ)s̄.
    means, sizes, sds = _subgroups("xbar_montgomery_ex_6_4")

    # Act
    xbar = chart("xbar", means, sizes, sd=sds)
    s = chart("s", means, sizes, sd=sds)

    # Assert
    sbar = s.points[0].cl
    assert xbar.points[0].cl == pytest.approx(74.001, abs=0.0005)
    assert sbar == pytest.approx(0.0103, abs=0.00005)
    assert set(sizes) == {3, 4, 5}
    for size, x, sp in zip(sizes, xbar.points, s.points, strict=True):
        _, table_a3, table_b3, table_b4 = MONTGOMERY_TABLE_VI[size]
        assert (x.ucl - x.cl) / sbar == pytest.approx(table_a3, abs=0.0005)
        assert (x.cl - x.lcl) / sbar == pytest.approx(table_a3, abs=0.0005)
        assert (sp.lcl / sbar, sp.ucl / sbar) == pytest.approx((table_b3, table_b4), abs=0.0005)


def test_mr_chart_reproduces_montgomery_example_6_5():
    # Arrange: Montgomery Example 6.5 (mortgage loan costs, first 20 weeks): MR̄ = 7.79,
    # MR chart UCL = D4·MR̄ = 3.267 × 7.79 = 25.45, LCL = 0.

    # Act
    result = chart("mr", MONTGOMERY_6_5)

    # Assert
    assert result.points[0].y is None
    assert result.points[1].y == abs(MONTGOMERY_6_5[1] - MONTGOMERY_6_5[0])
    point = result.points[1]
    assert point.cl == pytest.approx(7.79, abs=0.005)
    assert point.ucl == pytest.approx(25.45, abs=0.005)
    assert point.lcl == 0
    assert result.sigma_signals == 0


def test_mr_chart_never_signals_from_runs_analysis():
    # Arrange: 20 moving ranges rising steadily: a run far longer than the limit.
    y = [k * (k + 1) / 2 for k in range(21)]

    # Act
    result = chart("mr", y)

    # Assert
    runs = result.last_part
    assert runs.longest_run > runs.longest_run_max
    assert not runs.run_signal and not runs.signal and not result.runs_signal


def test_g_chart_by_hand_uses_mean_for_limits_and_median_for_centre():
    # Arrange: opportunities between events 2, 4, 6, 8, 40: mean 12, median 6,
    # UCL = 12 + 3·√(12·13) = 49.4700, LCL = max(12 − 37.47, 0) = 0.
    y = [2, 4, 6, 8, 40]

    # Act
    result = chart("g", y)

    # Assert
    point = result.points[0]
    assert point.cl == 6
    assert point.ucl == pytest.approx(12 + 3 * math.sqrt(156))
    assert point.ucl == pytest.approx(49.4700, abs=0.00005)
    assert point.lcl == 0
    assert result.sigma_signals == 0


def test_t_chart_by_hand_transforms_and_back_transforms():
    # Arrange: y = t ** 3.6 with t = 1, 2, 3, 2, 1: transformed mean 1.8, moving ranges all 1,
    # σ = 1/1.128; UCL = (1.8 + 3/1.128) ** 3.6, lower limit negative before back-transformation -> 0.
    y = [t**3.6 for t in (1, 2, 3, 2, 1)]

    # Act
    result = chart("t", y)

    # Assert
    point = result.points[0]
    assert point.cl == pytest.approx(1.8**3.6)
    assert point.ucl == pytest.approx((1.8 + 3 / 1.128) ** 3.6)
    assert point.lcl == 0
    assert [p.y for p in result.points] == pytest.approx(y)


def test_p_prime_chart_by_hand_widens_limits_by_sigma_z():
    # Arrange: n = 10000, p̄ = 0.5, σᵢ = 0.005; proportions alternate 0.49/0.51, so z = ∓2,
    # every moving range of z is 4 (none screened): σz = 4/1.128, limits 0.5 ± 3·0.005·σz.
    y, n = [4900, 5100] * 6, [10000] * 12
    sigma_z = 4 / 1.128

    # Act
    prime = chart("pp", y, n)
    plain = chart("p", y, n)

    # Assert
    point = prime.points[0]
    assert point.cl == pytest.approx(0.5)
    assert (point.lcl, point.ucl) == pytest.approx((0.5 - 0.015 * sigma_z, 0.5 + 0.015 * sigma_z))
    assert (plain.points[0].lcl, plain.points[0].ucl) == pytest.approx((0.485, 0.515))
    assert prime.dispersion[0].sigma_z == pytest.approx(sigma_z)
    assert prime.dispersion[0].moving_ranges == 11
    assert plain.overdispersed and prime.overdispersed  # 3.55 > limit(11) ≈ 1.44


def test_u_prime_chart_by_hand_narrows_limits_when_underdispersed():
    # Arrange: n = 100, ū = 1, σᵢ = 0.1; rates 0.98/1.02 give z = ∓0.2, moving ranges 0.4:
    # σz = 0.4/1.128 < 1 -> narrower limits 1 ± 0.3·σz.
    y, n = [98, 102] * 6, [100] * 12
    sigma_z = 0.4 / 1.128

    # Act
    result = chart("up", y, n)

    # Assert
    point = result.points[0]
    assert (point.lcl, point.ucl) == pytest.approx((1 - 0.3 * sigma_z, 1 + 0.3 * sigma_z))
    assert not result.overdispersed


# --------------------------------------------------------------------------- #
# Over-dispersion (Laney's sigma z)
# --------------------------------------------------------------------------- #
def test_sigma_z_limit_values_stated_in_docstring():
    # Arrange / Act
    limits = [sigma_z_limit(m) for m in (8, 9, 11, 23, 35, 10**6)]

    # Assert
    assert limits[0] is None
    assert limits[1:5] == pytest.approx([1.4903, 1.4450, 1.3101, 1.2521], abs=0.00005)
    assert limits[5] == pytest.approx(2 / math.sqrt(math.pi) / 1.128, abs=0.002)  # E[σz] = 1.0003
    assert limits[1:] == sorted(limits[1:], reverse=True)


def test_nhs_accidents_are_overdispersed_and_p_prime_removes_false_signals():
    # Arrange: qicharts2 vignette case 5 (Mohammed et al. 2013, 20 weeks, > 250 000 attendances a week)
    given_input = REFERENCE_CASES["p_nhs_accidents"]["input"]

    # Act
    plain = chart("p", given_input["y"], given_input["n"])
    prime = chart("pp", given_input["y"], given_input["n"])

    # Assert
    dispersion = plain.dispersion[0]
    assert dispersion.sigma_z == pytest.approx(10.640421863496925, rel=1e-9)  # qicharts2, derived
    assert dispersion.moving_ranges == 19
    assert dispersion.limit == pytest.approx(sigma_z_limit(19))
    assert plain.overdispersed and dispersion.overdispersed
    assert plain.sigma_signals == 16
    assert prime.sigma_signals == 0


def test_hospital_infections_are_not_overdispersed():
    # Arrange: qicharts2 hospital_infections, BFH urinary tract infections per risk day (σz = 1.04)
    given_input = REFERENCE_CASES["up_hospital_infections_bfh_uti"]["input"]

    # Act
    result = chart("u", given_input["y"], given_input["n"])

    # Assert
    assert result.dispersion[0].sigma_z == pytest.approx(1.0411526032859109, rel=1e-9)
    assert not result.overdispersed


def test_overdispersion_rule_rarely_flags_binomial_data_and_flags_overdispersed_data():
    # Arrange: 24 months of about 200-2000 patients; seeded so the outcome is fixed.
    import random

    rng = random.Random(20261129)

    def series(spread: float) -> tuple[list[int], list[int]]:
        n = [rng.randint(200, 2000) for _ in range(24)]
        p = [min(max(rng.gauss(0.2, spread), 0.01), 0.99) for _ in n]
        return [round(rng.gauss(k * q, math.sqrt(k * q * (1 - q)))) for k, q in zip(n, p, strict=True)], n

    # Act
    null_rate = sum(chart("p", *series(0.0)).overdispersed for _ in range(600)) / 600
    over_rate = sum(chart("p", *series(0.04)).overdispersed for _ in range(100)) / 100

    # Assert: nominal 5 % (5.3-6.2 % by simulation of the normal approximation)
    assert 0.02 <= null_rate <= 0.10
    assert over_rate >= 0.9


def test_dispersion_only_for_p_and_u_kinds():
    # Arrange
    y, n = [3, 5, 4, 6, 2, 5, 4, 3, 6, 5], [50] * 10

    # Act
    kinds_with_dispersion = [kind for kind in ("run", "i", "c", "g", "t", "mr") if chart(kind, y, n).dispersion]
    attribute = {kind: chart(kind, y, n).dispersion for kind in ("p", "u", "pp", "up")}

    # Assert
    assert kinds_with_dispersion == []
    assert all(len(d) == 1 and d[0].sigma_z is not None for d in attribute.values())
    assert not chart("i", y).overdispersed


def test_laney_dispersion_equals_chart_dispersion_and_rejects_other_kinds():
    # Arrange
    given_input = REFERENCE_CASES["up_cdi_part"]["input"]

    # Act
    standalone = laney_dispersion("u", given_input["y"], given_input["n"], exclude=[20])
    from_chart = chart("up", given_input["y"], given_input["n"], exclude=[20]).dispersion[0]

    # Assert
    assert standalone == from_chart
    with pytest.raises(ValueError, match="P and U"):
        laney_dispersion("i", given_input["y"], given_input["n"])


# --------------------------------------------------------------------------- #
# Values a kind cannot use are missing, never errors
# --------------------------------------------------------------------------- #
def test_t_chart_treats_non_positive_times_as_missing():
    # Arrange: qicharts2 stops with "Time between events must be greater than zero"
    y = [10, 0, -3, 20, None, float("nan"), 15]

    # Act
    result = chart("t", y)

    # Assert
    assert [p.y for p in result.points] == [10, None, None, 20, None, None, 15]
    expected_cl = ((10 ** (1 / 3.6) + 20 ** (1 / 3.6) + 15 ** (1 / 3.6)) / 3) ** 3.6
    assert all(p.cl == pytest.approx(expected_cl) for p in result.points)
    assert result.last_part.n_useful == 3


@pytest.mark.parametrize("kind", ["c", "g"])
def test_c_and_g_charts_treat_negative_counts_as_missing_and_ignore_n(kind):
    # Arrange
    y, n = [4, -1, 6, "many", 11], [0, 1, None, 1, 1]

    # Act
    result = chart(kind, y, n)

    # Assert
    assert [p.y for p in result.points] == [4, None, 6, None, 11]
    assert result.points[0].cl == (7 if kind == "c" else 6)  # mean (C) and median (G) of 4, 6, 11


def test_p_chart_treats_impossible_proportions_as_missing():
    # Arrange: 12 of 10 and -1 of 10 cannot be proportions
    y, n = [1, 12, -1, 3], [10, 10, 10, 10]

    # Act
    result = chart("pp", y, n)

    # Assert
    assert [p.y for p in result.points] == [0.1, None, None, 0.3]
    assert result.points[0].cl == pytest.approx(0.2)


def test_u_chart_treats_negative_counts_and_non_positive_exposure_as_missing():
    # Arrange
    y, n = [2, -2, 3, 4], [100, 100, 0, 100]

    # Act
    result = chart("up", y, n)

    # Assert
    assert [p.y for p in result.points] == [0.02, None, None, 0.04]
    assert result.points[0].cl == pytest.approx(0.03)


def test_xbar_and_s_charts_treat_unusable_subgroups_as_missing():
    # Arrange: sizes 0, 2.5 and None are no subgroups; a negative SD is unusable; a subgroup of
    # one has a mean but no SD (its SD is ignored) and no limits.
    means = [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0]
    sizes = [4, 0, 2.5, None, 4, 1, 4]
    sds = [1.0, 1.0, 1.0, 1.0, -1.0, 9.0, 2.0]

    # Act
    xbar = chart("xbar", means, sizes, sd=sds)
    s = chart("s", means, sizes, sd=sds)

    # Assert: sizes 4 and 1 differ, so s̄ is pooled over the two usable SDs: √((3·1 + 3·4)/6)
    assert [p.y for p in xbar.points] == [10.0, None, None, None, 14.0, 15.0, 16.0]
    assert [p.y for p in s.points] == [1.0, None, None, None, None, None, 2.0]
    assert xbar.points[0].cl == pytest.approx((4 * 10 + 4 * 14 + 15 + 4 * 16) / 13)
    assert s.points[0].cl == pytest.approx(math.sqrt(15 / 6))
    assert (xbar.points[5].lcl, xbar.points[5].ucl) == (None, None)
    assert (s.points[4].lcl, s.points[4].ucl) == pytest.approx((0.0, b4(4) * math.sqrt(15 / 6)))


def test_xbar_and_s_charts_need_sizes_and_sds():
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="subgroup sizes"):
        chart("xbar", [1.0, 2.0])
    with pytest.raises(ValueError, match="standard deviations"):
        chart("s", [1.0, 2.0], [5, 5])
    with pytest.raises(ValueError, match="same length"):
        chart("s", [1.0, 2.0], [5, 5], sd=[1.0])


def test_prime_charts_without_denominator_raise():
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="denominator"):
        chart("pp", [1, 2, 3])


# --------------------------------------------------------------------------- #
# exclude
# --------------------------------------------------------------------------- #
def test_exclude_marks_points_and_ignores_indices_outside_the_series():
    # Arrange
    y = [10, 11, 10, 60, 11, 10, 11, 10, 11, 10]

    # Act
    result = chart("i", y, exclude=[4, 0, -1, 11, 4])

    # Assert
    assert result.exclude == (4,)
    assert [p.excluded for p in result.points] == [False] * 3 + [True] + [False] * 6
    assert result.points[3].y == 60 and not result.points[3].sigma_signal
    assert result.points[3].ucl == result.points[0].ucl
    assert result.points[0].cl == pytest.approx(94 / 9)
    assert result.last_part.n_obs == 9
    assert result.points[3].baseline  # in the period the limits come from, but not used


def test_exclude_with_freeze_leaves_the_baseline_point_out():
    # Arrange
    y = [1, 2, 100, 3, 4, 50, 60]

    # Act
    result = chart("c", y, freeze=5, exclude=[3])

    # Assert
    assert result.points[0].cl == pytest.approx(2.5)
    assert [p.baseline for p in result.points] == [True] * 5 + [False] * 2
    assert [i + 1 for i, p in enumerate(result.points) if p.sigma_signal] == [6, 7]


# --------------------------------------------------------------------------- #
# Properties of the control chart kinds
# --------------------------------------------------------------------------- #
small_int = st.integers(min_value=-1000, max_value=1000)
count = st.integers(min_value=0, max_value=500)


@st.composite
def series_for(draw, kind: str, *, allow_missing: bool = True, min_size: int = 0):
    """(y, n, sd) valid for ``kind``, with some missing periods."""
    size = draw(st.integers(min_value=min_size, max_value=30))
    missing = draw(st.lists(st.booleans(), min_size=size, max_size=size)) if allow_missing else [False] * size
    n = sd = None
    if kind in ("run", "i", "mr"):
        y = draw(st.lists(small_int, min_size=size, max_size=size))
    elif kind in ("c", "g"):
        y = draw(st.lists(count, min_size=size, max_size=size))
    elif kind == "t":
        y = draw(st.lists(st.integers(min_value=1, max_value=10**5), min_size=size, max_size=size))
    elif kind in ("p", "pp", "u", "up"):
        n = draw(st.lists(st.integers(min_value=1, max_value=5000), min_size=size, max_size=size))
        top = 1 if kind in ("p", "pp") else 3
        y = [draw(st.integers(min_value=0, max_value=top * k)) for k in n]
    else:
        y = draw(st.lists(st.floats(min_value=-1000, max_value=1000), min_size=size, max_size=size))
        n = draw(st.lists(st.sampled_from([1, 2, 3, 5, 8]), min_size=size, max_size=size))
        sd = draw(st.lists(st.floats(min_value=0, max_value=100), min_size=size, max_size=size))
    y = [None if m else v for v, m in zip(y, missing, strict=True)]
    return y, n, sd


def _centre_lines(result: ChartResult, skip: int | None = None) -> list[tuple]:
    return [(p.cl, p.lcl, p.ucl) for k, p in enumerate(result.points) if k != skip]


def _assert_lines_close(got: list[tuple], expected: list[tuple], *, scale: float = 1.0) -> None:
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        for a, b in zip(g, e, strict=True):
            assert _close(a, b, rel=1e-9, scale=scale), (got, expected)


@given(data=st.data(), kind=st.sampled_from(KINDS))
def test_limits_bracket_centre_for_every_kind(data, kind):
    # Arrange
    y, n, sd = data.draw(series_for(kind))
    exclude = data.draw(st.lists(st.integers(min_value=1, max_value=31), max_size=3))

    # Act
    result = chart(kind, y, n, sd=sd, exclude=exclude)

    # Assert
    _assert_limits_bracket_centre(result)
    if kind in ("p", "pp"):
        assert all(p.ucl is None or p.ucl <= 1 for p in result.points)
    if kind not in ("run", "i", "xbar"):  # limits of counts, rates, times and spreads are never negative
        assert all(p.lcl is None or p.lcl >= 0 for p in result.points)


@given(data=st.data(), kind=st.sampled_from([k for k in KINDS if k != "mr"]))
def test_exclude_equals_removing_the_point_from_centre_and_limits(data, kind):
    # Arrange
    y, n, sd = data.draw(series_for(kind, allow_missing=kind not in ("xbar", "s"), min_size=1))
    k = data.draw(st.integers(min_value=0, max_value=len(y) - 1))
    if kind in ("xbar", "s"):  # same-size test looks at every subgroup, excluded ones too (as qicharts2)
        assume(set(n[:k] + n[k + 1 :]) == set(n))

    def without(values):
        return None if values is None else values[:k] + values[k + 1 :]

    # Act
    excluded = chart(kind, y, n, sd=sd, exclude=[k + 1])
    removed = chart(kind, without(y), without(n), sd=without(sd))

    # Assert
    _assert_lines_close(_centre_lines(excluded, skip=k), _centre_lines(removed))
    assert excluded.parts == removed.parts
    assert [d.sigma_z for d in excluded.dispersion] == pytest.approx([d.sigma_z for d in removed.dispersion])


@given(y=st.lists(st.one_of(st.none(), small_int), min_size=2, max_size=30), data=st.data())
def test_mr_exclude_leaves_out_that_moving_range_only(y, data):
    # Arrange
    k = data.draw(st.integers(min_value=1, max_value=len(y) - 1))
    plain = chart("mr", y)
    kept = [p.y for i, p in enumerate(plain.points) if i != k and p.y is not None]

    # Act
    result = chart("mr", y, exclude=[k + 1])

    # Assert
    assert [p.y for p in result.points] == [p.y for p in plain.points]
    if kept:
        assert result.points[0].cl == pytest.approx(sum(kept) / len(kept))
        assert result.points[0].ucl == pytest.approx(3.267 * sum(kept) / len(kept))
    else:
        assert result.points[0].cl is None


@given(
    data=st.data(), kind=st.sampled_from(["run", "i", "mr", "t", "xbar", "s"]), factor=st.sampled_from([2, 1024, 3.7])
)
def test_centre_and_limits_scale_with_the_data(data, kind, factor):
    # Arrange: a change of unit (e.g. minutes -> hours) scales everything (T: y ** (1/3.6) scales too)
    y, n, sd = data.draw(series_for(kind))
    scaled_y = [None if v is None else v * factor for v in y]
    scaled_sd = None if sd is None else [v * factor for v in sd]

    # Act
    original = chart(kind, y, n, sd=sd)
    scaled = chart(kind, scaled_y, n, sd=scaled_sd)

    # Assert
    expected = [tuple(None if v is None else v * factor for v in line) for line in _centre_lines(original)]
    _assert_lines_close(_centre_lines(scaled), expected, scale=1000 * factor)
    if factor != 3.7 and kind != "t":  # exact in binary floating point, so the runs analysis is identical
        assert [dataclasses.replace(r, centre=None) for r in scaled.parts] == [
            dataclasses.replace(r, centre=None) for r in original.parts
        ]


@given(data=st.data(), kind=st.sampled_from(["run", "i", "mr", "xbar", "s"]), shift=small_int)
def test_centre_and_limits_shift_with_the_data(data, kind, shift):
    # Arrange: I, run and Xbar move with a shift of the data; MR and S do not change at all
    y, n, sd = data.draw(series_for(kind))
    shifted = [None if v is None else v + shift for v in y]
    moves = kind in ("run", "i", "xbar")

    # Act
    original = chart(kind, y, n, sd=sd)
    moved = chart(kind, shifted, n, sd=sd)

    # Assert
    expected = [
        tuple(None if v is None else v + (shift if moves else 0) for v in line) for line in _centre_lines(original)
    ]
    _assert_lines_close(_centre_lines(moved), expected, scale=10**6)


@given(data=st.data(), kind=st.sampled_from(["u", "up"]), unit=st.sampled_from([10, 1000, 0.5]))
def test_u_charts_follow_the_unit_of_exposure(data, kind, unit):
    # Arrange: exposure in thousands of days instead of days -> rates, centre and limits × 1000
    y, n, _ = data.draw(series_for(kind))
    scaled_n = [k / unit for k in n]

    # Act
    original = chart(kind, y, n)
    rescaled = chart(kind, y, scaled_n)

    # Assert
    expected = [tuple(None if v is None else v * unit for v in line) for line in _centre_lines(original)]
    _assert_lines_close(_centre_lines(rescaled), expected, scale=unit)
    assert [d.sigma_z for d in rescaled.dispersion] == pytest.approx([d.sigma_z for d in original.dispersion])


@given(data=st.data(), kind=st.sampled_from(["p", "pp"]))
def test_p_charts_mirror_when_counting_the_complement(data, kind):
    # Arrange: counting "did not" instead of "did": p -> 1 − p, limits swap sides
    y, n, _ = data.draw(series_for(kind))
    complement = [None if v is None else k - v for v, k in zip(y, n, strict=True)]

    # Act
    original = chart(kind, y, n)
    mirrored = chart(kind, complement, n)

    # Assert
    expected = [
        (None if cl is None else 1 - cl, None if ucl is None else 1 - ucl, None if lcl is None else 1 - lcl)
        for cl, lcl, ucl in _centre_lines(original)
    ]
    got = _centre_lines(mirrored)
    for g, e in zip(got, expected, strict=True):
        assert all((a is None and b is None) or a == pytest.approx(b, abs=1e-9) for a, b in zip(g, e, strict=True))


@given(data=st.data(), kind=st.sampled_from(["c", "g", "p", "u"]))
def test_centre_and_limits_of_counts_do_not_depend_on_order(data, kind):
    # Arrange
    y, n, _ = data.draw(series_for(kind, allow_missing=False, min_size=1))
    order = data.draw(st.permutations(range(len(y))))

    # Act
    original = chart(kind, y, n)
    shuffled = chart(kind, [y[i] for i in order], None if n is None else [n[i] for i in order])

    # Assert
    assert shuffled.points[0].cl == pytest.approx(original.points[0].cl)
    for new_index, old_index in enumerate(order):
        new, old = shuffled.points[new_index], original.points[old_index]
        assert (new.lcl, new.ucl) == pytest.approx((old.lcl, old.ucl))
