"""Dashboard charts remembered per measure and keyed by its summary stamp: reused, and never stale after a save."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import generation
from core.months import add_months, last_complete_month
from dashboards import chart_cache
from measurements import charts
from measurements.models import Measurement
from tests.factories import InitiativeFactory, MeasureFactory, MeasurementFactory

MONTHS = [dt.date(2026, m, 1) for m in range(1, 11)]


def _key(measure, **changes):
    arguments = {"stamp": 3, "kind": None, "months": MONTHS, "actions": [], "language": "da", **changes}
    return chart_cache.chart_key(measure, **arguments)


@pytest.mark.django_db
def test_chart_key_names_everything_the_chart_depends_on():
    measure = MeasureFactory(target=20)
    base = _key(measure)
    assert base == _key(measure)
    assert _key(measure, stamp=None) is None
    action = SimpleNamespace(pk=1, date=dt.date(2026, 5, 3), text="Ny instruks")
    variants = [
        _key(measure, stamp=4),
        _key(measure, kind="run"),
        _key(measure, months=MONTHS[1:]),
        _key(measure, language="en"),
        _key(measure, actions=[action]),
        _key(measure, actions=[SimpleNamespace(pk=1, date=dt.date(2026, 5, 3), text="Ny instruks, rettet")]),
    ]
    measure.target = 25
    variants.append(_key(measure))
    assert len({base, *variants}) == len(variants) + 1


def _department_with_a_measure(home, months=14):
    end = last_complete_month(timezone.localdate())
    start = add_months(end, -(months - 1))
    measure = MeasureFactory(initiative=InitiativeFactory(department=home, year=end.year), start_month=start)
    for offset in range(months):
        MeasurementFactory(measure=measure, month=add_months(start, offset), numerator=3, denominator=10)
    return measure, end


def _latest_text(client, url):
    """The newest value as the card object says it and as the page shows it (the card's HTML is remembered too)."""
    response = client.get(url)
    [card] = response.context["dashboard"].cards
    assert f'<dd class="fact-number">{card.latest_text}</dd>' in response.content.decode()
    return card.latest_text


@pytest.mark.django_db(transaction=True)
def test_dashboard_reuses_remembered_charts_and_shows_a_save_at_once(client_for, leder, home, monkeypatch):
    cache.clear()
    # The charts beneath the page: the page itself is not remembered here (tests/core/test_generation.py).
    monkeypatch.setattr(generation, "current", lambda *args, **kwargs: None)
    measure, end = _department_with_a_measure(home)
    client = client_for(leder)
    url = reverse("dashboards:department_dashboard", args=[home.pk])
    assert _latest_text(client, url) == "30,0 %"  # computes the summary (the first visit has no stamp yet)
    assert _latest_text(client, url) == "30,0 %"  # stamp known: the chart is computed and remembered
    with CaptureQueriesContext(connection) as remembered:
        assert _latest_text(client, url) == "30,0 %"
    assert not any("SUM(" in q["sql"] for q in remembered.captured_queries)  # no values read for the chart

    value = Measurement.objects.get(measure=measure, month=end)
    value.numerator = 6
    value.save()  # as any write does: the summary stamp moves on in the same transaction
    assert _latest_text(client, url) == "60,0 %"


@pytest.mark.django_db
def test_a_remembered_card_is_served_until_its_chart_or_completeness_changes(monkeypatch):
    cache.clear()
    rendered = []
    real = chart_cache.render_to_string
    monkeypatch.setattr(
        chart_cache, "render_to_string", lambda *args, **kwargs: rendered.append(1) or real(*args, **kwargs)
    )
    measure = MeasureFactory(target=20)
    chart = charts.chart_for_measure(measure, months=MONTHS, values=[(month, 3, 10) for month in MONTHS])
    done = SimpleNamespace(expected=10, present=9)

    def card(chart_key="vk:chart:a", completeness=done):
        return SimpleNamespace(
            measure=measure,
            chart=chart,
            completeness=completeness,
            chart_key=chart_key,
            dom_id="m",
            chart_id="c",
            latest_text="30,0 %",
            target_text="20,0 %",
            other_kinds=[],
        )

    first = chart_cache.card_html([card()], heading=4)
    assert chart_cache.card_html([card()], heading=4) == first and len(rendered) == 1  # served, not rendered
    chart_cache.card_html([card(chart_key="vk:chart:b")], heading=4)  # a save: a new stamp, a new chart key
    chart_cache.card_html([card(completeness=SimpleNamespace(expected=10, present=10))], heading=4)
    chart_cache.card_html([card()], heading=2)  # on its own page the heading is an h2
    chart_cache.card_html([card(chart_key=None)], heading=4)  # no stamp yet (or in a transaction): never remembered
    chart_cache.card_html([card(chart_key=None)], heading=4)
    assert len(rendered) == 6
    assert "9 af 10 månedstal" in first[measure.pk]


@pytest.mark.django_db
def test_a_deploy_that_changes_a_card_template_or_an_icon_renders_every_card_again(monkeypatch):
    """The card cache is shared through Redis and outlives a deploy: its key holds the card's templates' source
    and the icons' (hashed) static URLs, so old HTML pointing at icons no longer there is never served."""
    chart_cache.rendering_fingerprint.cache_clear()
    before = chart_cache.rendering_fingerprint()
    chart_cache.rendering_fingerprint.cache_clear()
    monkeypatch.setattr(chart_cache, "static", lambda path: f"/static/{path}?v=2")
    assert chart_cache.rendering_fingerprint() != before
    chart_cache.rendering_fingerprint.cache_clear()
    monkeypatch.undo()
    assert chart_cache.rendering_fingerprint() == before
    chart_cache.rendering_fingerprint.cache_clear()
    monkeypatch.setattr(chart_cache, "CARD_TEMPLATES", (*chart_cache.CARD_TEMPLATES, "dashboards/board.html"))
    assert chart_cache.rendering_fingerprint() != before
    chart_cache.rendering_fingerprint.cache_clear()
