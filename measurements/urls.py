import datetime as dt

from django.urls import path, register_converter

from . import definition_views, views


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
    path("maalinger/import/", views.import_upload, name="import"),
    path("maalinger/import/gem/", views.import_commit, name="import_commit"),
    path("maalinger/import/skabelon/", views.import_template, name="import_template"),
    path("maalinger/laaste-maaneder/", views.locks, name="locks"),
    path("maalinger/laaste-maaneder/genaabn/", views.lock_reopen, name="lock_reopen"),
    path("maalinger/laaste-maaneder/laas/", views.lock_relock, name="lock_relock"),
]
