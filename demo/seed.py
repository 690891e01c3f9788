"""Clearly-demo data for a first run and for every screen's tests. Idempotent: a second run leaves the same data.

The content is in `demo.content`; this module writes it through the domain's own write services, so the demo data
passes the rules real data passes and leaves the same trail (history, status changes, cached summaries):

* teams and their members: `departments.services`;
* the national catalogue: the CSV import KDK uses (`initiatives.catalogue`); opt-outs, the cross-hospital
  recommendation, initiatives and their status changes, meetings: `initiatives.services`; actions:
  `initiatives.services`;
* measures: `measurements.definitions`; every monthly value: `measurements.services.measurement_record_many`.
  Each month's values are recorded on that month's last day, as a key person would have done then — before the
  month locked (`measurements.locking`).

Hospitals, departments, sections, users and roles have no write service (the admin and single sign-on make them),
so they are written directly; so are the few things no service does: removing a team (`_teams`), marking an opt-out
as an example of the demo's year (`_opt_outs`) and moving a recorded action with the demo's months (`_action`).
Who acts: KDK for the hospital group, a department's demo manager steers its work and its demo key person enters its
numbers; where a department has no such demo user, KDK does it (`Cast`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from core.months import add_months, last_complete_month
from departments.access import Role
from departments.models import Department, Hospital, LocalTeam, Membership, Section, TeamMember
from departments.services import team_establish, team_member_add, team_member_update
from initiatives.catalogue import CATALOGUE_COLUMNS, import_catalogue
from initiatives.models import Action, Initiative, Meeting, NationalGoal, Recommendation
from initiatives.national_goals import ensure_national_goals
from initiatives.services import (
    START_STATUSES,
    action_create,
    cross_hospital_set,
    initiative_change_status,
    initiative_select,
    initiative_update,
    meeting_record_quality,
    meeting_schedule_inspiration,
    meeting_update,
    opt_out_propose,
    opt_out_set_shared,
)
from measurements.definitions import MeasureDefinition, measure_create, measure_update
from measurements.models import ChartPhase, Measure, Measurement, Unit
from measurements.phases import note_set, phase_add
from measurements.services import Entry, measurement_record_many

from .content import (
    DEMO_PASSWORD,
    DEPARTMENTS,
    HOSPITALS,
    INITIATIVES,
    INSPIRATION_MEETINGS,
    MONTHS_OF_DATA,
    NATIONAL,
    NOT_AT_INSPIRATION,
    OPT_OUTS,
    QUALITY_TEAM_MEETINGS,
    TEAM_MEMBERS,
    USERS,
    YEAR,
    MeasureSpec,
)
from .sampling import poisson

#: An initiative walks forward through these statuses; anchoring needs a reason, so each step has one.
STATUS_STEPS = [
    Initiative.Status.PLANNED,
    Initiative.Status.IMPLEMENTING,
    Initiative.Status.IMPLEMENTED,
    Initiative.Status.ANCHORED,
]
STATUS_REASONS = {
    Initiative.Status.IMPLEMENTED: "Indført i de valgte afsnit (demo).",
    Initiative.Status.ANCHORED: "Indarbejdet i afdelingens instruks (demo).",
}


@dataclass(frozen=True)
class Cast:
    """Which demo user acts: KDK for the hospital group, a department's manager steers, its key person enters."""

    kdk: AbstractBaseUser
    managers: dict[str, AbstractBaseUser]  # by department code
    key_persons: dict[str, AbstractBaseUser]

    def steering(self, department_code: str) -> AbstractBaseUser:
        return self.managers.get(department_code, self.kdk)

    def entering(self, department_code: str) -> AbstractBaseUser:
        return self.key_persons.get(department_code, self.kdk)


@transaction.atomic
def seed(today: dt.date) -> dict[str, int]:
    """Write the demo data as of `today` (its 26 months of values end with the last completed month)."""
    hospitals, departments, sections = _organisation()
    users, cast = _users(departments)
    _teams(departments, users, cast)
    recommendations = _catalogue(departments, cast)
    value_count = _initiatives(today, departments, sections, recommendations, users, cast)
    _meetings(departments, cast)
    return {
        "hospitals": len(hospitals),
        "departments": len(departments),
        "sections": len(sections),
        "values": value_count,
        "users": len(users),
    }


