"""Writes for the Model for Improvement: driver diagrams, change ideas, PDSA cycles, progress scores.

Keyword-only functions that validate first and write inside one transaction: bad input raises a ValidationError
with Danish messages keyed by form field, and nothing is saved. Who may call them is decided by the views through
departments/access.py (`may_steer` edits the diagram, `may_propose_change_idea` proposes ideas and writes cycles);
`by` is the acting user, recorded in the history (who and when).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.months import first_of_month
from departments.models import Section
from initiatives.models import Action, Initiative
from initiatives.services import action_create
from measurements.models import Measure

from .models import SCORES, ChangeIdea, Driver, DriverDiagram, PdsaCycle, ProgressScore

TEXT_MAX = 200
#: What to do with the PDSA cycles of a change idea that is deleted (with it or with its driver).
KEEP_CYCLES = "keep"  # the cycles stay on the initiative, without a change idea
DELETE_CYCLES = "delete"
CYCLE_CHOICES = (KEEP_CYCLES, DELETE_CYCLES)
STATUS_ORDER = list(PdsaCycle.Status.values)


def _author(instance, by):
    instance._history_user = by
    return instance


def _text(value, *, field: str = "text", required: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: required})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: _("Teksten må højst være %(max)d tegn.") % {"max": TEXT_MAX}})
    return text


# --- the driver diagram ----------------------------------------------------------------------------------------------


def diagram_for(initiative: Initiative) -> DriverDiagram:
    """The initiative's diagram, created empty the first time it is needed."""
    diagram, _created = DriverDiagram.objects.get_or_create(initiative=initiative)
    return diagram


def _next_position(queryset) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


@transaction.atomic
def driver_add(*, initiative: Initiative, text: str, parent: Driver | None = None, by) -> Driver:
    """A primary driver (no parent) or a secondary driver under a primary one of the same diagram."""
    text = _text(text, required=_("Skriv driverens tekst."))
    diagram = diagram_for(initiative)
    if parent is not None and (parent.diagram_id != diagram.pk or not parent.is_primary):
        raise ValidationError({"parent": _("En sekundær driver hører under en primær driver i samme diagram.")})
    siblings = Driver.objects.filter(diagram=diagram, parent=parent)
    driver = Driver(diagram=diagram, parent=parent, text=text, position=_next_position(siblings))
    _author(driver, by).save()
    return driver


@transaction.atomic
def driver_rename(*, driver: Driver, text: str, by) -> Driver:
    driver.text = _text(text, required=_("Skriv driverens tekst."))
    _author(driver, by).save(update_fields=["text"])
    return driver


