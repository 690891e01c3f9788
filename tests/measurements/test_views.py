"""Entry pages: what each role sees and may do, the htmx grid, history, actions, import and month locks.

The views use the real date, so the months here are computed from it: the running month is always enterable
and never locked.
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.months import add_months
from initiatives.models import Action
from measurements.locking import month_reopen
from measurements.models import LockChange, Measure, Measurement, Unit
from measurements.periods import completeness_for
from measurements.services import measurement_record
from tests.factories import InitiativeFactory, MeasureFactory, MeasurementFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def current():
    return timezone.localdate().replace(day=1)


@pytest.fixture
def previous(current):
    return add_months(current, -1)


def save_url(measure, month):
    return reverse("measurements:save_row", args=[measure.pk, month])


def row_post(measure, slots, values, versions=None):
    """POST data for one grid row: values = [(numerator, denominator, comment), …] per slot."""
    data = {}
    for index, (slot, (numerator, denominator, comment)) in enumerate(zip(slots, values, strict=True)):
        key = str(slot.pk) if slot else "0"
        data[f"n-{key}"] = numerator
        if measure.unit != Unit.COUNT:
            data[f"d-{key}"] = denominator
        data[f"c-{key}"] = comment
        data[f"v-{key}"] = "" if not versions or versions[index] is None else str(versions[index])
    return data


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _record(measure, month, numerator, denominator, by, section=None, version=None):
    return measurement_record(
        measure=measure,
        section=section,
        month=month,
        numerator=numerator,
        denominator=denominator,
        expected_version=version,
        by=by,
        today=timezone.localdate(),
    )


# --- "Mine målinger" ------------------------------------------------------------------------------------------------


def test_start_page_links_to_mine_maalinger(client_for, noegle):
    response = client_for(noegle).get(reverse("dashboards:start"))
    assert f'href="{reverse("measurements:mine")}"' in response.content.decode()


def test_mine_lists_own_measures_grouped_by_initiative_with_missing_counts(
    client_for, noegle, proportion, count, away_measure, current
):
    MeasurementFactory(measure=count, month=add_months(current, -1), numerator=2, denominator=None, unit=Unit.COUNT)
    response = client_for(noegle).get(reverse("measurements:mine"))
    text = text_of(response)
    assert proportion.name in text and count.name in text
    assert away_measure.name not in text
    assert proportion.initiative.recommendation.title in text
    assert reverse("measurements:entry", args=[proportion.pk]) in text
    missing = completeness_for(Measure.objects.filter(pk=count.pk), today=timezone.localdate())[count.pk].missing
    assert f"{missing} mangler" in text


def test_mine_query_count_does_not_grow_with_measures(client_for, noegle, initiative, django_assert_num_queries):
    client = client_for(noegle)
    MeasureFactory(initiative=initiative)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("measurements:mine"))
    for _ in range(5):
        other = InitiativeFactory(department=initiative.department)
        MeasureFactory(initiative=other)
    with django_assert_num_queries(len(one)):
        response = client.get(reverse("measurements:mine"))
    assert response.content.decode().count('class="measure-line') == 6


def test_mine_for_someone_without_entry_rights_says_so(client_for, direktion, proportion):
    text = text_of(client_for(direktion).get(reverse("measurements:mine")))
    assert "Du har ingen målinger at registrere" in text
    assert proportion.name not in text


# --- the grid --------------------------------------------------------------------------------------------------------


def test_entry_page_shows_thirteen_months_newest_first_with_inputs_per_section(
    client_for, noegle, proportion, sections
):
    response = client_for(noegle).get(reverse("measurements:entry", args=[proportion.pk]))
    html = response.content.decode()
    months = re.findall(r'<tbody id="month-(\d{4}-\d{2})"', html)
    assert len(months) == min(13, len(set(months)))
    assert months == sorted(months, reverse=True)
    first = months[0]
    for section in sections:
        assert f'name="n-{section.pk}" form="form-{first}"' in html
        assert f'name="d-{section.pk}" form="form-{first}"' in html
    assert sections[0].name in html


def test_older_months_come_on_demand_through_htmx(client_for, noegle, count, current):
    count.start_month = add_months(current, -20)
    count.save()
    client = client_for(noegle)
    html = client.get(reverse("measurements:entry", args=[count.pk])).content.decode()
    oldest_shown = add_months(current, -12)
    assert f"?before={oldest_shown:%Y-%m}" in html
    response = client.get(
        reverse("measurements:entry", args=[count.pk]), {"before": f"{oldest_shown:%Y-%m}"}, HTTP_HX_REQUEST="true"
    )
    older = re.findall(r'<tbody id="month-(\d{4}-\d{2})"', response.content.decode())
    assert older == [f"{add_months(current, -n):%Y-%m}" for n in range(13, 21)]
    assert 'id="more-months" class="more-months" hx-swap-oob="true"' in response.content.decode()


def _grid_queries(client, measure, months):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("measurements:entry", args=[measure.pk]), {"months": months})
    assert response.status_code == 200
    return len(queries), response


def test_entry_page_query_count_is_the_same_for_1_and_24_months(client_for, noegle, initiative, current):
    client = client_for(noegle)
    short = MeasureFactory(initiative=initiative, unit=Unit.COUNT, start_month=current)
    long = MeasureFactory(initiative=initiative, unit=Unit.COUNT, start_month=add_months(current, -23))
    for n in range(24):
        MeasurementFactory(measure=long, month=add_months(current, -n), numerator=n, denominator=None)
    MeasurementFactory(measure=short, month=current, numerator=1, denominator=None)
    client.get(reverse("measurements:entry", args=[short.pk]))  # warm up session and caches
    one, _ = _grid_queries(client, short, 24)
    many, response = _grid_queries(client, long, 24)
    assert response.content.decode().count('<tbody id="month-') == 24
    assert one == many


def test_entry_page_query_count_is_the_same_for_1_and_6_sections(client_for, noegle, home, hospital, current):
    client = client_for(noegle)
    measures = []
    for size in (1, 6):
        initiative = InitiativeFactory(department=home)
        sections = [SectionFactory(department=home, hospital=hospital) for _ in range(size)]
        initiative.sections.set(sections)
        measure = MeasureFactory(initiative=initiative, per_section=True, start_month=add_months(current, -2))
        for section in sections:
            MeasurementFactory(measure=measure, section=section, month=current, numerator=1, denominator=2)
        measures.append(measure)
    client.get(reverse("measurements:entry", args=[measures[0].pk]))
    one, _ = _grid_queries(client, measures[0], 13)
    six, response = _grid_queries(client, measures[1], 13)
    html = response.content.decode()
    assert html.count('name="n-') == 6 * html.count('<form id="form-')
    assert one == six


def test_saving_a_row_with_htmx_stores_every_section_and_answers_with_the_row(
    client_for, noegle, proportion, sections, current
):
    data = row_post(proportion, sections, [("3", "10", "ok"), ("4", "12", "")])
    response = client_for(noegle).post(save_url(proportion, current), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<tbody id="month-{current:%Y-%m}"' in html
    assert "Gemt" in html
    assert sorted(Measurement.objects.values_list("numerator", "denominator", "comment")) == [
        (3, 10, "ok"),
        (4, 12, ""),
    ]
    assert f'name="v-{sections[0].pk}" value="1"' in html


def test_numerator_above_denominator_shows_danish_message_next_to_field_and_saves_nothing(
    client_for, noegle, proportion, sections, current
):
    data = row_post(proportion, sections, [("3", "10", ""), ("14", "12", "")])
    response = client_for(noegle).post(save_url(proportion, current), data, HTTP_HX_REQUEST="true")
    html = text_of(response)
    assert "Tælleren (14) kan ikke være større end nævneren (12)." in html
    assert f'id="n-{current:%Y-%m}-{sections[1].pk}-error"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="14"' in html  # what the user typed is kept
    assert not Measurement.objects.exists()


def test_conflict_names_who_stored_what_and_overwrites_nothing(client_for, noegle, leder, count, current):
    _record(count, current, 3, None, noegle)
    _record(count, current, 5, None, leder, version=1)
    data = row_post(count, [None], [("9", "", "")], versions=[1])
    response = client_for(noegle).post(save_url(count, current), data, HTTP_HX_REQUEST="true")
    text = text_of(response)
    assert f"{leder.first_name} har gemt 5" in text
    assert "Din værdi er ikke gemt" in text
    assert Measurement.objects.get().numerator == 5
    assert 'name="v-0" value="2"' in text  # a second save is a deliberate overwrite


def test_empty_row_deletes_the_value(client_for, noegle, count, current):
    _record(count, current, 3, None, noegle)
    data = row_post(count, [None], [("", "", "")], versions=[1])
    client_for(noegle).post(save_url(count, current), data, HTTP_HX_REQUEST="true")
    assert not Measurement.objects.exists()
    assert Measurement.history.filter(history_type="-").count() == 1


def test_locked_month_is_shown_read_only_and_refused_on_post(client_for, noegle, count, previous, settings):
    settings.VAELGKLOGT_LOCK_DAYS = 0  # last month locked from the 1st of this month
    client = client_for(noegle)
    html = client.get(reverse("measurements:entry", args=[count.pk])).content.decode()
    assert f'id="form-{previous:%Y-%m}"' not in html
    data = row_post(count, [None], [("3", "", "")])
    response = client.post(save_url(count, previous), data, HTTP_HX_REQUEST="true")
    assert "er låst" in text_of(response)
    assert not Measurement.objects.exists()


def test_kdk_reopened_month_can_be_entered(client_for, noegle, kdk, count, previous, home, settings):
    settings.VAELGKLOGT_LOCK_DAYS = 0
    month_reopen(department=home, month=previous, reason="Forsinket udtræk", by=kdk, today=timezone.localdate())
    response = client_for(noegle).post(
        save_url(count, previous), row_post(count, [None], [("3", "", "")]), HTTP_HX_REQUEST="true"
    )
    assert "genåbnet af KDK" in text_of(response)
    assert Measurement.objects.get().numerator == 3


def test_without_javascript_a_saved_row_redirects_and_a_bad_row_shows_the_page_with_the_message(
    client_for, noegle, count, current
):
    client = client_for(noegle)
    response = client.post(save_url(count, current), row_post(count, [None], [("3", "", "")]))
    assert response.status_code == 302
    assert response.url.endswith(f"#month-{current:%Y-%m}")
    bad = client.post(save_url(count, current), row_post(count, [None], [("2,5", "", "")], versions=[1]))
    assert bad.status_code == 422
    assert "Skriv et helt tal uden komma eller punktum – 2,5 er ikke et helt tal." in text_of(bad)
    assert Measurement.objects.get().numerator == 3


def test_tampered_version_is_a_bad_request(client_for, noegle, count, current):
    data = row_post(count, [None], [("3", "", "")])
    data["v-0"] = "abc"
    assert client_for(noegle).post(save_url(count, current), data).status_code == 400
    assert not Measurement.objects.exists()


# --- outsiders on every entry URL -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["udenfor", "direktion"])
def test_outsiders_get_404_on_every_entry_url_and_change_nothing(
    request, client_for, who, proportion, count, sections, noegle, current
):
    _record(count, current, 3, None, noegle)
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("measurements:entry", args=[count.pk])).status_code == 404
    assert (
        client.get(reverse("measurements:entry", args=[count.pk]), {"before": "2026-01"}, HTTP_HX_REQUEST="true")
    ).status_code == 404
    post = row_post(count, [None], [("9", "", "")], versions=[1])
    assert client.post(save_url(count, current), post).status_code == 404
    assert client.post(save_url(count, current), post, HTTP_HX_REQUEST="true").status_code == 404
    action = {"date": timezone.localdate().isoformat(), "text": "Ikke min afdeling"}
    assert client.post(reverse("measurements:add_action", args=[count.pk]), action).status_code == 404
    assert client.post(reverse("measurements:lock_reopen"), {}).status_code == 403
    assert client.get(reverse("measurements:locks")).status_code == 403
    assert Measurement.objects.get().numerator == 3
    assert not Action.objects.exists()
    assert not LockChange.objects.exists()


def test_outsider_cannot_read_another_departments_history(client_for, udenfor, count):
    assert client_for(udenfor).get(reverse("measurements:history", args=[count.pk])).status_code == 404


def test_hospital_management_may_read_history_but_not_enter(client_for, direktion, count, noegle, current):
    _record(count, current, 3, None, noegle)
    response = client_for(direktion).get(reverse("measurements:history", args=[count.pk]))
    assert response.status_code == 200
    assert reverse("measurements:entry", args=[count.pk]) not in response.content.decode()


def test_import_is_forbidden_for_users_without_entry_rights(client_for, direktion):
    client = client_for(direktion)
    assert client.get(reverse("measurements:import")).status_code == 403
    assert client.post(reverse("measurements:import_commit"), {"token": "x"}).status_code == 403
    assert client.get(reverse("measurements:import_template")).status_code == 403


def test_anonymous_users_are_sent_to_login(client, count, current):
    response = client.post(save_url(count, current), {})
    assert response.status_code == 302 and "/login/" in response.url
    assert not Measurement.objects.exists()


# --- history ---------------------------------------------------------------------------------------------------------


def test_history_shows_who_when_old_and_new_for_create_change_and_delete(client_for, noegle, leder, count, current):
    _record(count, current, 3, None, noegle)
    _record(count, current, 5, None, leder, version=1)
    _record(count, current, "", "", noegle, version=2)
    response = client_for(noegle).get(reverse("measurements:history", args=[count.pk]))
    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode(), flags=re.S)
    cells = [re.sub(r"<[^>]+>", "", re.sub(r"\s+", " ", row)).strip() for row in rows[1:4]]
    assert "Slettet" in cells[0] and noegle.first_name in cells[0] and "5" in cells[0]
    assert "Ændret" in cells[1] and leder.first_name in cells[1] and "3" in cells[1] and "5" in cells[1]
    assert "Oprettet" in cells[2] and noegle.first_name in cells[2]


def test_history_query_count_does_not_grow_with_changes(client_for, noegle, count, current, django_assert_num_queries):
    client = client_for(noegle)
    _record(count, current, 1, None, noegle)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("measurements:history", args=[count.pk]))
    for version in range(1, 20):
        _record(count, current, version + 1, None, noegle, version=version)
    with django_assert_num_queries(len(one)):
        client.get(reverse("measurements:history", args=[count.pk]))


# --- actions ---------------------------------------------------------------------------------------------------------


def test_action_is_added_from_the_entry_page(client_for, noegle, count):
    today = timezone.localdate()
    response = client_for(noegle).post(
        reverse("measurements:add_action", args=[count.pk]),
        {"date": today.isoformat(), "text": "Ny instruks om kateter"},
        HTTP_HX_REQUEST="true",
    )
    assert "Tiltaget er tilføjet." in text_of(response)
    action = Action.objects.get()
    assert (action.initiative, action.date, action.text, action.created_by) == (
        count.initiative,
        today,
        "Ny instruks om kateter",
        noegle,
    )


def test_action_in_the_future_or_without_text_is_refused(client_for, noegle, count):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client = client_for(noegle)
    future = client.post(
        reverse("measurements:add_action", args=[count.pk]),
        {"date": tomorrow.isoformat(), "text": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert "Datoen må ikke ligge i fremtiden." in text_of(future)
    empty = client.post(
        reverse("measurements:add_action", args=[count.pk]), {"date": "", "text": ""}, HTTP_HX_REQUEST="true"
    )
    assert "Skriv kort, hvad I ændrede." in text_of(empty)
    assert "Skriv datoen for tiltaget." in text_of(empty)
    assert not Action.objects.exists()


# --- import through the web ------------------------------------------------------------------------------------------


def _upload(client, content: bytes, name="maalinger.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("measurements:import"), {"file": SimpleUploadedFile(name, content)})


def test_web_import_previews_then_commits(client_for, noegle, count, current):
    client = client_for(noegle)
    content = f"measure;section;month;numerator;denominator;comment\r\n{count.code};;{current:%Y-%m};7;;\r\n".encode()
    preview = _upload(client, content)
    text = text_of(preview)
    assert "Forhåndsvisning – intet er gemt endnu" in text
    assert not Measurement.objects.exists()
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    response = client.post(reverse("measurements:import_commit"), {"token": token})
    assert response.status_code == 302
    assert Measurement.objects.get().numerator == 7
    again = client.post(reverse("measurements:import_commit"), {"token": token})  # the preview is used up
    assert again.status_code == 302 and Measurement.objects.count() == 1


def test_web_import_of_a_bad_file_lists_row_column_and_message(client_for, noegle, count, current):
    content = f"measure;section;month;numerator;denominator;comment\r\n{count.code};;{current:%Y-%m};7,5;;\r\n".encode()
    response = _upload(client_for(noegle), content)
    assert response.status_code == 200
    text = text_of(response)
    assert "Filen kan ikke importeres – intet er gemt" in text
    assert (
        "<td>2</td><td>numerator</td><td>Skriv et helt tal uden komma eller punktum – 7,5 er ikke et helt tal.</td>"
        in text
    )
    assert 'name="token"' not in text
    assert not Measurement.objects.exists()


def test_web_import_refuses_an_oversized_upload(client_for, noegle, settings):
    settings.VAELGKLOGT_IMPORT_MAX_BYTES = 50
    response = _upload(client_for(noegle), b"measure;month;numerator\r\n" + b"X;2026-01;1\r\n" * 10)
    assert "Filen er for stor" in text_of(response)
    assert "del den op i flere filer" in text_of(response)


def test_outsider_importing_another_departments_measure_gets_a_row_error(client_for, udenfor, count, current):
    content = f"measure;month;numerator\r\n{count.code};{current:%Y-%m};7\r\n".encode()
    response = _upload(client_for(udenfor), content)
    assert f"Målingen »{count.code}« findes ikke blandt de målinger, du kan registrere for." in text_of(response)
    assert not Measurement.objects.exists()


def test_template_download_is_a_semicolon_csv_with_bom_and_an_xlsx(client_for, noegle, count):
    client = client_for(noegle)
    csv_response = client.get(reverse("measurements:import_template"))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.startswith(b"\xef\xbb\xbfmeasure;section;month;numerator;denominator;comment")
    assert count.code.encode() in csv_response.content
    xlsx = client.get(reverse("measurements:import_template"), {"format": "xlsx"})
    assert xlsx.content.startswith(b"PK")


# --- month locks (KDK) -----------------------------------------------------------------------------------------------


def test_kdk_reopens_and_relocks_a_month_through_the_page(client_for, kdk, home, previous, settings):
    settings.VAELGKLOGT_LOCK_DAYS = 0
    client = client_for(kdk)
    refused = client.post(
        reverse("measurements:lock_reopen"), {"department": home.pk, "month": f"{previous:%Y-%m}", "reason": ""}
    )
    assert refused.status_code == 200
    assert "Skriv en begrundelse for at genåbne måneden." in text_of(refused)
    response = client.post(
        reverse("measurements:lock_reopen"),
        {"department": home.pk, "month": f"{previous:%Y-%m}", "reason": "Udtræk kom sent"},
    )
    assert response.status_code == 302
    page = text_of(client.get(reverse("measurements:locks")))
    assert "Udtræk kom sent" in page and "Lås igen" in page
    client.post(reverse("measurements:lock_relock"), {"department": home.pk, "month": f"{previous:%Y-%m}"})
    assert list(LockChange.objects.order_by("id").values_list("kind", "changed_by")) == [
        ("reopened", kdk.pk),
        ("locked", kdk.pk),
    ]


@pytest.mark.parametrize("who", ["noegle", "leder"])
def test_department_users_cannot_reopen_months(request, client_for, who, home, previous):
    client = client_for(request.getfixturevalue(who))
    response = client.post(
        reverse("measurements:lock_reopen"), {"department": home.pk, "month": f"{previous:%Y-%m}", "reason": "Vil"}
    )
    assert response.status_code == 403
    assert not LockChange.objects.exists()


# --- admin -----------------------------------------------------------------------------------------------------------


def test_admin_cannot_add_change_or_delete_values(client, count, noegle, current, django_user_model):
    _record(count, current, 3, None, noegle)
    admin = django_user_model.objects.create_superuser("admin", "a@example.invalid", "pw")
    client.force_login(admin)
    value = Measurement.objects.get()
    assert client.get(reverse("admin:measurements_measurement_add")).status_code == 403
    delete = client.post(reverse("admin:measurements_measurement_delete", args=[value.pk]), {"post": "yes"})
    assert delete.status_code == 403
    client.post(reverse("admin:measurements_measurement_change", args=[value.pk]), {"numerator": 9})
    history_id = value.history.get().history_id
    revert_url = reverse("admin:measurements_measurement_simple_history", args=[value.pk, history_id])
    fields = {"measure": count.pk, "month": f"{current:%Y-%m-%d}", "numerator": 9, "unit": "count", "version": 1}
    revert = client.post(revert_url, fields)
    assert revert.status_code == 403
    assert Measurement.objects.get().numerator == 3


def test_admin_refuses_to_change_the_unit_of_a_measure_with_values(count, noegle, current):
    from django.forms import modelform_factory

    from measurements.admin import MeasureAdminForm

    _record(count, current, 3, None, noegle)
    form = modelform_factory(Measure, form=MeasureAdminForm, fields=["unit"])({"unit": Unit.RATE}, instance=count)
    assert form.errors == {"unit": ["Enheden kan ikke ændres, når der er registreret værdier for målingen."]}


def test_mine_never_calls_a_measure_without_values_udfyldt(client_for, noegle, initiative, current):
    """Issue 16.5: a measure with no months due yet and no values says so, not "Udfyldt"."""
    fresh = MeasureFactory(initiative=initiative, name="Ny måling", start_month=current)
    filled = MeasureFactory(initiative=initiative, name="Fyldt måling", start_month=add_months(current, -1))
    MeasurementFactory(measure=filled, month=add_months(current, -1))
    response = client_for(noegle).get(reverse("measurements:mine"))
    lines = {
        line.measure: line for lines in response.context["groups"][initiative.department].values() for line in lines
    }
    assert (lines[fresh].missing, lines[fresh].present) == (0, 0)
    html = response.content.decode()
    fresh_html = html[html.index("Ny måling") :].split("</li>")[0]
    filled_html = html[html.index("Fyldt måling") :].split("</li>")[0]
    assert "Ingen værdier endnu" in fresh_html and "Udfyldt" not in fresh_html
    assert "Udfyldt" in filled_html


def test_entry_page_has_a_skip_link_to_the_first_field(client_for, noegle, count, current):
    response = client_for(noegle).get(reverse("measurements:entry", args=[count.pk]))
    html = response.content.decode()
    first = f"n-{current:%Y-%m}-0"
    assert response.context["first_field"] == first
    assert f'<a class="skip-link" href="#{first}">Spring til første felt</a>' in html
    assert f'id="{first}"' in html
