"""Remembered chart computations for the dashboards, never stale: keyed by the measure's summary stamp.

A dashboard chart costs its series, the Anhøj analysis and a plotly figure (a few ms for 120 months; a department
at region scale shows eight). The result depends on the measure's stored values, its own fields, its initiative's
actions, the PDSA bands, the chart type, the charted months and the language. The key holds all of them: the values through the
`MeasureSummary` stamp (bumped in the same transaction as every write of a value, see `measurements.summary`), the
rest literally. A save therefore changes the key, so an entry made before it is never read after it commits; an
entry computed from values newer than its stamp is merely fresher. Without a stamp (no summary row yet, or inside
a test's transaction) nothing is cached.

Entries live in Django's default cache (per process with the default local-memory backend; a shared backend such
as Redis, if configured, shares them between processes).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static

from measurements import charts
from measurements.models import Measure

#: The templates a card is rendered from (their source is part of every card's key).
CARD_TEMPLATES = ("dashboards/measure_chart.html", "measurements/_chart.html", "measurements/_icons.html")

#: Bump when what a chart contains changes (a new trace, another sentence): old entries are then never read.
VERSION = 4  # 3: with the data table behind each chart (issue 16); 4: written out, no figure dict
TIMEOUT_SECONDS = 24 * 3600


def chart_key(
    measure,
    *,
    stamp: int | None,
    kind: str | None,
    months,
    actions,
    language: str | None,
    provisional=None,
    bands=(),
) -> str | None:
    """The cache key of `measure`'s chart, or None when it cannot be cached (no summary stamp).

    The measure's own fields include its saved chart kind (`chart_kind`) and `chart_revision`, which grows with
    every freeze, split, exclusion and point note (`measurements.phases`), so each of those inputs is in the key;
    `provisional` is the month in progress drawn as *foreløbig*; `bands` the initiative's PDSA periods."""
    if stamp is None:
        return None
    fields = tuple(getattr(measure, field.attname) for field in Measure._meta.concrete_fields)
    marks = tuple((action.pk, action.date, action.text) for action in actions)
    marks += tuple((band.start, band.end, band.label) for band in bands)
    span = (months[0], months[-1], len(months)) if months else ()
    raw = repr((VERSION, stamp, kind, span, provisional, language, fields, marks))
    return "vk:chart:" + hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()


def get_many(keys) -> dict:
    wanted = [key for key in keys if key is not None]
    return cache.get_many(wanted) if wanted else {}


def set_many(charts: dict) -> None:
    """Remember charts in the form the dashboards need: the figure and the data table already written out, the
    newest point only, no figure dict, statistics object or Measure (what a dashboard unpickles per chart went
    from 0.5 ms to a tenth of that)."""
    if charts:
        cache.set_many({key: _light(chart) for key, chart in charts.items()}, TIMEOUT_SECONDS)


def _light(chart):
    latest = chart.latest
    table = chart.table  # the data table needs every point: made from the full chart
    light = dataclasses.replace(chart, measure=None, points=[latest] if latest else [], result=None, figure={})
    light.__dict__["figure_json"] = chart.figure_json  # serialised now, so only the text is pickled
    light.__dict__["table"] = written = dataclasses.replace(table, rows=[])
    written.__dict__["rows_html"] = table.rows_html  # the rows as HTML, not 120 row objects
    return light


def for_measure(chart, measure):
    """A remembered chart handed out with the page's own Measure object (the cached one is a copy). The chart was
    unpickled for this request alone, so it is changed in place: a new instance would lose its serialised figure."""
    object.__setattr__(chart, "measure", measure)
    return chart


def card_html(cards, *, heading: int) -> dict[int, str]:
    """Measure id → the rendered card (`measure_chart.html#card`) of each of `cards`, remembered like the charts.

    A card shows its chart (whose key covers the measure's fields, values, actions, PDSA periods, kind, months and
    language) and the completeness beside it, which also depends on the initiative's sections: the card's key is
    the chart's key, the completeness and the heading level. A card without a chart key is rendered every time."""
    keys = {card.measure.pk: _card_key(card, heading=heading) for card in cards if card.chart_key is not None}
    found = get_many(keys.values())
    html, fresh = {}, {}
    for card in cards:
        key = keys.get(card.measure.pk)
        if key in found:
            html[card.measure.pk] = found[key]
            continue
        rendered = render_to_string("dashboards/measure_chart.html#card", {"card": card, "card_heading": heading})
        html[card.measure.pk] = rendered
        if key is not None:
            fresh[key] = rendered
    if fresh:
        cache.set_many(fresh, TIMEOUT_SECONDS)
    return html


def _card_key(card, *, heading: int) -> str:
    done = card.completeness
    raw = repr((rendering_fingerprint(), card.chart_key, done.expected, done.present, heading))
    return "vk:card:" + hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()


@functools.lru_cache(maxsize=1)
def rendering_fingerprint() -> str:
    """What a card's HTML depends on besides its own inputs, fixed while a process runs: the card's templates, the
    icons' static URLs (their hashed names change with the icons) and the translation catalogues. After a deploy
    that changes any of them, every card is rendered again instead of serving HTML from the shared cache that
    points at icons no longer there."""
    digest = hashlib.blake2b(digest_size=20)
    for name in CARD_TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    for icon in (*charts.Variation, *charts.Assurance):
        if path := charts.icon_path(icon):
            digest.update(static(path).encode())
    for folder in settings.LOCALE_PATHS:
        for catalogue in sorted(Path(folder).glob("*/LC_MESSAGES/*.mo")):
            digest.update(catalogue.read_bytes())
    return digest.hexdigest()
