"""Region-scale demo data for the benchmark: the whole of Region Sjælland, built in bulk.

`seed_region(today)` fills an empty database with 5 hospitals, 150 departments, 400 sections, 5,000 measures with
120 monthly values each (600,000 values) and 1,000 users in a few minutes: every table is written with
`bulk_create`, and the monthly values with PostgreSQL's COPY (psycopg 3 `cursor.copy`; plain `bulk_create` on
SQLite). `NATIONAL_SCALE` is the same structure for all of Denmark (25 hospitals, 750 departments, 25,000 measures,
3 million values; a few minutes, the benchmark's `BENCH_SCALE=national`). A smaller `RegionScale` gives the same
structure at any size (the tests use a tiny one). Unlike `demo.seed`
it does not go through the write services: they write one row at a time with its checks and history, which for
600,000 values would take tens of minutes instead of seconds; this data exists to measure the pages, not the writes.
`seed_region` reads as the list of its steps.

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

from core.months import add_months, last_complete_month
from departments.access import Role
from departments.models import Department, Hospital, LocalTeam, Membership, Section, TeamMember
from initiatives.models import Action, CrossHospitalSelection, Initiative, Meeting, NationalGoal, Recommendation
from initiatives.national_goals import ensure_national_goals
from measurements.models import ChartPhase, Measure, Measurement, Unit

from .content import DEMO_PASSWORD, INSPIRATION_MEETINGS, NATIONAL, YEAR
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
#: All of Denmark, as a benchmark: 25 hospitals, 750 departments, 25,000 measures × 120 months = 3 million values.
NATIONAL_SCALE = RegionScale(hospitals=25, departments=750, sections=2000, measures=25000, months=120, users=5000)
SCALES = {"region": REGION, "national": NATIONAL_SCALE}


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
    """`total` split over `buckets` as evenly as whole numbers go, the larger shares first."""
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
    """Fill an EMPTY database with region-scale data; refuses when departments exist already.

    Each step writes one part in bulk and hands on what the later steps need.
    """
    _refuse_unless_empty(scale)
    now = timezone.now()
    end = last_complete_month(today)
    hospitals, departments, layout = _hospitals_and_departments(scale)
    sections = _sections(scale, hospitals, departments, layout)
    people = _users(scale, departments, layout)
    _teams(departments, people)
    national, opt_outs, cross = _catalogue(departments)
    plans = _initiatives(scale, departments, sections, national, opt_outs, cross)
    shifts = _actions(plans, end=end)
    measures, value_plans = _measures(scale, plans, departments, layout, people, shifts, end=end, now=now)
    value_count = _write_values(_value_rows(measures, value_plans, now=now))
    _meetings(departments)
    _refresh_planner_statistics()
    return {
        "hospitals": len(hospitals),
        "departments": len(departments),
        "sections": len(sections),
        "initiatives": len(plans),
        "measures": len(measures),
        "values": value_count,
        "users": len(people.users),
    }


def _refuse_unless_empty(scale: RegionScale) -> None:
    """The region seed writes in bulk with fixed codes: only a sensible scale, and only into a database without
    departments."""
    scale.check()
    if Department.objects.exists():
        raise RegionSeedError(
            "Databasen har allerede afdelinger. Regionsdata lægges kun i en tom database "
            "(brug en ny database, eller tøm den med 'manage.py flush')."
        )


def _hospitals_and_departments(scale: RegionScale):
    """The hospitals (the region's five, then numbered ones), and each specialty as a department at every hospital;
    every fourth department also works at the next hospital.

    Returns the hospitals, the departments and their layout (specialty, hospital, repeat) by index.
    """
    hospital_rows = HOSPITALS[: scale.hospitals] + [
        # "sh06" …: the first four letters of a hospital's code are part of its departments' codes
        (f"sh{n:02d}", f"Sygehus {n} (demo)")
        for n in range(len(HOSPITALS) + 1, scale.hospitals + 1)
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
            Through(department=d, hospital=hospitals[(h + 1) % scale.hospitals])
            for i, (d, (_s, h, _r)) in enumerate(zip(departments, layout, strict=True))
            if i % 4 == 3 and scale.hospitals > 1
        ]
    )
    return hospitals, departments, layout


def _sections(scale: RegionScale, hospitals, departments, layout) -> list[Section]:
    """The sections, spread evenly over the departments: wards, an outpatient clinic, a day unit, in turn. A
    department at two hospitals has its second section at the other one."""
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
    return Section.objects.bulk_create(section_rows)


@dataclass
class _People:
    users: list  # in creation order: the named demo users first
    named: dict  # username → user, for the demo users
    key_persons: dict  # department id → its key persons
    managers: dict  # department id → its managers


def _users(scale: RegionScale, departments, layout) -> _People:
    """The demo users, a few more KDK and hospital-management users, one manager per department, then key persons
    spread over the departments; each with one role."""
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
    return _People(users=users, named=named, key_persons=key_persons, managers=managers)


def _teams(departments, people: _People) -> None:
    """Local teams (Mål 2): most established in Q1, some later, every tenth department without. A team has a
    tovholder, the department's other key persons and managers, and a doctor."""
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
        key_persons = people.key_persons.get(team.department_id, [])
        leaders = people.managers.get(team.department_id, [])
        if team.department_id == departments[0].pk:
            # as in the demo: the first department's tovholder is not a user; noegle is a key person in the team
            members.append(
                TeamMember(team=team, name="Hanne Holm (demo)", title="Sygeplejerske", role=TeamMember.Role.COORDINATOR)
            )
            key_persons = [people.named["noegle"]]
        elif key_persons:
            members.append(
                TeamMember(team=team, user=key_persons[0], title="Sygeplejerske", role=TeamMember.Role.COORDINATOR)
            )
            key_persons = key_persons[1:]
        members += [
            TeamMember(team=team, user=p, title="Sygeplejerske", role=TeamMember.Role.KEY_PERSON) for p in key_persons
        ]
        members += [
            TeamMember(team=team, user=u, title="Ledende overlæge", role=TeamMember.Role.LEADER) for u in leaders
        ]
        members.append(TeamMember(team=team, name="Læge (demo)", title="Overlæge", role=TeamMember.Role.DOCTOR))
    TeamMember.objects.bulk_create(members)


def _catalogue(departments):
    """The demo's national recommendations and generated examples, an opt-out in every fifth department (half of
    them shared), and the year's cross-hospital recommendation ("Medicinafhentning", as in the demo).

    Returns the national recommendations, the opt-outs by department id, and the cross-hospital recommendation.
    """
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
    owners = departments[2::5]
    rationale = "Eksempel: Kontrollen foretages efter klinisk behov i stedet for rutinemæssigt."
    opt_outs = Recommendation.objects.bulk_create(
        [
            Recommendation(
                kind=Recommendation.Kind.LOCAL,
                owner_department=d,
                title=f"Fravalg af rutinekontrol, {d.name} (eksempel)",
                text=rationale,
                rationale=rationale,
                year=YEAR,
                is_example=True,
                shared=n % 2 == 0,
            )
            for n, d in enumerate(owners)
        ]
    )
    cross = national[0]
    CrossHospitalSelection.objects.create(year=YEAR, recommendation=cross)
    return national, {d.pk: rec for d, rec in zip(owners, opt_outs, strict=True)}, cross


def _initiatives(scale: RegionScale, departments, sections, national, opt_outs, cross) -> list[tuple]:
    """Each department's selections for the year (0–3, measured or not yet) and older initiatives still followed,
    with their sections and national-goal tags; each department gets its share of the measures.

    Returns the plans: (saved initiative, its sections, how many measures it gets).
    """
    sections_of = {}
    for section in sections:
        sections_of.setdefault(section.department_id, []).append(section)
    plans = []
    for i, (department, measure_count) in enumerate(
        zip(departments, _spread(scale.measures, scale.departments), strict=True)
    ):
        plans += _department_plans(i, department, measure_count, sections_of[department.pk], national, opt_outs, cross)
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
    return plans


def _department_plans(i: int, department, measure_count: int, own, national, opt_outs, cross) -> list[tuple]:
    """The initiatives (unsaved) of the i-th department: this year's selections — its opt-out and the cross-hospital
    recommendation first where it has them — then past years' initiatives until its measures are placed."""
    plans = []
    selected = SELECTIONS_PATTERN[i % len(SELECTIONS_PATTERN)]
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
        status = [Initiative.Status.IMPLEMENTING, Initiative.Status.PLANNED, Initiative.Status.IMPLEMENTED][(i + k) % 3]
        if count:
            status = Initiative.Status.IMPLEMENTING if status == Initiative.Status.PLANNED else status
        chosen = own[k % len(own) : k % len(own) + 1 + (i + k) % 2] or own[:1]
        initiative = Initiative(
            department=department, recommendation=rec, year=YEAR, status=status, cross_hospital=rec == cross
        )
        plans.append((initiative, chosen, count))
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
        plans.append((Initiative(department=department, recommendation=rec, year=year, status=status), own[:1], count))
    return plans


def _actions(plans, *, end: dt.date) -> dict[int, dt.date]:
    """One action (tiltag) for two of every three measured initiatives, 6–23 months back.

    Returns, by initiative id, the first month its measures shift in (the month after the action).
    """
    shifts, rows = {}, []
    for n, (initiative, _chosen, count) in enumerate(plans):
        if not count or n % 3 == 2:
            continue
        month = add_months(end, -(6 + n % 18))
        shifts[initiative.pk] = add_months(month, 1)
        rows.append(
            Action(initiative=initiative, date=month + dt.timedelta(days=9), text="Ny instruks og undervisning (demo)")
        )
    Action.objects.bulk_create(rows)
    return shifts


@dataclass(frozen=True)
class _ValuePlan:
    """How to generate one measure's values: `span` months from `start`, skipping the `gaps` (indexes), shifting
    after `shift` (a month, or None), entered by `who`."""

    gaps: list[int]
    span: int
    start: dt.date
    shift: dt.date | None
    level: float
    size: int
    rate_per: int
    sections: list
    who: object


def _measures(scale: RegionScale, plans, departments, layout, people: _People, shifts, *, end, now):
    """Every initiative's measures, taking the shapes in turn; every sixth has missing months and starts that much
    earlier, so each holds exactly `scale.months` values.

    Returns the saved measures and, for each, how to generate its values (see `_value_rows`).
    """
    rng = random.Random("region")
    measure_rows, value_plans = [], []
    specialty_of = {d.pk: SPECIALTIES[s][2] for d, (s, _h, _r) in zip(departments, layout, strict=True)}
    for initiative, chosen, count in plans:
        department = initiative.department
        key_person = (people.key_persons.get(department.pk) or [None])[0]
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
                    operational_definition="Opgjort pr. kalendermåned (demo).",
                    numerator_definition="Antal hændelser i måneden (demo).",
                    denominator_definition="" if unit == Unit.COUNT else "Antal patienter/sengedage (demo).",
                    data_source="Sundhedsplatformen, udtræk (demo)",
                    responsible=key_person,
                    created_at=now,
                )
            )
            value_plans.append(
                _ValuePlan(gaps, span, start, shifts.get(initiative.pk), level, size, rate_per, chosen, key_person)
            )
    measures = Measure.objects.bulk_create(measure_rows)
    # Each measure's first twelve months are its frozen baseline, as a team would decide (see measurements.phases).
    ChartPhase.objects.bulk_create(
        ChartPhase(
            measure=measure,
            kind=ChartPhase.Kind.FREEZE,
            month=add_months(plan.start, 11),
            reason="Baseline: de første 12 måneder (demo)",
            created_by=plan.who,
        )
        for measure, plan in zip(measures, value_plans, strict=True)
    )
    return measures, value_plans


