"""Statistical process control (SPC) for run charts and Shewhart control charts.

Pure-Python (stdlib only) re-implementation of the conventions of the R package
qicharts2 0.8.1 by Jacob Anhøj (commit 1b9487e: ``runs.analysis``, ``qic.run``,
``qic.i``, ``qic.mr``, ``qic.c``, ``qic.u``, ``qic.up``, ``qic.p``, ``qic.pp``,
``qic.g``, ``qic.t``, ``qic.xbar``, ``qic.s`` and the ``freeze``/``part``/``exclude``
handling in ``qic``), as used after ``library(qicharts2)``, which switches
moving-range screening on (``options(qic.screenedmr = TRUE)``). Pages, exports
and reports in Vælg Klogt all share this one implementation.

Runs analysis (the Anhøj rules)
    Points exactly on the centre line, missing values and excluded points are
    dropped. The remaining *useful* points are classified as over or under the
    centre line.

    * Unusually long run: ``longest_run > round(log2(n_useful)) + 3``
      (Schilling 2012).
    * Unusually few crossings: ``crossings < qbinom(0.05, n_useful - 1, 0.5)``
      (Chen 2010), i.e. the smallest ``x`` with ``P(X <= x) >= 0.05`` for
      ``X ~ Binomial(n_useful - 1, 1/2)``, computed exactly with integers.

Chart kinds (``y``, ``n`` and ``sd`` are one value per period; σ = standard deviation)
    * ``"run"``: centre = median, no limits. ``y / n`` is plotted when ``n`` is given.
    * ``"i"``: individuals (``y`` or ``y / n``). Centre = mean, σ = mean moving
      range / 1.128. With ``screen_mr`` the moving ranges ≥ 3.267 × their mean are
      excluded once and the mean moving range recomputed (Nelson 1982).
    * ``"mr"``: moving ranges ``|xᵢ − xᵢ₋₁|`` of ``y`` (or ``y / n``) within each part
      (the first point of a part has none). Centre = mean moving range,
      LCL = 0, UCL = 3.267 × centre; never screened. The runs analysis is
      reported but never signals (consecutive moving ranges are correlated).
    * ``"c"``: ``y`` = counts. Centre c̄ = mean, limits c̄ ± 3√c̄, LCL floored at 0.
    * ``"u"``: ``y`` = counts, ``n`` = exposure. ū = Σy/Σn, limits ū ± 3√(ū/nᵢ),
      LCL floored at 0.
    * ``"p"``: ``y`` = numerators, ``n`` = denominators. p̄ = Σy/Σn, limits
      p̄ ± 3√(p̄(1−p̄)/nᵢ) clipped to [0, 1].
    * ``"up"``/``"pp"`` (Laney's U′ and P′): as U and P, with σᵢ multiplied by
      Laney's σz. zᵢ = (yᵢ/nᵢ − centre)/σᵢ over the baseline points; σz = mean
      moving range of the zᵢ / 1.128, screened as for the I chart when
      ``screen_mr`` (Laney 2002; qicharts2 ``qic.pp``/``qic.up``).
    * ``"g"``: ``y`` = opportunities (e.g. operations, patients) between events.
      Limits from the mean x̄: x̄ + 3√(x̄(x̄ + 1)) and 0 (Montgomery; Benneyan
      2001); the centre line drawn and used by the runs analysis is the median.
    * ``"t"``: ``y`` = time between events. An I chart of ``y ** (1/3.6)``
      (Montgomery's Weibull transformation); centre and limits are transformed
      back with ``** 3.6`` and a negative lower limit becomes 0.
    * ``"xbar"``/``"s"``: ``y`` = subgroup means, ``n`` = subgroup sizes, ``sd`` =
      subgroup standard deviations (monthly aggregates, never raw values).
      Centre of Xbar: x̿ = Σnᵢx̄ᵢ / Σnᵢ. The standard deviation s̄ is the mean
      of the sᵢ when all subgroups of the part have the same size, otherwise
      the pooled √(Σ(nᵢ−1)sᵢ² / Σ(nᵢ−1)) (Montgomery eq. 6.29/6.31, as
      qicharts2). Xbar limits x̿ ± A3(nᵢ)·s̄; S centre s̄, limits B3(nᵢ)·s̄ and
      B4(nᵢ)·s̄, with c4(n) = √(2/(n−1))·Γ(n/2)/Γ((n−1)/2), A3 = 3/(c4√n),
      B3/B4 = 1 ∓ 3√(1−c4²)/c4 (B3 floored at 0). A subgroup of size 1 is
      plotted on the Xbar chart and counts in x̿, but has no SD and no limits.

Values a kind cannot use are missing, never an error
    ``chart`` does not raise on data: a value that is ``None``, NaN, ±inf or not a
    number the kind can use makes the point missing (``y = None``, drawn as a
    gap, skipped by the runs analysis). Missing are: a denominator ``n <= 0``
    (all kinds that use ``n``); a negative numerator (P, P′, U, U′) or one
    larger than its denominator (P, P′); a negative count (C) or number of
    opportunities (G); a time between events ``<= 0`` (T); for Xbar/S a
    subgroup without a mean or whose size is not a whole number ≥ 1, and (for
    S, and for s̄) an SD that is negative or belongs to a subgroup of size 1.
    ``n`` is ignored by C, G and T. Only misuse of the function raises
    ``ValueError`` (unknown kind, missing ``n``/``sd`` argument, lengths that
    differ, non-positive ``multiply``).

freeze, part, exclude
    ``freeze=k``: centre and limits come from the first ``k`` points; the runs
    analysis covers all points against that centre. ``part=[k, ...]``: a new part
    starts after point ``k``; each part has its own centre, limits and runs
    analysis; a non-empty ``part`` overrides ``freeze``. ``exclude=[k, ...]``:
    points left out of the centre, the limits (σ, σz, s̄ included) and the runs
    analysis, but still returned with their limits: the centre and limits are
    those of the series with the point removed (for moving-range based σ its
    neighbours become adjacent). Two exceptions, as in qicharts2: on an MR chart
    point k is the moving range |x_k − x_k−1|, so only that range is left out;
    and whether all Xbar/S subgroups of a part have the same size is judged over
    the whole part, excluded points included. All indices are 1-based, as in
    qicharts2; indices outside the series are ignored.

Over-dispersion of P and U charts (when to suggest P′/U′)
    For P, U, P′ and U′ charts every part carries a :class:`Dispersion` with
    Laney's σz (Laney 2002; Mohammed & Laney 2006): the spread of the points
    measured by moving ranges, in units of the binomial (P) or Poisson (U)
    standard error. Without over-dispersion σz is about 1 ("a Sigma Z value of 1
    indicates that no adjustment is necessary", Minitab's Laney P′ chart
    documentation). *Rule*: a part is over-dispersed, and a page may say
    "consider a P′/U′ chart", when σz exceeds its one-sided 95 % upper limit
    under the null hypothesis of no extra variation (the significance level
    Minitab's P/U chart diagnostic uses for the same question):

        limit(m) = (E + 1.645 · √V(m)) / 1.128,  E = 2/√π,
        V(m) = (m·(2 − 4/π) + 2(m − 1)·c) / m²,  c = (4/π)(√3/2 + π/12 − 1),

    the exact mean and variance of the mean of ``m`` moving ranges of
    independent standard normal z-scores (neighbouring ranges correlate with
    ρ = −1/2), with ``m`` the number of moving ranges of z before screening.
    E.g. limit(11) ≈ 1.44, limit(23) ≈ 1.31, limit(35) ≈ 1.25. The normal
    approximation of this slightly right-skewed statistic flags 5.3–6.2 % of
    series of 10–36 independent normal z-scores (simulation, 20 000 series
    each); screening can only lower σz. With fewer than
    ``MIN_USEFUL_POINTS - 1`` moving ranges there is no verdict (``limit`` is
    ``None``). qicharts2 itself recommends prime charts when subgroups are large
    (> 1000) and computes σz only inside ``qic.pp``/``qic.up``.

Differences from qicharts2 (deliberate)
    * Invalid values are missing (see above) where qicharts2 stops (T chart with
      y ≤ 0) or computes NaN/Inf or meaningless numbers (zero denominators,
      proportions above 1, negative counts).
    * Excluded points never have ``sigma_signal`` set (they are marked
      ``excluded``); qicharts2 sets ``sigma.signal`` for them too, counts them in
      its summary, but draws them grey.
    * Xbar/S work on aggregates: a missing subgroup is simply absent. qicharts2,
      given a subgroup row whose values are all NA, counts its (n − 1) = −1 in
      Σ(nᵢ−1) and, through its size 0, switches to the variable-size formula.
      Subgroup sizes must be whole numbers. An SD may be missing for a subgroup
      with a mean (impossible with raw data): it then counts in x̿ but not in s̄.
    * When every moving range is 0, σ (or σz) is 0 and the limits equal the centre;
      qicharts2's screening then divides 0 by 0 and draws no limits.
    * When limits cannot be computed (e.g. a T chart of one point) both are
      ``None``; qicharts2's T chart would still show a lower limit of 0.
    * T charts return ``y`` as given; qicharts2 returns ``(y ** (1/3.6)) ** 3.6``
      (equal to about 1e-15, relative).
    * C, G and T ignore ``n``; P′/U′ always use moving ranges in time order
      (qicharts2 uses the SD of z for categorical x, i.e. funnel plots).
    * No ``cl`` (fixed centre), ``agg.fun``, facets or best-box/cut-box runs rules.
    * ``multiply`` must be positive; centre, limits, sigma signals and the runs
      analysis are computed on the unmultiplied values and ``multiply`` is
      applied last (as in qicharts2).
    * Non-finite limits are reported as ``None`` (qicharts2 reports ``NA``).
    * For n_useful == 0 the limits are ``None`` and ``longest_run``/``crossings``
      are 0 (qicharts2 reports ``NA``); there is never a signal.

References: Montgomery, Introduction to Statistical Quality Control (6th ed.,
2009, as qicharts2); Laney DB (2002) Improved control charts for attributes,
Quality Engineering 14(4):531–537; Mohammed MA, Laney D (2006) Overdispersion in
health care performance data: Laney's approach, Qual Saf Health Care 15:383–384;
Benneyan JC (2001) Number-between g-type statistical quality control charts for
monitoring adverse events, Health Care Manag Sci 4:305–318; Nelson LS (1982)
Control charts for individual measurements, J Qual Technol 14(3):172–173.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

__all__ = [
    "DETERIORATION",
    "IMPROVEMENT",
    "KINDS",
    "MIN_USEFUL_POINTS",
    "SIDE_OVER",
    "SIDE_UNDER",
    "ChartPoint",
    "ChartResult",
    "Dispersion",
    "RunsResult",
    "a3",
    "b3",
    "b4",
    "c4",
    "chart",
    "chart_direction",
    "crossings_limit",
    "describe",
    "direction_of_signal",
    "laney_dispersion",
    "longest_run_limit",
    "runs_analysis",
    "sigma_z_limit",
]

Side = Literal["over", "under"]
Direction = Literal["improvement", "deterioration"]
Kind = Literal["run", "p", "u", "i", "c", "g", "t", "pp", "up", "mr", "xbar", "s"]

SIDE_OVER: Side = "over"
SIDE_UNDER: Side = "under"
IMPROVEMENT: Direction = "improvement"
DETERIORATION: Direction = "deterioration"
KINDS: tuple[str, ...] = ("run", "p", "u", "i", "c", "g", "t", "pp", "up", "mr", "xbar", "s")

#: Kinds whose ``y`` needs a denominator or subgroup size ``n``.
_NEEDS_N = frozenset({"p", "u", "pp", "up", "xbar", "s"})
#: Kinds whose ``n`` is ignored.
_IGNORES_N = frozenset({"c", "g", "t"})
#: Kinds with a Laney σz per part.
_DISPERSION_KINDS = frozenset({"p", "u", "pp", "up"})

#: Fewer useful points than this and :func:`describe` says the data are too few.
#: qicharts2 applies the rules for any n, but Anhøj's validation covers n >= 10
#: ("can be applied to charts with as few as 10 ... data points").
MIN_USEFUL_POINTS = 10

#: d2 constant for moving ranges of two observations.
D2 = 1.128
#: D4 constant: upper limit of moving ranges relative to their mean.
D4 = 3.267
#: Probability for the lower prediction limit of the number of crossings.
CROSSINGS_ALPHA = 0.05
#: Exponent of the T chart's transformation ``y ** (1 / T_EXPONENT)`` (Montgomery).
T_EXPONENT = 3.6
#: One-sided 95 % standard normal quantile for :func:`sigma_z_limit`.
Z_95 = 1.6448536269514722

Number = float | int


# --------------------------------------------------------------------------- #
# Critical values
# --------------------------------------------------------------------------- #
def longest_run_limit(n_useful: int) -> int | None:
    """Upper prediction limit for the longest run: ``round(log2(n)) + 3``.

    Returns ``None`` when ``n_useful < 1``. (``round`` is round-half-even like R's,
    and ``log2`` of an integer is never exactly x.5, so both agree.)
    """
    if n_useful < 1:
        return None
    return round(math.log2(n_useful)) + 3


@lru_cache(maxsize=512)
def crossings_limit(n_useful: int) -> int | None:
    """Lower prediction limit for the number of crossings, ``qbinom(0.05, n - 1, 0.5)``.

    Exact: the smallest ``x`` with ``P(X <= x) >= 0.05`` for ``X ~ Bin(n - 1, 1/2)``.
    ``P(X <= x) >= 1/20`` is checked as ``20 * Σ C(m, k) >= 2**m`` in integers.
    Returns ``None`` when ``n_useful < 1``.
    """
    if n_useful < 1:
        return None
    trials = n_useful - 1
    total = 2**trials
    cumulative = 0
    for x in range(trials + 1):
        cumulative += math.comb(trials, x)
        if 20 * cumulative >= total:
            return x
    return trials  # pragma: no cover - the loop always returns


# --------------------------------------------------------------------------- #
# Runs analysis
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, slots=True)
class RunsResult:
    """Result of the Anhøj runs analysis of one series (or one chart part).

    ``longest_run_side`` is ``"over"``/``"under"`` for the side of the longest run, or
    ``None`` when there are no useful points or the longest runs on both sides tie.
    """

    n_obs: int
    n_useful: int
    longest_run: int
    longest_run_max: int | None
    crossings: int
    crossings_min: int | None
    longest_run_side: Side | None
    run_signal: bool
    crossing_signal: bool
    signal: bool
    centre: float | None


def runs_analysis(values: Iterable[Number | None], centre: Number | None) -> RunsResult:
    """Anhøj runs analysis of ``values`` around ``centre``.

    Missing values (``None``/NaN/inf) and values exactly equal to ``centre`` are
    dropped before runs and crossings are counted. With ``centre=None`` no point is
    useful. For ``n_useful == 0`` the limits are ``None`` and there is no signal; for
    ``n_useful == 1`` the limits are 3 and 0 (as in qicharts2) and there is no signal.
    """
    clean = [_as_float(v) for v in values]
    c = _as_float(centre)
    sides: list[int] = []
    if c is not None:
        sides = [1 if v > c else -1 for v in clean if v is not None and v != c]

    lengths: list[tuple[int, int]] = []  # (side, run length)
    for side in sides:
        if lengths and lengths[-1][0] == side:
            lengths[-1] = (side, lengths[-1][1] + 1)
        else:
            lengths.append((side, 1))

    n_useful = len(sides)
    if n_useful == 0:
        return RunsResult(
            n_obs=len(clean),
            n_useful=0,
            longest_run=0,
            longest_run_max=None,
            crossings=0,
            crossings_min=None,
            longest_run_side=None,
            run_signal=False,
            crossing_signal=False,
            signal=False,
            centre=c,
        )

    longest = max(length for _, length in lengths)
    longest_sides = {side for side, length in lengths if length == longest}
    longest_side: Side | None = None
    if longest_sides == {1}:
        longest_side = SIDE_OVER
    elif longest_sides == {-1}:
        longest_side = SIDE_UNDER

    crossings = len(lengths) - 1
    run_max = longest_run_limit(n_useful)
    cross_min = crossings_limit(n_useful)
    assert run_max is not None and cross_min is not None
    run_signal = longest > run_max
    crossing_signal = crossings < cross_min
    return RunsResult(
        n_obs=len(clean),
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=run_max,
        crossings=crossings,
        crossings_min=cross_min,
        longest_run_side=longest_side,
        run_signal=run_signal,
        crossing_signal=crossing_signal,
        signal=run_signal or crossing_signal,
        centre=c,
    )


# --------------------------------------------------------------------------- #
# Control chart constants
# --------------------------------------------------------------------------- #
def c4(n: Number) -> float | None:
    """c4(n) = √(2/(n−1))·Γ(n/2)/Γ((n−1)/2), ``None`` for ``n <= 1`` (E[s] = c4·σ)."""
    if not n > 1:
        return None
    return _finite_or_none(math.sqrt(2 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2)))


def a3(n: Number) -> float | None:
    """A3(n) = 3/(c4(n)·√n): Xbar limits are x̿ ± A3·s̄. ``None`` for ``n <= 1``."""
    c = c4(n)
    return None if not c else _finite_or_none(3 / (c * math.sqrt(n)))


def b3(n: Number) -> float | None:
    """B3(n) = max(0, 1 − 3√(1−c4²)/c4): lower S-chart limit factor. ``None`` for ``n <= 1``."""
    c = c4(n)
    return None if not c else max(0.0, 1 - 3 * math.sqrt(max(1 - c * c, 0.0)) / c)


def b4(n: Number) -> float | None:
    """B4(n) = 1 + 3√(1−c4²)/c4: upper S-chart limit factor. ``None`` for ``n <= 1``."""
    c = c4(n)
    return None if not c else _finite_or_none(1 + 3 * math.sqrt(max(1 - c * c, 0.0)) / c)


# --------------------------------------------------------------------------- #
# Over-dispersion (Laney's sigma z)
# --------------------------------------------------------------------------- #
#: Covariance of neighbouring moving ranges |z₂−z₁|, |z₃−z₂| of standard normal z.
_MR_COVARIANCE = 4 / math.pi * (math.sqrt(3) / 2 + math.pi / 12 - 1)
#: Variance of one moving range of standard normal z.
_MR_VARIANCE = 2 - 4 / math.pi
#: Mean of one moving range of standard normal z (the exact d2 = 2/√π).
_MR_MEAN = 2 / math.sqrt(math.pi)


def sigma_z_limit(moving_ranges: int) -> float | None:
    """Upper one-sided 95 % limit of σz without over-dispersion (see the module docstring).

    ``moving_ranges`` is the number of moving ranges of z-scores σz was computed
    from (before screening). ``None`` (no verdict) below ``MIN_USEFUL_POINTS - 1``.
    """
    m = int(moving_ranges)
    if m < MIN_USEFUL_POINTS - 1:
        return None
    variance = (m * _MR_VARIANCE + 2 * (m - 1) * _MR_COVARIANCE) / (m * m)
    return (_MR_MEAN + Z_95 * math.sqrt(variance)) / D2


@dataclass(frozen=True, slots=True)
class Dispersion:
    """Laney's σz for one part of a P, U, P′ or U′ chart.

    ``sigma_z`` is ``None`` when it cannot be computed (fewer than two adjacent
    baseline points, or a centre of 0 — or 1 for P). ``moving_ranges`` counts the
    moving ranges of z before screening; ``limit`` is :func:`sigma_z_limit` of it.
    ``overdispersed`` is ``True`` when ``sigma_z > limit``: a page may then suggest
    a P′/U′ chart ("overdispersed: consider P′/U′").
    """

    sigma_z: float | None
    moving_ranges: int
    limit: float | None
    overdispersed: bool


def _dispersion(z_scores: list[float | None], *, screen_mr: bool) -> Dispersion:
    ranges = _moving_ranges(z_scores)
    sigma_z = _mr_sigma(ranges, screen=screen_mr)
    limit = sigma_z_limit(len(ranges))
    over = sigma_z is not None and limit is not None and sigma_z > limit
    return Dispersion(sigma_z=sigma_z, moving_ranges=len(ranges), limit=limit, overdispersed=over)


def laney_dispersion(
    kind: str,
    y: Sequence[Number | None],
    n: Sequence[Number | None],
    *,
    freeze: int | None = None,
    exclude: Sequence[int] | None = None,
    screen_mr: bool = True,
) -> Dispersion:
    """Laney's σz of a whole series of numerators ``y`` and denominators ``n``.

    ``kind`` is ``"p"``/``"pp"`` (binomial standard errors) or ``"u"``/``"up"``
    (Poisson). The same number as ``chart(kind, y, n, ...).dispersion[0]``.
    """
    if kind not in _DISPERSION_KINDS:
        raise ValueError(f"Laney's sigma z is defined for P and U charts, not {kind!r}")
    result = chart(kind, y, n, freeze=freeze, exclude=exclude, screen_mr=screen_mr)
    dispersion = result.dispersion[0]
    assert dispersion is not None
    return dispersion


# --------------------------------------------------------------------------- #
# Charts
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One plotted point. ``y``, ``cl``, ``lcl`` and ``ucl`` are already multiplied.

    ``part`` is the 0-based index into :attr:`ChartResult.parts`; ``baseline`` is
    ``True`` when the point lies in the period its part's centre and limits come
    from (the frozen baseline, or the whole part). ``excluded`` points (``exclude``)
    were left out of the centre, limits and runs analysis even there, and never
    have ``sigma_signal`` set.
    """

    y: float | None
    cl: float | None
    lcl: float | None
    ucl: float | None
    sigma_signal: bool
    part: int
    baseline: bool
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class ChartResult:
    """A computed run or control chart: one :class:`ChartPoint` per input point and
    one :class:`RunsResult` per part (a single part unless ``part`` was given).

    ``dispersion`` has one :class:`Dispersion` per part for P, U, P′ and U′ charts
    and is empty for the other kinds. ``exclude`` holds the 1-based indices that
    were excluded (sorted, within the series).
    """

    kind: str
    points: tuple[ChartPoint, ...]
    parts: tuple[RunsResult, ...]
    multiply: float = 1.0
    freeze: int | None = None
    exclude: tuple[int, ...] = ()
    dispersion: tuple[Dispersion, ...] = ()

    @property
    def sigma_signals(self) -> int:
        """Number of points outside the control limits (all parts)."""
        return sum(1 for p in self.points if p.sigma_signal)

    @property
    def runs_signal(self) -> bool:
        """``True`` if the runs analysis of any part signals."""
        return any(r.signal for r in self.parts)

    @property
    def signal(self) -> bool:
        """``True`` if any part's runs analysis signals or any point is outside the limits."""
        return self.runs_signal or self.sigma_signals > 0

    @property
    def last_part(self) -> RunsResult:
        """Runs analysis of the last part, i.e. the current process."""
        return self.parts[-1]

    @property
    def overdispersed(self) -> bool:
        """``True`` when the last part of a P/U/P′/U′ chart is over-dispersed (see :class:`Dispersion`)."""
        return bool(self.dispersion) and self.dispersion[-1].overdispersed

    def part_points(self, index: int = -1) -> tuple[ChartPoint, ...]:
        """Points belonging to part ``index`` (default: the last part)."""
        wanted = range(len(self.parts))[index]
        return tuple(p for p in self.points if p.part == wanted)


