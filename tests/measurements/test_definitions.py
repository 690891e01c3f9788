"""Defining measures: the measurement plan's fields, default codes, validation, balancing suggestions, permissions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from initiatives.models import Initiative
from measurements import definitions
from measurements.models import Measure, Unit
from tests.factories import (
    DepartmentFactory,
    InitiativeFactory,
    MeasureFactory,
    MeasurementFactory,
    RecommendationFactory,
    UserFactory,
)
from tests.initiatives import helpers

today, world = helpers.today, helpers.world  # fixtures

pytestmark = pytest.mark.django_db

PROCESS = {
    "name": "Andel opererede med blærekateter",
    "kind": "process",
    "operational_definition": "Planlagt opererede over 18 år, pr. kalendermåned.",
    "unit": "proportion",
    "numerator_definition": "Opererede, der fik anlagt blærekateter",
    "denominator_definition": "Alle planlagt opererede",
    "rate_per": "",
    "data_source": "Sundhedsplatformen",
    "direction": "lower",
    "target": "20,5",
    "per_section": "on",
    "start_month": "2026-01",
    "end_month": "",
    "chart_kind": "pp",
    "responsible": "",
    "code": "",
}


def _create(client, initiative, **changes):
    return client.post(reverse("measurements:measure_create", kwargs={"pk": initiative.pk}), {**PROCESS, **changes})


def test_leder_defines_process_measure_with_plan_fields(client_for, leder, noegle, world):
    response = _create(client_for(leder), world.initiative, responsible=noegle.pk)
    assert response.status_code == 302
    measure = world.initiative.measures.get(name=PROCESS["name"])
    assert measure.kind == "process" and measure.unit == "proportion" and measure.direction == "lower"
    assert measure.target == Decimal("20.50")
    assert (measure.per_section, measure.rate_per) == (True, 1)
    assert (measure.start_month, measure.chart_kind) == (dt.date(2026, 1, 1), "pp")
    assert measure.numerator_definition == "Opererede, der fik anlagt blærekateter"
    assert measure.responsible == noegle
    assert measure.history.get().history_user == leder


def test_empty_code_gets_a_default_from_department_and_recommendation(leder, home, today):
    initiative = InitiativeFactory(
        department=home, recommendation=RecommendationFactory(title="Undgå rutinemæssigt blærekateter efter operation")
    )
    first = definitions.measure_create(
        initiative=initiative,
        definition=definitions.MeasureDefinition(name="A", numerator_definition="x", denominator_definition="y"),
        by=leder,
    )
    second = definitions.measure_create(
        initiative=initiative,
        definition=definitions.MeasureDefinition(name="B", numerator_definition="x", denominator_definition="y"),
        by=leder,
    )
    assert (first.code, second.code) == ("ORT-RBO-01", "ORT-RBO-02")


def test_default_code_handles_danish_letters_and_one_word(home):
    initiative = InitiativeFactory(department=home, recommendation=RecommendationFactory(title="Ønskeværdi"))
    assert definitions.default_code(initiative) == "ORT-OEN-01"


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"name": ""}, "name", "Giv målingen et navn"),
        ({"numerator_definition": ""}, "numerator_definition", "Beskriv, hvad der tælles med i tælleren."),
        ({"denominator_definition": " "}, "denominator_definition", "Beskriv nævneren"),
        ({"target": "120"}, "target", "procent mellem 0 og 100"),
        ({"target": "-1"}, "target", "Målet kan ikke være negativt."),
        ({"target": "tyve"}, "target", "Indtast et tal."),
        ({"chart_kind": "c"}, "chart_kind", "Diagramtypen passer ikke til enheden."),
        ({"chart_kind": "zz"}, "chart_kind", "Marker en gyldig valgmulighed."),
        ({"start_month": "2026-13"}, "start_month", "Måneden skal være et tal fra 1 til 12, fx 12.2026."),
        ({"start_month": "jan"}, "start_month", "Skriv måneden som fx »december 2026« eller 12.2026."),
        ({"end_month": "2025-06"}, "end_month", "Sidste måned ligger før første måned."),
        ({"unit": "rate", "rate_per": "0"}, "rate_per", "Denne værdi skal være større end eller lig 1."),
        ({"unit": "rate", "rate_per": ""}, "rate_per", "pr. hvor mange raten opgøres"),
        ({"code": "ORT KAT 1"}, "code", "Koden må kun indeholde bogstaver"),
        ({"kind": "other"}, "kind", "Marker en gyldig valgmulighed."),
    ],
)
def test_measure_form_errors_are_danish_next_to_the_field_and_nothing_is_saved(
    client_for, leder, world, changes, field, message
):
    response = _create(client_for(leder), world.initiative, **changes)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert world.initiative.measures.count() == 1


def test_code_must_be_unique_case_insensitively(client_for, leder, world):
    response = _create(client_for(leder), world.initiative, code="ort-x-01")
    assert "Koden ORT-X-01 er allerede i brug." in response.content.decode()
    assert world.initiative.measures.count() == 1


def test_typed_code_is_stored_upper_case(client_for, leder, world):
    _create(client_for(leder), world.initiative, code="ort-kat-07")
    assert world.initiative.measures.filter(code="ORT-KAT-07").exists()


def test_responsible_must_belong_to_the_department(leder, udenfor, world):
    with pytest.raises(ValidationError) as error:
        definitions.measure_create(
            initiative=world.initiative,
            definition=definitions.MeasureDefinition(
                name="X", numerator_definition="x", denominator_definition="y", responsible=udenfor
            ),
            by=leder,
        )
    assert error.value.message_dict["responsible"] == ["Den ansvarlige skal have en rolle i afdelingen."]


def test_count_needs_no_denominator_and_rate_keeps_its_n(leder, world):
    count = definitions.measure_create(
        initiative=world.initiative,
        definition=definitions.MeasureDefinition(name="Antal", unit=Unit.COUNT, numerator_definition="Hændelser"),
        by=leder,
    )
    rate = definitions.measure_create(
        initiative=world.initiative,
        definition=definitions.MeasureDefinition(
            name="Rate",
            unit=Unit.RATE,
            rate_per=1000,
            numerator_definition="Infektioner",
            denominator_definition="Sengedage",
        ),
        by=leder,
    )
    proportion = definitions.measure_create(
        initiative=world.initiative,
        definition=definitions.MeasureDefinition(
            name="Andel", rate_per=1000, numerator_definition="a", denominator_definition="b"
        ),
        by=leder,
    )
    assert (count.rate_per, rate.rate_per, proportion.rate_per) == (1, 1000, 1)


def test_unit_and_per_section_are_fixed_once_values_exist(client_for, leder, world):
    url = reverse("measurements:measure_edit", kwargs={"pk": world.measure.pk})
    data = {**PROCESS, "name": "Nyt navn", "unit": "count", "per_section": "on", "code": world.measure.code}
    response = client_for(leder).post(url, data)
    assert "Enheden kan ikke ændres, når der er registreret målinger." in response.content.decode()
    assert "Kan ikke ændres, når der er registreret målinger." in response.content.decode()
    world.measure.refresh_from_db()
    assert (world.measure.name, world.measure.unit, world.measure.per_section) == (
        world.measure.name,
        "proportion",
        False,
    )


def test_leder_edits_measure_definition_and_target(client_for, leder, world):
    url = reverse("measurements:measure_edit", kwargs={"pk": world.measure.pk})
    client = client_for(leder)
    form = client.get(url).context["form"]
    assert form.initial["code"] == "ORT-X-01"
    data = {**PROCESS, "per_section": "", "target": "15", "code": ""}
    assert client.post(url, data).status_code == 302
    world.measure.refresh_from_db()
    assert (world.measure.target, world.measure.code, world.measure.name) == (
        Decimal("15"),
        "ORT-X-01",
        PROCESS["name"],
    )
    assert world.measure.history.count() == 2  # created by the factory, then changed by leder
    assert world.measure.history.first().history_user == leder


def test_measure_with_data_counts_toward_mal1_only_then(client_for, leder, home, today):
    initiative = InitiativeFactory(department=home, year=2026, status=Initiative.Status.PLANNED)
    workspace = reverse("dashboards:workspace", kwargs={"pk": home.pk})
    _create(client_for(leder), initiative)
    assert client_for(leder).get(workspace).context["row"].selections.label == "Ikke målt endnu"
    MeasurementFactory(measure=initiative.measures.get())
    assert client_for(leder).get(workspace).context["row"].selections.label == "Opfyldt"


# --- balancing suggestion -------------------------------------------------------------------------------------------


def test_balancing_measure_is_suggested_until_one_exists(client_for, leder, home, today):
    initiative = InitiativeFactory(
        department=home, recommendation=RecommendationFactory(title="Undgå rutinemæssigt blærekateter", text="x")
    )
    page = client_for(leder).get(reverse("dashboards:initiative", kwargs={"pk": initiative.pk}))
    assert page.context["balancing"].name.startswith("Urinretention")
    assert "Intet balancemål endnu." in page.content.decode()
    form = client_for(leder).get(
        reverse("measurements:measure_create", kwargs={"pk": initiative.pk}), {"kind": "balancing"}
    )
    assert form.context["form"].initial["kind"] == "balancing"
    assert form.context["form"].initial["name"].startswith("Urinretention")
    MeasureFactory(initiative=initiative, kind=Measure.Kind.BALANCING)
    page = client_for(leder).get(reverse("dashboards:initiative", kwargs={"pk": initiative.pk}))
    assert page.context["balancing"] is None
    assert "Intet balancemål endnu." not in page.content.decode()


def test_generic_balancing_suggestion_for_unknown_topic(home):
    initiative = InitiativeFactory(
        department=home, recommendation=RecommendationFactory(title="Noget helt andet", text="x")
    )
    assert "Genindlæggelser" in definitions.suggest_balancing(initiative).name


def test_form_has_help_text_for_first_time_users(client_for, leder, world):
    body = (
        client_for(leder)
        .get(reverse("measurements:measure_create", kwargs={"pk": world.initiative.pk}))
        .content.decode()
    )
    for text in (
        "Så præcist, at to kolleger ville tælle det samme",
        "Hvad tælles?",
        "Det tal, I vil nå",
        "Diagramtype",
    ):
        assert text in body
    assert "Forslag til kode, hvis feltet står tomt" in body


# --- permissions ----------------------------------------------------------------------------------------------------


def test_key_person_reads_measures_but_cannot_define_them(client_for, noegle, world):
    client = client_for(noegle)
    page = client.get(reverse("dashboards:initiative", kwargs={"pk": world.initiative.pk}))
    assert world.measure.name in page.content.decode()
    assert client.get(reverse("measurements:measure_create", kwargs={"pk": world.initiative.pk})).status_code == 403
    assert _create(client, world.initiative).status_code == 403
    assert (
        client.post(reverse("measurements:measure_edit", kwargs={"pk": world.measure.pk}), PROCESS).status_code == 403
    )
    assert world.initiative.measures.count() == 1


def test_leder_of_other_department_gets_404(client_for, world):
    from departments.access import Role
    from tests.factories import MembershipFactory

    other_leder = UserFactory(username="anden_leder")
    MembershipFactory(user=other_leder, role=Role.MANAGEMENT, department=DepartmentFactory())
    client = client_for(other_leder)
    assert _create(client, world.initiative).status_code == 404
    assert client.get(reverse("measurements:measure_edit", kwargs={"pk": world.measure.pk})).status_code == 404
    assert world.initiative.measures.count() == 1


def test_leder_sets_an_expected_range_and_a_reversed_one_is_refused(client_for, leder, world):
    client = client_for(leder)
    refused = _create(client, world.initiative, expected_min="40", expected_max="10")
    assert refused.status_code != 302
    assert "Forventet højst skal være mindst lige så stort som forventet mindst." in refused.content.decode()
    assert not world.initiative.measures.filter(name=PROCESS["name"]).exists()
    response = _create(client, world.initiative, expected_min="5", expected_max="40,5")
    assert response.status_code == 302
    measure = world.initiative.measures.get(name=PROCESS["name"])
    assert (measure.expected_min, measure.expected_max) == (Decimal("5"), Decimal("40.5"))


def test_measure_form_error_summary_names_each_field_in_danish(client_for, leder, world):
    """Issue 16.5: the summary above the form says which field is wrong, by its Danish label, with a link to it."""
    response = _create(client_for(leder), world.initiative, target="tyve", rate_per="0", unit="rate")
    page = response.content.decode()
    assert '<li><a href="#id_target">Mål</a>: Indtast et tal.</li>' in page
    assert '<a href="#id_rate_per">Rate pr.</a>: Denne værdi skal være større end eller lig 1.' in page
    assert world.initiative.measures.count() == 1


@pytest.mark.parametrize("unit,hidden", [("proportion", True), ("count", True), ("rate", False)])
def test_rate_per_is_offered_only_for_rates(client_for, leder, world, unit, hidden):
    client = client_for(leder)
    url = reverse("measurements:measure_create", kwargs={"pk": world.initiative.pk})
    page = (client.get(url) if unit == "proportion" else _create(client, world.initiative, unit=unit, name="")).content
    text = page.decode()
    assert ("<div data-rate-only hidden>" in text) is hidden
    assert ("<div data-rate-only>" in text) is not hidden
    assert "js/measure_form.js" in text
