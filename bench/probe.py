"""In-process measurements for one database, printed as one JSON object on the last line of stdout.

    python -m bench.probe prepare --scale demo  # migrate, and seed when the database is empty
    python -m bench.probe pages                 # the load test's pages (paths, users) and queries per page
    python -m bench.probe status --runs 15      # server time of the hospital-wide status function (median ms)
    python -m bench.probe times                 # median in-process time of each page (test client), ms
    python -m bench.probe times --computed      # the same with no remembered page (as right after a change)
    python -m bench.probe report-one            # one department's quality-team report, built here (seconds)
    python -m bench.probe report-batch          # every department's report through the broker (workers running)
    python -m bench.probe export                # the hospital-wide status export (xlsx) of every department
    python -m bench.probe profile-status        # cProfile of the status function, top entries as text
    python -m bench.probe profile-page dashboard  # cProfile of one request to a page through the test client
    python -m bench.probe api-feed --rows 1000  # a write token and the body of one API request writing 1,000 values
    python -m bench.probe status-changes        # the status function warm, after one value changed, and cold (ms)
    python -m bench.probe status-hospital       # the status page filtered to one hospital: queries and ms

`bench.run` calls it once per database (DATABASE_URL in the environment picks the database).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.probe")
    sub = parser.add_subparsers(dest="command", required=True)
    pages = sub.add_parser("pages")
    pages.add_argument("--clients", type=int, default=4)
    pages.add_argument("--status-runs", type=int, default=0, help="also time the status function (median)")
    status = sub.add_parser("status")
    status.add_argument("--runs", type=int, default=15)
    times = sub.add_parser("times")
    times.add_argument("--runs", type=int, default=7)
    times.add_argument(
        "--computed", action="store_true", help="no remembered pages: each as right after a change (core.generation)"
    )
    prepare = sub.add_parser("prepare")
    prepare.add_argument("--scale", choices=["demo", "region", "national"], required=True)
    prepare.add_argument("--reseed", action="store_true", help="seed the demo data again even if it is there")
    sub.add_parser("report-one")
    changes = sub.add_parser("status-changes")
    changes.add_argument("--runs", type=int, default=9)
    changes.add_argument("--cold-runs", type=int, default=3)
    filtered = sub.add_parser("status-hospital")
    filtered.add_argument("--runs", type=int, default=9)
    batch = sub.add_parser("report-batch")
    batch.add_argument("--timeout", type=float, default=3600)
    export = sub.add_parser("export")
    export.add_argument("--format", default="xlsx")
    sub.add_parser("queue")
    feed = sub.add_parser("api-feed")
    feed.add_argument("--rows", type=int, default=1000)
    profile = sub.add_parser("profile-status")
    profile.add_argument("--top", type=int, default=25)
    profile_page = sub.add_parser("profile-page")
    profile_page.add_argument("page", help="floor, dashboard, status, entry_page, entry_save")
    profile_page.add_argument("--top", type=int, default=30)
    profile_page.add_argument("--sort", default="cumulative")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaelgklogt.settings")
    import django

    django.setup()
    import gc

    from bench import scenarios

    # As the server (vaelgklogt/wsgi.py): what is loaded at start-up is kept out of the garbage collector's walks.
    gc.collect()
    gc.freeze()

    if args.command == "prepare":
        result = scenarios.prepare(args.scale, reseed=args.reseed)
    elif args.command == "pages":
        queries = scenarios.query_counts(scenarios.pages(clients=args.clients))
        page_list = scenarios.pages(clients=args.clients)  # after the counted save: the versions stored now
        result = {
            "scale": scenarios.scale_of_database(),
            "pages": [page.as_dict() for page in page_list],
            "queries": queries,
            "queries_computed": _computed_query_counts(scenarios, page_list),
        }
        if args.status_runs:
            cpu = []
            result["status_ms"], result["status_samples_ms"] = scenarios.time_median(
                scenarios.status_function(), runs=args.status_runs, cpu=cpu
            )
            result["status_cpu_ms"] = cpu[0]
    elif args.command == "status":
        cpu = []
        median, samples = scenarios.time_median(scenarios.status_function(), runs=args.runs, cpu=cpu)
        result = {"status_ms": median, "samples_ms": samples, "cpu_ms": cpu[0]}
    elif args.command in {"report-one", "report-batch", "export", "queue"}:
        if not scenarios.reports_available():
            result = {"missing": "reports and exports (issue 5) are not on this branch yet"}
        elif args.command == "report-one":
            result = scenarios.report_one()
        elif args.command == "report-batch":
            result = scenarios.report_batch(timeout=args.timeout)
        elif args.command == "export":
            result = scenarios.export_region(args.format)
        else:
            result = {"queue": scenarios.reports_queue()}
    elif args.command == "api-feed":
        result = scenarios.api_feed(rows=args.rows)
    elif args.command == "status-changes":
        result = scenarios.status_after_changes(runs=args.runs, cold_runs=args.cold_runs)
    elif args.command == "status-hospital":
        result = scenarios.hospital_status_filtered(runs=args.runs)
    elif args.command == "times":
        with _computed_afresh() if args.computed else contextlib.nullcontext():
            result = {"ms": scenarios.page_times(scenarios.pages(), runs=args.runs)}
    elif args.command == "profile-page":
        result = {"profile": scenarios.profile_page(args.page, top=args.top, sort=args.sort)}
    else:
        import cProfile
        import io
        import pstats

        compute = scenarios.status_function()
        compute()
        profiler = cProfile.Profile()
        profiler.enable()
        compute()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
            args.top
        )
        result = {"profile": out.getvalue()}
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    return 0


def _computed_afresh():
    """No page is remembered while this holds: each is computed as on the first view after a change."""
    from unittest import mock

    from core import generation

    return mock.patch.object(generation, "current", lambda *args, **kwargs: None)


def _computed_query_counts(scenarios, page_list) -> dict:
    """Queries of each remembered page when it is computed afresh (the first view after a change)."""
    remembered = [page for page in page_list if page.name in {"dashboard", "status"}]
    with _computed_afresh():
        return scenarios.query_counts(remembered)


if __name__ == "__main__":
    sys.exit(main())
