"""Refusals and missing pages as a newcomer meets them: Danish pages, one log line.

- `FriendlyNotFoundMiddleware`: with DEBUG on (the demo, `make run`) Django answers a 404 with its technical page
  (the URL patterns, in English). This swaps it for the project's Danish 404 page, as production shows it. The
  403 page is already the project's own in both modes (Django's technical pages cover 404 and 500 only).
- `RefusalOneLine`: Django's `django.request` logger writes a 403 or 404 with the exception's whole traceback.
  A refusal is expected, not an error: this keeps the one line ("Forbidden (Permission denied): /path"); 5xx
  records keep their traceback. The refusal itself is audited by departments.middleware.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.shortcuts import render

#: Django's technical pages (404 and 500) carry this robots meta; the project's own pages do not.
_TECHNICAL_MARK = b'content="NONE,NOARCHIVE"'


class FriendlyNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not getattr(response, "streaming", False)
            and _TECHNICAL_MARK in response.content
        ):
            return render(request, "404.html", status=404)
        return response


class RefusalOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
