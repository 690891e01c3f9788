"""One chart engine (Chromium) per process, reused by report after report, and started again after a failure."""

import pytest

from reports.documents import render


class FakeSession:
    opened = 0

    def __init__(self):
        self.closed = False

    def __enter__(self):
        FakeSession.opened += 1
        return self

    def __exit__(self, *exc_info):
        self.closed = True


@pytest.fixture
def fake_engine(monkeypatch):
    monkeypatch.setattr(render, "ChartSession", FakeSession)
    monkeypatch.setattr(render, "_shared", None)
    FakeSession.opened = 0
    yield
    render._close_shared()


def test_reports_share_one_open_session(fake_engine):
    with render.shared_session() as first:
        pass
    with render.shared_session() as second:
        pass
    assert first is second and FakeSession.opened == 1 and not first.closed


def test_a_failure_closes_the_session_and_the_next_report_opens_a_new_one(fake_engine):
    with pytest.raises(RuntimeError), render.shared_session() as broken:
        raise RuntimeError("Chromium went away")
    assert broken.closed
    with render.shared_session() as fresh:
        pass
    assert fresh is not broken and FakeSession.opened == 2
