"""Clearly-demo data for a first run and for every screen's tests. Idempotent: a second run leaves the same data.

All names end in "(demo)" where a person could be mistaken for a real one; catalogue entries are marked as examples
unless their wording was taken from a public page, whose address is then given.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from departments.access import Role
from departments.models import Department, Hospital, LocalTeam, Membership, Section, TeamMember
from initiatives.models import Action, CrossHospitalSelection, Initiative, Meeting, NationalGoal, Recommendation
from initiatives.national_goals import ensure_national_goals
from measurements.models import Measure, Measurement, Unit

DEMO_PASSWORD = "demo"
YEAR = 2026
MONTHS_OF_DATA = 26

HOSPITALS = [("naestved", "Næstved Sygehus"), ("slagelse", "Slagelse Sygehus"), ("ringsted", "Ringsted Sygehus")]

# code, name, hospitals, sections (code, name, kind, hospital), team established (None: no team)
DEPARTMENTS = [
    (
        "ORT",
        "Ortopædkirurgisk Afdeling",
        ["naestved", "slagelse"],
        [
            ("S1", "Ortopædkirurgisk sengeafsnit, Næstved", "ward", "naestved"),
            ("S2", "Ortopædkirurgisk sengeafsnit, Slagelse", "ward", "slagelse"),
            ("AMB", "Ortopædkirurgisk ambulatorium", "outpatient", "naestved"),
        ],
        dt.date(2026, 2, 3),
    ),
    (
        "MED",
        "Medicinsk Afdeling",
        ["slagelse", "naestved", "ringsted"],
        [
            ("M1", "Medicinsk sengeafsnit M1", "ward", "slagelse"),
            ("M2", "Medicinsk sengeafsnit M2", "ward", "naestved"),
            ("AMB", "Medicinsk ambulatorium", "outpatient", "ringsted"),
        ],
        dt.date(2026, 1, 20),
    ),
    (
        "AKA",
        "Akutafdelingen",
        ["slagelse", "naestved"],
        [("AMA", "Akutmodtagelsen", "ward", "slagelse"), ("FAM", "Fælles akutmodtagelse, Næstved", "ward", "naestved")],
        dt.date(2026, 3, 12),
    ),
    (
        "KIR",
        "Kirurgisk Afdeling",
        ["slagelse"],
        [
            ("K1", "Kirurgisk sengeafsnit", "ward", "slagelse"),
            ("AMB", "Kirurgisk ambulatorium", "outpatient", "slagelse"),
        ],
        dt.date(2026, 3, 30),
    ),
    (
        "GYN",
        "Gynækologisk-Obstetrisk Afdeling",
        ["naestved", "slagelse"],
        [("FOD", "Fødeafsnit", "ward", "slagelse"), ("AMB", "Gynækologisk ambulatorium", "outpatient", "naestved")],
        dt.date(2026, 5, 18),
    ),
    (
        "BUA",
        "Børne- og Ungeafdelingen",
        ["naestved"],
        [("B1", "Børnesengeafsnit", "ward", "naestved"), ("AMB", "Børneambulatorium", "outpatient", "naestved")],
        dt.date(2026, 2, 24),
    ),
    (
        "ANA",
        "Anæstesiologisk Afdeling",
        ["naestved", "slagelse"],
        [("OP", "Operationsafsnit", "other", "naestved"), ("OPV", "Opvågning", "ward", "slagelse")],
        dt.date(2026, 1, 8),
    ),
    (
        "GER",
        "Geriatrisk Afdeling",
        ["ringsted", "slagelse"],
        [
            ("G1", "Geriatrisk sengeafsnit", "ward", "ringsted"),
            ("AMB", "Geriatrisk ambulatorium", "outpatient", "slagelse"),
        ],
        dt.date(2026, 9, 1),
    ),
    (
        "URO",
        "Urologisk Afdeling",
        ["slagelse"],
        [
            ("U1", "Urologisk sengeafsnit", "ward", "slagelse"),
            ("AMB", "Urologisk ambulatorium", "outpatient", "slagelse"),
        ],
        dt.date(2026, 3, 2),
    ),
    (
        "ONH",
        "Øre-næse-halsafdelingen",
        ["slagelse"],
        [("AMB", "Øre-næse-halsambulatorium", "outpatient", "slagelse")],
        dt.date(2026, 6, 15),
    ),
    (
        "RAD",
        "Radiologisk Afdeling",
        ["naestved", "slagelse", "ringsted"],
        [("RN", "Røntgen Næstved", "other", "naestved"), ("RS", "Røntgen Slagelse", "other", "slagelse")],
        dt.date(2026, 3, 25),
    ),
    (
        "KBA",
        "Klinisk Biokemisk Afdeling",
        ["naestved", "slagelse"],
        [("LAB", "Laboratoriet", "other", "naestved")],
        dt.date(2026, 4, 7),
    ),
    (
        "ONK",
        "Onkologisk Afdeling",
        ["naestved"],
        [
            ("O1", "Onkologisk sengeafsnit", "ward", "naestved"),
            ("AMB", "Onkologisk ambulatorium", "outpatient", "naestved"),
        ],
        None,
    ),
]

DSOHH = "https://dsohh.dk/national-kampagne-vaelg-klogt/"

# key, title, society, text, source url (only where the wording was taken from that public page), year
NATIONAL = [
    (
        "medicin",
        "Medicinafhentning",
        "Vælg Klogt (flere selskaber)",
        "Undgå, at patienter skal møde fysisk op på den behandlende enhed for at hente vederlagsfri medicin, når hverken "
        "patient eller behandler ser et behov for fremmøde.",
        DSOHH,
        2024,
    ),
    (
        "antibiotika",
        "Antibiotika til øvre luftvejsinfektioner",
        "Vælg Klogt (flere selskaber)",
        "Undgå at give antibiotika til øvre luftvejsinfektioner såsom bihule-, mellemøre- og halsbetændelse, når der ikke "
        "er klare tegn på bakteriel infektion.",
        DSOHH,
        2024,
    ),
    (
        "kateter",
        "Undgå rutinemæssigt blærekateter efter operation (eksempel)",
        "Dansk Ortopædisk Selskab",
        "Eksempel: Undlad at anlægge blærekateter rutinemæssigt ved planlagt operation, når patienten kan lade vandet "
        "selv.",
        "",
        2025,
    ),
    (
        "blodprover",
        "Undgå gentagne rutineblodprøver hos stabile indlagte (eksempel)",
        "Dansk Selskab for Klinisk Biokemi",
        "Eksempel: Undlad daglige standardblodprøver hos indlagte patienter, hvis tilstand er stabil, og hvor svaret ikke "
        "ændrer behandlingen.",
        "",
        2025,
    ),
    (
        "billeddiagnostik",
        "Undgå billeddiagnostik ved uspecifikke lænderygsmerter (eksempel)",
        "Dansk Radiologisk Selskab",
        "Eksempel: Undlad røntgen, CT og MR af lænderyggen i de første seks uger ved uspecifikke lænderygsmerter uden "
        "alarmsymptomer.",
        "",
        2025,
    ),
    (
        "kontroller",
        "Undgå faste ambulante kontroller uden klinisk behov (eksempel)",
        "Dansk Selskab for Intern Medicin",
        "Eksempel: Erstat faste fremmøde-kontroller med patientinitieret opfølgning, hvor patient og behandler er enige "
        "om, at kontrollen ikke ændrer forløbet.",
        "",
        2025,
    ),
    (
        "ppi",
        "Undgå langvarig syrepumpehæmmer uden indikation (eksempel)",
        "Dansk Selskab for Gastroenterologi og Hepatologi",
        "Eksempel: Revurder og seponér protonpumpehæmmere, der er startet under indlæggelse uden fortsat indikation.",
        "",
        2025,
    ),
    (
        "ilt",
        "Undgå ilttilskud til patienter med normal iltmætning (eksempel)",
        "Dansk Selskab for Anæstesiologi og Intensiv Medicin",
        "Eksempel: Undlad ilttilskud til patienter med normal iltmætning uden anden indikation.",
        "",
        2026,
    ),
    (
        "telemetri",
        "Undgå telemetri uden indikation (eksempel)",
        "Dansk Cardiologisk Selskab",
        "Eksempel: Undlad kontinuerlig telemetri hos indlagte uden en dokumenteret indikation.",
        "",
        2026,
    ),
]

# department code, key, title, rationale, shared as inspiration
OPT_OUTS = [
    (
        "MED",
        "fravalg-vaegt",
        "Fravalg af daglig vejning af stabile patienter (eksempel)",
        "Eksempel: Daglig vejning giver sjældent ny viden hos stabile patienter uden hjertesvigt.",
        True,
    ),
    (
        "GER",
        "fravalg-blodtryk",
        "Fravalg af blodtryk fire gange i døgnet (eksempel)",
        "Eksempel: Blodtryk måles efter klinisk behov i stedet for faste tidspunkter.",
        False,
    ),
    (
        "AKA",
        "fravalg-ekg",
        "Fravalg af rutine-EKG ved mindre skader (eksempel)",
        "Eksempel: EKG tages kun ved symptomer eller kendt hjertesygdom.",
        True,
    ),
]


@dataclass(frozen=True)
class MeasureSpec:
    code: str
    name: str
    kind: str
    unit: str
    direction: str
    target: float | None
    per_section: bool
    level: float  # proportion, count per month or rate per `rate_per`
    after: float | None = None  # level after the action (a sustained shift)
    size: int = 80  # denominator per month (per section when measured per section)
    rate_per: int = 1
    gaps: tuple[int, ...] = ()


# department code, recommendation key, status, sections, national goals, measures, action (months before end, text)
INITIATIVES = [
    (
        "ORT",
        "kateter",
        "implemented",
        ["S1", "S2"],
        [3, 4],
        [
            MeasureSpec(
                "ORT-KAT-01",
                "Andel opererede med blærekateter",
                "process",
                Unit.PROPORTION,
                "lower",
                20,
                True,
                0.38,
                after=0.19,
                size=70,
                gaps=(4,),
            ),
            MeasureSpec(
                "ORT-KAT-02",
                "Urinvejsinfektioner pr. 1.000 sengedage",
                "outcome",
                Unit.RATE,
                "lower",
                4,
                False,
                6.0,
                after=4.0,
                size=1800,
                rate_per=1000,
            ),
            MeasureSpec(
                "ORT-KAT-03", "Urinretention efter fjernet kateter", "balancing", Unit.COUNT, "lower", None, False, 3.0
            ),
        ],
        (13, "Ny instruks: kateter kun efter skøn, undervisning af plejepersonale"),
    ),
    (
        "ORT",
        "medicin",
        "implementing",
        ["AMB"],
        [1, 6, 8],
        [
            MeasureSpec(
                "ORT-MED-01",
                "Andel medicinudleveringer sendt hjem",
                "process",
                Unit.PROPORTION,
                "higher",
                60,
                False,
                0.22,
                after=0.41,
                size=120,
                gaps=(9, 10),
            ),
        ],
        (7, "Tilbud om forsendelse af medicin indført i ambulatoriet"),
    ),
    (
        "MED",
        "blodprover",
        "implementing",
        ["M1", "M2"],
        [4, 8],
        [
            MeasureSpec(
                "MED-BLD-01",
                "Blodprøvepakker pr. indlæggelse",
                "process",
                Unit.RATE,
                "lower",
                3,
                True,
                4.2,
                size=150,
                rate_per=1,
            ),
            MeasureSpec(
                "MED-BLD-02",
                "Genindlæggelser inden for 30 dage",
                "balancing",
                Unit.PROPORTION,
                "lower",
                12,
                False,
                0.13,
                size=260,
            ),
        ],
        (5, "Daglig tavlegennemgang af blodprøvebestillinger"),
    ),
    ("MED", "medicin", "planned", ["AMB"], [1, 8], [], None),
    (
        "AKA",
        "fravalg-ekg",
        "implementing",
        ["AMA", "FAM"],
        [3, 8],
        [
            MeasureSpec(
                "AKA-EKG-01",
                "Andel skadepatienter med rutine-EKG",
                "process",
                Unit.PROPORTION,
                "lower",
                10,
                True,
                0.30,
                after=0.17,
                size=90,
            ),
        ],
        (9, "EKG fjernet fra standardordination ved mindre skader"),
    ),
    (
        "KIR",
        "ppi",
        "implementing",
        ["K1"],
        [4],
        [
            MeasureSpec(
                "KIR-PPI-01",
                "Andel udskrevet med ny PPI uden indikation",
                "process",
                Unit.PROPORTION,
                "lower",
                15,
                False,
                0.27,
                size=110,
            ),
        ],
        None,
    ),
    (
        "KIR",
        "medicin",
        "implementing",
        ["AMB"],
        [8],
        [
            MeasureSpec(
                "KIR-MED-01",
                "Fysiske fremmøder for medicinafhentning",
                "process",
                Unit.COUNT,
                "lower",
                40,
                False,
                62.0,
                after=45.0,
            ),
        ],
        (10, "Medicin sendes hjem som standard"),
    ),
    ("KIR", "ilt", "planned", ["K1"], [3], [], None),
    (
        "GYN",
        "antibiotika",
        "implementing",
        ["AMB"],
        [4],
        [
            MeasureSpec(
                "GYN-AB-01",
                "Antibiotikaordinationer uden tegn på bakteriel infektion",
                "process",
                Unit.COUNT,
                "lower",
                5,
                False,
                9.0,
            ),
        ],
        None,
    ),
    (
        "BUA",
        "antibiotika",
        "anchored",
        ["B1", "AMB"],
        [4, 6],
        [
            MeasureSpec(
                "BUA-AB-01",
                "Andel børn med mellemørebetændelse behandlet med antibiotika",
                "process",
                Unit.PROPORTION,
                "lower",
                30,
                False,
                0.52,
                after=0.31,
                size=60,
            ),
        ],
        (16, "Vent-og-se-vejledning udleveret til forældre"),
    ),
    (
        "BUA",
        "medicin",
        "implementing",
        ["AMB"],
        [1],
        [
            MeasureSpec(
                "BUA-MED-01",
                "Andel medicinudleveringer sendt hjem",
                "process",
                Unit.PROPORTION,
                "higher",
                50,
                False,
                0.35,
                size=70,
            ),
        ],
        None,
    ),
    (
        "ANA",
        "ilt",
        "implementing",
        ["OPV"],
        [3, 8],
        [
            MeasureSpec(
                "ANA-ILT-01",
                "Andel patienter med ilt trods normal saturation",
                "process",
                Unit.PROPORTION,
                "lower",
                10,
                False,
                0.24,
                size=140,
                gaps=(2, 3),
            ),
        ],
        None,
    ),
    ("GER", "fravalg-blodtryk", "planned", ["G1"], [2], [], None),
    (
        "URO",
        "kateter",
        "implementing",
        ["U1"],
        [3],
        [
            MeasureSpec(
                "URO-KAT-01",
                "Kateterdage pr. 100 sengedage",
                "outcome",
                Unit.RATE,
                "lower",
                8,
                False,
                11.0,
                after=12.5,
                size=700,
                rate_per=100,
            ),
        ],
        (6, "Daglig vurdering af kateterbehov"),
    ),
]

# username, first name, role, department code
USERS = [
    ("kdk", "Karen (KDK, demo)", Role.KDK, None),
    ("direktion", "Dorte (sygehusledelse, demo)", Role.HOSPITAL_MANAGEMENT, None),
    ("leder", "Lars (afdelingsledelse, demo)", Role.MANAGEMENT, "ORT"),
    ("noegle", "Nanna (nøgleperson, demo)", Role.KEY_PERSON, "ORT"),
    ("udenfor", "Ulla (nøgleperson MED, demo)", Role.KEY_PERSON, "MED"),
    ("leder_med", "Mikkel (afdelingsledelse MED, demo)", Role.MANAGEMENT, "MED"),
]


def last_complete_month(today: dt.date) -> dt.date:
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam > 30:  # normal approximation keeps this fast for large means
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


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
            yield month, _poisson(rng, level * exposure / spec.rate_per), exposure
        else:
            yield month, _poisson(rng, level), None


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
