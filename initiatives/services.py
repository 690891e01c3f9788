"""Writes for a department's Vælg Klogt work: selections (initiatives), status, opt-outs, the cross-hospital
recommendation and meetings.

Keyword-only functions that validate first and write inside one transaction: bad input raises a ValidationError
with Danish messages keyed by form field, and nothing is saved. Who may call them is decided by the views through
departments/access.py; `by` is the acting user, recorded in the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from departments.access import may_enter
from departments.models import Department, Section

from .models import Action, CrossHospitalSelection, Initiative, Meeting, NationalGoal, Recommendation, StatusChange
from .selectors import cross_hospital_for

#: Statuses an initiative can start in; anchored and stopped come later, with a reason.
START_STATUSES = (Initiative.Status.PLANNED, Initiative.Status.IMPLEMENTING)
#: Statuses whose change must be explained.
REASON_REQUIRED = (Initiative.Status.ANCHORED, Initiative.Status.STOPPED)
YEAR_MIN, YEAR_MAX = 2000, 2100


def _with_author(instance, by):
    instance._history_user = by
    return instance


def recommendation_usable_by(recommendation: Recommendation, department: Department) -> bool:
    """A department may select any national recommendation, its own opt-outs and opt-outs KDK has shared."""
    if recommendation.kind == Recommendation.Kind.NATIONAL:
        return True
    return recommendation.owner_department_id == department.pk or recommendation.shared


def _check_sections(department: Department, sections: Iterable[Section], errors: dict) -> list[Section]:
    sections = list(sections)
    if any(section.department_id != department.pk for section in sections):
        errors["sections"] = _("Vælg kun afsnit fra afdelingen.")
    return sections


def _check_year(year: int, errors: dict) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        errors["year"] = _("Skriv et årstal, fx 2027.")


@transaction.atomic
def initiative_select(
    *,
    department: Department,
    recommendation: Recommendation,
    year: int,
    sections: Iterable[Section] = (),
    aim: str = "",
    national_goals: Iterable[NationalGoal] = (),
    status: str = Initiative.Status.PLANNED,
    by,
) -> Initiative:
    """Select a recommendation or opt-out for a year: the department's initiative, with its first status.

    Sections and an aim are required: a selection without them is refused, so it never counts toward Mål 1."""
    errors: dict = {}
    _check_year(year, errors)
    sections = _check_sections(department, sections, errors)
    # An untouched form never creates an initiative: it would count toward Mål 1 without saying where or what for.
    if not sections and "sections" not in errors:
        errors["sections"] = _("Vælg mindst ét afsnit, hvor indsatsen gennemføres.")
    if not aim.strip():
        errors["aim"] = _("Skriv formålet: fra … til … inden ….")
    if not recommendation_usable_by(recommendation, department):
        errors[NON_FIELD_ERRORS] = _("Dette faglige fravalg tilhører en anden afdeling og er ikke delt.")
    if status not in START_STATUSES:
        errors["status"] = _("En ny indsats starter som planlagt eller under implementering.")
    if (
        "year" not in errors
        and Initiative.objects.filter(department=department, recommendation=recommendation, year=year).exists()
    ):
        errors["year"] = _("Afdelingen har allerede valgt denne anbefaling for %(year)d.") % {"year": year}
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    cross = cross_hospital_for(year)
    initiative = _with_author(
        Initiative(
            department=department,
            recommendation=recommendation,
            year=year,
            aim=aim.strip(),
            status=status,
            status_changed_on=today,
            # Selecting the year's cross-hospital recommendation is joining it: recorded now, so a later change of
            # the year's recommendation never flips the department's Mål 1 count.
            cross_hospital=cross is not None and cross.recommendation_id == recommendation.pk,
        ),
        by,
    )
    try:
        with transaction.atomic():
            initiative.save()
    except IntegrityError:  # a second click or a colleague got there first
        raise ValidationError(
            {"year": _("Afdelingen har allerede valgt denne anbefaling for %(year)d.") % {"year": year}}
        ) from None
    initiative.sections.set(sections)
    initiative.national_goals.set(list(national_goals))
    StatusChange.objects.create(initiative=initiative, status=status, changed_on=today, changed_by=by)
    return initiative


@transaction.atomic
def initiative_update(
    *,
    initiative: Initiative,
    sections: Iterable[Section],
    aim: str,
    national_goals: Iterable[NationalGoal],
    by,
) -> Initiative:
    errors: dict = {}
    sections = _check_sections(initiative.department, sections, errors)
    if errors:
        raise ValidationError(errors)
    initiative.aim = aim.strip()
    _with_author(initiative, by).save()
    initiative.sections.set(sections)
    initiative.national_goals.set(list(national_goals))
    return initiative


@transaction.atomic
def initiative_change_status(
    *, initiative: Initiative, status: str, changed_on: dt.date, reason: str = "", by
) -> StatusChange:
    """A dated status change; anchored and stopped need a short reason. Dates never run backwards."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    errors: dict = {}
    reason = reason.strip()
    if status not in Initiative.Status.values:
        errors["status"] = _("Vælg en status.")
    elif status == initiative.status:
        errors["status"] = _("Indsatsen har allerede status “%(status)s”.") % {
            "status": Initiative.Status(status).label.lower()
        }
    if status in REASON_REQUIRED and not reason:
        errors["reason"] = _("Skriv kort, hvorfor indsatsen er %(status)s.") % {
            "status": Initiative.Status(status).label.lower()
        }
    if changed_on > timezone.localdate():
        errors["changed_on"] = _("Datoen må ikke ligge i fremtiden.")
    else:
        latest = initiative.status_changes.order_by("-changed_on").values_list("changed_on", flat=True).first()
        if latest and changed_on < latest:
            errors["changed_on"] = _("Datoen ligger før den seneste statusændring (%(date)s).") % {
                "date": date_format(latest, "j. F Y")
            }
    if errors:
        raise ValidationError(errors)
    change = StatusChange.objects.create(
        initiative=initiative, status=status, changed_on=changed_on, reason=reason, changed_by=by
    )
    initiative.status = status
    initiative.status_changed_on = changed_on
    _with_author(initiative, by).save(update_fields=["status", "status_changed_on"])
    return change


