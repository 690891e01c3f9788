"""Statistical process control (SPC) for run charts and Shewhart control charts.

Pure-Python (stdlib only) re-implementation of the conventions of the R package
qicharts2 by Jacob Anhøj (``runs.analysis``, ``qic.run``, ``qic.p``, ``qic.u``,
``qic.i`` and the ``freeze``/``part`` handling in ``qic``), so that pages,
exports and reports in Vælg Klogt all share one implementation.

Runs analysis (the Anhøj rules)
    Points exactly on the centre line and missing values are dropped. The
    remaining *useful* points are classified as over or under the centre line.

    * Unusually long run: ``longest_run > round(log2(n_useful)) + 3``
      (Schilling 2012).
    * Unusually few crossings: ``crossings < qbinom(0.05, n_useful - 1, 0.5)``
      (Chen 2010), i.e. the smallest ``x`` with ``P(X <= x) >= 0.05`` for
      ``X ~ Binomial(n_useful - 1, 1/2)``, computed exactly with integers.

Chart kinds
    * ``"run"``: centre = median, no limits.
    * ``"p"``: p̄ = Σy/Σn, limits p̄ ± 3·√(p̄(1−p̄)/nᵢ) clipped to [0, 1].
    * ``"u"``: ū = Σy/Σn, limits ū ± 3·√(ū/nᵢ), lower limit floored at 0.
    * ``"i"``: centre = mean, σ = mean moving range / 1.128. With
      ``screen_mr`` the moving ranges ≥ 3.267 × their mean are excluded once and
      the mean moving range recomputed (Nelson 1982, qicharts2 default).

Differences from qicharts2 (deliberate)
    * No ``exclude`` argument, no C/G/T/Xbar/S/MR/prime charts.
    * ``multiply`` must be positive; centre, limits, sigma signals and the runs
      analysis are computed on the unmultiplied values and ``multiply`` is
      applied last (as in qicharts2).
    * A denominator that is missing, zero, negative or non-finite makes the
      point missing (qicharts2 would produce NaN/Inf for zero denominators).
    * Non-finite limits are reported as ``None`` (qicharts2 reports ``NA``).
    * For n_useful == 0 the limits are ``None`` and ``longest_run``/``crossings``
      are 0 (qicharts2 reports ``NA``); there is never a signal.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
    "RunsResult",
    "chart",
    "chart_direction",
    "crossings_limit",
    "describe",
    "direction_of_signal",
    "longest_run_limit",
    "runs_analysis",
]

Side = Literal["over", "under"]
Direction = Literal["improvement", "deterioration"]
Kind = Literal["run", "p", "u", "i"]

SIDE_OVER: Side = "over"
SIDE_UNDER: Side = "under"
IMPROVEMENT: Direction = "improvement"
DETERIORATION: Direction = "deterioration"
KINDS: tuple[str, ...] = ("run", "p", "u", "i")

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
# Charts
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One plotted point. ``y``, ``cl``, ``lcl`` and ``ucl`` are already multiplied.

    ``part`` is the 0-based index into :attr:`ChartResult.parts`; ``baseline`` is
    ``True`` when the point was used to compute the centre and limits.
    """

    y: float | None
    cl: float | None
    lcl: float | None
    ucl: float | None
    sigma_signal: bool
    part: int
    baseline: bool


@dataclass(frozen=True, slots=True)
class ChartResult:
    """A computed run or control chart: one :class:`ChartPoint` per input point and
    one :class:`RunsResult` per part (a single part unless ``part`` was given)."""

    kind: str
    points: tuple[ChartPoint, ...]
    parts: tuple[RunsResult, ...]
    multiply: float = 1.0
    freeze: int | None = None

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

    def part_points(self, index: int = -1) -> tuple[ChartPoint, ...]:
        """Points belonging to part ``index`` (default: the last part)."""
        wanted = range(len(self.parts))[index]
        return tuple(p for p in self.points if p.part == wanted)


