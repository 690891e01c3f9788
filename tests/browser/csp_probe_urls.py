"""A page that breaks the policy on purpose, to prove the CSP browser test would notice."""

from django.http import HttpResponse
from django.urls import path

from vaelgklogt.urls import urlpatterns as project_urlpatterns


def bad_page(request):
    return HttpResponse(
        "<!doctype html><html><head><title>x</title></head><body>"
        "<script>document.title = 'inline ran';</script>"
        '<button onclick="alert(1)">x</button>'
        "</body></html>"
    )


urlpatterns = [*project_urlpatterns, path("csp-probe/", bad_page)]