def _organisation():
    """Hospitals, departments (each at one or more hospitals) and their sections.

    No service writes these (KDK keeps them in the admin), so they are written directly.
    """
    hospitals = {
        code: Hospital.objects.update_or_create(code=code, defaults={"name": name})[0] for code, name in HOSPITALS
    }
    departments, sections = {}, {}
    for code, name, hospital_codes, section_rows, _established in DEPARTMENTS:
        department, _ = Department.objects.update_or_create(code=code.lower(), defaults={"name": name})
        department.hospitals.set([hospitals[h] for h in hospital_codes])
        departments[code] = department
        for section_code, section_name, kind, hospital_code in section_rows:
            sections[(code, section_code)] = Section.objects.update_or_create(
                department=department,
                code=section_code.lower(),
                defaults={"name": section_name, "kind": kind, "hospital": hospitals[hospital_code]},
            )[0]
    return hospitals, departments, sections


def _users(departments):
    """The demo users with password `demo`, each with exactly one role (written directly: sign-in makes them)."""
    users = {}
    User = get_user_model()
    for username, first_name, role, department_code in USERS:
        user, _created = User.objects.get_or_create(username=username, defaults={"first_name": first_name})
        user.first_name, user.last_name, user.email = first_name, "", f"{username}@example.invalid"
        user.is_staff = role == Role.KDK
        user.is_superuser = role == Role.KDK
        user.set_password(DEMO_PASSWORD)
        user.save()
        department = departments[department_code] if department_code else None
        Membership.objects.filter(user=user).exclude(role=role, department=department).delete()
        Membership.objects.get_or_create(user=user, role=role, department=department)
        users[username] = user

    def by_role(role):
        return {code: users[username] for username, _name, r, code in USERS if r == role and code}

    cast = Cast(kdk=users["kdk"], managers=by_role(Role.MANAGEMENT), key_persons=by_role(Role.KEY_PERSON))
    return users, cast


def _teams(departments, users, cast) -> None:
    """Local teams (Mål 2) with their members, through `departments.services`.

    A department without a team date has its team removed; no service disbands a team, so that is a direct delete.
    """
    teams = {}
    for code, _name, _hospitals, _sections, established in DEPARTMENTS:
        if established:
            teams[code] = team_establish(
                department=departments[code], established_on=established, by=cast.steering(code)
            )
        else:
            LocalTeam.objects.filter(department=departments[code]).delete()
    for code, username, name, title, role in TEAM_MEMBERS:
        user = users[username] if username else None
        member = TeamMember.objects.filter(team=teams[code], user=user, name=name).first()
        person = {"role": role, "user": user, "name": name, "title": title, "by": cast.steering(code)}
        if member is None:
            team_member_add(team=teams[code], **person)
        else:
            team_member_update(member=member, **person)


def _catalogue(departments, cast) -> dict[str, Recommendation]:
    """The national recommendations, the departments' opt-outs and the year's cross-hospital recommendation.

    Returns every recommendation by its key in `demo.content`.
    """
    result = import_catalogue(_catalogue_csv())
    if result.errors:
        raise ValueError(f"The demo catalogue does not import: {result.errors}")
    national = Recommendation.objects.filter(kind=Recommendation.Kind.NATIONAL)
    recommendations = {key: national.get(title=title) for key, title, *_rest in NATIONAL}
    recommendations.update(_opt_outs(departments, cast))
    cross_hospital_set(year=YEAR, recommendation=recommendations["medicin"], by=cast.kdk)
    return recommendations


