import datetime as dt

from django.urls import path, register_converter

from . import quality_views, views


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

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.entry, name="entry"),
    path("<int:pk>/maaned/<month:month>/", views.save_row, name="save_row"),
    path("<int:pk>/historik/", views.history, name="history"),
    path("<int:pk>/tiltag/", views.add_action, name="add_action"),
    path("import/", views.import_upload, name="import"),
    path("import/gem/", views.import_commit, name="import_commit"),
    path("import/skabelon/", views.import_template, name="import_template"),
    path("laaste-maaneder/", views.locks, name="locks"),
    path("laaste-maaneder/genaabn/", views.lock_reopen, name="lock_reopen"),
    path("laaste-maaneder/laas/", views.lock_relock, name="lock_relock"),
    # data quality and sign-off (issue 14)
    path("spoergsmaal/<int:pk>/forklar/", quality_views.explain, name="explain"),
    path("vaerdi/<int:pk>/opfoelgning/", quality_views.flag_set, name="flag_set"),
    path("opfoelgning/<int:pk>/afslut/", quality_views.flag_clear, name="flag_clear"),
    path("datakvalitet/", quality_views.quality_all, name="quality_all"),
    path("afdeling/<int:pk>/datakvalitet/", quality_views.quality, name="quality"),
    path("afdeling/<int:pk>/indberetning/<month:month>/", quality_views.month, name="month"),
    path("afdeling/<int:pk>/indberetning/<month:month>/hul/", quality_views.gap, name="gap"),
    path("afdeling/<int:pk>/indberetning/<month:month>/indberet/", quality_views.month_report, name="month_report"),
    path("<int:pk>/maaned/<month:month>/genaabning/", quality_views.reopen_ask, name="reopen_ask"),
    path("genaabninger/", quality_views.reopen_requests, name="reopen_requests"),
    path("genaabninger/<int:pk>/", quality_views.reopen_decide_view, name="reopen_decide"),
    path("afdeling/<int:pk>/godkendelse/<quarter:quarter>/", quality_views.approval, name="approval"),
    path(
        "afdeling/<int:pk>/godkendelse/<quarter:quarter>/tilbagekald/",
        quality_views.approval_withdraw,
        name="approval_withdraw",
    ),
]
