"""Which saved values are questioned (they are saved all the same; see `services._question_values`).

Three rules, in this order (the first that applies is the question asked):

Rare-event measures are never questioned; mean measures only by rule 2, on the mean (see `question_for`).

1. **0 af 0.** A proportion (or rate) with denominator 0: "Havde måneden virkelig ingen patienter?"
2. **Expected range.** The measure's `expected_min` / `expected_max`, set by those who steer, in the display unit
   (percent for proportions, per N for rates, the count for counts). A value *on* a boundary is inside; only a value
   strictly below the minimum or strictly above the maximum is questioned. (DHIS2's min-max values.)
3. **History.** A value far outside what the measure's own history makes likely: outside centre ± 4σ of the baseline,
   that is beyond the baseline's 3σ control limits (the P, U or C chart of the measure's unit, as in qicharts2)
   by a margin of one more σ. The baseline is the measure's frozen baseline months (its active freeze, `measurements.phases`) when it has them, otherwise the
   12 months before the value's month; the same section only; at least 6 months with values, else no question.
   σ uses the month's own denominator (P: √(p̄(1−p̄)/n), U: √(ū/n), C: √c̄). With σ = 0 (a baseline of only 0 %,
   only 100 % or only zero counts) the rule says nothing. A 3σ point is a chart signal worth discussing, not a
   suspected typing error; the extra σ keeps the question for values that are probably wrong (DHIS2's outlier
   detection uses a z-score of 3 on the raw values for the same purpose).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.months import add_months, month_range

from .models import Unit, ValueCheck

#: σ from the baseline's centre beyond which a value is questioned (3σ control limits + 1σ margin).
HISTORY_SIGMAS = 4
#: Months with values the baseline needs before the history rule says anything.
MIN_BASELINE_MONTHS = 6
#: Months before the value's month used as baseline when the measure has no frozen baseline.
ROLLING_BASELINE_MONTHS = 12


@dataclass(frozen=True)
class Question:
    kind: str
    message: str


def display(measure, numerator: int, denominator: int | None) -> float | None:
    if measure.unit == Unit.COUNT:
        return float(numerator)
    if not denominator:
        return None
    factor = 100 if measure.unit == Unit.PROPORTION else measure.rate_per
    return factor * numerator / denominator


def _number(value) -> str:
    text = f"{float(value):,.1f}".replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text[:-2] if text.endswith(",0") else text


def _with_unit(measure, value) -> str:
    if measure.unit == Unit.PROPORTION:
        return f"{_number(value)} %"
    if measure.unit == Unit.RATE:
        return _("%(value)s pr. %(n)s") % {"value": _number(value), "n": _number(measure.rate_per)}
    return _number(value)


def baseline_start(measure, *, frozen_through: dt.date) -> dt.date:
    """First month of a frozen baseline: the measure's first month (at most the freeze month), else 12 months."""
    start = measure.start_month or add_months(frozen_through, -(ROLLING_BASELINE_MONTHS - 1))
    return min(start, frozen_through)


def baseline_months(measure, month: dt.date, *, frozen_through: dt.date | None = None) -> list[dt.date]:
    """The months a value of `month` is compared with: the frozen baseline (`ChartPhase` freeze: from the measure's
    first month, or the 12 months before the freeze month when it has none, through the freeze month), else the 12
    months before `month`."""
    if frozen_through is not None:
        return [
            m for m in month_range(baseline_start(measure, frozen_through=frozen_through), frozen_through) if m != month
        ]
    return month_range(add_months(month, -ROLLING_BASELINE_MONTHS), add_months(month, -1))


def history_limits(unit: str, baseline: list[tuple[int, int | None]], denominator: int | None, rate_per: int = 1):
    """(centre, σ) in the display unit for a value with `denominator`, from the baseline's (numerator, denominator)
    pairs; None when the rule says nothing (too few months, σ = 0, no denominator)."""
    useful = [(n, d) for n, d in baseline if unit == Unit.COUNT or d]
    if len(useful) < MIN_BASELINE_MONTHS:
        return None
    if unit == Unit.COUNT:
        centre = sum(n for n, _d in useful) / len(useful)
        sigma = math.sqrt(centre)
    else:
        if not denominator:
            return None
        total_n = sum(n for n, _d in useful)
        total_d = sum(d for _n, d in useful)
        centre = total_n / total_d
        if unit == Unit.PROPORTION:
            sigma = math.sqrt(centre * (1 - centre) / denominator) * 100
            centre *= 100
        else:
            sigma = math.sqrt(centre / denominator) * rate_per
            centre *= rate_per
    if sigma == 0:
        return None
    return centre, sigma


def question_for(
    measure, *, numerator: int, denominator: int | None, baseline: list[tuple[int, int | None]], mean=None
):
    """The question to ask about a saved value, or None. `baseline`: the slot's (numerator, denominator) pairs of
    the months `baseline_months` names.

    *Gennemsnit* measures: only the expected range, on the mean (the history rule is for counts; a mean's own
    spread is its Xbar/S chart). *Sjældne hændelser*: no question — an event is a fact, not a typing error, and the
    month's number is the number of dates given."""
    if measure.unit == Unit.EVENTS:
        return None
    if measure.unit == Unit.MEAN:
        if mean is None:
            return None
        return _range_question(measure, float(mean))
    if measure.unit != Unit.COUNT and denominator == 0:
        return Question(
            ValueCheck.Kind.ZERO,
            _("0 af 0: havde måneden virkelig ingen patienter? Skriv en kommentar, eller bekræft, at det er rigtigt."),
        )
    value = display(measure, numerator, denominator)
    if value is None:
        return None
    question = _range_question(measure, value)
    if question:
        return question
    limits = history_limits(measure.unit, baseline, denominator, measure.rate_per)
    if limits:
        centre, sigma = limits
        if abs(value - centre) > HISTORY_SIGMAS * sigma:
            return Question(
                ValueCheck.Kind.HISTORY,
                _(
                    "%(value)s er langt fra målingens niveau (ca. %(centre)s): usædvanligt i forhold til historikken. "
                    "Er tallet rigtigt? Skriv en kommentar."
                )
                % {"value": _with_unit(measure, value), "centre": _with_unit(measure, centre)},
            )
    return None


def _range_question(measure, value: float) -> Question | None:
    low, high = measure.expected_min, measure.expected_max
    if (low is not None and Decimal(str(value)) < low) or (high is not None and Decimal(str(value)) > high):
        if low is not None and high is not None:
            expected = _("%(low)s–%(high)s") % {"low": _with_unit(measure, low), "high": _with_unit(measure, high)}
        elif low is not None:
            expected = _("mindst %(low)s") % {"low": _with_unit(measure, low)}
        else:
            expected = _("højst %(high)s") % {"high": _with_unit(measure, high)}
        return Question(
            ValueCheck.Kind.RANGE,
            _("%(value)s er uden for det forventede (%(expected)s). Er tallet rigtigt? Skriv en kommentar.")
            % {"value": _with_unit(measure, value), "expected": expected},
        )
    return None