def _catalogue_csv() -> bytes:
    """The demo's national recommendations as the CSV file KDK imports (`manage.py import_catalogue`)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CATALOGUE_COLUMNS)
    for _key, title, society, text, url, year in NATIONAL:
        writer.writerow([title, society, text, url, year])
    return out.getvalue().encode()


def _opt_outs(departments, cast) -> dict[str, Recommendation]:
    """Each department proposes its opt-outs; KDK shares some of them as inspiration.

    Two marks only demo data carries are set directly: it is an example, and it belongs to the demo's year (the
    service dates a proposal by the day it is made).
    """
    opt_outs = {}
    for code, key, title, rationale, shared in OPT_OUTS:
        department = departments[code]
        opt_out = Recommendation.objects.filter(
            kind=Recommendation.Kind.LOCAL, owner_department=department, title=title
        ).first() or opt_out_propose(
            department=department, title=title, text=rationale, rationale=rationale, by=cast.steering(code)
        )
        Recommendation.objects.filter(pk=opt_out.pk).update(is_example=True, year=YEAR)
        opt_outs[key] = opt_out_set_shared(recommendation=opt_out, shared=shared, by=cast.kdk)
    return opt_outs


def _initiatives(today, departments, sections, recommendations, users, cast) -> int:
    """The year's initiatives with their actions, measures and monthly values; returns the number of values."""
    end = last_complete_month(today)
    months = [add_months(end, -offset) for offset in range(MONTHS_OF_DATA - 1, -1, -1)]
    ensure_national_goals(NationalGoal)
    goals = {goal.number: goal for goal in NationalGoal.objects.all()}
    entries = defaultdict(list)  # who enters them → the values to write
    value_count = 0
    for code, rec_key, status, section_codes, goal_numbers, measure_specs, action in INITIATIVES:
        chosen = [sections[(code, section_code)] for section_code in section_codes]
        initiative = _initiative(
            departments[code],
            recommendations[rec_key],
            status=status,
            sections=chosen,
            national_goals=[goals[n] for n in goal_numbers],
            by=cast.steering(code),
        )
        shift_month = _action(initiative, action, end=end, today=today, by=cast.entering(code)) if action else None
        for spec in measure_specs:
            responsible = users["noegle"] if code == "ORT" else None
            measure = _measure(initiative, spec, months, responsible=responsible, by=cast.steering(code))
            _decisions(measure, months, action=action, shift_month=shift_month, by=cast.steering(code))
            wanted = _wanted_values(spec, months, shift_month, chosen if spec.per_section else [None])
            entries[cast.entering(code)] += _value_entries(measure, wanted)
            value_count += len(wanted)
    for by, batch in entries.items():
        _record(batch, by=by)
    return value_count


#: The demo measure that shows an excluded month and point notes.
FIRST_DEMO_MEASURE = "ORT-KAT-01"


def _decisions(measure, months, *, action, shift_month, by) -> None:
    """What a team decides about its charts (issue 12), once: the orthopaedic team splits its charts after the month
    of its tiltag (13 months ago: enough points after it), and on the first demo measure excludes a month with its
    reason and writes a few point notes. Through `measurements.phases`."""
    if measure.chart_revision:
        return  # already decided on an earlier run
    ort = measure.code.startswith("ORT-")
    if ort and shift_month is not None and add_months(shift_month, -1) in months[:-1]:
        phase_add(
            measure=measure,
            kind=ChartPhase.Kind.SPLIT,
            month=add_months(shift_month, -1),
            reason=f"Tiltag: {action[1]}",
            months=months,
            by=by,
        )
    if measure.code == FIRST_DEMO_MEASURE:
        phase_add(
            measure=measure,
            kind=ChartPhase.Kind.EXCLUDE,
            month=months[5],
            reason="IT-nedbrud: registreringen var ufuldstændig (demo)",
            months=months,
            by=by,
        )
        note_set(measure=measure, month=months[6], text="Sommerferie: halv bemanding (demo)", months=months, by=by)
        note_set(measure=measure, month=months[14], text="Ny registreringspraksis (demo)", months=months, by=by)


def _initiative(department, recommendation, *, status, sections, national_goals, by) -> Initiative:
    """Select the recommendation for the demo's year (or update the selection), then walk it to its status."""
    aim = f"Fra udgangsniveau til målet inden december {YEAR} (demo)."
    initiative = Initiative.objects.filter(department=department, recommendation=recommendation, year=YEAR).first()
    if initiative is None:
        initiative = initiative_select(
            department=department,
            recommendation=recommendation,
            year=YEAR,
            sections=sections,
            aim=aim,
            national_goals=national_goals,
            status=status if status in START_STATUSES else Initiative.Status.IMPLEMENTING,
            by=by,
        )
    else:
        initiative = initiative_update(
            initiative=initiative, sections=sections, aim=aim, national_goals=national_goals, by=by
        )
    for step in _status_steps(initiative.status, status):
        # The same day initiative_select records as the start: a status change may not predate it.
        initiative_change_status(
            initiative=initiative,
            status=step,
            changed_on=timezone.localdate(),
            reason=STATUS_REASONS.get(step, ""),
            by=by,
        )
    return initiative


