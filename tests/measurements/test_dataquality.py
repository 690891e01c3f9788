"""Data quality and sign-off (issue 14): questions that still save, follow-up flags, months reported complete,
reopen requests, quarter approvals. TODAY is 5 November 2026 (tests/measurements/conftest.py): October is open until
15 November, September and earlier are locked."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from measurements import dataquality
from measurements.checks import history_limits
from measurements.locking import Locks
from measurements.models import (
    FollowUpFlag,
    GapReason,
    Measurement,
    MonthReport,
    QuarterApproval,
    ReopenRequest,
    ValueCheck,
)
from measurements.services import (
    follow_up_clear,
    follow_up_set,
    gap_explain,
    measurement_record,
    month_mark_reported,
    quarter_approval_withdraw,
    quarter_approve,
    reopen_decide,
    reopen_request,
    value_check_explain,
)
from tests.factories import MeasurementFactory

from .conftest import NOV, OCT, SEP, TODAY


def save(measure, month, numerator, denominator="", *, by, section=None, comment="", version=None, today=TODAY):
    return measurement_record(
        measure=measure,
        section=section,
        month=month,
        numerator=numerator,
        denominator=denominator,
        comment=comment,
        expected_version=version,
        by=by,
        today=today,
    )


# --- 1. questions that still save -------------------------------------------------------------------------------


@pytest.mark.parametrize(("numerator", "questioned"), [(9, True), (10, False), (15, False), (20, False), (21, True)])
def test_expected_range_questions_values_outside_it_and_not_on_its_boundaries(count, noegle, numerator, questioned):
    count.expected_min, count.expected_max = Decimal(10), Decimal(20)
    count.save()
    recorded = save(count, OCT, numerator, by=noegle)
    value = Measurement.objects.get(pk=recorded.measurement.pk)
    assert value.numerator == numerator  # saved either way
    check = ValueCheck.objects.filter(measurement=value).first()
    assert bool(check) is questioned
    if questioned:
        assert check.kind == ValueCheck.Kind.RANGE
        assert check.message.startswith(f"{numerator} er uden for det forventede (10–20).")
        assert not check.explained


def test_range_for_a_proportion_is_in_percent(home, noegle, initiative):
    from tests.factories import MeasureFactory

    measure = MeasureFactory(initiative=initiative, unit="proportion", expected_max=Decimal("50"), per_section=False)
    save(measure, OCT, 5, 10, by=noegle)  # 50 %: on the boundary
    assert not ValueCheck.objects.exists()
    save(measure, OCT, 6, 10, by=noegle, version=1)  # 60 %
    assert ValueCheck.objects.get().message.startswith("60 % er uden for det forventede (højst 50 %).")


def test_zero_over_zero_asks_whether_the_month_had_no_patients(home, noegle, initiative):
    from tests.factories import MeasureFactory

    measure = MeasureFactory(initiative=initiative, unit="proportion", per_section=False)
    save(measure, OCT, 0, 0, by=noegle)
    check = ValueCheck.objects.get()
    assert check.kind == ValueCheck.Kind.ZERO
    assert "havde måneden virkelig ingen patienter?" in check.message


def test_a_comment_saved_with_the_value_is_its_explanation(count, noegle):
    count.expected_max = Decimal(5)
    count.save()
    save(count, OCT, 50, by=noegle, comment="Ny registreringspraksis fra oktober")
    check = ValueCheck.objects.get()
    assert check.explained and check.explanation == "Ny registreringspraksis fra oktober"
    assert check.explained_by == noegle


def test_a_corrected_value_drops_the_question(count, noegle):
    count.expected_max = Decimal(5)
    count.save()
    save(count, OCT, 50, by=noegle)
    assert ValueCheck.objects.count() == 1
    save(count, OCT, 5, by=noegle, version=1)
    assert not ValueCheck.objects.exists()


def test_history_rule_questions_a_value_beyond_4_sigma_of_the_baseline(count, noegle):
    for offset, month in enumerate([dt.date(2026, m, 1) for m in range(1, 10)]):
        MeasurementFactory(measure=count, month=month, numerator=100 + offset % 3, denominator=None)
    save(count, OCT, 101, by=noegle)
    assert not ValueCheck.objects.exists()
    save(count, OCT, 160, by=noegle, version=1)  # centre ~101, sigma ~10: 160 is beyond 4 sigma
    check = ValueCheck.objects.get()
    assert check.kind == ValueCheck.Kind.HISTORY


def test_history_limits_need_six_months_and_a_positive_sigma():
    assert history_limits("count", [(10, None)] * 5, None) is None
    assert history_limits("count", [(0, None)] * 8, None) is None
    centre, sigma = history_limits("count", [(100, None)] * 6, None)
    assert centre == 100 and sigma == 10
    centre, sigma = history_limits("proportion", [(25, 100)] * 6, 100)
    assert centre == 25 and round(sigma, 3) == round(100 * (0.25 * 0.75 / 100) ** 0.5, 3)


def test_explaining_or_confirming_a_question(count, noegle, udenfor):
    count.expected_max = Decimal(5)
    count.save()
    save(count, OCT, 50, by=noegle)
    check = ValueCheck.objects.get()
    with pytest.raises(ValidationError) as caught:
        value_check_explain(check=check, explanation="  ", by=noegle)
    assert caught.value.message_dict == {"explanation": ["Skriv en forklaring, eller bekræft værdien."]}
    with pytest.raises(PermissionDenied):
        value_check_explain(check=check, confirm=True, by=udenfor)
    check.refresh_from_db()
    assert not check.explained  # nothing changed
    value_check_explain(check=check, confirm=True, by=noegle)
    check.refresh_from_db()
    assert check.explanation == "Bekræftet: værdien er rigtig." and check.explained_by == noegle


def test_follow_up_flag_set_and_cleared_by_management_not_by_key_persons(count, noegle, leder, kdk):
    value = MeasurementFactory(measure=count, month=OCT, numerator=3, denominator=None)
    with pytest.raises(PermissionDenied):
        follow_up_set(measurement=value, note="Se på det", by=noegle)
    assert not FollowUpFlag.objects.exists()
    with pytest.raises(ValidationError):
        follow_up_set(measurement=value, note="", by=leder)
    flag = follow_up_set(measurement=value, note="Tjek udtrækket", by=leder)
    with pytest.raises(ValidationError):
        follow_up_set(measurement=value, note="Igen", by=kdk)  # one open flag per value
    with pytest.raises(PermissionDenied):
        follow_up_clear(flag=flag, note="ok", by=noegle)
    follow_up_clear(flag=flag, note="Udtrækket var rigtigt", by=kdk)
    flag.refresh_from_db()
    assert flag.cleared_at and flag.cleared_by == kdk and flag.cleared_note == "Udtrækket var rigtigt"


# --- 2. months reported complete ------------------------------------------------------------------------------------


def test_month_cannot_be_reported_with_an_unexplained_gap(home, noegle, count):
    with pytest.raises(ValidationError) as caught:
        month_mark_reported(department=home, month=OCT, by=noegle, today=TODAY)
    message = caught.value.message_dict["month"][0]
    assert message.startswith("Oktober 2026 kan ikke indberettes: 1 værdier mangler uden forklaring")
    assert count.name in message
    assert not MonthReport.objects.exists()


def test_month_reported_when_each_gap_has_a_reason_and_counts_apart(home, noegle, count, rate):
    MeasurementFactory(measure=count, month=OCT, numerator=3, denominator=None)
    gap_explain(measure=rate, section=None, month=OCT, reason="Ingen data: systemnedbrud", by=noegle, today=TODAY)
    report = month_mark_reported(department=home, month=OCT, by=noegle, today=TODAY)
    assert report.reported_by == noegle and report.on_time
    cells = dataquality.month_cells(home.pk, OCT, today=TODAY)
    assert sum(1 for c in cells if c.value) == 1 and sum(1 for c in cells if c.gap) == 1
    # marking twice keeps the first mark
    assert month_mark_reported(department=home, month=OCT, by=noegle, today=TODAY).pk == report.pk


def test_gap_reason_refused_where_a_value_exists(home, noegle, count):
    MeasurementFactory(measure=count, month=OCT, numerator=3, denominator=None)
    with pytest.raises(ValidationError):
        gap_explain(measure=count, section=None, month=OCT, reason="Ingen data", by=noegle, today=TODAY)
    assert not GapReason.objects.exists()


def test_value_changed_after_reporting_marks_the_month(home, noegle, count):
    MeasurementFactory(measure=count, month=OCT, numerator=3, denominator=None)
    month_mark_reported(department=home, month=OCT, by=noegle, today=TODAY)
    assert MonthReport.objects.get().changed_at is None
    save(count, OCT, 4, by=noegle, version=1)
    assert MonthReport.objects.get().changed_at is not None


def test_timeliness_on_time_means_before_the_lock_date(home, noegle):
    on_time = MonthReport(department=home, month=OCT, reported_at=dt.datetime(2026, 11, 15, 12), on_time=True)
    assert dataquality.timeliness(on_time, OCT, today=TODAY).state == "on_time"
    assert dataquality.timeliness(None, OCT, today=dt.date(2026, 11, 15)).state == "open"
    assert dataquality.timeliness(None, OCT, today=dt.date(2026, 11, 16)).state == "not_reported"


def test_late_report_is_marked_late(home, noegle, count):
    MeasurementFactory(measure=count, month=SEP, numerator=3, denominator=None)
    # count starts in January: every month up to October is due; report September only
    report = month_mark_reported(department=home, month=SEP, by=noegle, today=TODAY)
    assert report.on_time is False  # September locked on 16 October


# --- 3. reopen requests -------------------------------------------------------------------------------------------


def test_reopen_request_twice_gives_one(home, noegle, leder):
    first, created = reopen_request(department=home, month=SEP, reason="Forkert udtræk", by=noegle, today=TODAY)
    second, created_again = reopen_request(department=home, month=SEP, reason="Samme", by=leder, today=TODAY)
    assert created and not created_again and first.pk == second.pk
    assert ReopenRequest.objects.count() == 1


def test_reopen_request_needs_a_reason_and_a_locked_month(home, noegle):
    with pytest.raises(ValidationError) as caught:
        reopen_request(department=home, month=SEP, reason=" ", by=noegle, today=TODAY)
    assert caught.value.message_dict == {"reason": ["Skriv, hvorfor måneden skal genåbnes."]}
    with pytest.raises(ValidationError):
        reopen_request(department=home, month=OCT, reason="Ret", by=noegle, today=TODAY)
    assert not ReopenRequest.objects.exists()


def test_granting_reopens_exactly_that_month_and_relocks_on_time(
    settings, home, away, noegle, kdk, count, django_capture_on_commit_callbacks
):
    settings.VAELGKLOGT_REOPEN_DAYS = 7
    noegle.email = "noegle@example.invalid"
    noegle.save()
    asked, _created = reopen_request(department=home, month=SEP, reason="Forkert udtræk", by=noegle, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        reopen_decide(request=asked, grant=True, reason="", by=kdk, today=TODAY)
    asked.refresh_from_db()
    assert asked.status == "granted" and asked.open_until == dt.date(2026, 11, 11)
    open_day, relock_day = dt.date(2026, 11, 11), dt.date(2026, 11, 12)
    assert not Locks(today=open_day).is_locked(home.pk, SEP)
    assert Locks(today=open_day).is_locked(home.pk, dt.date(2026, 8, 1))  # only that month
    assert Locks(today=open_day).is_locked(away.pk, SEP)  # only that department
    assert Locks(today=relock_day).is_locked(home.pk, SEP)  # locks again by itself
    assert len(mail.outbox) == 1 and "september 2026 er genåbnet" in mail.outbox[0].subject
    save(count, SEP, 7, by=noegle, today=open_day)  # a value can be saved while it is open
    with pytest.raises(ValidationError):
        save(count, SEP, 8, by=noegle, version=1, today=relock_day)


def test_refusing_needs_a_reason_and_only_kdk_decides(home, noegle, kdk, django_capture_on_commit_callbacks):
    noegle.email = "noegle@example.invalid"
    noegle.save()
    asked, _created = reopen_request(department=home, month=SEP, reason="Ret", by=noegle, today=TODAY)
    with pytest.raises(PermissionDenied):
        reopen_decide(request=asked, grant=True, reason="", by=noegle, today=TODAY)
    with pytest.raises(ValidationError):
        reopen_decide(request=asked, grant=False, reason="", by=kdk, today=TODAY)
    asked.refresh_from_db()
    assert asked.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        reopen_decide(request=asked, grant=False, reason="Tallene er godkendt", by=kdk, today=TODAY)
    assert Locks(today=TODAY).is_locked(home.pk, SEP)
    assert "Tallene er godkendt" in mail.outbox[0].body


# --- 4. quarter approval ------------------------------------------------------------------------------------------


def test_key_person_cannot_approve_and_nothing_changes(home, noegle):
    stamp = dataquality.quarter_stamp(home.pk, "2026Q3")
    with pytest.raises(PermissionDenied):
        quarter_approve(department=home, quarter="2026Q3", seen=stamp, by=noegle)
    assert not QuarterApproval.objects.exists()


def test_approval_refused_when_values_changed_since_the_page_was_shown(home, leder, noegle, count):
    stamp = dataquality.quarter_stamp(home.pk, "2026Q3")
    MeasurementFactory(measure=count, month=SEP, numerator=3, denominator=None)
    with pytest.raises(ValidationError) as caught:
        quarter_approve(department=home, quarter="2026Q3", seen=stamp, by=leder)
    assert "Tallene er ændret, siden siden blev vist" in caught.value.message_dict["quarter"][0]
    assert not QuarterApproval.objects.exists()


def test_value_saved_after_approval_marks_the_quarter_and_lists_the_change(settings, home, leder, noegle, count, kdk):
    approval = quarter_approve(
        department=home, quarter="2026Q3", seen=dataquality.quarter_stamp(home.pk, "2026Q3"), by=leder
    )
    assert dataquality.approval_text(approval).startswith("Godkendt af")
    reopen_decide(
        request=reopen_request(department=home, month=SEP, reason="Ret", by=noegle, today=TODAY)[0],
        grant=True,
        reason="",
        by=kdk,
        today=TODAY,
    )
    save(count, SEP, 9, by=noegle)
    approval.refresh_from_db()
    assert approval.changed_at is not None
    assert "ændret efter godkendelse" in dataquality.approval_text(approval)
    [change] = dataquality.changes_after_approval(approval)
    assert change.numerator == 9 and change.history_user == noegle


def test_withdrawing_an_approval_needs_a_reason(home, leder):
    approval = quarter_approve(department=home, quarter="2026Q3", seen=0, by=leder)
    with pytest.raises(ValidationError):
        quarter_approval_withdraw(approval=approval, reason="", by=leder)
    approval.refresh_from_db()
    assert approval.status == "approved"
    quarter_approval_withdraw(approval=approval, reason="Fejl i september", by=leder)
    approval.refresh_from_db()
    assert approval.status == "withdrawn" and approval.withdraw_reason == "Fejl i september"


def test_quarter_to_approve_is_the_last_ended_quarter():
    assert dataquality.quarter_to_approve(TODAY) == "2026Q3"
    assert dataquality.quarter_to_approve(dt.date(2026, 1, 10)) == "2025Q4"
    assert NOV.month == 11
