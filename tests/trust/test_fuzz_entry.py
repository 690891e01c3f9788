"""Hypothesis drives the monthly entry and import endpoints with arbitrary input: never a server error, never a
partial write. A refused request changes no row; an accepted one stores exactly what was sent, in full."""

import datetime as dt
import io

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from departments.access import Role
from measurements.models import Measurement, Unit

from ..factories import InitiativeFactory, MeasureFactory, MembershipFactory, SectionFactory, UserFactory

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
#: Inputs tried, reported in the README's reliability figures.
TRIED = {"entry": 0, "entry_saved": 0, "import": 0, "import_committed": 0}


@pytest.fixture
def setup(db, home, settings):
    settings.VAELGKLOGT_LOCK_DAYS = 100_000
    user = UserFactory(username="fuzzer")
    MembershipFactory(user=user, role=Role.KEY_PERSON, department=home)
    sections = [SectionFactory(department=home, hospital=home.hospitals.first(), code=f"fz{i}") for i in range(2)]
    initiative = InitiativeFactory(department=home)
    initiative.sections.set(sections)
    measures = {
        Unit.PROPORTION: MeasureFactory(
            initiative=initiative, code="FZ-P", unit=Unit.PROPORTION, per_section=True, start_month=dt.date(2025, 1, 1)
        ),
        Unit.COUNT: MeasureFactory(
            initiative=initiative, code="FZ-C", unit=Unit.COUNT, per_section=False, start_month=dt.date(2025, 1, 1)
        ),
    }
    client = Client()
    client.force_login(user)
    return {"client": client, "sections": sections, "measures": measures, "user": user}


def _state():
    return (
        sorted(
            Measurement.objects.values_list(
                "measure_id", "section_id", "month", "numerator", "denominator", "comment", "version"
            )
        ),
        Measurement.history.count(),
    )


numbers = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(
        ["", " ", "0", "1", "12", "1.5", "1,5", "1e3", "١٢", "NaN", "-0", "00012", "9" * 40, "½", "10 000"]
    ),
    st.text(max_size=12),
)
versions = st.one_of(st.just(""), st.integers(min_value=-3, max_value=5).map(str), st.text(max_size=5))
months = st.dates(min_value=dt.date(2023, 6, 1), max_value=dt.date(2027, 6, 1)).map(lambda d: d.replace(day=1))


@FUZZ
@given(data=st.data())
def test_entry_endpoint_never_errors_and_never_writes_part_of_a_month(setup, data):
    measure = data.draw(st.sampled_from(list(setup["measures"].values())), label="measure")
    month = data.draw(months, label="month")
    keys = [str(s.pk) for s in setup["sections"]] + ["0", "999999"]
    post = {}
    for key in data.draw(st.lists(st.sampled_from(keys), unique=True, max_size=4), label="keys"):
        post[f"n-{key}"] = data.draw(numbers)
        post[f"d-{key}"] = data.draw(numbers)
        post[f"c-{key}"] = data.draw(st.text(max_size=600))
        post[f"v-{key}"] = data.draw(versions)
    post.update(data.draw(st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3), label="extra"))
    htmx = data.draw(st.booleans(), label="htmx")
    before = _state()

    response = setup["client"].post(
        f"/maalinger/{measure.pk}/maaned/{month:%Y-%m}/", post, **({"HTTP_HX_REQUEST": "true"} if htmx else {})
    )
    TRIED["entry"] += 1

    assert response.status_code < 500
    after = _state()
    saved = response.status_code == 302 or (
        htmx and response.status_code == 200 and 'class="saved"' in response.content.decode()
    )
    TRIED["entry_saved"] += saved
    if not saved:
        assert after == before, f"a refused save ({response.status_code}) changed data"
    changed = set(after[0]) - set(before[0])
    # Whatever was written belongs to this measure and month only.
    assert all(row[0] == measure.pk and row[2] == month for row in changed)


def _csv(rows, delimiter):
    out = io.StringIO()
    out.write(delimiter.join(["measure", "section", "month", "numerator", "denominator", "comment"]) + "\r\n")
    for row in rows:
        out.write(delimiter.join(row) + "\r\n")
    return out.getvalue()


cells = st.text(alphabet=st.characters(blacklist_characters=';,\r\n"', blacklist_categories=("Cs",)), max_size=10)


@FUZZ
@given(data=st.data())
def test_import_endpoints_never_error_and_store_all_rows_or_none(setup, data):
    section_codes = [s.code for s in setup["sections"]]
    row = st.tuples(
        st.one_of(st.sampled_from(["FZ-P", "FZ-C", "fz-p", "NOPE"]), cells),
        st.one_of(st.sampled_from([*section_codes, "", "xx"]), cells),
        st.one_of(months.map(lambda d: d.strftime("%Y-%m")), months.map(lambda d: d.strftime("%m-%Y")), cells),
        numbers.filter(lambda s: not any(c in s for c in ';,\r\n"')),
        numbers.filter(lambda s: not any(c in s for c in ';,\r\n"')),
        cells,
    )
    good_month = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date.today()).map(lambda d: d.strftime("%Y-%m"))
    good_row = st.one_of(
        st.tuples(
            st.just("FZ-P"),
            st.sampled_from(section_codes),
            good_month,
            st.integers(0, 50).map(str),
            st.integers(50, 99).map(str),
            cells,
        ),
        st.tuples(st.just("FZ-C"), st.just(""), good_month, st.integers(0, 999).map(str), st.just(""), cells),
    )
    rows = data.draw(st.lists(st.one_of(good_row, good_row, row), max_size=8), label="rows")
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"]), label="encoding")
    text = _csv(rows, data.draw(st.sampled_from([";", ","]), label="delimiter"))
    raw = text.encode(encoding, errors="replace")
    if data.draw(st.booleans(), label="garbage"):
        raw = data.draw(st.binary(max_size=300), label="bytes")
    client = setup["client"]
    before = _state()

    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(data.draw(st.sampled_from(["v.csv", "v.txt", "v.xlsx"])), raw)
    preview = client.post("/maalinger/import/", {"file": upload})
    TRIED["import"] += 1
    assert preview.status_code in (200, 422), preview.status_code
    assert _state() == before, "the preview wrote data"

    token = (preview.context or {}).get("preview") and getattr(preview.context["preview"], "token", None)
    if not token:
        return
    committed = client.post("/maalinger/import/gem/", {"token": token})
    assert committed.status_code in (302, 409), committed.status_code
    after = _state()
    if committed.status_code == 409:
        assert after == before, "a refused import wrote part of the file"
    else:
        TRIED["import_committed"] += 1
        assert len(after[0]) >= len(before[0])
        # Every row of the previewed file is now stored with its numbers (all of the file, not part of it).
        stored = {(r[0], r[1], r[2]): (r[3], r[4]) for r in after[0]}
        for row in preview.context["preview"].rows:
            plain = row.as_plain()
            key = (plain["measure"], plain["section"], dt.date.fromisoformat(plain["month"]))
            assert stored.get(key) == (plain["numerator"], plain["denominator"]), plain


def test_report_inputs_tried(capsys):
    with capsys.disabled():
        print(
            f"\nfuzz: entry {TRIED['entry']} inputs ({TRIED['entry_saved']} saved), "
            f"import {TRIED['import']} files ({TRIED['import_committed']} committed)"
        )
