"""Chart kind, phases (freeze/split/exclude), point notes, the foreløbig month, the verdict and the icons (issue 12)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.months import month_range
from dashboards import chart_cache
from goals import status
from measurements import charts, phases
from measurements.charts import Assurance, Signal, Variation
from measurements.models import ChartPhase, Measure, Measurement, PointNote, Unit

MONTHS = month_range(dt.date(2025, 1, 1), dt.date(2026, 8, 1))  # 20 months
STABLE = [30, 32, 29, 31, 30, 33, 28, 30, 31, 29, 32, 30, 31, 29, 30, 32, 28, 31, 30, 29]
SHIFT_DOWN = [30, 32, 29, 31, 30, 33, 28, 30, 31, 29, 15, 14, 16, 13, 15, 14, 12, 15, 14, 13]


def _values(numerators, denominator=100):
    return [(m, n, denominator) for m, n in zip(MONTHS, numerators, strict=True)]


# --- kinds -------------------------------------------------------------------------------------------------------


def test_kinds_for_unit_list_the_recommended_first():
    assert charts.kinds_for_unit(Unit.PROPORTION) == ("p", "pp", "run")
    assert charts.kinds_for_unit(Unit.RATE) == ("u", "up", "run")
    assert charts.kinds_for_unit(Unit.COUNT) == ("c", "run", "i")
    assert [charts.recommended_kind(u) for u in (Unit.PROPORTION, Unit.COUNT, Unit.RATE)] == ["p", "c", "u"]
    assert charts.kinds_for_unit(Unit.MEAN)[0] == "xbar" and charts.kinds_for_unit(Unit.EVENTS)[0] == "t"
    assert charts.kinds_for_unit("unknown") == ("run",)


def test_saved_kind_is_used_and_a_kind_that_no_longer_fits_falls_back_to_the_recommended():
    measure = Measure(name="m", unit=Unit.PROPORTION, chart_kind="pp")
    assert charts.chart_for_measure(measure, months=MONTHS, values=_values(STABLE)).kind == "pp"
    measure.chart_kind = "c"  # not a proportion's kind
    assert charts.chart_for_measure(measure, months=MONTHS, values=_values(STABLE)).kind == "p"


def test_overdispersed_p_chart_suggests_p_prime_in_danish():
    # Denominators in the thousands and months that vary far more than binomially (Laney's situation).
    numerators = [300, 420, 280, 450, 310, 390, 260, 440, 330, 400, 290, 430, 320, 410, 270, 445, 305, 395, 285, 425]
    chart = charts.chart_for_measure(
        Measure(name="m", unit=Unit.PROPORTION), months=MONTHS, values=_values(numerators, 3000)
    )
    assert chart.result.overdispersed
    [hint] = chart.hints
    assert "Laneys σz" in hint and "Overvej et P′-kontroldiagram (Laney)" in hint
    prime = charts.chart_for_measure(
        Measure(name="m", unit=Unit.PROPORTION, chart_kind="pp"), months=MONTHS, values=_values(numerators, 3000)
    )
    assert prime.hints == () and prime.result.sigma_signals < chart.result.sigma_signals


def test_too_few_points_are_said_with_the_number_the_rules_need():
    chart = charts.chart_for_measure(
        Measure(name="m", unit=Unit.PROPORTION), months=MONTHS[:4], values=_values(STABLE)[:4]
    )
    assert chart.sentence == (
        "For få datapunkter til analyse (n = 4). Reglerne kræver mindst 10 brugbare punkter i den nuværende fase."
    )
    assert chart.hints == ()
    assert chart.variation == Variation.NONE and chart.assurance == Assurance.NONE


# --- phases in the analysis and the figure ---------------------------------------------------------------------------


def test_split_after_a_month_gives_the_new_phase_its_own_centre_and_a_labelled_line():
    measure = Measure(name="m", unit=Unit.PROPORTION)
    split = charts.Phases(splits=(charts.Mark(MONTHS[9], "Ny instruks"),))
    chart = charts.chart_for_measure(measure, months=MONTHS, values=_values(SHIFT_DOWN), phases=split)
    assert len(chart.result.parts) == 2
    assert chart.result.points[-1].cl == pytest.approx(sum(SHIFT_DOWN[10:]) / 10)
    assert any(a["text"] == "Ny fase: Ny instruks" for a in chart.figure["layout"]["annotations"])


def test_excluded_month_is_drawn_hollow_and_left_out_of_the_centre():
    numerators = list(STABLE)
    numerators[5] = 90
    measure = Measure(name="m", unit=Unit.PROPORTION)
    excluded = charts.Phases(excludes=(charts.Mark(MONTHS[5], "IT-nedbrud"),))
    chart = charts.chart_for_measure(measure, months=MONTHS, values=_values(numerators), phases=excluded)
    without = [n for i, n in enumerate(numerators) if i != 5]
    assert chart.result.points[0].cl == pytest.approx(sum(without) / len(without))
    [trace] = [t for t in chart.figure["data"] if t["name"] == "Udeladt af analysen"]
    assert trace["x"] == [MONTHS[5].isoformat()] and trace["marker"]["color"] == "#ffffff"
    assert trace["customdata"][0][1] == "IT-nedbrud"


def test_point_note_is_a_small_mark_with_the_note_on_hover_distinct_from_tiltag():
    measure = Measure(name="m", unit=Unit.PROPORTION)
    noted = charts.Phases(notes=(charts.Mark(MONTHS[6], "Sommerferie"),))
    chart = charts.chart_for_measure(measure, months=MONTHS, values=_values(STABLE), phases=noted)
    [trace] = [t for t in chart.figure["data"] if t["name"] == "Note"]
    assert trace["customdata"] == [["juli 2025", "Sommerferie"]]
    assert not [t for t in chart.figure["data"] if t["name"] == "Tiltag"]


def test_month_in_progress_is_drawn_hollow_as_forelobig_and_not_analysed():
    measure = Measure(name="m", unit=Unit.PROPORTION)
    running = dt.date(2026, 9, 1)
    values = [*_values(STABLE), (running, 95, 100)]
    chart = charts.chart_for_measure(measure, months=MONTHS, values=values, provisional=running)
    assert len(chart.result.points) == len(MONTHS) and chart.result.sigma_signals == 0
    [trace] = [t for t in chart.figure["data"] if t["name"] == "Foreløbig"]
    assert trace["x"] == [running.isoformat()] and trace["text"] == ["foreløbig"] and trace["y"] == [95.0]
    assert chart.provisional.value == 95.0


# --- verdict and icons ---------------------------------------------------------------------------------------------


def test_verdict_explains_points_outside_the_limits_while_the_runs_rules_find_nothing():
    numerators = list(STABLE)
    numerators[15] = 70
    frozen = charts.Phases(freeze=charts.Mark(MONTHS[9], "Baseline"))
    chart = charts.chart_for_measure(
        Measure(name="m", unit=Unit.PROPORTION), months=MONTHS, values=_values(numerators), phases=frozen
    )
    assert "1 punkt uden for kontrolgrænserne" in chart.sentence
    assert "Seriereglerne finder intet" in chart.sentence and "enkeltstående udsving" in chart.sentence


def test_verdict_explains_a_long_run_inside_the_limits():
    numerators = [30, 32, 29, 31, 30, 33, 28, 30, 31, 29, 27, 26, 27, 28, 26, 27, 26, 28, 27, 26]
    chart = charts.chart_for_measure(Measure(name="m", unit=Unit.PROPORTION), months=MONTHS, values=_values(numerators))
    assert chart.result.runs_signal and chart.result.sigma_signals == 0
    assert "Ingen punkter ligger uden for kontrolgrænserne" in chart.sentence


@pytest.mark.parametrize(
    "signal,direction,expected",
    [
        (Signal.NONE, "lower", Variation.COMMON),
        (Signal.NONE, "higher", Variation.COMMON),
        (Signal.IMPROVEMENT, "higher", Variation.IMPROVEMENT_HIGH),
        (Signal.IMPROVEMENT, "lower", Variation.IMPROVEMENT_LOW),
        (Signal.DETERIORATION, "higher", Variation.CONCERN_LOW),
        (Signal.DETERIORATION, "lower", Variation.CONCERN_HIGH),
        (Signal.TOO_FEW, "lower", Variation.NONE),
        (Signal.TOO_FEW, "higher", Variation.NONE),
    ],
)
def test_variation_icon_for_each_signal_and_direction(signal, direction, expected):
    variation = charts.variation_of(signal, direction)
    assert variation == expected
    assert charts.variation_label(variation)
    assert (charts.icon_path(variation) is None) == (expected == Variation.NONE)


@pytest.mark.parametrize(
    "lcl,ucl,target,direction,expected",
    [
        (22.0, 30.0, 20.0, "higher", Assurance.PASS),
        (10.0, 18.0, 20.0, "higher", Assurance.FAIL),
        (15.0, 25.0, 20.0, "higher", Assurance.HIT_AND_MISS),
        (10.0, 18.0, 20.0, "lower", Assurance.PASS),
        (22.0, 30.0, 20.0, "lower", Assurance.FAIL),
        (15.0, 25.0, 20.0, "lower", Assurance.HIT_AND_MISS),
        (15.0, 25.0, None, "lower", Assurance.NONE),
        (None, None, 20.0, "lower", Assurance.NONE),
    ],
)
def test_assurance_icon_for_each_position_of_the_target(lcl, ucl, target, direction, expected):
    assert charts.assurance_from(lcl=lcl, ucl=ucl, target=target, direction=direction) == expected


def test_run_chart_has_no_assurance_and_control_chart_judges_its_newest_limits():
    measure = Measure(name="m", unit=Unit.PROPORTION, target=Decimal("60"), direction="lower")
    control = charts.chart_for_measure(measure, months=MONTHS, values=_values(STABLE))
    assert control.assurance == Assurance.PASS and control.variation == Variation.COMMON
    assert control.assurance_icon == "icons/assurance-pass.svg"
    measure.chart_kind = "run"
    assert charts.chart_for_measure(measure, months=MONTHS, values=_values(STABLE)).assurance == Assurance.NONE


# --- the phase services: Danish messages, nothing saved on error, history, never stale ------------------------------


@pytest.fixture
def filled(proportion):
    Measurement.objects.bulk_create(
        Measurement(measure=proportion, month=m, numerator=n, denominator=100, unit=Unit.PROPORTION)
        for m, n in zip(MONTHS, SHIFT_DOWN, strict=True)
    )
    return proportion


@pytest.mark.parametrize(
    "kind,month,reason,field,message",
    [
        ("split", MONTHS[9], "  ", "reason", "Skriv en begrundelse"),
        ("split", None, "Ny instruks", "month", "Vælg en måned."),
        ("split", dt.date(2024, 1, 1), "Ny instruks", "month", "Vælg en af diagrammets måneder."),
        ("split", MONTHS[-1], "Ny instruks", "month", "kan ikke deles efter den sidste måned"),
        ("exclude", MONTHS[3], "x" * 301, "reason", "højst være 300 tegn"),
        ("other", MONTHS[3], "x", "kind", "Vælg, hvad der skal ske"),
    ],
)
def test_phase_errors_are_danish_per_field_and_nothing_is_saved(filled, leder, kind, month, reason, field, message):
    revision = filled.chart_revision
    with pytest.raises(ValidationError) as error:
        phases.phase_add(measure=filled, kind=kind, month=month, reason=reason, months=MONTHS, by=leder)
    assert message in " ".join(error.value.message_dict[field])
    assert not ChartPhase.objects.exists()
    filled.refresh_from_db()
    assert filled.chart_revision == revision


def test_second_freeze_is_refused_until_the_first_is_undone_and_undo_keeps_the_row(filled, leder):
    first = phases.phase_add(
        measure=filled, kind="freeze", month=MONTHS[9], reason="Før indsatsen", months=MONTHS, by=leder
    )
    with pytest.raises(ValidationError, match="allerede fastfrosset"):
        phases.phase_add(measure=filled, kind="freeze", month=MONTHS[11], reason="Igen", months=MONTHS, by=leder)
    phases.phase_undo(phase=first, reason="Forkert måned", by=leder)
    phases.phase_add(measure=filled, kind="freeze", month=MONTHS[11], reason="Igen", months=MONTHS, by=leder)
    rows = list(
        ChartPhase.objects.filter(measure=filled).order_by("id").values_list("month", "undone_at", "undo_reason")
    )
    assert [(m, done is not None, why) for m, done, why in rows] == [
        (MONTHS[9], True, "Forkert måned"),
        (MONTHS[11], False, ""),
    ]
    assert phases.phases_for([filled.pk])[filled.pk].freeze == charts.Mark(MONTHS[11], "Igen")


def test_note_is_written_replaced_and_removed_with_history(filled, noegle):
    phases.note_set(measure=filled, month=MONTHS[2], text="Sommerferie", months=MONTHS, by=noegle)
    phases.note_set(measure=filled, month=MONTHS[2], text="IT-nedbrud", months=MONTHS, by=noegle)
    assert PointNote.objects.get().text == "IT-nedbrud"
    phases.note_set(measure=filled, month=MONTHS[2], text="", months=MONTHS, by=noegle)
    assert not PointNote.objects.exists()
    assert PointNote.history.count() == 3


def _keys(measure, today):
    measure = Measure.objects.select_related("initiative").get(pk=measure.pk)
    key = chart_cache.chart_key(measure, stamp=1, kind=None, months=MONTHS, actions=[], language="da")
    facts = status.counted_measures(
        type(measure.initiative.department).objects.filter(pk=measure.initiative.department_id), year=2026
    ).values_list(*status._FACTS)
    summary_key = status._summary_key(
        status._Facts.from_row(facts.get(pk=measure.pk)), month=MONTHS[-1], sections={}, language="da"
    )
    return key, summary_key


@pytest.mark.parametrize(
    "change",
    [
        lambda m, u: Measure.objects.filter(pk=m.pk).update(chart_kind="pp"),
        lambda m, u: phases.phase_add(measure=m, kind="freeze", month=MONTHS[9], reason="r", months=MONTHS, by=u),
        lambda m, u: phases.phase_add(measure=m, kind="split", month=MONTHS[9], reason="r", months=MONTHS, by=u),
        lambda m, u: phases.phase_add(measure=m, kind="exclude", month=MONTHS[3], reason="r", months=MONTHS, by=u),
        lambda m, u: phases.note_set(measure=m, month=MONTHS[3], text="Ferie", months=MONTHS, by=u),
    ],
    ids=["kind", "freeze", "split", "exclude", "note"],
)
def test_every_chart_input_changes_the_remembered_chart_key_and_the_status_facts(filled, leder, change):
    before = _keys(filled, MONTHS[-1])
    change(filled, leder)
    after = _keys(filled, MONTHS[-1])
    assert after[0] != before[0] and after[1] != before[1]


def test_undo_changes_the_keys_too(filled, leder):
    phase = phases.phase_add(measure=filled, kind="split", month=MONTHS[9], reason="r", months=MONTHS, by=leder)
    before = _keys(filled, MONTHS[-1])
    phases.phase_undo(phase=phase, reason="fejl", by=leder)
    assert _keys(filled, MONTHS[-1])[0] != before[0]


def _payload(measure):
    departments = type(measure.initiative.department).objects.filter(pk=measure.initiative.department_id)
    facts = status.counted_measures(departments, year=2026).values_list(*status._FACTS).get(pk=measure.pk)
    return status._compute_statuses([status._Facts.from_row(facts)], today=dt.date(2026, 9, 15))[measure.pk]


def test_status_judges_the_current_phase_after_a_split(filled, leder):
    before = _payload(filled)
    assert (before["kind"], before["signal"], before["variation"]) == ("p", "improvement", "improvement_low")
    phases.phase_add(measure=filled, kind="split", month=MONTHS[9], reason="Ny instruks", months=MONTHS, by=leder)
    after = _payload(filled)
    assert (after["signal"], after["variation"]) == ("none", "common")


def test_hospital_status_counts_each_departments_measures_per_icon(filled, home):
    from departments.models import Department

    [row] = status.department_rows(Department.objects.filter(pk=home.pk), year=2026, today=dt.date(2026, 9, 15))
    assert [(count.icon, count.measures) for count in row.icons] == [(Variation.IMPROVEMENT_LOW, 1)]
    assert row.icons[0].label == "Særlig variation: forbedring (lavere)"
    assert row.icons[0].path == "icons/variation-improvement-low.svg"