def chart(
    kind: str,
    y: Sequence[Number | None],
    n: Sequence[Number | None] | None = None,
    *,
    sd: Sequence[Number | None] | None = None,
    freeze: int | None = None,
    part: Sequence[int] | None = None,
    exclude: Sequence[int] | None = None,
    multiply: Number = 1,
    screen_mr: bool = True,
) -> ChartResult:
    """Compute a run chart (``"run"``) or a control chart of one of :data:`KINDS`.

    ``y`` holds one value per period, ``None`` for a missing period; what ``y``,
    ``n`` and ``sd`` mean for each kind, which values count as missing, and the
    meaning of ``freeze``, ``part`` and ``exclude`` (1-based, as qicharts2) are in
    the module docstring. ``n`` is required for P, U, P′, U′, Xbar and S; ``sd``
    for Xbar and S. ``screen_mr`` switches Nelson's moving-range screening for I,
    T, P′ and U′ charts and σz (qicharts2 after ``library(qicharts2)``: on).

    ``multiply`` (> 0) scales ``y``, ``cl``, ``lcl`` and ``ucl`` of every kind (e.g. 100
    for percent). Never raises on data; raises ``ValueError`` only for an unknown
    kind, a missing ``n`` or ``sd`` argument, ``n``/``sd`` of another length than
    ``y``, or a non-positive ``multiply``.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown chart kind {kind!r}; expected one of {', '.join(KINDS)}")
    if kind in _NEEDS_N and n is None:
        noun = "subgroup sizes n" if kind in ("xbar", "s") else "a denominator n"
        raise ValueError(f"A {kind.upper()} chart needs {noun}")
    if kind in ("xbar", "s") and sd is None:
        raise ValueError(f"A {kind.upper()} chart needs subgroup standard deviations sd")
    if n is not None and len(n) != len(y):
        raise ValueError(f"y and n must have the same length ({len(y)} != {len(n)})")
    if sd is not None and len(sd) != len(y):
        raise ValueError(f"y and sd must have the same length ({len(y)} != {len(sd)})")
    factor = float(multiply)
    if not math.isfinite(factor) or factor <= 0:
        raise ValueError("multiply must be a positive number")

    data = _prepare(kind, y, None if kind in _IGNORES_N else n, sd)
    length = len(data.values)
    starts = _part_starts(part, length) if part else [0]
    frozen = None if part else (freeze if freeze is not None and freeze >= 1 else None)
    excluded = _excluded(exclude, length)
    bounds = list(zip(starts, [*starts[1:], length], strict=True)) if length else [(0, 0)]

    points: list[ChartPoint] = []
    parts: list[RunsResult] = []
    dispersions: list[Dispersion] = []
    for part_index, (start, end) in enumerate(bounds):
        base_end = min(end, start + frozen) if frozen is not None else end
        segment = range(start, end)
        included = [i for i in segment if i not in excluded]
        base = [i for i in included if i < base_end]
        values = _plotted(kind, data, segment)
        centre = _centre_and_limits(kind, data, values, segment, base, screen_mr=screen_mr)
        if centre.dispersion is not None:
            dispersions.append(centre.dispersion)
        runs = runs_analysis([values[i] for i in included], centre.cl)
        if kind == "mr":  # qicharts2: moving ranges are correlated, no runs signals
            runs = replace(runs, run_signal=False, crossing_signal=False, signal=False)
        parts.append(runs)
        for i in segment:
            lcl, ucl = centre.limits[i - start]
            v = values[i]
            outside = (
                i not in excluded and v is not None and ((ucl is not None and v > ucl) or (lcl is not None and v < lcl))
            )
            points.append(
                ChartPoint(
                    y=_scaled(v, factor),
                    cl=_scaled(centre.cl, factor),
                    lcl=_scaled(lcl, factor),
                    ucl=_scaled(ucl, factor),
                    sigma_signal=outside,
                    part=part_index,
                    baseline=i < base_end,
                    excluded=i in excluded,
                )
            )
    return ChartResult(
        kind=kind,
        points=tuple(points),
        parts=tuple(parts),
        multiply=factor,
        freeze=frozen,
        exclude=tuple(i + 1 for i in sorted(excluded)),
        dispersion=tuple(dispersions),
    )


@dataclass(frozen=True, slots=True)
class _Data:
    """Prepared input: ``values`` is what is plotted (before the MR transformation),
    ``None`` = missing; the other lists are kind-specific (``None`` = not usable)."""

    values: list[float | None]
    nums: list[float | None]
    dens: list[float | None]
    sizes: list[float | None]
    sds: list[float | None]


def _prepare(
    kind: str,
    y: Sequence[Number | None],
    n: Sequence[Number | None] | None,
    sd: Sequence[Number | None] | None,
) -> _Data:
    """Apply the per-kind rules for missing values (module docstring) to every period."""
    length = len(y)
    nothing: list[float | None] = [None] * length
    if kind in ("xbar", "s"):
        assert n is not None and sd is not None
        means, sizes, sds = [], [], []
        for raw_mean, raw_size, raw_sd in zip(y, n, sd, strict=True):
            mean, size, s = _as_float(raw_mean), _as_float(raw_size), _as_float(raw_sd)
            present = mean is not None and size is not None and size >= 1 and size.is_integer()
            means.append(mean if present else None)
            sizes.append(size if present else None)
            usable = present and size is not None and size >= 2 and s is not None and s >= 0
            sds.append(s if usable else None)
        return _Data(values=means if kind == "xbar" else sds, nums=nothing, dens=nothing, sizes=sizes, sds=sds)

    nums: list[float | None] = []
    dens: list[float | None] = []
    values: list[float | None] = []
    for i, raw in enumerate(y):
        num = _as_float(raw)
        den = _as_float(n[i]) if n is not None else 1.0
        if num is not None and not _usable(kind, num, den):
            num = None
        if num is None or den is None or den <= 0:
            nums.append(None)
            dens.append(None)
            values.append(None)
            continue
        value = _finite_or_none(num / den)
        nums.append(num if value is not None else None)
        dens.append(den if value is not None else None)
        values.append(value)
    return _Data(values=values, nums=nums, dens=dens, sizes=nothing, sds=nothing)


def _usable(kind: str, num: float, den: float | None) -> bool:
    """Whether a numerator (or value) is one the kind can use."""
    if kind in ("p", "pp"):
        return num >= 0 and (den is None or num <= den)
    if kind in ("u", "up", "c", "g"):
        return num >= 0
    if kind == "t":
        return num > 0 and _finite_or_none(num ** (1 / T_EXPONENT)) is not None
    return True


def _part_starts(part: Sequence[int], length: int) -> list[int]:
    """0-based start index of each part (qicharts2 ``makeparts``)."""
    breaks = {int(k) for k in part if 0 < int(k) < length}
    return [0, *sorted(breaks)]


def _excluded(exclude: Sequence[int] | None, length: int) -> frozenset[int]:
    """0-based indices of the excluded points (``exclude`` is 1-based)."""
    return frozenset(int(k) - 1 for k in exclude or () if 0 < int(k) <= length)


def _plotted(kind: str, data: _Data, segment: range) -> dict[int, float | None]:
    """The plotted (unmultiplied) value of each point of a part."""
    if kind != "mr":
        return {i: data.values[i] for i in segment}
    values: dict[int, float | None] = {}
    for i in segment:
        a = data.values[i - 1] if i > segment.start else None
        b = data.values[i]
        values[i] = _finite_or_none(abs(b - a)) if a is not None and b is not None else None
    return values


@dataclass(frozen=True, slots=True)
class _Centre:
    cl: float | None
    limits: list[tuple[float | None, float | None]]
    dispersion: Dispersion | None = None


def _centre_and_limits(
    kind: str,
    data: _Data,
    values: dict[int, float | None],
    segment: range,
    base: list[int],
    *,
    screen_mr: bool,
) -> _Centre:
    """Centre line and per-point (lcl, ucl) for one part, all unmultiplied.

    ``base`` holds the indices (in order) of the baseline points that are not excluded.
    """
    base_values = [v for i in base if (v := values[i]) is not None]
    no_limits: list[tuple[float | None, float | None]] = [(None, None)] * len(segment)

    def flat(cl: float | None, lcl: float | None, ucl: float | None) -> _Centre:
        if cl is None:
            return _Centre(None, no_limits)
        return _Centre(cl, [(_finite_or_none(lcl), _finite_or_none(ucl))] * len(segment))

    if kind == "run":
        return _Centre(_finite_or_none(statistics.median(base_values)) if base_values else None, no_limits)

    if kind == "i":
        cl = _mean(base_values)
        sigma = _mr_sigma(_moving_ranges([values[i] for i in base]), screen=screen_mr)
        if cl is None or sigma is None:
            return _Centre(cl, no_limits)
        return flat(cl, cl - 3 * sigma, cl + 3 * sigma)

    if kind == "mr":
        cl = _mean(base_values)
        return flat(cl, 0.0, None if cl is None else D4 * cl)

    if kind == "c":
        cl = _mean(base_values)
        if cl is None:
            return _Centre(None, no_limits)
        spread = 3 * math.sqrt(cl)
        return flat(cl, max(cl - spread, 0.0), cl + spread)

    if kind == "g":
        mean = _mean(base_values)
        if mean is None:
            return _Centre(None, no_limits)
        spread = 3 * math.sqrt(mean * (mean + 1))
        median = _finite_or_none(statistics.median(base_values))
        return flat(median, max(mean - spread, 0.0), mean + spread)

    if kind == "t":
        return _t_limits(values, segment, base, screen_mr=screen_mr)

    if kind in ("xbar", "s"):
        return _subgroup_limits(kind, data, segment, base)

    return _attribute_limits(kind, data, segment, base, screen_mr=screen_mr)


def _t_limits(values: dict[int, float | None], segment: range, base: list[int], *, screen_mr: bool) -> _Centre:
    """I chart of y ** (1/3.6), transformed back (qicharts2 ``qic.t``)."""
    transformed = [None if (v := values[i]) is None else v ** (1 / T_EXPONENT) for i in base]
    cl_t = _mean([v for v in transformed if v is not None])
    if cl_t is None:
        return _Centre(None, [(None, None)] * len(segment))
    cl = _finite_or_none(cl_t**T_EXPONENT)
    sigma = _mr_sigma(_moving_ranges(transformed), screen=screen_mr)
    if cl is None or sigma is None:
        return _Centre(cl, [(None, None)] * len(segment))
    lcl_t, ucl_t = cl_t - 3 * sigma, cl_t + 3 * sigma
    lcl = lcl_t**T_EXPONENT if lcl_t > 0 else 0.0
    ucl = ucl_t**T_EXPONENT
    return _Centre(cl, [(_finite_or_none(lcl), _finite_or_none(ucl))] * len(segment))


def _subgroup_limits(kind: str, data: _Data, segment: range, base: list[int]) -> _Centre:
    """Xbar and S charts from subgroup aggregates (qicharts2 ``qic.xbar``/``qic.s``)."""
    variable = len({size for i in segment if (size := data.sizes[i]) is not None}) > 1
    # (size, value, sd) of the baseline subgroups that exist; value is the mean (Xbar) or the SD (S).
    subgroups = [(size, data.values[i], data.sds[i]) for i in base if (size := data.sizes[i]) is not None]
    with_sd = [(size, s) for size, _, s in subgroups if s is not None]

    sbar: float | None
    if variable:
        dof = sum(size - 1 for size, _ in with_sd)
        pooled = sum((size - 1) * s * s for size, s in with_sd)
        sbar = _finite_or_none(math.sqrt(pooled / dof)) if dof > 0 else None
    else:
        sbar = _mean([s for _, s in with_sd])

    cl: float | None
    if kind == "s":
        cl = sbar
    else:
        total = sum(size for size, _, _ in subgroups)
        weighted = sum(size * mean for size, mean, _ in subgroups if mean is not None)
        cl = _finite_or_none(weighted / total) if total > 0 else None

    limits: list[tuple[float | None, float | None]] = []
    for i in segment:
        size = data.sizes[i]
        if cl is None or sbar is None or size is None or size < 2:
            limits.append((None, None))
        elif kind == "s":
            low, high = b3(size), b4(size)
            limits.append((_times(low, sbar), _times(high, sbar)))
        else:
            spread = _times(a3(size), sbar)
            limits.append(
                (None, None) if spread is None else (_finite_or_none(cl - spread), _finite_or_none(cl + spread))
            )
    return _Centre(cl, limits)


def _attribute_limits(kind: str, data: _Data, segment: range, base: list[int], *, screen_mr: bool) -> _Centre:
    """P, U, P′ and U′ charts: weighted centre Σy/Σn over the baseline, σᵢ from nᵢ."""
    total_num = sum(num for i in base if (num := data.nums[i]) is not None)
    total_den = sum(den for i in base if (den := data.dens[i]) is not None)
    cl = _finite_or_none(total_num / total_den) if total_den > 0 else None
    if cl is None:
        return _Centre(None, [(None, None)] * len(segment), _dispersion([], screen_mr=screen_mr))
    proportion = kind in ("p", "pp")
    variance = max(cl * (1 - cl) if proportion else cl, 0.0)

    def standard_error(i: int) -> float | None:
        den = data.dens[i]
        return None if den is None else math.sqrt(variance / den)

    z_scores: list[float | None] = []
    for i in base:
        se, value = standard_error(i), data.values[i]
        z_scores.append(None if se is None or se == 0 or value is None else _finite_or_none((value - cl) / se))
    dispersion = _dispersion(z_scores, screen_mr=screen_mr)

    factor: float | None = 1.0
    if kind in ("pp", "up"):
        factor = dispersion.sigma_z
    limits: list[tuple[float | None, float | None]] = []
    for i in segment:
        se = standard_error(i)
        if se is None or factor is None:
            limits.append((None, None))
            continue
        spread = 3 * se * factor
        lcl, ucl = max(cl - spread, 0.0), cl + spread
        if proportion:
            ucl = min(ucl, 1.0)
        limits.append((_finite_or_none(lcl), _finite_or_none(ucl)))
    return _Centre(cl, limits, dispersion)


def _moving_ranges(values: list[float | None]) -> list[float]:
    """|b − a| of neighbours; a range next to a missing value is dropped."""
    ranges = [abs(b - a) for a, b in itertools.pairwise(values) if a is not None and b is not None]
    return [r for r in ranges if math.isfinite(r)]


def _mr_sigma(ranges: list[float], *, screen: bool) -> float | None:
    """σ = mean moving range / 1.128; ``None`` without any moving range.

    With ``screen`` the moving ranges >= 3.267 × their mean are removed once and
    the mean is recomputed (qicharts2 ``qic.screenedmr``, Nelson 1982).
    """
    if not ranges:
        return None
    mean_range = statistics.mean(ranges)
    if screen and mean_range > 0:
        upper = D4 * mean_range
        mean_range = statistics.mean([r for r in ranges if r < upper])
    return _finite_or_none(mean_range / D2)


def _mean(values: list[float]) -> float | None:
    """Mean of the values (exact, ``statistics.mean``), ``None`` for none."""
    return _finite_or_none(statistics.mean(values)) if values else None


def _times(factor: float | None, value: float) -> float | None:
    return None if factor is None else _finite_or_none(factor * value)


# --------------------------------------------------------------------------- #
# Interpretation
# --------------------------------------------------------------------------- #
def describe(result: ChartResult | RunsResult, *, min_points: int = MIN_USEFUL_POINTS) -> str:
    """One Danish sentence summarising a runs analysis or a chart.

    For a :class:`ChartResult` with several parts only the last part (the current
    process) is described, including the points of that part outside the control
    limits. The centre line is called "medianen" for run charts and a bare
    :class:`RunsResult`, and "centerlinjen" for control charts. With fewer than
    ``min_points`` useful points (default :data:`MIN_USEFUL_POINTS` = 10) the sentence
    says the data are too few, whatever the statistics say; qicharts2 itself
    applies the rules for any n.

    Examples: "Ikke-tilfældig variation: usædvanligt lang serie under medianen
    (9 punkter, grænse 8)", "Ingen tegn på ikke-tilfældig variation (n = 20 brugbare
    punkter)", "For få datapunkter til analyse (n = 4)".
    """
    if isinstance(result, ChartResult):
        runs = result.last_part
        centre_word = "medianen" if result.kind == "run" else "centerlinjen"
        outside = sum(1 for p in result.part_points(-1) if p.sigma_signal)
    else:
        runs = result
        centre_word = "medianen"
        outside = 0

    if runs.n_useful < min_points:
        return f"For få datapunkter til analyse (n = {runs.n_useful})"

    findings: list[str] = []
    if runs.run_signal:
        where = {SIDE_OVER: "over ", SIDE_UNDER: "under ", None: "på samme side af "}[runs.longest_run_side]
        findings.append(
            f"usædvanligt lang serie {where}{centre_word} ({runs.longest_run} punkter, grænse {runs.longest_run_max})"
        )
    if runs.crossing_signal:
        findings.append(f"for få krydsninger af {centre_word} ({runs.crossings}, mindst {runs.crossings_min})")
    runs_text = " og ".join(findings)
    sigma_text = f"{outside} {'punkt' if outside == 1 else 'punkter'} uden for kontrolgrænserne" if outside else ""

    if not runs_text and not sigma_text:
        return f"Ingen tegn på ikke-tilfældig variation (n = {runs.n_useful} brugbare punkter)"
    return "Ikke-tilfældig variation: " + "; ".join(t for t in (runs_text, sigma_text) if t)


def direction_of_signal(
    runs_result: RunsResult,
    values: Iterable[Number | None],
    centre: Number | None,
    higher_is_better: bool,
) -> Direction | None:
    """Classify a runs signal as ``"improvement"`` or ``"deterioration"``.

    Rule: ``None`` without a signal. For a long-run signal whose longest run lies on
    one side, that side decides (a long run under the centre is an improvement when
    lower is better). For a crossings-only signal, or when the longest runs on both
    sides tie, the mean of the last third (rounded up, at least one point) of the
    useful points (not missing, not on the centre) is compared with the centre;
    ``None`` if it equals the centre or nothing is usable.
    """
    if not runs_result.signal:
        return None
    side: Side | None = runs_result.longest_run_side if runs_result.run_signal else None
    if side is None:
        side = _recent_side(values, centre)
    if side is None:
        return None
    return IMPROVEMENT if (side == SIDE_OVER) == higher_is_better else DETERIORATION


def chart_direction(result: ChartResult, *, higher_is_better: bool) -> Direction | None:
    """Direction of the signal in the last part of a chart.

    Uses :func:`direction_of_signal` when the runs analysis signals; otherwise, when
    points of the last part are outside the control limits, the side of the most
    recent such point decides. ``None`` without a signal in the last part.
    """
    points = result.part_points(-1)
    runs = result.last_part
    if runs.signal:
        centre = points[0].cl if points else None
        return direction_of_signal(runs, [p.y for p in points], centre, higher_is_better)
    outside = [p for p in points if p.sigma_signal and p.y is not None and p.cl is not None]
    if not outside:
        return None
    latest = outside[-1]
    assert latest.y is not None and latest.cl is not None
    if latest.y == latest.cl:
        return None
    return IMPROVEMENT if (latest.y > latest.cl) == higher_is_better else DETERIORATION


def _recent_side(values: Iterable[Number | None], centre: Number | None) -> Side | None:
    """Side of the centre on which the mean of the last third of the useful points lies."""
    c = _as_float(centre)
    if c is None:
        return None
    useful = [v for raw in values if (v := _as_float(raw)) is not None and v != c]
    if not useful:
        return None
    recent = useful[-math.ceil(len(useful) / 3) :]
    mean = statistics.mean(recent)
    if mean > c:
        return SIDE_OVER
    if mean < c:
        return SIDE_UNDER
    return None


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #
def _as_float(value: object) -> float | None:
    """``float(value)``, or ``None`` for ``None``/NaN/±inf. Accepts ``Decimal`` too."""
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (OverflowError, TypeError, ValueError):  # e.g. an int larger than any float, Decimal("sNaN"), "x"
        return None
    return _finite_or_none(number)


def _finite_or_none(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else _finite_or_none(value * factor)
