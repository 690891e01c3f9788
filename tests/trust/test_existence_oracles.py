"""No oracle (issue 18, finding 4): for another department's object and for one that does not exist, the answer, the
user's own log, the import's message and the measure form's message are the same. KDK's log keeps the detail."""

import re

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import AuditEvent
from measurements import imports
from measurements.models import Measure, Unit
from tests.factories import DepartmentFactory, InitiativeFactory, MeasureFactory

MISSING_PK = 987_654
REFUSED = AuditEvent.Action.ACCESS_REFUSED


@pytest.fixture
def home_measure(home):
    initiative = InitiativeFactory(department=home, year=2026)
    return MeasureFactory(initiative=initiative, code="ORT-C", unit=Unit.COUNT)


@pytest.fixture
def away_measure(away):
    initiative = InitiativeFactory(department=away, year=2026)
    return MeasureFactory(initiative=initiative, code="MED-P", unit=Unit.PROPORTION)


def comparable(response) -> tuple:
    """What the user gets, with the per-answer CSRF token taken out (it is masked anew on every page)."""
    body = re.sub(r'csrf[^"]*"[^"]*"[^"]*"|"X-CSRFToken": ?"[^"]*"', "", response.content.decode())
    headers = sorted(k for k in response.headers if k.lower() not in {"set-cookie", "content-length"})
    return response.status_code, body, headers


def test_same_answer_for_another_departments_measure_and_a_missing_one(client_for, udenfor, home_measure):
    client = client_for(udenfor)
    AuditEvent.objects.all().delete()  # the sign-in's own entry

    theirs = client.get(reverse("measurements:entry", args=[home_measure.pk]))
    missing = client.get(reverse("measurements:entry", args=[MISSING_PK]))

    assert theirs.status_code == missing.status_code == 404
    assert comparable(theirs) == comparable(missing)
    # KDK's log tells the two apart.
    entries = AuditEvent.objects.filter(action=REFUSED).order_by("id")
    assert [(e.user, e.object_type, e.object_id, e.detail) for e in entries] == [
        (udenfor, "measurements.Measure", str(home_measure.pk), AuditEvent.SCOPED_NOT_FOUND),
        (udenfor, "measurements.Measure", str(MISSING_PK), AuditEvent.NOT_FOUND),
    ]


def test_own_log_says_the_same_for_another_departments_measure_and_a_missing_one(client_for, udenfor, home_measure):
    client = client_for(udenfor)

    def my_log():
        page = client.get(reverse("audit:mine")).context["page"]
        return [(e.action, e.outcome, e.object_type, e.object_id, e.path, e.detail) for e in page.object_list]

    before = my_log()
    client.get(reverse("measurements:entry", args=[home_measure.pk]))
    after_theirs = my_log()
    client.get(reverse("measurements:entry", args=[MISSING_PK]))
    after_missing = my_log()

    assert before == after_theirs == after_missing
    # KDK's log keeps the detail.
    assert set(AuditEvent.objects.filter(action=REFUSED, user=udenfor).values_list("object_id", "detail")) == {
        (str(home_measure.pk), AuditEvent.SCOPED_NOT_FOUND),
        (str(MISSING_PK), AuditEvent.NOT_FOUND),
    }


@pytest.fixture
def plain_handler():
    """Django's WSGI handler as a server runs it, without closing the test's database connection in between."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_refusal_is_recorded_only_after_the_answer_is_complete(client_for, udenfor, home_measure, plain_handler):
    client = client_for(udenfor)
    AuditEvent.objects.all().delete()
    environ = (
        RequestFactory()
        .get(
            reverse("measurements:entry", args=[home_measure.pk]),
            HTTP_COOKIE=f"sessionid={client.cookies['sessionid'].value}",
        )
        .environ
    )
    status = []

    response = plain_handler(environ, lambda s, headers, exc_info=None: status.append(s))
    body = b"".join(response)

    assert status == ["404 Not Found"] and body
    assert not AuditEvent.objects.filter(action=REFUSED).exists()  # the whole answer is out, nothing looked up yet
    response.close()  # what the server does after sending it
    assert AuditEvent.objects.filter(action=REFUSED, object_id=str(home_measure.pk)).count() == 1


# --- the import ------------------------------------------------------------------------------------------------------


def test_import_says_the_same_for_another_departments_code_and_a_made_up_one(home_measure, away_measure, noegle):
    def problems_for(code):
        content = f"measure;month;numerator\r\n{code};2026-10;3\r\n".encode()
        with CaptureQueriesContext(connection) as queries:
            preview = imports.preview_import(data=content, by=noegle, today=imports.dt.date(2026, 11, 5))
        return [(p.row, p.column, p.message.replace(code, "…")) for p in preview.problems], len(queries)

    problems_for("ORT-ZZ")  # the user's access is read once and remembered
    theirs = problems_for(away_measure.code)
    made_up = problems_for("MED-ZZ")

    assert theirs == made_up  # the same words, and the same queries (no look at other departments' codes)
    assert theirs[0] == [(2, "measure", "Målingen »…« findes ikke blandt de målinger, du kan registrere for.")]


# --- the measure form ------------------------------------------------------------------------------------------------

FORM = {
    "name": "Andel med blærekateter",
    "kind": "process",
    "unit": "proportion",
    "numerator_definition": "Opererede med kateter",
    "denominator_definition": "Alle opererede",
    "direction": "lower",
}


def test_measure_form_says_the_same_for_another_departments_code_and_a_free_one(client_for, leder, away_measure):
    initiative = InitiativeFactory(department=leder.memberships.get().department, year=2026)
    DepartmentFactory(code="ort-b", name="Ortopædkirurgisk Afdeling B")
    client = client_for(leder)
    url = reverse("measurements:measure_create", kwargs={"pk": initiative.pk})

    answers = {}
    for code in (away_measure.code, "MED-ZZ", "ORT-B-01"):
        response = client.post(url, {**FORM, "code": code})
        assert response.status_code == 200
        answers[code] = response.context["form"].errors["code"]

    assert answers["MED-P"] == answers["MED-ZZ"] == answers["ORT-B-01"]
    [message] = answers["MED-P"]
    assert message.startswith("Koden skal begynde med afdelingens kode og en bindestreg, fx ORT-")
    assert not initiative.measures.exists()
    assert Measure.objects.count() == 1  # only the other department's


def test_measure_form_still_takes_a_code_of_the_departments_own(client_for, leder):
    initiative = InitiativeFactory(department=leder.memberships.get().department, year=2026)

    response = client_for(leder).post(
        reverse("measurements:measure_create", kwargs={"pk": initiative.pk}), {**FORM, "code": "ort-kat-07"}
    )

    assert response.status_code == 302
    assert initiative.measures.get().code == "ORT-KAT-07"