def _status_steps(current: str, target: str) -> list[str]:
    """The status changes from `current` to `target`: forward one step at a time, otherwise straight there."""
    if current == target:
        return []
    if current in STATUS_STEPS and target in STATUS_STEPS and STATUS_STEPS.index(current) < STATUS_STEPS.index(target):
        return STATUS_STEPS[STATUS_STEPS.index(current) + 1 : STATUS_STEPS.index(target) + 1]
    return [target]


def _action(initiative, action, *, end, today, by) -> dt.date:
    """Record the initiative's action (tiltag) `months_before` the last complete month; returns the first month
    its measures shift in (the month after the action).

    The demo's months move with today; no service moves a recorded action, so a re-run moves the demo's own action
    directly.
    """
    months_before, text = action
    action_month = add_months(end, -months_before)
    date = action_month + dt.timedelta(days=9)
    existing = Action.objects.filter(initiative=initiative, text=text).first()
    if existing is None:
        action_create(initiative=initiative, date=date, text=text, by=by, today=today)
    elif existing.date != date:
        Action.objects.filter(pk=existing.pk).update(date=date)
    return add_months(action_month, 1)


def _measure(initiative, spec: MeasureSpec, months, *, responsible, by) -> Measure:
    """Define the measure over `months` (or update its definition) through `measurements.definitions`."""
    definition = {
        "name": spec.name,
        "code": spec.code,
        "kind": spec.kind,
        "unit": spec.unit,
        "direction": spec.direction,
        "target": spec.target,
        "per_section": spec.per_section,
        "rate_per": spec.rate_per,
        "start_month": months[0],
        "operational_definition": f"{spec.name}, opgjort pr. kalendermåned (demo).",
        "numerator_definition": {
            Unit.MEAN: "Antal patienter med kateter i måneden; gennemsnit og SD af liggetiden i timer (demo).",
            Unit.EVENTS: "Datoen for hver genanlæggelse; ingen patientdata (demo).",
        }.get(spec.unit, "Antal hændelser i måneden (demo)."),
        "denominator_definition": ""
        if spec.unit in (Unit.COUNT, Unit.MEAN, Unit.EVENTS)
        else "Antal patienter/sengedage (demo).",
        "data_source": "Sundhedsplatformen, udtræk (demo)",
        "responsible": responsible,
    }
    definition = MeasureDefinition(**definition)
    measure = Measure.objects.filter(code=spec.code).first()
    if measure is None:
        measure = measure_create(initiative=initiative, definition=definition, by=by)
    else:
        # Values before the new first month are withdrawn first, while the measure's old period still allows it.
        outside = Measurement.objects.filter(measure=measure).exclude(month__range=(months[0], months[-1]))
        _record(_entries(_with_sections(measure), [(v.section_id, v.month, None, None, v) for v in outside]), by=by)
        measure = measure_update(measure=measure, definition=definition, by=by)
    if not ChartPhase.objects.active().filter(measure=measure, kind=ChartPhase.Kind.FREEZE).exists():
        phase_add(
            measure=measure,
            kind=ChartPhase.Kind.FREEZE,
            month=months[11],
            reason="Baseline: de første 12 måneder før indsatsen (demo)",
            months=months,
            by=by,
        )
    return _with_sections(measure)


def _with_sections(measure: Measure) -> Measure:
    """The write service checks each value's section against the initiative's: read them once, not per value."""
    prefetch_related_objects([measure], "initiative__sections")
    return measure


def _meetings(departments, cast) -> None:
    """KDK's inspiration meetings of the year with their participants, and the departments' quality-team meetings."""
    attending = [d for code, d in departments.items() if code not in NOT_AT_INSPIRATION]
    for number, date in enumerate(INSPIRATION_MEETINGS, start=1):
        title, participants = f"Inspirationsmøde {number} ({YEAR})", attending[: 6 + number]
        meeting = Meeting.objects.filter(kind=Meeting.Kind.INSPIRATION, date=date).first()
        if meeting is None:
            meeting_schedule_inspiration(date=date, title=title, participants=participants, by=cast.kdk)
        else:
            meeting_update(
                meeting=meeting,
                date=date,
                title=title,
                decisions=meeting.decisions,
                participants=participants,
                by=cast.kdk,
            )
    for code, dates, decisions in QUALITY_TEAM_MEETINGS:
        department, title = departments[code], "Kvalitetsteammøde"
        for date in dates:
            meeting = Meeting.objects.filter(kind=Meeting.Kind.QUALITY_TEAM, department=department, date=date).first()
            if meeting is None:
                meeting_record_quality(
                    department=department, date=date, title=title, decisions=decisions, by=cast.steering(code)
                )
            else:
                meeting_update(meeting=meeting, date=date, title=title, decisions=decisions, by=cast.steering(code))


