"""Region-scale demo data for the benchmark: the whole of Region Sjælland, built in bulk.

`seed_region(today)` fills an empty database with 5 hospitals, 150 departments, 400 sections, 5,000 measures with
120 monthly values each (600,000 values) and 1,000 users in a few minutes: every table is written with
`bulk_create`, and the monthly values with PostgreSQL's COPY (psycopg 3 `cursor.copy`; plain `bulk_create` on
SQLite). A smaller `RegionScale` gives the same structure at any size (the tests use a tiny one).

The data is shaped like `demo.seed` so that every page works on it: local teams (most established in Q1,
some later, some departments without), the 2026 selections with 0, 1, 2 and 3 initiatives in chosen sections, older
initiatives still followed, measures of each kind and unit, values with a sustained shift after a dated action, and
missing months (a measure with gaps starts correspondingly earlier, so it still holds exactly `months` values).
The demo users (`kdk`, `direktion`, `leder`, `noegle`, `udenfor`, `leder_med`, password `demo`) exist here too, in
the same roles; `leder` and `noegle` work in the first department, `udenfor` and `leder_med` in a medical one.

Bulk writes bypass django-simple-history: seeded rows have no history records (fine for seed data; every change
made through the app afterwards is recorded as usual).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from departments.access import Role
from departments.models import Department, Hospital, LocalTeam, Membership, Section, TeamMember
from initiatives.models import Action, CrossHospitalSelection, Initiative, Meeting, NationalGoal, Recommendation
from initiatives.national_goals import ensure_national_goals
from measurements.models import Measure, Measurement, Unit
from measurements.periods import add_months, last_complete_month

from .content import DEMO_PASSWORD, NATIONAL, YEAR
from .sampling import poisson


@dataclass(frozen=True)
class RegionScale:
    hospitals: int = 5
    departments: int = 150
    sections: int = 400
    measures: int = 5000
    months: int = 120
    users: int = 1000

    def check(self) -> None:
        if not 1 <= self.hospitals <= self.departments:
            raise RegionSeedError("Der skal være mindst ét sygehus og mindst én afdeling pr. sygehus.")
        if self.departments < 2 or self.sections < self.departments:
            raise RegionSeedError("Der skal være mindst to afdelinger og mindst ét afsnit pr. afdeling.")
        if self.measures < self.departments or self.months < 13:
            raise RegionSeedError("Der skal være mindst én måling pr. afdeling og mindst 13 måneder.")
        if self.users < len(NAMED_USERS):
            raise RegionSeedError(f"Der skal være mindst {len(NAMED_USERS)} brugere (demobrugerne).")


REGION = RegionScale()


class RegionSeedError(Exception):
    """The region seed cannot run (a non-empty database, or a scale that makes no sense)."""


HOSPITALS = [
    ("naestved", "Næstved Sygehus"),
    ("slagelse", "Slagelse Sygehus"),
    ("holbaek", "Holbæk Sygehus"),
    ("nykobing", "Nykøbing Falster Sygehus"),
    ("suh", "Sjællands Universitetshospital"),
]

# code, name (the department's name is "<name>, <hospital>"), a word used in its measures' names
SPECIALTIES = [
    ("ort", "Ortopædkirurgisk Afdeling", "opererede"),
    ("med", "Medicinsk Afdeling", "indlagte"),
    ("aka", "Akutafdelingen", "skadepatienter"),
    ("kir", "Kirurgisk Afdeling", "opererede"),
    ("gyn", "Gynækologisk-Obstetrisk Afdeling", "fødende"),
    ("bua", "Børne- og Ungeafdelingen", "børn"),
    ("ana", "Anæstesiologisk Afdeling", "patienter"),
    ("ger", "Geriatrisk Afdeling", "ældre patienter"),
    ("uro", "Urologisk Afdeling", "patienter"),
    ("onh", "Øre-næse-halsafdelingen", "patienter"),
    ("rad", "Radiologisk Afdeling", "henvisninger"),
    ("kba", "Klinisk Biokemisk Afdeling", "rekvisitioner"),
    ("onk", "Onkologisk Afdeling", "patienter"),
    ("kar", "Kardiologisk Afdeling", "indlagte"),
    ("neu", "Neurologisk Afdeling", "indlagte"),
    ("lun", "Lungemedicinsk Afdeling", "indlagte"),
    ("end", "Endokrinologisk Afdeling", "ambulante patienter"),
    ("gas", "Gastroenterologisk Afdeling", "indlagte"),
    ("nef", "Nefrologisk Afdeling", "patienter i dialyse"),
    ("hae", "Hæmatologisk Afdeling", "patienter"),
    ("reu", "Reumatologisk Afdeling", "ambulante patienter"),
    ("der", "Dermatologisk Afdeling", "ambulante patienter"),
    ("oje", "Øjenafdelingen", "ambulante patienter"),
    ("psy", "Psykiatrisk Afdeling", "indlagte"),
    ("int", "Intensiv Afdeling", "patienter"),
    ("pat", "Patologisk Afdeling", "prøver"),
    ("kfa", "Klinisk Fysiologisk Afdeling", "undersøgelser"),
    ("ter", "Terapiafdelingen", "patienter"),
    ("pal", "Palliativ Afdeling", "patienter"),
    ("kim", "Klinisk Mikrobiologisk Afdeling", "prøver"),
]

# kind, label and code of a department's k-th section
SECTION_KINDS = [
    (Section.Kind.WARD, "Sengeafsnit", "s"),
    (Section.Kind.OUTPATIENT, "Ambulatorium", "amb"),
    (Section.Kind.WARD, "Sengeafsnit", "s"),
    (Section.Kind.OTHER, "Dagafsnit", "dag"),
]

# username, first name, role, which department (0: the first, "med": the first medical one)
NAMED_USERS = [
    ("kdk", "Karen (KDK, demo)", Role.KDK, None),
    ("direktion", "Dorte (sygehusledelse, demo)", Role.HOSPITAL_MANAGEMENT, None),
    ("leder", "Lars (afdelingsledelse, demo)", Role.MANAGEMENT, 0),
    ("noegle", "Nanna (nøgleperson, demo)", Role.KEY_PERSON, 0),
    ("udenfor", "Ulla (nøgleperson MED, demo)", Role.KEY_PERSON, "med"),
    ("leder_med", "Mikkel (afdelingsledelse MED, demo)", Role.MANAGEMENT, "med"),
]

EXTRA_NATIONAL = 32  # generated example recommendations on top of the demo catalogue
SELECTIONS_PATTERN = [2, 1, 2, 1, 3, 0, 2, 1, 1, 2]  # 2026 selections of department i: pattern[i % 10]
MEASURES_PER_INITIATIVE = 4
PAST_YEARS = 9

# kind, unit, direction, level, size, rate_per; measure k of an initiative takes row k % len
MEASURE_SHAPES = [
    (Measure.Kind.PROCESS, Unit.PROPORTION, Measure.Direction.LOWER, 0.35, 90, 1),
    (Measure.Kind.OUTCOME, Unit.RATE, Measure.Direction.LOWER, 6.0, 1500, 1000),
    (Measure.Kind.BALANCING, Unit.COUNT, Measure.Direction.LOWER, 4.0, 0, 1),
    (Measure.Kind.PROCESS, Unit.PROPORTION, Measure.Direction.HIGHER, 0.30, 120, 1),
]
MEASURE_NAMES = {
    (Measure.Kind.PROCESS, Measure.Direction.LOWER): "Andel {who} med unødvendig ydelse",
    (Measure.Kind.PROCESS, Measure.Direction.HIGHER): "Andel {who} behandlet efter ny instruks",
    (Measure.Kind.OUTCOME, Measure.Direction.LOWER): "Komplikationer pr. 1.000 sengedage",
    (Measure.Kind.BALANCING, Measure.Direction.LOWER): "Uønskede hændelser (balancemål)",
}


def _department_layout(scale: RegionScale) -> list[tuple[int, int, int]]:
    """(specialty index, hospital index, repeat number) of each department: each specialty at every hospital."""
    return [
        ((i // scale.hospitals) % len(SPECIALTIES), i % scale.hospitals, i // (scale.hospitals * len(SPECIALTIES)))
        for i in range(scale.departments)
    ]


def _spread(total: int, buckets: int) -> list[int]:
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


def _series(rng, *, unit, level, after, shift_index, size, rate_per, count):
    """`count` (numerator, denominator) pairs; proportions by the normal approximation of the binomial (fast)."""
    for index in range(count):
        value = after if after is not None and index >= shift_index else level
        if unit == Unit.PROPORTION:
            n = max(5, round(rng.gauss(size, size * 0.12)))
            spread = math.sqrt(n * value * (1 - value))
            yield min(n, max(0, round(rng.gauss(n * value, spread)))), n
        elif unit == Unit.RATE:
            exposure = max(10, round(rng.gauss(size, size * 0.08)))
            yield poisson(rng, value * exposure / rate_per), exposure
        else:
            yield poisson(rng, value), None


@transaction.atomic
def seed_region(today: dt.date, scale: RegionScale = REGION) -> dict[str, int]:
    """Fill an EMPTY database with region-scale data; refuses when departments exist already."""
    scale.check()
    if Department.objects.exists():
        raise RegionSeedError(
            "Databasen har allerede afdelinger. Regionsdata lægges kun i en tom database "
            "(brug en ny database, eller tøm den med 'manage.py flush')."
        )
    rng = random.Random("region")
    now = timezone.now()
    end = last_complete_month(today)

    # Hospitals, departments, sections.
    hospital_rows = HOSPITALS[: scale.hospitals] + [
        (f"sygehus{n}", f"Sygehus {n} (demo)") for n in range(len(HOSPITALS) + 1, scale.hospitals + 1)
    ]
    hospitals = Hospital.objects.bulk_create([Hospital(code=code, name=name) for code, name in hospital_rows])
    layout = _department_layout(scale)
    departments = Department.objects.bulk_create(
        [
            Department(
                code=f"{SPECIALTIES[s][0]}-{hospitals[h].code[:4]}" + (f"{r + 1}" if r else ""),
                name=f"{SPECIALTIES[s][1]}, {hospitals[h].name}" + (f" {r + 1}" if r else ""),
            )
            for s, h, r in layout
        ]
    )
    Through = Department.hospitals.through
    Through.objects.bulk_create(
        [Through(department=d, hospital=hospitals[h]) for d, (_s, h, _r) in zip(departments, layout, strict=True)]
        + [
            # every fourth department also has sections at the next hospital
            Through(department=d, hospital=hospitals[(h + 1) % scale.hospitals])
            for i, (d, (_s, h, _r)) in enumerate(zip(departments, layout, strict=True))
            if i % 4 == 3 and scale.hospitals > 1
        ]
    )
    section_rows = []
    for i, (department, count) in enumerate(zip(departments, _spread(scale.sections, scale.departments), strict=True)):
        home = layout[i][1]
        for k in range(count):
            kind, label, code = SECTION_KINDS[k % len(SECTION_KINDS)]
            number = k // 2 + 1 if kind == Section.Kind.WARD else k // len(SECTION_KINDS) + 1
            hospital = hospitals[(home + 1) % scale.hospitals] if i % 4 == 3 and k == 1 else hospitals[home]
            section_rows.append(
                Section(
                    department=department,
                    hospital=hospital,
                    kind=kind,
                    name=f"{label} {number}" if kind == Section.Kind.WARD or number > 1 else label,
                    code=f"{code}{number}" if kind == Section.Kind.WARD or number > 1 else code,
                )
            )
    sections = Section.objects.bulk_create(section_rows)
    sections_of = {}
    for section in sections:
        sections_of.setdefault(section.department_id, []).append(section)

    # Users and roles: the demo users, a few more KDK and hospital-management users, one manager per department,
    # then key persons spread over the departments.
    med_index = next((i for i, (s, _h, _r) in enumerate(layout) if SPECIALTIES[s][0] == "med"), 1)
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once: 1,000 PBKDF2 runs would take minutes
    user_rows, roles = [], []
    for username, first_name, role, where in NAMED_USERS:
        user_rows.append((username, first_name, role == Role.KDK))
        department = None if where is None else departments[med_index if where == "med" else where]
        roles.append((role, department))
    generated = scale.users - len(NAMED_USERS)
    group_users = min(generated, 2 + scale.hospitals)
    for n in range(generated):
        if n < 2:
            role, department = Role.KDK, None
        elif n < group_users:
            role, department = Role.HOSPITAL_MANAGEMENT, None
        elif n - group_users < scale.departments:
            role, department = Role.MANAGEMENT, departments[n - group_users]
        else:
            role, department = Role.KEY_PERSON, departments[(n - group_users) % scale.departments]
        user_rows.append((f"bruger{n + 1:04d}", f"Bruger {n + 1} ({role.label}, demo)", role == Role.KDK))
        roles.append((role, department))
    users = User.objects.bulk_create(
        [
            User(
                username=username,
                first_name=first_name,
                email=f"{username}@example.invalid",
                password=password,
                is_staff=is_kdk,
                is_superuser=is_kdk,
            )
            for username, first_name, is_kdk in user_rows
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, role=role, department=d) for u, (role, d) in zip(users, roles, strict=True)]
    )
    key_persons, managers = {}, {}
    for user, (role, department) in zip(users, roles, strict=True):
        if role == Role.KEY_PERSON:
            key_persons.setdefault(department.pk, []).append(user)
        elif role == Role.MANAGEMENT:
            managers.setdefault(department.pk, []).append(user)
    named = {row[0]: user for row, user in zip(NAMED_USERS, users, strict=False)}

    # Local teams (Mål 2): most in Q1, some later, every tenth department without.
    teams = LocalTeam.objects.bulk_create(
        [
            LocalTeam(
                department=d,
                established_on=dt.date(YEAR, 1 + i % 3, 1 + i % 27)
                if i % 10 < 7
                else dt.date(YEAR, 4 + i % 6, 1 + i % 27),
            )
            for i, d in enumerate(departments)
            if i % 10 != 9
        ]
    )
    members = []
    for team in teams:
        people = key_persons.get(team.department_id, [])
        leaders = managers.get(team.department_id, [])
        if team.department_id == departments[0].pk:
            # as in the demo: the first department's tovholder is not a user; noegle is a key person in the team
            members.append(
                TeamMember(team=team, name="Hanne Holm (demo)", title="Sygeplejerske", role=TeamMember.Role.COORDINATOR)
            )
            people = [named["noegle"]]
        elif people:
            members.append(
                TeamMember(team=team, user=people[0], title="Sygeplejerske", role=TeamMember.Role.COORDINATOR)
            )
            people = people[1:]
        members += [
            TeamMember(team=team, user=p, title="Sygeplejerske", role=TeamMember.Role.KEY_PERSON) for p in people
        ]
        members += [
            TeamMember(team=team, user=u, title="Ledende overlæge", role=TeamMember.Role.LEADER) for u in leaders
        ]
        members.append(TeamMember(team=team, name="Læge (demo)", title="Overlæge", role=TeamMember.Role.DOCTOR))
    TeamMember.objects.bulk_create(members)

    # Catalogue: the demo's national recommendations, generated examples, and local opt-outs.
    national = Recommendation.objects.bulk_create(
        [
            Recommendation(
                kind=Recommendation.Kind.NATIONAL,
                title=title,
                society=society,
                text=text,
                source_url=url,
                year=year,
                is_example=not url,
            )
            for _key, title, society, text, url, year in NATIONAL
        ]
        + [
            Recommendation(
                kind=Recommendation.Kind.NATIONAL,
                title=f"Vælg Klogt-anbefaling {n} (eksempel)",
                society=SPECIALTIES[n % len(SPECIALTIES)][1].replace("Afdeling", "Selskab"),
                text=f"Eksempel: Undlad en ydelse, der sjældent ændrer behandlingen (nr. {n}).",
                year=2020 + n % 7,
                is_example=True,
            )
            for n in range(1, EXTRA_NATIONAL + 1)
        ]
    )
    opt_outs = {
        d.pk: rec
        for d, rec in zip(
            departments[2::5],
            Recommendation.objects.bulk_create(
                [
                    Recommendation(
                        kind=Recommendation.Kind.LOCAL,
                        owner_department=d,
                        title=f"Fravalg af rutinekontrol, {d.name} (eksempel)",
                        text="Eksempel: Kontrollen foretages efter klinisk behov i stedet for rutinemæssigt.",
                        rationale="Eksempel: Kontrollen foretages efter klinisk behov i stedet for rutinemæssigt.",
                        year=YEAR,
                        is_example=True,
                        shared=n % 2 == 0,
                    )
                    for n, d in enumerate(departments[2::5])
                ]
            ),
            strict=True,
        )
    }
    cross = national[0]  # "Medicinafhentning", as in the demo
    CrossHospitalSelection.objects.create(year=YEAR, recommendation=cross)

    # Initiatives: the year's selections (measured or not yet), and older ones still followed.
    plans = []  # (initiative, section list, measure count, has action)
    for i, (department, measure_count) in enumerate(
        zip(departments, _spread(scale.measures, scale.departments), strict=True)
    ):
        selected = SELECTIONS_PATTERN[i % len(SELECTIONS_PATTERN)]
        own = sections_of[department.pk]
        recs, used = [], set()
        if department.pk in opt_outs and selected:
            recs.append(opt_outs[department.pk])
        if i % 2 == 0 and selected:
            recs.append(cross)
        offset = i * 7
        while len(recs) < selected:
            rec = national[offset % len(national)]
            offset += 1
            if rec not in recs:
                recs.append(rec)
        recs = recs[:selected]
        current = min(measure_count, MEASURES_PER_INITIATIVE * selected)
        per_initiative = _spread(current, selected) if selected else []
        if selected == 1 and i % 4 == 3 and measure_count > 1:
            per_initiative = [0]  # selected but not measured yet ("Ikke målt endnu")
        for k, (rec, count) in enumerate(zip(recs, per_initiative, strict=True)):
            status = [Initiative.Status.IMPLEMENTING, Initiative.Status.PLANNED, Initiative.Status.IMPLEMENTED][
                (i + k) % 3
            ]
            if count:
                status = Initiative.Status.IMPLEMENTING if status == Initiative.Status.PLANNED else status
            chosen = own[k % len(own) : k % len(own) + 1 + (i + k) % 2] or own[:1]
            plans.append(
                (Initiative(department=department, recommendation=rec, year=YEAR, status=status), chosen, count)
            )
            used.add((rec.pk, YEAR))
        remaining = measure_count - sum(per_initiative)
        j = 0
        while remaining > 0:
            if j > len(national) * PAST_YEARS:
                raise RegionSeedError("For mange målinger pr. afdeling til katalogets anbefalinger.")
            year = YEAR - 1 - j % PAST_YEARS
            rec = national[(offset + j) % len(national)]
            j += 1
            if (rec.pk, year) in used:
                continue
            used.add((rec.pk, year))
            count = min(remaining, MEASURES_PER_INITIATIVE)
            remaining -= count
            status = [Initiative.Status.ANCHORED, Initiative.Status.IMPLEMENTED, Initiative.Status.STOPPED][j % 3]
            plans.append(
                (Initiative(department=department, recommendation=rec, year=year, status=status), own[:1], count)
            )
    for initiative, _chosen, _count in plans:
        initiative.status_changed_on = dt.date(initiative.year, 2, 1)
        initiative.aim = f"Fra udgangsniveau til målet inden december {initiative.year} (demo)."
    initiatives = Initiative.objects.bulk_create([plan[0] for plan in plans])
    SectionsThrough = Initiative.sections.through
    SectionsThrough.objects.bulk_create(
        [
            SectionsThrough(initiative=initiative, section=section)
            for initiative, chosen, _count in plans
            for section in chosen
        ]
    )
    ensure_national_goals(NationalGoal)
    goals = list(NationalGoal.objects.order_by("number"))
    GoalsThrough = Initiative.national_goals.through
    GoalsThrough.objects.bulk_create(
        [
            GoalsThrough(initiative=initiative, nationalgoal=goals[(n + extra) % len(goals)])
            for n, initiative in enumerate(initiatives)
            for extra in range(1 + n % 2)
        ]
    )

    # Actions: one per measured initiative, after which its measures shift.
    action_month = {}
    action_rows = []
    for n, (initiative, _chosen, count) in enumerate(plans):
        if not count or n % 3 == 2:
            continue
        month = add_months(end, -(6 + n % 18))
        action_month[initiative.pk] = add_months(month, 1)
        action_rows.append(
            Action(initiative=initiative, date=month + dt.timedelta(days=9), text="Ny instruks og undervisning (demo)")
        )
    Action.objects.bulk_create(action_rows)

    # Measures: every shape in turn; a measure with gaps starts earlier, so each holds exactly `months` values.
    measure_rows, plans_by_measure = [], []
    specialty_of = {d.pk: SPECIALTIES[s][2] for d, (s, _h, _r) in zip(departments, layout, strict=True)}
    for initiative, chosen, count in plans:
        department = initiative.department
        people = key_persons.get(department.pk) or [None]
        who = specialty_of[department.pk]
        for k in range(count):
            kind, unit, direction, level, size, rate_per = MEASURE_SHAPES[k % len(MEASURE_SHAPES)]
            index = len(measure_rows)
            gaps = sorted(rng.sample(range(12, scale.months), 1 + index % 3)) if index % 6 == 5 else []
            span = scale.months + len(gaps)
            start = add_months(end, -(span - 1))
            target = {Unit.PROPORTION: 100 * level * (0.6 if direction == "lower" else 1.5)}.get(unit, level * 0.7)
            measure_rows.append(
                Measure(
                    initiative=initiative,
                    code=f"{department.code.upper()}-{index % 10000:04d}"[:30],
                    name=MEASURE_NAMES[(kind, direction)].format(who=who),
                    kind=kind,
                    unit=unit,
                    direction=direction,
                    target=round(target, 1),
                    per_section=len(chosen) == 1 and k % 2 == 0,
                    rate_per=rate_per,
                    start_month=start,
                    baseline_start=start,
                    baseline_end=add_months(start, 11),
                    operational_definition="Opgjort pr. kalendermåned (demo).",
                    numerator_definition="Antal hændelser i måneden (demo).",
                    denominator_definition="" if unit == Unit.COUNT else "Antal patienter/sengedage (demo).",
                    data_source="Sundhedsplatformen, udtræk (demo)",
                    responsible=people[0],
                    created_at=now,
                )
            )
            shift = action_month.get(initiative.pk)
            plans_by_measure.append((gaps, span, start, shift, level, size, rate_per, chosen, people[0]))
    measures = Measure.objects.bulk_create(measure_rows)

    # Values: COPY on PostgreSQL (seconds for 600,000 rows), bulk_create elsewhere.
    def rows():
        for measure, (gaps, span, start, shift, level, size, rate_per, chosen, who) in zip(
            measures, plans_by_measure, strict=True
        ):
            section_id = chosen[0].pk if measure.per_section else None
            after = None
            shift_index = span
            if shift is not None:
                after = level * (0.6 if measure.direction == "lower" else 1.4)
                after = min(after, 0.95) if measure.unit == Unit.PROPORTION else after
                shift_index = (shift.year - start.year) * 12 + shift.month - start.month
            values = _series(
                random.Random(measure.code),
                unit=measure.unit,
                level=level,
                after=after,
                shift_index=shift_index,
                size=size,
                rate_per=rate_per,
                count=span,
            )
            skip = set(gaps)
            for index, (numerator, denominator) in enumerate(values):
                if index in skip:
                    continue
                month = add_months(start, index)
                yield (
                    measure.pk,
                    section_id,
                    month,
                    numerator,
                    denominator,
                    str(measure.unit),
                    "",
                    1,
                    who and who.pk,
                    now,
                )

    value_count = _write_values(rows())

    # Meetings: the year's three inspiration meetings and each department's quality-team meetings.
    inspiration = Meeting.objects.bulk_create(
        [
            Meeting(kind=Meeting.Kind.INSPIRATION, date=date, title=f"Inspirationsmøde {n} ({YEAR})")
            for n, date in enumerate([dt.date(YEAR, 3, 10), dt.date(YEAR, 6, 9), dt.date(YEAR, 10, 6)], start=1)
        ]
    )
    Participants = Meeting.participants.through
    Participants.objects.bulk_create(
        [
            Participants(meeting=meeting, department=d)
            for n, meeting in enumerate(inspiration)
            for i, d in enumerate(departments)
            if i % (5 - n) != 0
        ]
    )
    Meeting.objects.bulk_create(
        [
            Meeting(
                kind=Meeting.Kind.QUALITY_TEAM,
                department=d,
                date=dt.date(YEAR, month, 20),
                title="Kvalitetsteammøde",
                decisions="Fortsæt indsatsen; følg balancemålet (demo).",
            )
            for d in departments
            for month in (3, 6, 9)
        ]
    )

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Measurement, Measure, Initiative, Section, Department, Membership):
                cursor.execute(f"ANALYZE {model._meta.db_table}")  # fresh planner statistics for the big tables
    return {
        "hospitals": len(hospitals),
        "departments": len(departments),
        "sections": len(sections),
        "initiatives": len(initiatives),
        "measures": len(measures),
        "values": value_count,
        "users": len(users),
    }


COPY_COLUMNS = (
    "measure_id",
    "section_id",
    "month",
    "numerator",
    "denominator",
    "unit",
    "comment",
    "version",
    "entered_by_id",
    "entered_at",
)


def _write_values(rows, batch: int = 20000) -> int:
    count = 0
    if connection.vendor == "postgresql":
        sql = f"COPY {Measurement._meta.db_table} ({', '.join(COPY_COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    chunk = []
    for row in rows:
        chunk.append(Measurement(**dict(zip(COPY_COLUMNS, row, strict=True))))
        if len(chunk) == batch:
            Measurement.objects.bulk_create(chunk)
            count += len(chunk)
            chunk = []
    Measurement.objects.bulk_create(chunk)
    return count + len(chunk)