@transaction.atomic
def opt_out_propose(
    *, department: Department, title: str, text: str, rationale: str, source_url: str = "", by
) -> Recommendation:
    """A department's own professional opt-out (fagligt fravalg); only the department sees it until KDK shares it."""
    errors: dict = {}
    title, text, rationale = title.strip(), text.strip(), rationale.strip()
    if not title:
        errors["title"] = _("Giv fravalget en kort titel.")
    elif Recommendation.objects.filter(owner_department=department, title__iexact=title).exists():
        errors["title"] = _("Afdelingen har allerede et fagligt fravalg med denne titel.")
    if not text:
        errors["text"] = _("Beskriv, hvad I holder op med at gøre.")
    if not rationale:
        errors["rationale"] = _("Skriv den faglige begrundelse for fravalget.")
    if errors:
        raise ValidationError(errors)
    return Recommendation.objects.create(
        kind=Recommendation.Kind.LOCAL,
        owner_department=department,
        title=title,
        text=text,
        rationale=rationale,
        source_url=source_url.strip(),
        year=timezone.localdate().year,
        created_by=by,
    )


@transaction.atomic
def opt_out_set_shared(*, recommendation: Recommendation, shared: bool, by) -> Recommendation:
    """KDK makes a department's opt-out visible to every department as inspiration (or takes it back)."""
    if recommendation.kind != Recommendation.Kind.LOCAL:
        raise ValidationError(_("Kun faglige fravalg kan deles som inspiration."))
    recommendation.shared = shared
    recommendation.save(update_fields=["shared"])
    return recommendation


@transaction.atomic
def cross_hospital_set(*, year: int, recommendation: Recommendation, note: str = "", by) -> CrossHospitalSelection:
    """KDK sets the year's cross-hospital recommendation (one per year)."""
    errors: dict = {}
    _check_year(year, errors)
    if recommendation.kind != Recommendation.Kind.NATIONAL:
        errors["recommendation"] = _("Den tværgående anbefaling skal være en national Vælg Klogt-anbefaling.")
    if errors:
        raise ValidationError(errors)
    selection, _created = CrossHospitalSelection.objects.update_or_create(
        year=year, defaults={"recommendation": recommendation, "note": note.strip()}
    )
    return selection


@transaction.atomic
def cross_hospital_join(*, department: Department, year: int, by) -> tuple[Initiative, bool]:
    """The department joins the year's cross-hospital recommendation: one action, one initiative, however often."""
    selection = cross_hospital_for(year)
    if selection is None:
        raise ValidationError(_("Der er ingen tværgående anbefaling for %(year)d.") % {"year": year})
    today = timezone.localdate()
    initiative, created = Initiative.objects.get_or_create(
        department=department,
        recommendation=selection.recommendation,
        year=year,
        defaults={"status": Initiative.Status.PLANNED, "status_changed_on": today, "cross_hospital": True},
    )
    if created:
        StatusChange.objects.create(initiative=initiative, status=initiative.status, changed_on=today, changed_by=by)
    elif not initiative.cross_hospital:  # selected locally before: from now on it is the cross-hospital part
        initiative.cross_hospital = True
        _with_author(initiative, by).save(update_fields=["cross_hospital"])
    return initiative, created


