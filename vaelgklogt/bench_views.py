"""The benchmark's floor: the cheapest logged-in page there is, to measure the other pages against.

It reads the session (through `login_required`), builds the navigation and renders the base template, and does
nothing else. It is wired only when `settings.BENCHMARK_FLOOR_VIEW` is on (env `VAELGKLOGT_BENCH_FLOOR`, default off),
which the benchmark in `bench/` does for its own gunicorn; it is never served otherwise.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def floor(request):
    return render(request, "base.html")


def urlpatterns() -> list:
    """The floor's URL when the setting is on, otherwise nothing."""
    if not settings.BENCHMARK_FLOOR_VIEW:
        return []
    return [path("_bench/floor", floor, name="bench_floor")]
