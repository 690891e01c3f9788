"""What the demo holds: hospitals, departments and sections, users, the catalogue, initiatives with their measures.

All names end in "(demo)" where a person could be mistaken for a real one; catalogue entries are marked as examples
unless their wording was taken from a public page, whose address is then given. `demo.seed` writes these tables
into the database; `demo.region` reuses the catalogue, the year and the password.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from departments.access import Role
from departments.models import TeamMember
from measurements.models import Unit

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
    level: float  # proportion, count per month, rate per `rate_per`, mean, or rare events per month
    after: float | None = None  # level after the action (a sustained shift)
    size: int = 80  # denominator per month (per section when measured per section); observations for means;
    # opportunities (procedures) per month for rare events
    rate_per: int = 1
    gaps: tuple[int, ...] = ()
    #: Month-to-month variation of the level beyond the binomial (relative SD): overdispersion, as in hospital-wide
    #: proportions with large denominators (Laney 2002).
    spread: float = 0.0


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
            # A mean per month and section (Xbar/S): hours with a catheter, falling after the action.
            MeasureSpec(
                "ORT-KAT-04",
                "Kateterliggetid i timer (gennemsnit)",
                "process",
                Unit.MEAN,
                "lower",
                36.0,
                True,
                52.0,
                after=40.0,
                size=14,
            ),
            # A rare balancing event (T chart): only the date of each event; more days between is better.
            MeasureSpec(
                "ORT-KAT-05",
                "Genanlagt kateter efter fravalg (sjælden hændelse)",
                "balancing",
                Unit.EVENTS,
                "higher",
                None,
                False,
                1.2,
                after=0.6,
                size=90,
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
                size=2600,  # hospital-wide: denominators in the thousands, overdispersed (the page suggests P′)
                spread=0.12,
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

# department code, username (None: a team member without a user account), name, title, role in the team
TEAM_MEMBERS = [
    ("ORT", None, "Hanne Holm (demo)", "Sygeplejerske, tovholder", TeamMember.Role.COORDINATOR),
    ("ORT", "noegle", "", "Sygeplejerske", TeamMember.Role.KEY_PERSON),
    ("ORT", "leder", "", "Ledende overlæge", TeamMember.Role.LEADER),
    ("ORT", None, "Peter Lund (demo)", "Overlæge", TeamMember.Role.DOCTOR),
    ("MED", "udenfor", "", "Sygeplejerske", TeamMember.Role.COORDINATOR),
    ("AKA", None, "Tovholder AKA (demo)", "Sygeplejerske", TeamMember.Role.COORDINATOR),
    ("KIR", None, "Tovholder KIR (demo)", "Sygeplejerske", TeamMember.Role.COORDINATOR),
    ("BUA", None, "Tovholder BUA (demo)", "Sygeplejerske", TeamMember.Role.COORDINATOR),
]

# The year's inspiration meetings; meeting n has the first 6 + n departments not in NOT_AT_INSPIRATION as participants
INSPIRATION_MEETINGS = [dt.date(YEAR, 3, 10), dt.date(YEAR, 6, 9), dt.date(YEAR, 10, 6)]
NOT_AT_INSPIRATION = ("ONK", "KBA")

# department code, dates, decisions of its quality-team meetings (kvalitetsteammøder)
QUALITY_TEAM_MEETINGS = [
    (
        "ORT",
        [dt.date(YEAR, 3, 20), dt.date(YEAR, 6, 20), dt.date(YEAR, 9, 20)],
        "Fortsæt indsatsen; følg balancemålet (demo).",
    ),
]
