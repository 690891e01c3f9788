"""Request limits and probes (issue 18, finding 6): an oversize body is refused before it is read, and /readyz tells
an anonymous caller which part failed but not why (the reason, with hosts and ports, goes to the log)."""

import json
import random
import socket
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse

from measurements.models import Measurement
from measurements.views import IMPORT_SESSION_KEY

from .processes import _port_open, gunicorn, require_postgres

FIFTY_MB = 50 * 1024 * 1024


def test_oversize_body_is_refused_from_its_length_without_reading_it(client_for, noegle, settings):
    client = client_for(noegle)
    assert FIFTY_MB > settings.VAELGKLOGT_MAX_REQUEST_BYTES

    # The body is empty but announced as 50 MB: reading any of it would fail the request ("Cannot read more than
    # the available bytes"), so a 413 with our page proves nothing was read.
    response = client.post(
        reverse("measurements:import"),
        data=b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(FIFTY_MB),
    )

    assert response.status_code == 413
    text = response.content.decode()
    assert "Det, du sendte, er for stort" in text
    assert "Forespørgslen fyldte 50,0\xa0MB. En fil til import må højst fylde 2,0\xa0MB" in text
    assert not Measurement.objects.exists()
    assert IMPORT_SESSION_KEY not in client.session


def test_body_within_the_limit_goes_through(client_for, noegle):
    upload = SimpleUploadedFile("maalinger.csv", b"measure;month;numerator\r\n")

    response = client_for(noegle).post(reverse("measurements:import"), {"file": upload})

    assert response.status_code == 200
    assert [p.message for p in response.context["problems"]] == ["Filen har ingen rækker under overskriften."]


def test_upload_limits_follow_the_one_setting(settings):
    largest_file = settings.VAELGKLOGT_IMPORT_MAX_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == settings.DATA_UPLOAD_MAX_MEMORY_SIZE == largest_file
    assert largest_file + 64 * 1024 == settings.VAELGKLOGT_MAX_REQUEST_BYTES


def _free_port() -> int:
    start = random.randint(20000, 30000)
    return next(port for port in range(start, start + 200) if not _port_open(port))


def test_gunicorn_answers_413_before_the_body_arrives(db, tmp_path):
    require_postgres()
    with gunicorn(log_path=tmp_path / "gunicorn.log", workers=1, threads=2, port=_free_port()) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            started = time.monotonic()
            sock.sendall(
                (
                    f"POST {reverse('measurements:import')} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Content-Type: multipart/form-data; boundary=xyz\r\n"
                    f"Content-Length: {FIFTY_MB}\r\n\r\n"
                ).encode()
                + b"x" * 65536  # a first piece of the 50 MB; the rest is never sent
            )
            answer = sock.recv(65536)
            waited = time.monotonic() - started

    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    print(f"\n413 for an announced 50 MB body after {waited * 1000:.0f} ms, 64 KB sent")


# --- /readyz ---------------------------------------------------------------------------------------------------------


def test_readyz_names_a_down_broker_without_its_address(client, db, settings, caplog):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "broker": "unavailable"},
        "failing": ["broker"],
    }
    assert "127.0.0.1" not in response.content.decode() and "Error" not in response.content.decode()
    assert any("broker does not answer" in r.getMessage() and r.exc_info for r in caplog.records)


def test_readyz_names_a_down_database_without_its_host(client, db, settings, monkeypatch, caplog):
    settings.CELERY_BROKER_URL = ""
    secret = 'connection to server at "db.internal.example" (10.9.8.7), port 5432 failed'

    def broken_cursor():
        raise OperationalError(secret)

    with monkeypatch.context() as patch:  # undone before the test database is rolled back
        patch.setattr("vaelgklogt.health.connection.cursor", broken_cursor)
        response = client.get("/readyz")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {"status": "unavailable", "checks": {"database": "unavailable"}, "failing": ["database"]}
    assert "db.internal" not in response.content.decode() and "5432" not in response.content.decode()
    assert any(secret in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


@pytest.mark.parametrize("path", ["/readyz", "/healthz"])
def test_probes_answer_anonymous_callers_without_a_session(client, db, settings, path):
    settings.CELERY_BROKER_URL = ""
    response = client.get(path)
    assert response.status_code == 200 and response.json()["status"] == "ok"
