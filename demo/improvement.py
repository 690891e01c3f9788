"""Demo data for the Model for Improvement, written through `improvement.services` (idempotent).

Three departments work on the cross-hospital recommendation "medicin" with a driver diagram each, chained PDSA
cycles (one adopted, one adapted into a second cycle, one abandoned) and progress scores for every month of the
demo's year; two of them share their initiative as inspiration. Dates follow the demo's months (they end with the
last completed month), as the rest of the demo does.
"""

from __future__ import annotations

import datetime as dt

from core.months import add_months, last_complete_month
from improvement import services
from improvement.models import ChangeIdea, PdsaCycle, ProgressScore
from initiatives.models import Initiative
from initiatives.services import initiative_set_shared

from .content import YEAR

#: Department code → (primary driver, [(secondary driver, [change ideas])]).
DIAGRAMS = {
    "ORT": (
        "Patienterne får medicinen med hjem uden ekstra besøg",
        [
            ("Personalet kender tilbuddet", ["Omtale ved morgenmøde", "Lommekort til sekretærer"]),
            ("Forsendelse er let at bestille", ["Fast afkrydsning i ambulatorienotatet"]),
        ],
    ),
    "KIR": (
        "Forsendelse er standard ved udskrivelse",
        [
            ("Tjekliste ved udskrivelse", ["Punkt om forsendelse på udskrivelsestjeklisten"]),
            ("Patienten spørges tidligt", ["Sygeplejerske spørger ved indlæggelsessamtalen"]),
        ],
    ),
    "BUA": (
        "Forældre vælger forsendelse",
        [("Information til forældre", ["Folder i venteværelset"])],
    ),
}

#: Department code → the cycles, chained in order: (change, months before the last complete month, decision, result).
CYCLES = {
    "ORT": [
        (
            "Fast afkrydsning i ambulatorienotatet",
            4,
            "adopt",
            "Andelen steg fra 24 % til 38 % i testugerne – bedre end forudsagt.",
        ),
    ],
    "KIR": [
        (
            "Punkt om forsendelse på udskrivelsestjeklisten",
            6,
            "adapt",
            "Kun dagafsnittet brugte punktet; andelen steg 4 procentpoint, ikke 10.",
        ),
        (
            "Punkt om forsendelse på udskrivelsestjeklisten",
            3,
            "adopt",
            "Med punktet øverst på tjeklisten steg andelen 11 procentpoint på begge afsnit.",
        ),
    ],
    "BUA": [
        ("Folder i venteværelset", 5, "abandon", "Ingen ændring; forældrene tog ikke folderen."),
    ],
}

SHARED = ("ORT", "KIR")
#: Progress score per month of the year (the team's own score), the last one repeating until the last month.
SCORES = {
    "ORT": ["1.0", "1.5", "2.0", "2.0", "2.5", "2.5", "3.0", "3.0", "3.5", "3.5"],
    "KIR": ["1.0", "1.0", "1.5", "2.0", "2.0", "2.5", "2.5", "2.5", "3.0", "3.0"],
    "BUA": ["0.5", "1.0", "1.0", "1.5", "1.5", "2.0", "2.0", "2.0", "2.0", "2.0"],
}


def seed_improvement(*, today: dt.date, cast, recommendation) -> int:
    """Write the demo's diagrams, cycles and scores on `recommendation`; returns the number of cycles."""
    end = last_complete_month(today)
    count = 0
    for code, (primary_text, secondaries) in DIAGRAMS.items():
        initiative = Initiative.objects.filter(
            department__code=code.lower(), recommendation=recommendation, year=YEAR
        ).first()
        if initiative is None:
            continue
        steering, entering = cast.steering(code), cast.entering(code)
        ideas = _diagram(initiative, primary_text, secondaries, by=steering)
        count += _cycles(initiative, ideas, CYCLES[code], end=end, today=today, by=entering)
        _scores(initiative, SCORES[code], end=end, by=entering)
        if code in SHARED and not initiative.shared_as_inspiration:
            initiative_set_shared(initiative=initiative, shared=True, by=steering)
    return count


def _diagram(initiative, primary_text, secondaries, *, by) -> dict:
    """The diagram once (a second run finds it and changes nothing); returns its change ideas by text."""
    diagram = services.diagram_for(initiative)
    if not diagram.drivers.exists():
        primary = services.driver_add(initiative=initiative, text=primary_text, by=by)
        for secondary_text, idea_texts in secondaries:
            secondary = services.driver_add(initiative=initiative, text=secondary_text, parent=primary, by=by)
            for text in idea_texts:
                services.idea_add(driver=secondary, text=text, measures=initiative.measures.all(), by=by)
    return {idea.text: idea for idea in ChangeIdea.objects.filter(driver__diagram=diagram)}


def _cycles(initiative, ideas, plans, *, end, today, by) -> int:
    measure = initiative.measures.order_by("pk").first()
    previous = None
    for change, months_before, decision, result in plans:
        start = add_months(end, -months_before)
        cycle = PdsaCycle.objects.filter(initiative=initiative, change=change, previous=previous).first()
        if cycle is None:
            cycle = services.cycle_plan(
                initiative=initiative,
                change_idea=ideas.get(change),
                previous=previous,
                change=change,
                start=start,
                end=start + dt.timedelta(days=20),
                sections=initiative.sections.all(),
                who="Tovholder og to sygeplejersker (demo)",
                prediction_measure=measure,
                prediction_direction="up",
                prediction_amount="10 procentpoint",
                prediction=f"Andelen, der får medicinen sendt hjem, stiger med 10 procentpoint (demo): {change}.",
                data_to_collect="Optælling af udleveringer i testperioden.",
                by=by,
            )
            services.cycle_update(
                cycle=cycle,
                status="study",
                what_happened="Testet i tre uger på de valgte afsnit (demo).",
                result=result,
                by=by,
            )
            if decision == "adopt":
                services.cycle_adopt(cycle=cycle, by=by, today=today)
            else:
                services.cycle_update(cycle=cycle, status="done", decision=decision, by=by)
        previous = cycle
    return len(plans)


def _scores(initiative, scores, *, end, by) -> None:
    month = dt.date(YEAR, 1, 1)
    index = 0
    while month <= end and month.year == YEAR:
        score = scores[min(index, len(scores) - 1)]
        stored = (
            ProgressScore.objects.filter(initiative=initiative, month=month).values_list("score", flat=True).first()
        )
        if stored is None or f"{stored:.1f}" != score:
            services.score_set(initiative=initiative, month=month, score=score, note="Teamets vurdering (demo)", by=by)
        month = add_months(month, 1)
        index += 1
