"""The chart page: freeze/split/exclude forms and notes, Danish messages next to the field, nothing saved on error."""

import datetime as dt

import pytest
from django.urls import reverse

from measurements.models import ChartPhase, Measurement, PointNote, Unit

from .conftest import TODAY


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def filled(proportion, sections):
    Measurement.objects.bulk_create(
        Measurement(
            measure=proportion,
            section=sections[0],
            month=dt.date(2025, m, 1),
            numerator=10,
            denominator=100,
            unit=Unit.PROPORTION,
        )
        for m in range(1, 13)
    )
    return proportion


def test_leder_splits_the_chart_after_a_month_and_the_page_shows_it(client_for, leder, filled):
    url = reverse("measurements:chart", args=[filled.pk])
    response = client_for(leder).post(url, {"kind": "split", "month": "2025-06-01", "reason": "Ny instruks"})
    assert response.status_code == 302
    phase = ChartPhase.objects.get()
    assert (phase.kind, phase.month, phase.reason, phase.created_by) == (
        "split",
        dt.date(2025, 6, 1),
        "Ny instruks",
        leder,
    )
    page = client_for(leder).get(url).content.decode()
    assert "Ny fase: Ny instruks" in page and "Del diagrammet" in page


@pytest.mark.parametrize(
    "data,message",
    [
        ({"kind": "split", "month": "2025-06-01", "reason": ""}, "Dette felt er påkrævet."),
        ({"kind": "split", "month": "2019-06-01", "reason": "x"}, "Marker en gyldig valgmulighed."),
        ({"kind": "nothing", "month": "2025-06-01", "reason": "x"}, "Marker en gyldig valgmulighed."),
    ],
)
def test_phase_form_errors_are_danish_and_nothing_is_saved(client_for, leder, filled, data, message):
    revision = filled.chart_revision
    response = client_for(leder).post(reverse("measurements:chart", args=[filled.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ChartPhase.objects.exists()
    filled.refresh_from_db()
    assert filled.chart_revision == revision


def test_noegle_may_write_notes_but_not_change_phases(client_for, noegle, filled):
    client = client_for(noegle)
    refused = client.post(
        reverse("measurements:chart", args=[filled.pk]), {"kind": "exclude", "month": "2025-06-01", "reason": "x"}
    )
    assert refused.status_code == 403 and not ChartPhase.objects.exists()
    saved = client.post(reverse("measurements:note", args=[filled.pk]), {"month": "2025-07-01", "text": "Sommerferie"})
    assert saved.status_code == 302 and PointNote.objects.get().text == "Sommerferie"


def test_undo_needs_a_reason_and_keeps_the_record(client_for, leder, filled):
    phase = ChartPhase.objects.create(measure=filled, kind="exclude", month=dt.date(2025, 3, 1), reason="IT-nedbrud")
    client = client_for(leder)
    empty = client.post(reverse("measurements:phase_undo", args=[phase.pk]), {"undo_reason": ""})
    assert empty.status_code == 400 and "Dette felt er påkrævet." in empty.content.decode()
    phase.refresh_from_db()
    assert phase.undone_at is None
    done = client.post(reverse("measurements:phase_undo", args=[phase.pk]), {"undo_reason": "Tallene er rettet"})
    assert done.status_code == 302
    phase.refresh_from_db()
    assert phase.undone_by == leder and phase.undo_reason == "Tallene er rettet"


def test_outsider_cannot_undo_and_nothing_changes(client_for, udenfor, filled):
    phase = ChartPhase.objects.create(measure=filled, kind="exclude", month=dt.date(2025, 3, 1), reason="IT-nedbrud")
    response = client_for(udenfor).post(reverse("measurements:phase_undo", args=[phase.pk]), {"undo_reason": "x"})
    assert response.status_code == 404
    phase.refresh_from_db()
    assert phase.undone_at is None
