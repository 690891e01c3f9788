"""The one write path: every validation rule, versions, deletes, history and all-or-nothing batches."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from measurements.locking import month_relock, month_reopen
from measurements.models import Measurement, Unit
from measurements.services import (
    Entry,
    MeasurementConflict,
    NotSaved,
    Outcome,
    error_dict,
    measure_unit_change_error,
    measurement_record,
    measurement_record_many,
    parse_whole_number,
)
from tests.factories import SectionFactory

from .conftest import DEC, NOV, OCT, SEP, TODAY

pytestmark = pytest.mark.django_db


def record(measure, *, by, section=None, month=OCT, numerator="3", denominator="10", comment="", version=None, **kw):
    return measurement_record(
        measure=measure,
        section=section,
        month=month,
        numerator=numerator,
        denominator=denominator,
        comment=comment,
        expected_version=version,
        by=by,
        today=TODAY,
        **kw,
    )


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return error_dict(caught.value)


# --- numbers -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"), [("", None), (None, None), ("  ", None), ("12", 12), (" 7 ", 7), (0, 0), (12.0, 12), ("0", 0)]
)
def test_parse_whole_number_accepts_whole_numbers_and_blank(raw, expected):
    assert parse_whole_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-3", "Tallet må ikke være negativt."),
        (-3, "Tallet må ikke være negativt."),
        ("3,5", "Skriv et helt tal uden komma eller punktum – 3,5 er ikke et helt tal."),
        (
            "3.5",
            "»3.5« er tvetydigt: på dansk skiller punktum tusinder (1.200), og komma er decimaltegn (1,5). "
            "Skriv tallet uden punktum.",
        ),
        (3.5, "Skriv et helt tal – 3,5 er et decimaltal."),
        ("ti", "Skriv et helt tal med cifre – »ti« er ikke et tal."),
        ("12a", "Skriv et helt tal med cifre – »12a« er ikke et tal."),
        ("10000000", "Tallet er for stort (højst 9.999.999)."),
        (True, "Skriv et helt tal."),
    ],
)
def test_parse_whole_number_refuses_with_danish_message(raw, message):
    with pytest.raises(ValidationError) as caught:
        parse_whole_number(raw)
    assert caught.value.messages == [message]


# --- creating and each rule ------------------------------------------------------------------------------------------


def test_record_creates_value_with_version_user_unit_and_history(proportion, sections, noegle):
    result = record(proportion, section=sections[0], numerator="3", denominator="10", comment=" ok ", by=noegle)
    assert result.outcome == Outcome.CREATED
    stored = Measurement.objects.get()
    assert (stored.numerator, stored.denominator, stored.comment) == (3, 10, "ok")
    assert (stored.version, stored.unit, stored.entered_by, stored.section) == (1, Unit.PROPORTION, noegle, sections[0])
    (entry,) = stored.history.all()
    assert (entry.history_type, entry.history_user, entry.numerator) == ("+", noegle, 3)


def test_numerator_above_denominator_is_refused_next_to_numerator(proportion, sections, noegle):
    errors = errors_of(lambda: record(proportion, section=sections[0], numerator="11", denominator="10", by=noegle))
    assert errors == {"numerator": ["Tælleren (11) kan ikke være større end nævneren (10)."]}
    assert not Measurement.objects.exists()


def test_proportion_without_denominator_is_refused(proportion, sections, noegle):
    errors = errors_of(lambda: record(proportion, section=sections[0], numerator="3", denominator="", by=noegle))
    assert errors == {"denominator": ["Skriv nævneren, når du skriver en tæller."]}
    assert not Measurement.objects.exists()


def test_rate_without_denominator_is_refused_and_zero_exposure_with_events_too(rate, noegle):
    assert errors_of(lambda: record(rate, numerator="3", denominator="", by=noegle)) == {
        "denominator": ["Skriv nævneren, når du skriver en tæller."]
    }
    assert errors_of(lambda: record(rate, numerator="3", denominator="0", by=noegle)) == {
        "denominator": ["Nævneren skal være over 0, når tælleren er over 0."]
    }
    assert record(rate, numerator="4", denominator="1800", by=noegle).measurement.denominator == 1800


def test_count_takes_no_denominator(count, noegle):
    errors = errors_of(lambda: record(count, numerator="3", denominator="10", by=noegle))
    assert errors == {"denominator": ["Et antal har ingen nævner – lad feltet være tomt."]}
    assert record(count, numerator="3", denominator="", by=noegle).measurement.denominator is None


def test_decimal_comma_in_a_count_is_refused(count, noegle):
    errors = errors_of(lambda: record(count, numerator="3,5", denominator="", by=noegle))
    assert errors == {"numerator": ["Skriv et helt tal uden komma eller punktum – 3,5 er ikke et helt tal."]}
    assert not Measurement.objects.exists()


def test_text_and_negative_numbers_are_refused_per_field(proportion, sections, noegle):
    errors = errors_of(lambda: record(proportion, section=sections[0], numerator="tre", denominator="-10", by=noegle))
    assert errors == {
        "numerator": ["Skriv et helt tal med cifre – »tre« er ikke et tal."],
        "denominator": ["Tallet må ikke være negativt."],
    }


def test_denominator_without_numerator_asks_for_the_numerator(proportion, sections, noegle):
    errors = errors_of(lambda: record(proportion, section=sections[0], numerator="", denominator="10", by=noegle))
    assert errors == {"numerator": ["Skriv også tælleren."]}


def test_comment_alone_is_not_saved(proportion, sections, noegle):
    errors = errors_of(
        lambda: record(proportion, section=sections[0], numerator="", denominator="", comment="x", by=noegle)
    )
    assert errors == {"numerator": ["Skriv tælleren – en kommentar alene kan ikke gemmes."]}


def test_empty_numbers_with_no_stored_value_change_nothing(proportion, sections, noegle):
    result = record(proportion, section=sections[0], numerator="", denominator="", by=noegle)
    assert result.outcome == Outcome.UNCHANGED
    assert not Measurement.objects.exists()


def test_future_month_is_refused_but_the_running_month_is_allowed(proportion, sections, noegle):
    errors = errors_of(lambda: record(proportion, section=sections[0], month=DEC, by=noegle))
    assert errors == {"month": ["December 2026 er ikke begyndt endnu. Du kan registrere til og med indeværende måned."]}
    assert record(proportion, section=sections[0], month=NOV, by=noegle).outcome == Outcome.CREATED


def test_months_outside_the_measures_period_are_refused(proportion, sections, noegle):
    proportion.start_month, proportion.end_month = dt.date(2026, 3, 1), dt.date(2026, 10, 1)
    proportion.save()
    before = errors_of(lambda: record(proportion, section=sections[0], month=dt.date(2026, 2, 1), by=noegle))
    assert before == {"month": ["Målingen begynder først i marts 2026."]}
    proportion.end_month = dt.date(2026, 9, 1)
    proportion.save()
    after = errors_of(lambda: record(proportion, section=sections[0], month=OCT, by=noegle))
    assert after == {"month": ["Målingen sluttede i september 2026."]}


def test_measure_without_start_month_starts_in_its_initiatives_year(count, noegle):
    errors = errors_of(lambda: record(count, month=dt.date(2025, 12, 1), numerator="1", denominator="", by=noegle))
    assert errors == {"month": ["Målingen begynder først i januar 2026."]}


def test_locked_month_is_refused_until_kdk_reopens_it(proportion, sections, noegle, kdk, home):
    errors = errors_of(lambda: record(proportion, section=sections[0], month=SEP, by=noegle))
    assert errors == {
        "month": ["September 2026 er låst (fra 16. oktober 2026). Bed KDK om at genåbne måneden fra målingens side."]
    }
    month_reopen(department=home, month=SEP, reason="Fejl i udtræk", by=kdk, today=TODAY)
    assert record(proportion, section=sections[0], month=SEP, by=noegle).outcome == Outcome.CREATED
    month_relock(department=home, month=SEP, by=kdk)
    assert "month" in errors_of(lambda: record(proportion, section=sections[0], month=SEP, numerator="4", by=noegle))
    assert Measurement.objects.get().numerator == 3


def test_locks_apply_to_kdk_too(count, kdk):
    assert "month" in errors_of(lambda: record(count, month=SEP, numerator="1", denominator="", by=kdk))


def test_sections_must_be_the_initiatives(proportion, count, sections, noegle, home, hospital):
    other = SectionFactory(department=home, hospital=hospital, code="amb", name="Ambulatoriet")
    assert errors_of(lambda: record(proportion, section=other, by=noegle)) == {
        "section": ["Indsatsen kører ikke i afsnittet Ambulatoriet."]
    }
    assert errors_of(lambda: record(proportion, section=None, by=noegle)) == {
        "section": ["Målingen registreres pr. afsnit; vælg et afsnit."]
    }
    assert errors_of(lambda: record(count, section=sections[0], numerator="1", denominator="", by=noegle)) == {
        "section": ["Målingen registreres for hele afdelingen, ikke pr. afsnit."]
    }


def test_comment_with_a_control_character_is_refused(count, noegle):
    errors = errors_of(lambda: record(count, numerator="1", denominator="", comment="a\x00b", by=noegle))
    assert errors == {"comment": ["Kommentaren indeholder et usynligt styretegn, som ikke kan gemmes. Skriv den igen."]}
    assert record(count, numerator="1", denominator="", comment="linje 1\nlinje 2\tslut", by=noegle).measurement


def test_comment_longer_than_500_characters_is_refused(count, noegle):
    errors = errors_of(lambda: record(count, numerator="1", denominator="", comment="x" * 501, by=noegle))
    assert errors == {"comment": ["Kommentaren må højst være 500 tegn."]}


@pytest.mark.parametrize("who", ["udenfor", "direktion"])
def test_people_outside_the_department_may_not_write(request, proportion, sections, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        record(proportion, section=sections[0], by=user)
    assert not Measurement.objects.exists()


def test_management_and_kdk_may_enter(count, leder, kdk):
    assert record(count, numerator="1", denominator="", by=leder).outcome == Outcome.CREATED
    assert record(count, numerator="2", denominator="", version=1, by=kdk).outcome == Outcome.UPDATED


# --- versions, changes, deletes, history ---------------------------------------------------------------------------


def test_change_with_the_seen_version_bumps_version_and_keeps_old_and_new_in_history(count, noegle, leder):
    record(count, numerator="3", denominator="", by=noegle)
    result = record(count, numerator="5", denominator="", comment="rettet", version=1, by=leder)
    assert result.outcome == Outcome.UPDATED
    stored = Measurement.objects.get()
    assert (stored.numerator, stored.version, stored.entered_by, stored.comment) == (5, 2, leder, "rettet")
    history = list(stored.history.order_by("history_date", "history_id"))
    assert [(h.history_type, h.numerator, h.history_user) for h in history] == [("+", 3, noegle), ("~", 5, leder)]


def test_stale_version_is_refused_with_stored_value_and_who_stored_it(count, noegle, leder):
    record(count, numerator="3", denominator="", by=noegle)
    record(count, numerator="4", denominator="", version=1, by=leder)
    with pytest.raises(MeasurementConflict) as caught:
        record(count, numerator="9", denominator="", version=1, by=noegle)
    conflict = caught.value
    assert conflict.current.numerator == 4
    assert conflict.by_name == leder.first_name
    assert f"{leder.first_name} har gemt 4" in conflict.message
    assert "Din værdi er ikke gemt" in conflict.message
    assert Measurement.objects.get().numerator == 4
    assert Measurement.history.count() == 2


def test_creating_where_a_value_already_exists_is_a_conflict(proportion, sections, noegle, leder):
    record(proportion, section=sections[0], numerator="3", denominator="10", by=leder)
    with pytest.raises(MeasurementConflict) as caught:
        record(proportion, section=sections[0], numerator="4", denominator="10", version=None, by=noegle)
    assert caught.value.stored_text == "3/10"


def test_empty_numbers_delete_the_value_with_history(count, noegle, leder):
    record(count, numerator="3", denominator="", by=noegle)
    result = record(count, numerator="", denominator="", version=1, by=leder)
    assert result.outcome == Outcome.DELETED
    assert not Measurement.objects.exists()
    deleted = Measurement.history.order_by("-history_date", "-history_id").first()
    assert (deleted.history_type, deleted.history_user, deleted.numerator) == ("-", leder, 3)


def test_delete_with_stale_version_is_refused(count, noegle, leder):
    record(count, numerator="3", denominator="", by=noegle)
    record(count, numerator="4", denominator="", version=1, by=leder)
    with pytest.raises(MeasurementConflict):
        record(count, numerator="", denominator="", version=1, by=noegle)
    assert Measurement.objects.get().numerator == 4


def test_changing_a_value_someone_deleted_is_a_conflict_naming_who_deleted_it(count, noegle, leder):
    record(count, numerator="3", denominator="", by=noegle)
    record(count, numerator="", denominator="", version=1, by=leder)
    with pytest.raises(MeasurementConflict) as caught:
        record(count, numerator="5", denominator="", version=1, by=noegle)
    assert caught.value.current is None
    assert f"{leder.first_name} har slettet værdien" in caught.value.message
    assert not Measurement.objects.exists()


def test_saving_the_same_values_again_writes_nothing(count, noegle):
    record(count, numerator="3", denominator="", comment="a", by=noegle)
    result = record(count, numerator="3", denominator="", comment="a", version=1, by=noegle)
    assert result.outcome == Outcome.UNCHANGED
    assert Measurement.objects.get().version == 1
    assert Measurement.history.count() == 1


def test_write_keeps_the_denormalised_unit_in_step_with_the_measure(rate, noegle):
    record(rate, numerator="3", denominator="1800", by=noegle)
    type(rate).objects.filter(pk=rate.pk).update(unit=Unit.PROPORTION)  # changed behind the service's back
    rate.refresh_from_db()
    record(rate, numerator="3", denominator="10", version=1, by=noegle)
    assert Measurement.objects.get().unit == Unit.PROPORTION


def test_unit_of_a_measure_with_values_cannot_change(count, noegle):
    assert measure_unit_change_error(count, Unit.RATE) is None
    record(count, numerator="3", denominator="", by=noegle)
    assert measure_unit_change_error(count, Unit.RATE) == (
        "Enheden kan ikke ændres, når der er registreret værdier for målingen."
    )


# --- batches ---------------------------------------------------------------------------------------------------------


def _entries(measure, sections, first, second, versions=(None, None)):
    return [
        Entry(key=str(s.pk), measure=measure, section=s, month=OCT, numerator=n, denominator=d, expected_version=v)
        for s, (n, d), v in zip(sections, (first, second), versions, strict=True)
    ]


def test_batch_saves_every_entry(proportion, sections, noegle):
    results = measurement_record_many(
        entries=_entries(proportion, sections, ("3", "10"), ("4", "12")), by=noegle, today=TODAY
    )
    assert {r.outcome for r in results.values()} == {Outcome.CREATED}
    assert Measurement.objects.count() == 2


def test_batch_with_one_bad_entry_saves_nothing(proportion, sections, noegle):
    with pytest.raises(NotSaved) as caught:
        measurement_record_many(
            entries=_entries(proportion, sections, ("3", "10"), ("14", "12")), by=noegle, today=TODAY
        )
    assert list(caught.value.errors) == [str(sections[1].pk)]
    assert not Measurement.objects.exists()


def test_batch_with_a_conflict_rolls_back_the_entries_already_written(proportion, sections, noegle, leder):
    record(proportion, section=sections[1], numerator="1", denominator="5", by=leder)
    with pytest.raises(NotSaved) as caught:
        measurement_record_many(
            entries=_entries(proportion, sections, ("3", "10"), ("4", "12")), by=noegle, today=TODAY
        )
    assert list(caught.value.conflicts) == [str(sections[1].pk)]
    assert list(Measurement.objects.values_list("section", "numerator")) == [(sections[1].pk, 1)]
    assert Measurement.history.count() == 1