def chart(
    kind: str,
    y: Sequence[Number | None],
    n: Sequence[Number | None] | None = None,
    *,
    freeze: int | None = None,
    part: Sequence[int] | None = None,
    multiply: Number = 1,
    screen_mr: bool = True,
) -> ChartResult:
    """Compute a run chart (``"run"``) or a P, U or I control chart.

    ``y`` holds one value per period, ``None`` for a missing period. For P and U
    charts ``y`` is the numerator and ``n`` (required) the denominator; for run and I
    charts ``y / n`` is plotted when ``n`` is given, otherwise ``y``. A period whose
    numerator or denominator is missing (or whose denominator is not > 0) is missing.

    ``freeze=k``: centre and limits come from the first ``k`` points; the runs analysis
    covers all points against that centre (``freeze < 1`` means no freeze).
    ``part=[k, ...]``: a new part starts after point ``k`` (1-based, as qicharts2);
    each part gets its own centre, limits and runs analysis. Break points outside
    ``1 .. len(y) - 1`` are ignored. A non-empty ``part`` overrides ``freeze``.

    ``multiply`` (> 0) scales ``y``, ``cl``, ``lcl`` and ``ucl`` of every kind (e.g. 100
    for percent). Raises ``ValueError`` for an unknown kind, a missing denominator
    for P/U charts, ``len(n) != len(y)`` or a non-positive ``multiply``.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown chart kind {kind!r}; expected one of {', '.join(KINDS)}")
    if kind in ("p", "u") and n is None:
        raise ValueError(f"A {kind.upper()} chart needs a denominator n")
    if n is not None and len(n) != len(y):
        raise ValueError(f"y and n must have the same length ({len(y)} != {len(n)})")
    factor = float(multiply)
    if not math.isfinite(factor) or factor <= 0:
        raise ValueError("multiply must be a positive number")

    nums, dens, values = _prepare(y, n)
    length = len(values)
    starts = _part_starts(part, length) if part else [0]
    frozen = None if part else (freeze if freeze is not None and freeze >= 1 else None)
    bounds = list(zip(starts, [*starts[1:], length], strict=True)) if length else [(0, 0)]

    points: list[ChartPoint] = []
    parts: list[RunsResult] = []
    for part_index, (start, end) in enumerate(bounds):
        base_end = min(end, start + frozen) if frozen is not None else end
        segment = range(start, end)
        base = range(start, base_end)
        cl, limits = _centre_and_limits(kind, values, nums, dens, segment, base, screen_mr=screen_mr)
        parts.append(runs_analysis([values[i] for i in segment], cl))
        for i in segment:
            lcl, ucl = limits[i - start]
            v = values[i]
            outside = v is not None and ((ucl is not None and v > ucl) or (lcl is not None and v < lcl))
            points.append(
                ChartPoint(
                    y=_scaled(v, factor),
                    cl=_scaled(cl, factor),
                    lcl=_scaled(lcl, factor),
                    ucl=_scaled(ucl, factor),
                    sigma_signal=outside,
                    part=part_index,
                    baseline=i < base_end,
                )
            )
    return ChartResult(kind=kind, points=tuple(points), parts=tuple(parts), multiply=factor, freeze=frozen)


def _prepare(
    y: Sequence[Number | None], n: Sequence[Number | None] | None
) -> tuple[list[float | None], list[float | None], list[float | None]]:
    """Return numerators, denominators and plotted (unmultiplied) values; ``None`` = missing."""
    nums: list[float | None] = []
    dens: list[float | None] = []
    values: list[float | None] = []
    for i, raw in enumerate(y):
        num = _as_float(raw)
        den = _as_float(n[i]) if n is not None else 1.0
        if num is None or den is None or den <= 0:
            nums.append(None)
            dens.append(None)
            values.append(None)
            continue
        value = _finite_or_none(num / den)
        nums.append(num if value is not None else None)
        dens.append(den if value is not None else None)
        values.append(value)
    return nums, dens, values


def _part_starts(part: Sequence[int], length: int) -> list[int]:
    """0-based start index of each part (qicharts2 ``makeparts``)."""
    breaks = {int(k) for k in part if 0 < int(k) < length}
    return [0, *sorted(breaks)]


def _centre_and_limits(
    kind: str,
    values: list[float | None],
    nums: list[float | None],
    dens: list[float | None],
    segment: range,
    base: range,
    *,
    screen_mr: bool,
) -> tuple[float | None, list[tuple[float | None, float | None]]]:
    """Centre line and per-point (lcl, ucl) for one part, all unmultiplied."""
    base_values = [v for i in base if (v := values[i]) is not None]
    no_limits: list[tuple[float | None, float | None]] = [(None, None)] * len(segment)

    if kind == "run":
        cl = _finite_or_none(statistics.median(base_values)) if base_values else None
        return cl, no_limits

    if kind == "i":
        if not base_values:
            return None, no_limits
        cl = _finite_or_none(statistics.mean(base_values))
        sigma = _individuals_sigma([values[i] for i in base], screen_mr=screen_mr)
        if cl is None or sigma is None:
            return cl, no_limits
        lcl, ucl = _finite_or_none(cl - 3 * sigma), _finite_or_none(cl + 3 * sigma)
        return cl, [(lcl, ucl)] * len(segment)

    # P and U charts: weighted centre Σy/Σn over the baseline.
    total_num = sum(num for i in base if (num := nums[i]) is not None)
    total_den = sum(den for i in base if (den := dens[i]) is not None)
    cl = _finite_or_none(total_num / total_den) if total_den > 0 else None
    if cl is None:
        return None, no_limits
    variance = cl * (1 - cl) if kind == "p" else cl
    variance = max(variance, 0.0)
    limits: list[tuple[float | None, float | None]] = []
    for i in segment:
        den = dens[i]
        if den is None:
            limits.append((None, None))
            continue
        spread = 3 * math.sqrt(variance / den)
        lcl, ucl = max(cl - spread, 0.0), cl + spread
        if kind == "p":
            ucl = min(ucl, 1.0)
        limits.append((_finite_or_none(lcl), _finite_or_none(ucl)))
    return cl, limits


def _individuals_sigma(base_values: list[float | None], *, screen_mr: bool) -> float | None:
    """σ = mean moving range / 1.128; moving ranges next to a missing value are dropped.

    With ``screen_mr`` the moving ranges >= 3.267 × their mean are removed once and
    the mean is recomputed (qicharts2 ``qic.screenedmr``). ``None`` without any
    moving range.
    """
    ranges = [abs(b - a) for a, b in itertools.pairwise(base_values) if a is not None and b is not None]
    ranges = [r for r in ranges if math.isfinite(r)]
    if not ranges:
        return None
    mean_range = statistics.mean(ranges)
    if screen_mr and mean_range > 0:
        upper = D4 * mean_range
        mean_range = statistics.mean([r for r in ranges if r < upper])
    return _finite_or_none(mean_range / D2)


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
    except OverflowError:  # e.g. an int larger than any float
        return None
    return _finite_or_none(number)


def _finite_or_none(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else _finite_or_none(value * factor)
