"""Labels printed on every document."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def built_label(built_at: dt.datetime) -> str:
    """ "Bygget 3. december 2026 kl. 10.15", in local time."""
    local = timezone.localtime(built_at)
    return _("Bygget %(date)s kl. %(time)s") % {"date": date_format(local, "j. F Y"), "time": local.strftime("%H.%M")}
