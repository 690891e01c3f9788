"""The 8 national goals of the National Quality Programme (Det Nationale Kvalitetsprogram)."""

NATIONAL_GOALS = [
    (1, "Bedre sammenhængende patientforløb"),
    (2, "Styrket indsats for kronikere og ældre patienter"),
    (3, "Forbedret overlevelse og patientsikkerhed"),
    (4, "Behandling af høj kvalitet"),
    (5, "Hurtig udredning og behandling"),
    (6, "Øget patientinddragelse"),
    (7, "Flere sunde leveår"),
    (8, "Mere effektivt sundhedsvæsen"),
]


def ensure_national_goals(model) -> None:
    """Create or refresh the 8 goals; `model` is NationalGoal (or its historical version in a migration)."""
    for number, title in NATIONAL_GOALS:
        model.objects.update_or_create(number=number, defaults={"title": title})