def _check_meeting(*, date: dt.date, title: str, errors: dict) -> None:
    if not YEAR_MIN <= date.year <= YEAR_MAX:
        errors["date"] = _("Skriv en gyldig dato.")
    if len(title) > Meeting._meta.get_field("title").max_length:
        errors["title"] = _("Titlen er for lang.")


@transaction.atomic
def meeting_schedule_inspiration(
    *, date: dt.date, title: str = "", participants: Iterable[Department] = (), decisions: str = "", by
) -> Meeting:
    """KDK schedules one of the year's inspiration meetings, and later records which departments took part."""
    errors: dict = {}
    _check_meeting(date=date, title=title.strip(), errors=errors)
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.INSPIRATION, date=date, title=title.strip(), decisions=decisions.strip()
    )
    meeting.participants.set(list(participants))
    return meeting


@transaction.atomic
def meeting_record_quality(
    *, department: Department, date: dt.date, title: str = "", decisions: str = "", by
) -> Meeting:
    """The department records a quality-team meeting (kvalitetsteammøde) with its date and decisions."""
    errors: dict = {}
    _check_meeting(date=date, title=title.strip(), errors=errors)
    if errors:
        raise ValidationError(errors)
    return Meeting.objects.create(
        kind=Meeting.Kind.QUALITY_TEAM,
        department=department,
        date=date,
        title=title.strip() or _("Kvalitetsteammøde"),
        decisions=decisions.strip(),
    )


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    date: dt.date,
    title: str = "",
    decisions: str = "",
    participants: Iterable[Department] | None = None,
    by,
) -> Meeting:
    errors: dict = {}
    _check_meeting(date=date, title=title.strip(), errors=errors)
    if participants is not None and meeting.kind != Meeting.Kind.INSPIRATION:
        errors["participants"] = _("Kun inspirationsmøder har deltagende afdelinger.")
    if errors:
        raise ValidationError(errors)
    meeting.date = date
    meeting.title = title.strip()
    meeting.decisions = decisions.strip()
    meeting.save()
    if participants is not None:
        meeting.participants.set(list(participants))
    return meeting


@transaction.atomic
def meeting_delete(*, meeting: Meeting, by) -> None:
    meeting.delete()


# --- actions (tiltag) ---

#: Actions (tiltag): dated changes a team makes, drawn as markers on the initiative's charts; added from the entry
#: page by those who enter the department's numbers (key persons, management, KDK).
ACTION_TEXT_MAX = Action._meta.get_field("text").max_length
ACTION_EARLIEST = dt.date(2000, 1, 1)


def action_create(*, initiative, date: dt.date | None, text: str, description: str = "", by, today: dt.date) -> Action:
    """Record a dated action with a short text; the date may not lie in the future (it records what was done)."""
    if not may_enter(by, initiative.department_id):
        raise PermissionDenied(_("Du kan ikke tilføje tiltag for denne afdeling."))
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Skriv kort, hvad I ændrede.")
    elif len(text) > ACTION_TEXT_MAX:
        errors["text"] = _("Teksten må højst være %(max)d tegn.") % {"max": ACTION_TEXT_MAX}
    if date is None:
        errors["date"] = _("Vælg datoen for tiltaget.")
    elif date > today:
        errors["date"] = _("Datoen må ikke ligge i fremtiden.")
    elif date < ACTION_EARLIEST:
        errors["date"] = _("Datoen ser forkert ud.")
    if errors:
        raise ValidationError(errors)
    return Action.objects.create(
        initiative=initiative, date=date, text=text, description=(description or "").strip(), created_by=by
    )


@transaction.atomic
def initiative_set_shared(*, initiative: Initiative, shared: bool, by) -> Initiative:
    """*Del som inspiration*: other departments working on the same recommendation may see the initiative's values,
    charts, PDSA cycles and progress scores (departments.access: `visible_or_shared`)."""
    initiative.shared_as_inspiration = bool(shared)
    _with_author(initiative, by).save(update_fields=["shared_as_inspiration"])
    return initiative


@transaction.atomic
def initiative_continue(*, initiative: Initiative, by) -> tuple[Initiative, bool]:
    """Continue an initiative into the next year: the same recommendation, sections, aim and national goals.
    Asking twice gives the one next-year initiative (returned with created=False)."""
    existing = Initiative.objects.filter(
        department_id=initiative.department_id, recommendation_id=initiative.recommendation_id, year=initiative.year + 1
    ).first()
    if existing is not None:
        return existing, False
    planned = initiative.status == Initiative.Status.PLANNED
    following = initiative_select(
        department=initiative.department,
        recommendation=initiative.recommendation,
        year=initiative.year + 1,
        sections=initiative.sections.all(),
        aim=initiative.aim,
        national_goals=initiative.national_goals.all(),
        status=Initiative.Status.PLANNED if planned else Initiative.Status.IMPLEMENTING,
        by=by,
    )
    return following, True
