"""The shared Danish date and month fields (core/forms.py): what they take, what they say, how they render."""

import datetime as dt
import re

import pytest
from django import forms
from django.utils import translation

from core.forms import DATE_PATTERN, MONTH_PATTERN, DanishDateField, DanishMonthField
from departments.audit_views import AuditFilterForm
from departments.forms import TeamForm
from initiatives.forms import InspirationMeetingForm, QualityMeetingForm, StatusForm
from measurements.definition_forms import MeasureForm
from measurements.forms import ActionForm, RelockForm, ReopenForm


class _Form(forms.Form):
    day = DanishDateField(label="Dato", help_text="Den dag, det skete.")
    month = DanishMonthField(label="Måned", required=False)


def _clean(**data):
    form = _Form(data)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    "text",
    [
        "15.12.2026",
        " 15.12.2026 ",
        "15-12-2026",
        "15/12/2026",
        "15,12,2026",  # a Danish phone's decimal keypad has a comma
        "15 12 2026",
        "15.12.26",
        "15122026",
        "151226",
        "15. december 2026",
        "15 dec. 2026",
        "2026-12-15",  # ISO: links, hidden inputs and old bookmarks
    ],
)
def test_date_field_accepts_the_danish_ways_of_writing_a_day(text):
    form = _clean(day=text)
    assert form.errors == {}
    assert form.cleaned_data["day"] == dt.date(2026, 12, 15)
    assert re.fullmatch(DATE_PATTERN, text), "the browser's pattern must let through what the server accepts"


@pytest.mark.parametrize(
    "text,message",
    [
        ("i går", "Skriv datoen som dag.måned.år, fx 15.12.2026."),
        ("12/15/2026", "Måneden skal være et tal fra 1 til 12, fx 15.12.2026."),
        ("31.02.2026", "Februar 2026 har kun 28 dage."),
        ("29.2.2028", None),  # a leap year
        ("31.04.2026", "April 2026 har kun 30 dage."),
        ("0.1.2026", "Dagen skal være et tal fra 1 til 31, fx 15.12.2026."),
        ("15.12.0226", "Året skal ligge mellem 1900 og 2199."),
        ("15. dek 2026", "»dek« er ikke et månedsnavn. Skriv datoen som fx 15.12.2026."),
        ("", "Dette felt er påkrævet."),
    ],
)
def test_date_field_explains_a_wrong_date_in_danish(text, message):
    form = _clean(day=text)
    if message is None:
        assert form.cleaned_data["day"] == dt.date(2028, 2, 29)
    else:
        assert form.errors["day"] == [message]
        assert "day" not in form.cleaned_data


@pytest.mark.parametrize(
    "text",
    ["december 2026", "December 2026", "dec. 2026", "dec 26", "12.2026", "12-2026", "12/2026", "12 2026", "2026-12"],
)
def test_month_field_accepts_names_and_numbers_and_cleans_to_the_first_day(text):
    form = _clean(day="1.1.2026", month=text)
    assert form.errors == {}
    assert form.cleaned_data["month"] == dt.date(2026, 12, 1)
    assert re.fullmatch(MONTH_PATTERN, text)


@pytest.mark.parametrize(
    "text,expected",
    [("marts 2026", dt.date(2026, 3, 1)), ("maj 2026", dt.date(2026, 5, 1)), ("okt. 2026", dt.date(2026, 10, 1))],
)
def test_month_field_knows_the_danish_month_names(text, expected):
    assert _clean(day="1.1.2026", month=text).cleaned_data["month"] == expected


@pytest.mark.parametrize(
    "text,message",
    [
        ("13.2026", "Måneden skal være et tal fra 1 til 12, fx 12.2026."),
        ("ju 2026", "Skriv måneden som fx »december 2026« eller 12.2026."),
        ("desember 2026", "»desember« er ikke et månedsnavn. Skriv fx »december 2026« eller 12.2026."),
        ("2026", "Skriv måneden som fx »december 2026« eller 12.2026."),
    ],
)
def test_month_field_explains_a_wrong_month_in_danish(text, message):
    form = _clean(day="1.1.2026", month=text)
    assert form.errors["month"] == [message]
    assert "month" not in form.cleaned_data


def test_date_widget_is_a_text_input_shown_the_danish_way_with_its_hint_described():
    html = str(_Form(initial={"day": dt.date(2026, 3, 5)})["day"])
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="05.03.2026"' in html
    assert 'inputmode="decimal"' in html and "pattern=" in html
    assert 'aria-describedby="id_day_format id_day_helptext"' in html
    assert '<span class="input-hint" id="id_day_format">Fx 15.12.2026</span>' in html


def test_month_widget_shows_the_month_in_words_and_keeps_what_was_typed_after_an_error():
    assert 'value="december 2026"' in str(_Form(initial={"month": dt.date(2026, 12, 1)})["month"])
    form = _clean(day="x", month="")
    html = str(form["day"])
    assert 'value="x"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_day_format id_day_helptext id_day_error"' in html


def test_month_widget_follows_the_interface_language():
    with translation.override("en"):
        assert 'value="December 2026"' in str(_Form(initial={"month": dt.date(2026, 12, 1)})["month"])


def test_patterns_compile_in_the_browsers_v_mode_syntax():
    # In HTML `pattern`, a bare "-" or "/" inside a [...] class is a syntax error (the v flag): keep them outside.
    for pattern in (DATE_PATTERN, MONTH_PATTERN):
        for klass in re.findall(r"\[[^\]]*\]", pattern):
            assert "-" not in klass.replace("A-Z", "").replace("a-z", "") and "/" not in klass


@pytest.mark.parametrize(
    "form,names",
    [
        (TeamForm, ["established_on"]),
        (StatusForm, ["changed_on"]),
        (QualityMeetingForm, ["date"]),
        (InspirationMeetingForm, ["date"]),
        (AuditFilterForm, ["date_from", "date_to"]),
        (ActionForm, ["date"]),
        (ReopenForm, ["month"]),
        (RelockForm, ["month"]),
        (MeasureForm, ["start_month", "end_month"]),
    ],
)
def test_every_date_and_month_field_of_the_app_is_the_shared_danish_one(form, names):
    fields = form.base_fields
    dated = sorted(name for name, field in fields.items() if isinstance(field, forms.DateField))
    assert dated == sorted(names)
    for name in names:
        assert isinstance(fields[name], DanishDateField | DanishMonthField)


def _all_subclasses(klass):
    for sub in klass.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_no_form_of_the_project_has_a_browser_date_field():
    import importlib
    import pkgutil

    for app in ("core", "departments", "initiatives", "measurements", "goals", "reports", "dashboards", "demo"):
        package = importlib.import_module(app)
        for module in pkgutil.iter_modules(package.__path__):
            if "form" in module.name or "view" in module.name:
                importlib.import_module(f"{app}.{module.name}")
    own = [k for k in _all_subclasses(forms.Form) if k.__module__.split(".")[0] not in ("django", "tests")]
    assert len(own) > 10
    plain = [
        f"{k.__module__}.{k.__name__}.{name}"
        for k in own
        for name, field in k.base_fields.items()
        if isinstance(field, forms.DateField) and not isinstance(field, DanishDateField | DanishMonthField)
    ]
    assert plain == []