def _value_rows(measures, value_plans, *, now):
    """Every measure's monthly values as rows of `COPY_COLUMNS`, generated one measure at a time."""
    for measure, plan in zip(measures, value_plans, strict=True):
        section_id = plan.sections[0].pk if measure.per_section else None
        after = None
        shift_index = plan.span
        if plan.shift is not None:
            after = plan.level * (0.6 if measure.direction == "lower" else 1.4)
            after = min(after, 0.95) if measure.unit == Unit.PROPORTION else after
            shift_index = (plan.shift.year - plan.start.year) * 12 + plan.shift.month - plan.start.month
        values = _series(
            random.Random(measure.code),
            unit=measure.unit,
            level=plan.level,
            after=after,
            shift_index=shift_index,
            size=plan.size,
            rate_per=plan.rate_per,
            count=plan.span,
        )
        skip = set(plan.gaps)
        for index, (numerator, denominator) in enumerate(values):
            if index in skip:
                continue
            yield (
                measure.pk,
                section_id,
                add_months(plan.start, index),
                numerator,
                denominator,
                str(measure.unit),
                "",
                1,
                plan.who and plan.who.pk,
                now,
            )


def _meetings(departments) -> None:
    """The year's three inspiration meetings (more departments at each), and each department's quarterly
    quality-team meetings."""
    inspiration = Meeting.objects.bulk_create(
        [
            Meeting(kind=Meeting.Kind.INSPIRATION, date=date, title=f"Inspirationsmøde {n} ({YEAR})")
            for n, date in enumerate(INSPIRATION_MEETINGS, start=1)
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


def _refresh_planner_statistics() -> None:
    """Fresh PostgreSQL planner statistics for the big tables, so the first pages are planned for their size."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Measurement, Measure, Initiative, Section, Department, Membership):
                cursor.execute(f"ANALYZE {model._meta.db_table}")


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
    """Write rows of `COPY_COLUMNS`: PostgreSQL COPY (seconds for 600,000 rows), `bulk_create` in batches elsewhere."""
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
