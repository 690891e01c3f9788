"""schemathesis against /api/v1/openapi.json, in process on the test database (PostgreSQL in CI): every operation of
the API with generated valid and invalid input must give no server error, answer only as its schema says, and a
refused write must change no row. A token of a key person of `home` (write), and one of KDK, send the requests.

Kept under a few minutes in CI by a small number of examples per operation (FUZZ_EXAMPLES, default 25)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from measurements.models import Measurement
from tests.factories import MeasurementFactory

from .conftest import raw_token, this_month

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


# The document itself needs no database: it is read once, at collection, through the WSGI application.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def fuzz_data(db, noegle, measures, sections, settings):
    settings.VAELGKLOGT_API_RATE_PER_MINUTE = 0
    MeasurementFactory(measure=measures["home_ward"], section=sections["home"], month=this_month())
    MeasurementFactory(measure=measures["away_whole"], month=this_month())
    # As Django's test client does: a request's end must not close the test's database connection (its transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield raw_token(noegle, "write")
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.postgres
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
def test_api_conforms_to_its_schema_and_refused_writes_change_nothing(case, fuzz_data):
    token = fuzz_data
    before = (Measurement.objects.count(), Measurement.history.count())

    # A write that passes the schema may still break a rule of the write service (an unknown measure code, a locked
    # month): 422 there is the rule working, not valid data refused.
    excluded = [positive_data_acceptance] if case.method.upper() == "POST" else []
    response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=excluded)

    if case.method.upper() == "POST" and response.status_code >= 400:
        assert (Measurement.objects.count(), Measurement.history.count()) == before