def _wanted_values(spec: MeasureSpec, months, shift_month, targets) -> dict:
    """The measure's generated values, {(section id or None, month): (numerator, denominator, extra)}, for each
    target (a section, or None for the whole department); `extra` holds a mean's mean and SD or a rare-event
    month's dates and opportunities (the write service's keyword arguments)."""
    return {
        (section.pk if section else None, month): (numerator, denominator, extra)
        for section in targets
        for month, numerator, denominator, *rest in _values(
            spec, months, shift_month, section.code if section else "all"
        )
        for extra in [rest[0] if rest else {}]
    }


def _values(spec: MeasureSpec, months: list[dt.date], shift_month: dt.date | None, salt: str):
    rng = random.Random(f"{spec.code}:{salt}")
    for index, month in enumerate(months):
        level = spec.after if spec.after is not None and shift_month and month >= shift_month else spec.level
        if index in spec.gaps:
            continue
        if spec.unit == Unit.PROPORTION:
            n = max(5, round(rng.gauss(spec.size, spec.size * 0.12)))
            if spec.spread:
                level = min(0.95, max(0.01, level * (1 + rng.gauss(0, spec.spread))))
            yield month, sum(rng.random() < level for _ in range(n)), n
        elif spec.unit == Unit.RATE:
            exposure = max(10, round(rng.gauss(spec.size, spec.size * 0.08)))
            yield month, poisson(rng, level * exposure / spec.rate_per), exposure
        elif spec.unit == Unit.MEAN:
            n = max(3, round(rng.gauss(spec.size, spec.size * 0.2)))
            mean = max(1.0, rng.gauss(level, level * 0.06))
            sd = max(0.5, rng.gauss(level * 0.3, level * 0.04))
            extra = {"mean": f"{mean:.1f}".replace(".", ","), "sd": f"{sd:.1f}".replace(".", ",")}
            yield month, n, None, extra
        elif spec.unit == Unit.EVENTS:
            days = sorted(rng.sample(range(1, 29), min(poisson(rng, level), 5)))
            share = max(1, spec.size // (len(days) + 1))
            opportunities = [max(1, round(rng.gauss(share, share * 0.2))) for _day in days]
            extra = {"events": [month.replace(day=day) for day in days], "opportunities": opportunities or None}
            yield month, len(days), None, extra
        else:
            yield month, poisson(rng, level), None


def _value_entries(measure: Measure, wanted: dict) -> list[Entry]:
    """What makes the measure's stored values exactly `wanted` ({(section id, month): (numerator, denominator)}):
    every wanted value (the write service leaves an unchanged one alone), and a deletion of every other one."""
    stored = {(v.section_id, v.month): v for v in Measurement.objects.filter(measure=measure)}
    rows = [
        (*key, numerator, denominator, stored.pop(key, None), extra)
        for key, (numerator, denominator, extra) in wanted.items()
    ]
    return _entries(measure, rows + [(*key, None, None, value) for key, value in stored.items()])


def _entries(measure: Measure, rows) -> list[Entry]:
    """Write-service entries from (section id, month, numerator, denominator, stored value or None[, extra]) rows;
    both numbers None deletes the stored value; `extra` is a mean's or a rare-event month's keyword arguments."""
    sections = {section.pk: section for section in measure.initiative.sections.all()}
    return [
        Entry(
            key=(measure.pk, section_id, month),
            measure=measure,
            section=sections.get(section_id),
            month=month,
            numerator=numerator,
            denominator=denominator,
            expected_version=stored.version if stored else None,
            **(extra[0] if extra else {}),
        )
        for section_id, month, numerator, denominator, stored, *extra in rows
    ]


def _record(entries: list[Entry], *, by) -> None:
    """Write the entries with `measurement_record_many`, a month at a time, each month as of its own last day: as
    the key person would have entered it then, before the month locked (`measurements.locking`)."""
    by_month = defaultdict(list)
    for entry in entries:
        by_month[entry.month].append(entry)
    for month, batch in sorted(by_month.items()):
        measurement_record_many(entries=batch, by=by, today=add_months(month, 1) - dt.timedelta(days=1))
