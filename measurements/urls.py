import datetime as dt

from django.urls import path, register_converter

from . import views


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
]
