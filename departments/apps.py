from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Organisation og adgang")

    def ready(self):
        # trust (issue 6): audit receivers for sign-in, sign-out, failed sign-in and lockout.
        from . import audit

        audit.connect_axes_signals()
