"""The write services of the Model for Improvement: validation in Danish, nothing partial saved, idempotent adopt."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from improvement import services
from improvement.models import ChangeIdea, Driver, PdsaCycle, ProgressScore
from initiatives.models import Action

from ..factories import InitiativeFactory, MeasureFactory

TODAY = dt.date(2026, 11, 29)


def test_cycle_without_prediction_cannot_move_past_plan(initiative, noegle):
    cycle = services.cycle_plan(
        initiative=initiative, change="Ny rutine", start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), by=noegle
    )
    with pytest.raises(ValidationError) as error:
        services.cycle_update(cycle=cycle, status="running", what_happened="Vi gik i gang", by=noegle)
    assert "Skriv jeres forudsigelse" in " ".join(error.value.message_dict["prediction"])
    cycle.refresh_from_db()
    assert (cycle.status, cycle.what_happened) == ("planned", "")
    assert cycle.history.count() == 1


def test_cycle_with_end_before_start_is_refused_and_nothing_saved(initiative, section, noegle):
    with pytest.raises(ValidationError) as error:
        services.cycle_plan(
            initiative=initiative,
            change="Ny rutine",
            start=dt.date(2026, 4, 1),
            end=dt.date(2026, 3, 1),
            sections=[section],
            by=noegle,
        )
    assert error.value.message_dict["end"] == ["Slutdatoen ligger før startdatoen."]
    assert not PdsaCycle.objects.exists()


def test_cycle_refuses_another_initiatives_measure(initiative, noegle, away):
    other = MeasureFactory(initiative=InitiativeFactory(department=away))
    with pytest.raises(ValidationError) as error:
        services.cycle_plan(
            initiative=initiative,
            change="x",
            start=dt.date(2026, 3, 1),
            end=dt.date(2026, 3, 2),
            prediction_measure=other,
            by=noegle,
        )
    assert "prediction_measure" in error.value.message_dict
    assert not PdsaCycle.objects.exists()


def test_cycle_moves_through_its_statuses_and_done_needs_result_and_decision(planned, noegle):
    services.cycle_update(cycle=planned, status="running", by=noegle)
    services.cycle_update(cycle=planned, status="study", what_happened="Brugt på to afsnit", by=noegle)
    with pytest.raises(ValidationError) as error:
        services.cycle_update(cycle=planned, status="done", by=noegle)
    assert {"result", "decision"} <= error.value.message_dict.keys()
    planned.refresh_from_db()
    assert planned.status == "study"
    services.cycle_update(cycle=planned, status="done", result="Faldt til 33 %", decision="adapt", by=noegle)
    planned.refresh_from_db()
    assert (planned.status, planned.decision, planned.what_happened) == ("done", "adapt", "Brugt på to afsnit")


def test_adopting_creates_exactly_one_tiltag_and_twice_gives_one(planned, noegle):
    services.cycle_update(cycle=planned, status="study", result="Faldt til 28 %", by=noegle)
    first = services.cycle_adopt(cycle=planned, by=noegle, today=TODAY)
    second = services.cycle_adopt(cycle=planned, by=noegle, today=TODAY)
    assert first.pk == second.pk
    assert Action.objects.filter(initiative=planned.initiative).count() == 1
    planned.refresh_from_db()
    assert (planned.action_id, planned.decision, planned.status) == (first.pk, "adopt", "done")
    assert first.date == dt.date(2026, 3, 31)
    assert first.text == "Tjekliste ved stuegang"


def test_adopting_without_result_is_refused_and_creates_no_tiltag(planned, noegle):
    with pytest.raises(ValidationError) as error:
        services.cycle_adopt(cycle=planned, by=noegle, today=TODAY)
    assert "result" in error.value.message_dict
    assert not Action.objects.exists()
    planned.refresh_from_db()
    assert planned.decision == ""


def test_next_cycle_is_linked_and_asking_twice_gives_one(planned, noegle):
    following = services.cycle_next(cycle=planned, by=noegle)
    again = services.cycle_next(cycle=planned, by=noegle)
    assert following.pk == again.pk
    assert following.previous_id == planned.pk
    assert (following.start, following.end) == (dt.date(2026, 4, 1), dt.date(2026, 5, 1))
    assert following.prediction_measure_id == planned.prediction_measure_id


def test_driver_reorder_keeps_positions_consistent(diagram_tree, leder):
    primary, _first, second, _idea = diagram_tree
    services.driver_move(driver=second, offset=-1, by=leder)
    assert list(primary.children.order_by("position").values_list("text", "position")) == [
        ("Påmindelser", 0),
        ("Undervisning", 1),
    ]
    services.driver_move(driver=second, offset=-1, by=leder)  # already first: nothing moves
    assert list(primary.children.order_by("position").values_list("position", flat=True)) == [0, 1]


def test_deleting_a_primary_driver_deletes_its_subtree_and_leaves_no_orphan_idea(diagram_tree, leder):
    primary, *_rest = diagram_tree
    services.driver_delete(driver=primary, by=leder)
    assert not Driver.objects.exists()
    assert not ChangeIdea.objects.exists()


def test_deleting_a_driver_with_cycles_asks_what_to_do_and_deletes_nothing(diagram_tree, initiative, leder):
    _primary, first, _second, idea = diagram_tree
    cycle = services.cycle_plan(
        initiative=initiative,
        change_idea=idea,
        change="Tavlemøde",
        start=dt.date(2026, 2, 1),
        end=dt.date(2026, 2, 28),
        by=leder,
    )
    with pytest.raises(ValidationError) as error:
        services.driver_delete(driver=first, by=leder)
    assert "cycles" in error.value.message_dict
    assert Driver.objects.count() == 3 and ChangeIdea.objects.count() == 1
    services.driver_delete(driver=first, cycles_action="keep", by=leder)
    cycle.refresh_from_db()
    assert cycle.change_idea_id is None
    assert not ChangeIdea.objects.exists()
    assert list(Driver.objects.values_list("text", flat=True).order_by("text")) == [
        "Kendskab til anbefalingen",
        "Påmindelser",
    ]


def test_deleting_an_idea_with_delete_removes_its_cycles(diagram_tree, initiative, leder):
    *_rest, idea = diagram_tree
    services.cycle_plan(
        initiative=initiative,
        change_idea=idea,
        change="x",
        start=dt.date(2026, 2, 1),
        end=dt.date(2026, 2, 2),
        by=leder,
    )
    services.idea_delete(idea=idea, cycles_action="delete", by=leder)
    assert not PdsaCycle.objects.exists() and not ChangeIdea.objects.exists()


def test_secondary_driver_must_hang_under_a_primary_of_the_same_diagram(diagram_tree, leder, away):
    _primary, first, *_rest = diagram_tree
    with pytest.raises(ValidationError):
        services.driver_add(initiative=first.diagram.initiative, text="Tredje niveau", parent=first, by=leder)
    other = InitiativeFactory(department=away)
    with pytest.raises(ValidationError):
        services.driver_add(initiative=other, text="Fremmed", parent=_primary, by=leder)
    assert Driver.objects.count() == 3


def test_empty_texts_are_refused_in_danish(initiative, leder):
    with pytest.raises(ValidationError) as error:
        services.driver_add(initiative=initiative, text="  ", by=leder)
    assert error.value.message_dict["text"] == ["Skriv driverens tekst."]
    assert not Driver.objects.exists()


def test_copying_an_idea_recreates_its_drivers_once(diagram_tree, away, udenfor):
    *_rest, idea = diagram_tree
    theirs = InitiativeFactory(department=away, recommendation=idea.driver.diagram.initiative.recommendation)
    copy = services.idea_copy(idea=idea, initiative=theirs, by=udenfor)
    again = services.idea_copy(idea=idea, initiative=theirs, by=udenfor)
    assert copy.pk == again.pk
    assert copy.driver.text == "Undervisning" and copy.driver.parent.text == "Kendskab til anbefalingen"
    assert copy.copied_from_id == idea.pk


@pytest.mark.parametrize("raw", ["0", "5,5", "2.3", "abc", ""])
def test_score_off_the_scale_is_refused(initiative, leder, raw):
    with pytest.raises(ValidationError) as error:
        services.score_set(initiative=initiative, month=dt.date(2026, 3, 1), score=raw, by=leder)
    assert "score" in error.value.message_dict
    assert not ProgressScore.objects.exists()


def test_score_set_twice_for_a_month_keeps_one_with_history(initiative, leder):
    services.score_set(initiative=initiative, month=dt.date(2026, 3, 15), score="2,5", note="Test i gang", by=leder)
    services.score_set(initiative=initiative, month=dt.date(2026, 3, 1), score="3.0", by=leder)
    [score] = ProgressScore.objects.all()
    assert (score.month, score.score, score.label) == (dt.date(2026, 3, 1), Decimal("3.0"), "Beskeden forbedring")
    assert score.history.count() == 2


def test_carry_forward_brings_diagram_open_cycles_and_latest_score(diagram_tree, planned, initiative, leder):
    services.score_set(initiative=initiative, month=dt.date(2026, 10, 1), score="3.5", by=leder)
    done = services.cycle_next(cycle=planned, by=leder)
    services.cycle_update(cycle=done, status="running", prediction="Falder igen", by=leder)
    next_year = InitiativeFactory(department=initiative.department, recommendation=initiative.recommendation, year=2027)
    services.carry_forward(source=initiative, target=next_year, by=leder)
    services.carry_forward(source=initiative, target=next_year, by=leder)
    assert Driver.objects.filter(diagram__initiative=next_year).count() == 3
    assert ChangeIdea.objects.filter(driver__diagram__initiative=next_year).count() == 1
    assert next_year.pdsa_cycles.count() == 2
    assert next_year.progress_scores.get().score == Decimal("3.5")
