"""Clearly-demo data for a first run and for every screen's tests. Idempotent: a second run leaves the same data.

The content is in `demo.content`; this module writes it.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from departments.access import Role
from departments.models import Department, Hospital, LocalTeam, Membership, Section, TeamMember
from initiatives.models import Action, CrossHospitalSelection, Initiative, Meeting, NationalGoal, Recommendation
from initiatives.national_goals import ensure_national_goals
from measurements.models import Measure, Measurement, Unit
from measurements.periods import add_months, last_complete_month

from .content import (
    DEMO_PASSWORD,
    DEPARTMENTS,
    HOSPITALS,
    INITIATIVES,
    MONTHS_OF_DATA,
    NATIONAL,
    OPT_OUTS,
    USERS,
    YEAR,
    MeasureSpec,
)
from .sampling import poisson


def _values(spec: MeasureSpec, months: list[dt.date], shift_month: dt.date | None, salt: str):
    rng = random.Random(f"{spec.code}:{salt}")
    for index, month in enumerate(months):
        level = spec.after if spec.after is not None and shift_month and month >= shift_month else spec.level
        if index in spec.gaps:
            continue
        if spec.unit == Unit.PROPORTION:
            n = max(5, round(rng.gauss(spec.size, spec.size * 0.12)))
            yield month, sum(rng.random() < level for _ in range(n)), n
        elif spec.unit == Unit.RATE:
            exposure = max(10, round(rng.gauss(spec.size, spec.size * 0.08)))
            yield month, poisson(rng, level * exposure / spec.rate_per), exposure
        else:
            yield month, poisson(rng, level), None


@transaction.atomic
def seed(today: dt.date) -> dict[str, int]:
    hospitals = {
        code: Hospital.objects.update_or_create(code=code, defaults={"name": name})[0] for code, name in HOSPITALS
    }
    departments, sections = {}, {}
    for code, name, hospital_codes, section_rows, established in DEPARTMENTS:
        department, _ = Department.objects.update_or_create(code=code.lower(), defaults={"name": name})
        department.hospitals.set([hospitals[h] for h in hospital_codes])
        departments[code] = department
        for section_code, section_name, kind, hospital_code in section_rows:
            sections[(code, section_code)] = Section.objects.update_or_create(
                department=department,
                code=section_code.lower(),
                defaults={"name": section_name, "kind": kind, "hospital": hospitals[hospital_code]},
            )[0]
        if established:
            LocalTeam.objects.update_or_create(department=department, defaults={"established_on": established})
        else:
            LocalTeam.objects.filter(department=department).delete()

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

    ort_team = LocalTeam.objects.get(department=departments["ORT"])
    team_rows = [
        (None, "Hanne Holm (demo)", "Sygeplejerske, tovholder", TeamMember.Role.COORDINATOR),
        (users["noegle"], "", "Sygeplejerske", TeamMember.Role.KEY_PERSON),
        (users["leder"], "", "Ledende overlæge", TeamMember.Role.LEADER),
        (None, "Peter Lund (demo)", "Overlæge", TeamMember.Role.DOCTOR),
    ]
    for user, name, title, role in team_rows:
        TeamMember.objects.update_or_create(
            team=ort_team, user=user, name=name, defaults={"title": title, "role": role}
        )
    med_team = LocalTeam.objects.get(department=departments["MED"])
    TeamMember.objects.update_or_create(
        team=med_team, user=users["udenfor"], name="", defaults={"title": "Sygeplejerske", "role": "coordinator"}
    )
    for code in ("AKA", "KIR", "BUA"):
        TeamMember.objects.update_or_create(
            team=LocalTeam.objects.get(department=departments[code]),
            user=None,
            name=f"Tovholder {code} (demo)",
            defaults={"title": "Sygeplejerske", "role": "coordinator"},
        )

    recommendations = {}
    for key, title, society, text, url, year in NATIONAL:
        recommendations[key] = Recommendation.objects.update_or_create(
            kind=Recommendation.Kind.NATIONAL,
            title=title,
            defaults={"society": society, "text": text, "source_url": url, "year": year, "is_example": not url},
        )[0]
    for department_code, key, title, rationale, shared in OPT_OUTS:
        recommendations[key] = Recommendation.objects.update_or_create(
            kind=Recommendation.Kind.LOCAL,
            title=title,
            owner_department=departments[department_code],
            defaults={"text": rationale, "rationale": rationale, "year": YEAR, "is_example": True, "shared": shared},
        )[0]
    CrossHospitalSelection.objects.update_or_create(year=YEAR, defaults={"recommendation": recommendations["medicin"]})

    end = last_complete_month(today)
    months = [add_months(end, -offset) for offset in range(MONTHS_OF_DATA - 1, -1, -1)]
    ensure_national_goals(NationalGoal)
    goals = {goal.number: goal for goal in NationalGoal.objects.all()}
    value_count = 0
    for dept_code, rec_key, status, section_codes, goal_numbers, measure_specs, action in INITIATIVES:
        department = departments[dept_code]
        initiative, _ = Initiative.objects.update_or_create(
            department=department,
            recommendation=recommendations[rec_key],
            year=YEAR,
            defaults={
                "status": status,
                "status_changed_on": dt.date(YEAR, 2, 1),
                "aim": f"Fra udgangsniveau til målet inden december {YEAR} (demo).",
            },
        )
        chosen = [sections[(dept_code, code)] for code in section_codes]
        initiative.sections.set(chosen)
        initiative.national_goals.set([goals[n] for n in goal_numbers])
        shift_month = None
        if action:
            months_before, text = action
            shift_month = add_months(end, -months_before)
            Action.objects.update_or_create(
                initiative=initiative, text=text, defaults={"date": shift_month + dt.timedelta(days=9)}
            )
            shift_month = add_months(shift_month, 1)
        for spec in measure_specs:
            measure, _ = Measure.objects.update_or_create(
                code=spec.code,
                defaults={
                    "initiative": initiative,
                    "name": spec.name,
                    "kind": spec.kind,
                    "unit": spec.unit,
                    "direction": spec.direction,
                    "target": spec.target,
                    "per_section": spec.per_section,
                    "rate_per": spec.rate_per,
                    "start_month": months[0],
                    "baseline_start": months[0],
                    "baseline_end": months[11],
                    "operational_definition": f"{spec.name}, opgjort pr. kalendermåned (demo).",
                    "numerator_definition": "Antal hændelser i måneden (demo).",
                    "denominator_definition": "" if spec.unit == Unit.COUNT else "Antal patienter/sengedage (demo).",
                    "data_source": "Sundhedsplatformen, udtræk (demo)",
                    "responsible": users["noegle"] if dept_code == "ORT" else None,
                },
            )
            targets = chosen if spec.per_section else [None]
            value_count += _store_values(measure, spec, months, shift_month, targets, users["noegle"])

    meetings = [dt.date(YEAR, 3, 10), dt.date(YEAR, 6, 9), dt.date(YEAR, 10, 6)]
    for number, date in enumerate(meetings, start=1):
        meeting, _ = Meeting.objects.update_or_create(
            kind=Meeting.Kind.INSPIRATION, date=date, defaults={"title": f"Inspirationsmøde {number} ({YEAR})"}
        )
        meeting.participants.set([d for code, d in departments.items() if code not in ("ONK", "KBA")][: 6 + number])
    for quarter_month in (3, 6, 9):
        Meeting.objects.update_or_create(
            kind=Meeting.Kind.QUALITY_TEAM,
            department=departments["ORT"],
            date=dt.date(YEAR, quarter_month, 20),
            defaults={"title": "Kvalitetsteammøde", "decisions": "Fortsæt indsatsen; følg balancemålet (demo)."},
        )
    return {
        "hospitals": len(hospitals),
        "departments": len(departments),
        "sections": len(sections),
        "values": value_count,
        "users": len(users),
    }


def _store_values(measure, spec, months, shift_month, targets, user) -> int:
    """Make the measure's stored values exactly the generated ones: create, update and delete in bulk."""
    wanted = {}
    for section in targets:
        salt = section.code if section else "all"
        for month, numerator, denominator in _values(spec, months, shift_month, salt):
            wanted[(section.pk if section else None, month)] = (numerator, denominator)
    existing = {(m.section_id, m.month): m for m in Measurement.objects.filter(measure=measure)}
    to_create, to_update = [], []
    for key, (numerator, denominator) in wanted.items():
        current = existing.pop(key, None)
        if current is None:
            to_create.append(
                Measurement(
                    measure=measure,
                    section_id=key[0],
                    month=key[1],
                    numerator=numerator,
                    denominator=denominator,
                    unit=measure.unit,
                    entered_by=user,
                )
            )
        elif (current.numerator, current.denominator, current.unit) != (numerator, denominator, measure.unit):
            current.numerator, current.denominator, current.unit = numerator, denominator, measure.unit
            to_update.append(current)
    # With history, like every other write: the first change to a demo value shows what it was before.
    bulk_create_with_history(to_create, Measurement, default_user=user)
    bulk_update_with_history(to_update, Measurement, ["numerator", "denominator", "unit"], default_user=user)
    if existing:
        Measurement.objects.filter(pk__in=[m.pk for m in existing.values()]).delete()
    return len(wanted)
