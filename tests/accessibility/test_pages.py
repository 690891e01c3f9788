"""WCAG 2.1 AA without a browser (issue 16, point 9): forms showing errors name only ids that exist, charts carry
their verdict sentence and their numbers, every page links the accessibility statement, chart text has contrast.

The browser half (axe-core on every page of the access matrix as every role) is tests/browser/test_axe.py.
"""

import datetime as dt
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from measurements import charts
from measurements.models import Unit
from tests.factories import MeasureFactory, MeasurementFactory

ROOT = Path(__file__).resolve().parents[2]
REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "for", "form", "list", "headers")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.invalid = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        for name in REFERENCES:
            for ref in (attrs.get(name) or "").split():
                self.references.append((tag, name, ref))
        self.invalid += attrs.get("aria-invalid") == "true"


def _parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def _dangling(html: str) -> list[str]:
    page = _parse(html)
    ids = set(page.ids)
    missing = [f"<{tag} {name}> → #{ref}" for tag, name, ref in page.references if ref not in ids]
    duplicated = sorted({i for i in page.ids if page.ids.count(i) > 1})
    return missing + [f"duplicate id #{i}" for i in duplicated]


# Each form posted with bad input, as a user allowed to use it: (user fixture, URL name, kwargs, data).
BAD_INPUT = [
    ("leder", "departments:team_establish", lambda w: {"pk": w.department.pk}, {"established_on": "31.02.2026"}),
    ("kdk", "initiatives:meetings", None, {"date": "i morgen"}),
    ("leder", "initiatives:quality_meeting_create", lambda w: {"pk": w.department.pk}, {"date": "32.1.2026"}),
    (
        "leder",
        "dashboards:initiative_status",
        lambda w: {"pk": w.initiative.pk},
        {"status": "", "changed_on": "x", "reason": ""},
    ),
    ("leder", "measurements:measure_create", lambda w: {"pk": w.initiative.pk}, {"start_month": "13.2026"}),
    ("kdk", "measurements:lock_reopen", None, {"month": "foo 2026"}),
    ("noegle", "measurements:add_action", lambda w: {"pk": w.measure.pk}, {"date": "x", "text": ""}),
    ("leder", "initiatives:opt_out_create", None, {"title": ""}),
    ("leder", "departments:member_edit", lambda w: {"pk": w.coordinator.pk}, {"role": ""}),
]


@pytest.mark.parametrize("who,name,kwargs,data", BAD_INPUT, ids=[row[1] for row in BAD_INPUT])
def test_a_form_showing_errors_names_only_ids_that_exist(request, client_for, kdk, world, who, name, kwargs, data):
    user = request.getfixturevalue(who)
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    response = client_for(user).post(url, data)
    html = response.content.decode()
    assert response.status_code in (200, 422), (response.status_code, html[:300])
    assert _parse(html).invalid >= 1, "the form shows no field in error"
    assert _dangling(html) == []


def test_the_audit_filter_with_a_bad_date_names_only_ids_that_exist(client_for, kdk, db):
    response = client_for(kdk).get(reverse("audit:list"), {"date_from": "30.02.2026"})
    html = response.content.decode()
    assert "Februar 2026 har kun 28 dage." in html
    assert _parse(html).invalid == 1
    assert _dangling(html) == []


def test_a_chart_is_labelled_by_its_verdict_sentence_and_has_its_numbers_as_a_table(client_for, noegle, world):
    measure = world.measure
    response = client_for(noegle).get(reverse("dashboards:measure_chart", kwargs={"pk": measure.pk}))
    html = response.content.decode()
    chart_id = f"chart-{measure.pk}"
    assert f'role="img"\n       aria-labelledby="{chart_id}-name {chart_id}-sentence"' in html
    card = response.context["card"]
    assert f'<figcaption class="chart-sentence" id="{chart_id}-sentence">' in html
    assert card.chart.sentence in html
    assert "<summary>Vis tallene som tabel</summary>" in html
    assert f'<caption><span class="visually-hidden">Tallene bag diagrammet: {measure.name}</span></caption>' in html
    rows = card.chart.table.rows
    assert rows and html.count('<th scope="row">') >= len(rows)
    assert _dangling(html) == []
    assert "<h2>" in html and "<h4>" not in html  # on its own page the card's heading follows the h1


