import datetime as dt

from django.urls import path, register_converter

from . import definition_views, phase_views, quality_views, views


class MonthConverter:
    """`2026-03` in a URL ↔ the date 2026-03-01."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        try:
            return dt.date(int(value[:4]), int(value[5:7]), 1)
        except ValueError:
            raise ValueError(value) from None

    def to_url(self, value) -> str:
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else str(value)


register_converter(MonthConverter, "month")


class QuarterConverter:
    """`2026Q3` in a URL, kept as the string."""

    regex = r"\d{4}Q[1-4]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(QuarterConverter, "quarter")

app_name = "measurements"

#: Mounted at the root, so each path is written in full (the measure definition pages sit under an initiative).
urlpatterns = [
    path("vaelg-klogt/indsatser/<int:pk>/maalinger/ny/", definition_views.measure_create, name="measure_create"),
    path("vaelg-klogt/maalinger/<int:pk>/definition/", definition_views.measure_edit, name="measure_edit"),
]
urlpatterns += [
    path("maalinger/", views.mine, name="mine"),
    path("maalinger/<int:pk>/", views.entry, name="entry"),
    path("maalinger/<int:pk>/maaned/<month:month>/", views.save_row, name="save_row"),
    path("maalinger/<int:pk>/historik/", views.history, name="history"),
    path("maalinger/<int:pk>/tiltag/", views.add_action, name="add_action"),
    # the chart page: phases on purpose and point notes (issue 12)
    path("maalinger/<int:pk>/faser/", phase_views.chart_page, name="chart"),
    path("maalinger/<int:pk>/faser/note/", phase_views.note, name="note"),
    path("maalinger/faser/<int:pk>/fortryd/", phase_views.phase_undo, name="phase_undo"),
    path("maalinger/import/", views.import_upload, name="import"),
    path("maalinger/import/gem/", views.import_commit, name="import_commit"),
    path("maalinger/import/skabelon/", views.import_template, name="import_template"),
    path("maalinger/laaste-maaneder/", views.locks, name="locks"),
    path("maalinger/laaste-maaneder/genaabn/", views.lock_reopen, name="lock_reopen"),
    path("maalinger/laaste-maaneder/laas/", views.lock_relock, name="lock_relock"),
    # data quality and sign-off (issue 14)
    path("maalinger/spoergsmaal/<int:pk>/forklar/", quality_views.explain, name="explain"),
    path("maalinger/vaerdi/<int:pk>/opfoelgning/", quality_views.flag_set, name="flag_set"),
    path("maalinger/opfoelgning/<int:pk>/afslut/", quality_views.flag_clear, name="flag_clear"),
    path("maalinger/datakvalitet/", quality_views.quality_all, name="quality_all"),
    path("maalinger/afdeling/<int:pk>/datakvalitet/", quality_views.quality, name="quality"),
    path("maalinger/afdeling/<int:pk>/indberetning/<month:month>/", quality_views.month, name="month"),
    path("maalinger/afdeling/<int:pk>/indberetning/<month:month>/hul/", quality_views.gap, name="gap"),
    path(
        "maalinger/afdeling/<int:pk>/indberetning/<month:month>/indberet/",
        quality_views.month_report,
        name="month_report",
    ),
    path("maalinger/<int:pk>/maaned/<month:month>/genaabning/", quality_views.reopen_ask, name="reopen_ask"),
    path("maalinger/genaabninger/", quality_views.reopen_requests, name="reopen_requests"),
    path("maalinger/genaabninger/<int:pk>/", quality_views.reopen_decide_view, name="reopen_decide"),
    path("maalinger/afdeling/<int:pk>/godkendelse/<quarter:quarter>/", quality_views.approval, name="approval"),
    path(
        "maalinger/afdeling/<int:pk>/godkendelse/<quarter:quarter>/tilbagekald/",
        quality_views.approval_withdraw,
        name="approval_withdraw",
    ),
]