def _move(instance, siblings, *, offset: int, by) -> None:
    """Move `instance` up (-1) or down (+1) among `siblings`; positions become 0..n-1 again."""
    ordered = list(siblings.select_for_update().order_by("position", "id"))
    index = next(i for i, item in enumerate(ordered) if item.pk == instance.pk)
    target = min(max(index + offset, 0), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            _author(item, by).save(update_fields=["position"])
    instance.position = target


@transaction.atomic
def driver_move(*, driver: Driver, offset: int, by) -> Driver:
    _move(driver, Driver.objects.filter(diagram_id=driver.diagram_id, parent_id=driver.parent_id), offset=offset, by=by)
    return driver


def _subtree(driver: Driver) -> list[Driver]:
    return [driver, *Driver.objects.filter(parent=driver)]


def cycles_under_driver(driver: Driver):
    return PdsaCycle.objects.filter(change_idea__driver__in=_subtree(driver))


def _settle_cycles(cycles, *, cycles_action: str | None, by) -> None:
    if not cycles.exists():
        return
    if cycles_action not in CYCLE_CHOICES:
        raise ValidationError(
            {
                "cycles": _(
                    "Der er PDSA-cyklusser på forandringsidéerne. Vælg, om de skal beholdes på indsatsen eller slettes."
                )
            }
        )
    for cycle in cycles.select_for_update():
        if cycles_action == KEEP_CYCLES:
            cycle.change_idea = None
            _author(cycle, by).save(update_fields=["change_idea"])
        else:
            _author(cycle, by).delete()


@transaction.atomic
def driver_delete(*, driver: Driver, cycles_action: str | None = None, by) -> None:
    """Delete a driver with its secondary drivers and their change ideas (no change idea is left without a driver).

    When any of those change ideas has PDSA cycles, `cycles_action` must say what happens to them: "keep" (they stay
    on the initiative) or "delete"; otherwise a ValidationError asks and nothing is deleted.
    """
    tree = _subtree(driver)
    _settle_cycles(cycles_under_driver(driver), cycles_action=cycles_action, by=by)
    for idea in ChangeIdea.objects.filter(driver__in=tree):
        _author(idea, by).delete()
    for item in reversed(tree):
        _author(item, by).delete()


@transaction.atomic
def idea_add(*, driver: Driver, text: str, proposed: bool = False, measures: Iterable[Measure] = (), by) -> ChangeIdea:
    """A change idea under a driver; `proposed` when a key person suggests it (those who steer accept it)."""
    text = _text(text, required=_("Skriv forandringsidéen."))
    measures = _check_measures(driver.diagram.initiative_id, measures)
    siblings = ChangeIdea.objects.filter(driver=driver)
    idea = ChangeIdea(driver=driver, text=text, proposed=proposed, position=_next_position(siblings), created_by=by)
    _author(idea, by).save()
    idea.measures.set(measures)
    return idea


def _check_measures(initiative_id: int, measures: Iterable[Measure]) -> list[Measure]:
    measures = list(measures)
    if any(measure.initiative_id != initiative_id for measure in measures):
        raise ValidationError({"measures": _("Vælg kun målinger fra indsatsen.")})
    return measures


@transaction.atomic
def idea_update(*, idea: ChangeIdea, text: str, measures: Iterable[Measure] | None = None, by) -> ChangeIdea:
    idea.text = _text(text, required=_("Skriv forandringsidéen."))
    if measures is not None:
        measures = _check_measures(idea.driver.diagram.initiative_id, measures)
    _author(idea, by).save(update_fields=["text"])
    if measures is not None:
        idea.measures.set(measures)
    return idea


@transaction.atomic
def idea_accept(*, idea: ChangeIdea, by) -> ChangeIdea:
    idea.proposed = False
    _author(idea, by).save(update_fields=["proposed"])
    return idea


@transaction.atomic
def idea_move(*, idea: ChangeIdea, offset: int, by) -> ChangeIdea:
    _move(idea, ChangeIdea.objects.filter(driver_id=idea.driver_id), offset=offset, by=by)
    return idea


@transaction.atomic
def idea_delete(*, idea: ChangeIdea, cycles_action: str | None = None, by) -> None:
    _settle_cycles(PdsaCycle.objects.filter(change_idea=idea), cycles_action=cycles_action, by=by)
    _author(idea, by).delete()


@transaction.atomic
def idea_copy(*, idea: ChangeIdea, initiative: Initiative, by) -> ChangeIdea:
    """*Brug denne idé*: copy another department's change idea into `initiative`'s diagram, under drivers with the
    same texts (created when missing). Copying the same idea twice gives one copy."""
    diagram = diagram_for(initiative)
    existing = ChangeIdea.objects.filter(driver__diagram=diagram, copied_from=idea).first()
    if existing is not None:
        return existing
    source = idea.driver
    chain = [source] if source.parent_id is None else [source.parent, source]
    parent = None
    for driver in chain:
        found = Driver.objects.filter(diagram=diagram, parent=parent, text=driver.text).first()
        parent = found or driver_add(initiative=initiative, text=driver.text, parent=parent, by=by)
    siblings = ChangeIdea.objects.filter(driver=parent)
    copy = ChangeIdea(driver=parent, text=idea.text, copied_from=idea, position=_next_position(siblings), created_by=by)
    _author(copy, by).save()
    return copy


# --- PDSA cycles -----------------------------------------------------------------------------------------------------

PLAN_FIELDS = (
    "change",
    "who",
    "start",
    "end",
    "prediction_measure",
    "prediction_direction",
    "prediction_amount",
    "prediction",
    "data_to_collect",
)
RECORD_FIELDS = ("what_happened", "problems", "result", "decision", "decision_note")


def _validate_cycle(cycle: PdsaCycle, *, sections: list[Section]) -> None:
    errors: dict = {}
    cycle.change = (cycle.change or "").strip()
    if not cycle.change:
        errors["change"] = _("Skriv, hvilken forandring I tester.")
    elif len(cycle.change) > TEXT_MAX:
        errors["change"] = _("Teksten må højst være %(max)d tegn.") % {"max": TEXT_MAX}
    if cycle.start is None:
        errors["start"] = _("Vælg startdatoen.")
    if cycle.end is None:
        errors["end"] = _("Vælg slutdatoen.")
    elif cycle.start is not None and cycle.end < cycle.start:
        errors["end"] = _("Slutdatoen ligger før startdatoen.")
    department_id = cycle.initiative.department_id
    if any(section.department_id != department_id for section in sections):
        errors["sections"] = _("Vælg kun afsnit fra afdelingen.")
    if cycle.prediction_measure is not None and cycle.prediction_measure.initiative_id != cycle.initiative_id:
        errors["prediction_measure"] = _("Vælg en måling fra indsatsen.")
    if cycle.prediction_direction and cycle.prediction_direction not in PdsaCycle.Direction.values:
        errors["prediction_direction"] = _("Vælg, om målingen skal stige eller falde.")
    if cycle.status not in STATUS_ORDER:
        errors["status"] = _("Vælg en status.")
    elif cycle.status != PdsaCycle.Status.PLANNED:
        if cycle.prediction_measure is None:
            errors["prediction_measure"] = _(
                "Vælg den måling, I forudsiger vil flytte sig, før cyklussen kan gå i gang."
            )
        if not cycle.prediction_direction:
            errors["prediction_direction"] = _("Vælg, om målingen skal stige eller falde.")
        if not (cycle.prediction or "").strip():
            errors["prediction"] = _("Skriv jeres forudsigelse, før cyklussen kan gå i gang.")
    if cycle.decision and cycle.decision not in PdsaCycle.Decision.values:
        errors["decision"] = _("Vælg indfør, tilpas eller forkast.")
    if cycle.status == PdsaCycle.Status.DONE:
        if not (cycle.result or "").strip():
            errors["result"] = _("Skriv resultatet mod forudsigelsen, før cyklussen afsluttes.")
        if not cycle.decision:
            errors["decision"] = _("Vælg indfør, tilpas eller forkast, før cyklussen afsluttes.")
    if cycle.decision == PdsaCycle.Decision.ADOPT and cycle.action_id is None and cycle.status == PdsaCycle.Status.DONE:
        errors["decision"] = _("Brug knappen “Indfør” – den opretter tiltaget på diagrammerne.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cycle_plan(
    *,
    initiative: Initiative,
    change: str,
    start: dt.date | None,
    end: dt.date | None,
    change_idea: ChangeIdea | None = None,
    previous: PdsaCycle | None = None,
    sections: Iterable[Section] = (),
    who: str = "",
    prediction_measure: Measure | None = None,
    prediction_direction: str = "",
    prediction_amount: str = "",
    prediction: str = "",
    data_to_collect: str = "",
    by,
) -> PdsaCycle:
    """Plan a cycle on a change idea of the initiative's diagram (or on the initiative itself)."""
    if change_idea is not None and change_idea.driver.diagram.initiative_id != initiative.pk:
        raise ValidationError({"change_idea": _("Forandringsidéen hører til en anden indsats.")})
    sections = list(sections)
    cycle = PdsaCycle(
        initiative=initiative,
        change_idea=change_idea,
        previous=previous,
        change=change,
        start=start,
        end=end,
        who=(who or "").strip(),
        prediction_measure=prediction_measure,
        prediction_direction=prediction_direction or "",
        prediction_amount=(prediction_amount or "").strip(),
        prediction=(prediction or "").strip(),
        data_to_collect=(data_to_collect or "").strip(),
        created_by=by,
    )
    _validate_cycle(cycle, sections=sections)
    _author(cycle, by).save()
    cycle.sections.set(sections)
    return cycle


@transaction.atomic
def cycle_update(*, cycle: PdsaCycle, sections: Iterable[Section] | None = None, by, **fields) -> PdsaCycle:
    """Change a cycle's plan, record what happened and the result, move its status (planned → running → study →
    done). A cycle without a prediction cannot move past *plan*; a done cycle needs its result and decision."""
    cycle = PdsaCycle.objects.select_for_update().select_related("initiative").get(pk=cycle.pk)
    unknown = set(fields) - {*PLAN_FIELDS, *RECORD_FIELDS, "status"}
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(cycle, name, value.strip() if isinstance(value, str) else value)
    sections = list(cycle.sections.all()) if sections is None else list(sections)
    if cycle.decision == PdsaCycle.Decision.ADOPT and cycle.action_id is None:
        cycle.decision = ""  # adopting is its own action (cycle_adopt), which creates the tiltag
    _validate_cycle(cycle, sections=sections)
    _author(cycle, by).save()
    cycle.sections.set(sections)
    return cycle


def adoption_date(cycle: PdsaCycle, *, today: dt.date) -> dt.date:
    """The tiltag's date when a cycle is adopted: the cycle's end, or today when it ends later."""
    return min(cycle.end, today)


@transaction.atomic
def cycle_adopt(*, cycle: PdsaCycle, by, today: dt.date, note: str = "") -> Action:
    """Adopt the tested change: the cycle is done with the decision *indfør*, and one dated tiltag is created on the
    initiative (drawn on its charts). Adopting twice gives the same one tiltag."""
    cycle = PdsaCycle.objects.select_for_update().select_related("initiative").get(pk=cycle.pk)
    if cycle.action_id is not None:
        return cycle.action
    errors = {}
    if not cycle.has_prediction:
        errors["prediction"] = _("Cyklussen har ingen forudsigelse; planlæg den færdig først.")
    if not cycle.result.strip():
        errors["result"] = _("Skriv resultatet mod forudsigelsen, før forandringen indføres.")
    if errors:
        raise ValidationError(errors)
    action = action_create(
        initiative=cycle.initiative,
        date=adoption_date(cycle, today=today),
        text=cycle.change[: Action._meta.get_field("text").max_length],
        description=_("Indført efter PDSA-cyklus: %(result)s") % {"result": cycle.result},
        by=by,
        today=today,
    )
    cycle.action = action
    cycle.decision = PdsaCycle.Decision.ADOPT
    cycle.status = PdsaCycle.Status.DONE
    if note.strip():
        cycle.decision_note = note.strip()
    _author(cycle, by).save()
    return action


@transaction.atomic
def cycle_next(*, cycle: PdsaCycle, by) -> PdsaCycle:
    """The next cycle of the ramp, linked to this one: same change idea and measure, starting the day after this
    one ends and lasting as long. Asking twice gives the same next cycle."""
    cycle = PdsaCycle.objects.select_for_update().select_related("initiative").get(pk=cycle.pk)
    existing = PdsaCycle.objects.filter(previous=cycle).first()
    if existing is not None:
        return existing
    start = cycle.end + dt.timedelta(days=1)
    return cycle_plan(
        initiative=cycle.initiative,
        change_idea=cycle.change_idea,
        previous=cycle,
        change=cycle.change,
        start=start,
        end=start + (cycle.end - cycle.start),
        sections=cycle.sections.all(),
        who=cycle.who,
        prediction_measure=cycle.prediction_measure,
        prediction_direction=cycle.prediction_direction,
        data_to_collect=cycle.data_to_collect,
        by=by,
    )


# --- progress score --------------------------------------------------------------------------------------------------


def parse_score(raw) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return value if f"{value:.1f}" in SCORES and value == value.quantize(Decimal("0.1")) else None


@transaction.atomic
def score_set(*, initiative: Initiative, month: dt.date | None, score, note: str = "", by) -> ProgressScore:
    """The team's score of the month (one per month; setting it again replaces it, the history keeps the old)."""
    errors = {}
    value = parse_score(score)
    if value is None:
        errors["score"] = _("Vælg en score mellem 0,5 og 5,0 i trin på 0,5.")
    if month is None:
        errors["month"] = _("Vælg måneden.")
    note = (note or "").strip()
    if len(note) > 300:
        errors["note"] = _("Noten må højst være 300 tegn.")
    if errors:
        raise ValidationError(errors)
    month = first_of_month(month)
    entry = ProgressScore.objects.select_for_update().filter(initiative=initiative, month=month).first()
    entry = entry or ProgressScore(initiative=initiative, month=month)
    entry.score, entry.note, entry.set_by = value, note, by
    _author(entry, by).save()
    return entry


# --- continuing into the next year ----------------------------------------------------------------------------------


@transaction.atomic
def carry_forward(*, source: Initiative, target: Initiative, by) -> None:
    """Continue `source` into `target` (the same recommendation next year): its driver diagram, its open PDSA cycles
    and its latest progress score come along. Running it twice copies nothing twice."""
    diagram = diagram_for(target)
    if not diagram.drivers.exists():
        old = DriverDiagram.objects.filter(initiative=source).first()
        ideas: dict[int, ChangeIdea] = {}
        if old is not None:
            for primary in old.drivers.filter(parent=None).prefetch_related("children", "change_ideas"):
                new_primary = driver_add(initiative=target, text=primary.text, by=by)
                for driver, new_driver in [(primary, new_primary)] + [
                    (child, driver_add(initiative=target, text=child.text, parent=new_primary, by=by))
                    for child in primary.children.all()
                ]:
                    for idea in driver.change_ideas.all():
                        ideas[idea.pk] = idea_add(driver=new_driver, text=idea.text, proposed=idea.proposed, by=by)
        for cycle in source.pdsa_cycles.exclude(status=PdsaCycle.Status.DONE).select_related("prediction_measure"):
            if PdsaCycle.objects.filter(initiative=target, change=cycle.change, start=cycle.start).exists():
                continue
            copy = PdsaCycle(
                initiative=target,
                change_idea=ideas.get(cycle.change_idea_id),
                **{name: getattr(cycle, name) for name in (*PLAN_FIELDS, *RECORD_FIELDS, "status")},
                created_by=by,
            )
            # Measures belong to the year's initiative: the team picks the measure again, so the cycle is planned.
            copy.prediction_measure = None
            copy.status = PdsaCycle.Status.PLANNED
            _author(copy, by).save()
    latest = source.progress_scores.order_by("-month").first()
    if latest is not None and not target.progress_scores.exists():
        ProgressScore.objects.create(
            initiative=target, month=latest.month, score=latest.score, note=latest.note, set_by=by
        )