def test_chart_table_has_values_counts_centre_and_notes_in_danish(world):
    measure = MeasureFactory(initiative=world.initiative, code="ORT-T-01", unit=Unit.PROPORTION)
    months = [dt.date(2026, month, 1) for month in range(1, 4)]
    MeasurementFactory(measure=measure, month=months[0], numerator=12, denominator=80)
    MeasurementFactory(measure=measure, month=months[2], numerator=1234, denominator=2000)

    chart = charts.chart_for_measure(measure, months=months, values=measure.measurements.all())
    table = chart.table

    assert (table.label_heading, table.value_heading, table.centre_label) == ("Måned", "Værdi", "Centerlinje")
    assert table.has_counts
    first, missing, third = table.rows
    assert (first.label, first.value, first.counts) == ("januar 2026", "15,0 %", "12 af 80")
    assert (missing.value, missing.counts, missing.note) == ("–", "", "Ingen data")
    assert third.counts == "1.234 af 2.000"


def test_every_page_links_the_accessibility_statement_and_the_link_is_configurable(
    client, client_for, noegle, settings
):
    login = client.get(reverse("login")).content.decode()
    assert '<a href="/tilgaengelighed/">Tilgængelighedserklæring</a>' in login
    statement = client.get(reverse("accessibility_statement"))
    html = statement.content.decode()
    assert statement.status_code == 200  # open to everyone, signed in or not
    for section in (
        "Overensstemmelsesstatus",
        "Utilgængeligt indhold",
        "Udarbejdelse af denne tilgængelighedserklæring",
        "Feedback og kontaktoplysninger",
        "Håndhævelsesprocedure",
    ):
        assert f"<h2>{section}</h2>" in html
    assert 'lang="da"' in html

    settings.ACCESSIBILITY_STATEMENT_URL = "https://was.digst.dk/vaelgklogt-example"
    settings.ACCESSIBILITY_CONTACT_EMAIL = "kdk@example.invalid"
    start = client_for(noegle).get(reverse("dashboards:start")).content.decode()
    assert '<a href="https://was.digst.dk/vaelgklogt-example">Tilgængelighedserklæring</a>' in start
    assert 'href="mailto:kdk@example.invalid"' in client.get(reverse("accessibility_statement")).content.decode()


def test_statement_url_setting_refuses_anything_but_an_address_or_a_path():
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'vaelgklogt.settings'; django.setup()"
    env = {**os.environ, "DEBUG": "true", "ACCESSIBILITY_STATEMENT_URL": "javascript:alert(1)"}
    refused = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "ACCESSIBILITY_STATEMENT_URL must be an http(s) address or a path" in refused.stderr
    env["ACCESSIBILITY_STATEMENT_URL"] = "https://was.digst.dk/vaelgklogt-example"
    accepted = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert accepted.returncode == 0, accepted.stderr


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_chart_text_has_at_least_aa_contrast_and_lines_at_least_three_to_one(world):
    measure = world.measure
    action = type("A", (), {"date": dt.date(2026, 1, 15), "text": "Ny instruks"})()
    months = [dt.date(2026, month, 1) for month in range(1, 13)]
    figure = charts.chart_for_measure(
        measure, months=months, values=measure.measurements.all(), actions=[action]
    ).figure
    layout = figure["layout"]
    background = layout["plot_bgcolor"]
    assert layout["paper_bgcolor"] == background
    texts = [layout["font"]["color"], *(note["font"]["color"] for note in layout.get("annotations", []))]
    assert len(texts) >= 2
    assert all(_contrast(colour, background) >= 4.5 for colour in texts), texts
    lines = list(charts.COLOURS.values())
    assert all(_contrast(colour, background) >= 3 for colour in lines), lines
