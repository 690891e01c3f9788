"""The benchmark: one command, one run, ratios on one machine.

    python -m bench.run            # region scale (seeds vk_bench_region once, a few minutes), then every figure
    python -m bench.run --quick    # demo scale only, under two minutes; region figures are left out (null)
    python -m bench.run --scale national  # national scale (seeds vk_bench_national once by COPY, ≤ 5 minutes):
                                          # the status function warm / after one change / cold, one hospital's
                                          # status page, queries per page equal to region scale

On PostgreSQL it prepares the benchmark databases (migrate + seed), collects static files, starts gunicorn on
loopback with the floor view turned on, logs the demo users in through the login form and runs a fixed number of
keep-alive clients for a fixed time against each page, the pages taking turns in rounds so background load hits
them alike. In-process probes (`bench.probe`) count queries per page at both scales and time the hospital-wide status
function. The figures go to `bench/results.json` (keys below) and a short table is printed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from bench import load

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results.json"
NATIONAL_RESULTS = ROOT / "bench" / "results-national.json"
DEPARTMENTS = {"region": 150, "national": 750}
KEYS = [
    "floor_rps",
    "dashboard_rps",
    "status_rps",
    "entry_page_rps",
    "entry_save_rps",
    "status_ms_demo",
    "status_ms_region",
    "queries",
    "report_one_s",
    "report_batch_s",
    "export_region_s",
    "js_gzip_bytes",
    "api_write_1000_ms",
]
LOAD_PAGES = ["floor", "dashboard", "status", "entry_page", "entry_save"]
BUDGETS = {  # issue 17's region budgets
    "dashboard": ("≥ 1/4 floor", lambda ratio: ratio >= 1 / 4),
    "status": ("≥ 1/8 floor", lambda ratio: ratio >= 1 / 8),
    "entry_save": ("≥ 1/4 floor", lambda ratio: ratio >= 1 / 4),
}
STATUS_BUDGET_MS = 100
JS_BUDGET_BYTES = 450 * 1024
REPORT_BUDGET_S = 3
REPORT_BATCH_BUDGET_S = 200
NATIONAL_SEED_BUDGET_S = 300


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class EntrySaves:
    """The entry-save clients: each saves its own month's row of one measure, as the grid's htmx form does,
    alternating the numerator so every save is a real change, and carrying the version the last answer showed."""

    VERSION = re.compile(rb'name="v-(\w+)" value="(\d*)"')

    def __init__(self, saves: list[dict], session: load.Session):
        self.saves, self.session = saves, session
        self.fields = [dict(save["fields"]) for save in saves]
        self.turn = [0] * len(saves)

    def request(self, client: int, _n: int) -> load.Request:
        save, fields = self.saves[client], self.fields[client]
        for name, values in save["alternate"].items():
            fields[name] = values[(self.turn[client] + 1) % 2]
        return load.form_post(
            save["path"], fields, csrf=self.session.csrf_token, expect=(200,), headers={"HX-Request": "true"}
        )

    def observe(self, client: int, _status: int, body: bytes) -> bool:
        for key, version in self.VERSION.findall(body):
            self.fields[client][f"v-{key.decode()}"] = version.decode()
        saved = b'class="saved"' in body
        if saved:
            self.turn[client] += 1
        return saved


class Bench:
    def __init__(self, args):
        self.args = args
        self.host = "127.0.0.1"
        self.port = args.port
        self.server: subprocess.Popen | None = None
        self.media = Path(f"/tmp/vk-bench-media-{self.port}")

    # --- environment -------------------------------------------------------------------------------------------
    def database_url(self, name: str) -> str:
        return f"{self.args.postgres.rstrip('/')}/{name}"

    def env(self, database: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "DEBUG"}}
        env.update(
            DJANGO_SETTINGS_MODULE="vaelgklogt.settings",
            DATABASE_URL=self.database_url(database),
            DEBUG="false",
            SECRET_KEY="bench-only-secret-key-never-used-elsewhere-0123456789",
            ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            SECURE_SSL_REDIRECT="false",
            SECURE_PROXY_SSL_HEADER="false",
            SECURE_HSTS_SECONDS="0",
            VAELGKLOGT_BENCH_FLOOR="true",
            # The save scenario writes to an old month over and over: no month locks during the benchmark.
            VAELGKLOGT_LOCK_DAYS="36500",
            CELERY_BROKER_URL=self.args.broker,
            MEDIA_ROOT=str(self.media),
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        return env

    def manage(self, database: str, *args: str, quiet: bool = True) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env(database),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        if not quiet:
            log(result.stdout.strip())
        return result.stdout

    def probe(self, database: str, *args: str) -> dict:
        result = subprocess.run(
            [PYTHON, "-m", "bench.probe", *args], cwd=ROOT, env=self.env(database), capture_output=True, text=True
        )
        if result.returncode:
            raise RuntimeError(f"bench.probe {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    # --- databases ---------------------------------------------------------------------------------------------
    def admin_sql(self, sql: str) -> list:
        import psycopg

        with psycopg.connect(self.database_url("postgres"), autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def prepare(self, database: str, scale: str) -> dict:
        exists = self.admin_sql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'")
        if exists and scale in DEPARTMENTS and self.args.reseed:
            log(f"dropping {database} (--reseed)")
            self.admin_sql(f'DROP DATABASE "{database}"')
            exists = []
        if not exists:
            self.admin_sql(f'CREATE DATABASE "{database}"')
        started = time.monotonic()
        if scale in DEPARTMENTS and self.department_count(database) == 0:
            log(f"seeding {database} at {scale} scale (a few minutes) …")
        prepared = self.probe(database, "prepare", "--scale", scale, *(["--reseed"] if self.args.reseed else []))
        expected = DEPARTMENTS.get(scale, prepared["departments"])
        if prepared["departments"] != expected:
            raise RuntimeError(f"{database} holds {prepared['departments']} departments, not {expected}: use --reseed")
        prepared["seconds"] = round(time.monotonic() - started)
        log(f"{database} ready ({scale}, {prepared['seconds']} s): {prepared}")
        return prepared

    def collect_static(self, database: str) -> None:
        """collectstatic, skipped when no static source changed since the last run (compressing takes a while)."""
        sources = [ROOT / "static", ROOT / "uv.lock"]
        files = [p for source in sources for p in ([source] if source.is_file() else source.rglob("*")) if p.is_file()]
        stamp = json.dumps(sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files))
        marker = ROOT / "staticfiles" / ".bench-stamp"
        if marker.exists() and marker.read_text() == stamp and (ROOT / "staticfiles" / "staticfiles.json").exists():
            return
        phase = time.monotonic()
        self.manage(database, "collectstatic", "--noinput", "-v", "0")
        marker.write_text(stamp)
        log(f"static files collected ({time.monotonic() - phase:.0f} s)")

    def department_count(self, database: str) -> int:
        import psycopg

        try:
            with psycopg.connect(self.database_url(database)) as conn:
                return conn.execute("SELECT count(*) FROM departments_department").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0  # not migrated yet

    # --- gunicorn ----------------------------------------------------------------------------------------------
    def start_server(self, database: str) -> None:
        command = [
            str(Path(PYTHON).parent / "gunicorn"),
            "vaelgklogt.wsgi:application",
            "--bind",
            f"{self.host}:{self.port}",
            "--workers",
            str(self.args.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ]
        self.server_log = open(Path(f"/tmp/vk-bench-gunicorn-{self.port}.log"), "w")  # noqa: SIM115
        self.server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env(database),
            stdout=self.server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.server_log.name}")
            try:
                status, _body, _headers = load.Session(self.host, self.port).request(load.Request("GET", "/healthz"))
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop_server(self) -> None:
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)  # our own process group (start_new_session)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()
        self.server = None

    # --- Celery workers ---------------------------------------------------------------------------------------------
    def report_batch(self, database: str) -> dict:
        """Start two Celery worker processes on the broker, build every department's report through them, stop."""
        queue = self.probe(database, "queue").get("queue")
        if queue is None:
            return {"missing": "reports (issue 5) are not on this branch yet"}
        celery = str(Path(PYTHON).parent / "celery")
        subprocess.run(
            [celery, "-A", "vaelgklogt", "purge", "-f", "-Q", queue],
            cwd=ROOT,
            env=self.env(database),
            capture_output=True,
        )
        worker_log = open(Path(f"/tmp/vk-bench-celery-{self.port}.log"), "w")  # noqa: SIM115
        worker = subprocess.Popen(
            [
                celery,
                "-A",
                "vaelgklogt",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(self.args.report_workers),
                "-Q",
                queue,
                "-n",
                f"bench{self.port}@%h",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=self.env(database),
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            time.sleep(3)  # let the worker processes start before the clock runs
            if worker.poll() is not None:
                raise RuntimeError(f"celery worker exited; see {worker_log.name}")
            return self.probe(database, "report-batch", "--timeout", str(self.args.report_timeout))
        finally:
            os.killpg(worker.pid, signal.SIGTERM)  # our own process group (start_new_session)
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()

    # --- the Web API --------------------------------------------------------------------------------------------
    def api_write(self, database: str, *, rows: int) -> dict:
        """One request writing `rows` values of the current month through /api/v1/values (the integration's token),
        timed end to end over loopback; then the same request again (a re-run: every value unchanged)."""
        feed = self.probe(database, "api-feed", "--rows", str(rows))
        session = load.Session(self.host, self.port)
        request = load.Request(
            "POST",
            "/api/v1/values",
            body=feed["body"].encode(),
            headers={"Authorization": f"Bearer {feed['token']}", "Content-Type": "application/json"},
        )
        timings, answers = [], []
        for _attempt in range(2):
            started = time.perf_counter()
            status, body, _headers = session.request(request)
            timings.append(round(1000 * (time.perf_counter() - started), 1))
            answer = json.loads(body) if body else {}
            answers.append({"status": status, **{k: answer.get(k) for k in ("created", "updated", "unchanged")}})
            if status != 200:
                answers[-1]["problem"] = answer.get("title_en") or body[:300].decode(errors="replace")
                break
        return {
            "rows": len(json.loads(feed["body"])["rows"]),
            "month": feed["month"],
            "first_ms": timings[0],
            "rerun_ms": timings[1] if len(timings) > 1 else None,
            "answers": answers,
            "bytes": len(request.body),
        }

    # --- load --------------------------------------------------------------------------------------------------
    def load_test(self, plan: list[dict]) -> tuple[dict[str, load.LoadResult], dict]:
        sessions = {}
        for username in {page["user"] for page in plan}:
            sessions[username] = load.login(self.host, self.port, username, "demo")
        scenarios = [self.scenario(page, sessions) for page in plan if page["name"] in LOAD_PAGES and page["path"]]
        log(
            f"load: {len(scenarios)} pages × {self.args.rounds} rounds, {self.args.clients} clients, "
            f"{self.args.seconds:.0f} s per page"
        )
        results = load.interleaved(
            scenarios,
            clients=self.args.clients,
            seconds=self.args.seconds,
            rounds=self.args.rounds,
            warmup=self.args.warmup,
            progress=log,
        )
        js = {}
        dashboard = next((p for p in plan if p["name"] == "dashboard" and p["path"]), None)
        if dashboard:
            total, files = load.js_first_load_bytes(sessions[dashboard["user"]], dashboard["path"])
            js = {"page": dashboard["path"], "total": total, "files": files}
        return results, js

    def scenario(self, page: dict, sessions: dict) -> load.Scenario:
        session = sessions[page["user"]]
        if page["method"] == "GET":
            request = load.Request("GET", page["path"], expect=tuple(page["expect"]))
            return load.Scenario(page["name"], session, lambda _client, _n: request)
        saves = EntrySaves(page["data"]["saves"], session)
        if len(page["data"]["saves"]) < self.args.clients:
            raise RuntimeError(f"only {len(page['data']['saves'])} months to save for {self.args.clients} clients")
        return load.Scenario(page["name"], session, saves.request, saves.observe)

    # --- the run -----------------------------------------------------------------------------------------------
    def run(self) -> dict:
        quick = self.args.quick
        demo_db, region_db = self.args.demo_db, self.args.region_db
        main_db = demo_db if quick else region_db
        results: dict = dict.fromkeys(KEYS)
        detail: dict = {"mode": "quick (demo scale)" if quick else "region scale", "load_before": os.getloadavg()[0]}
        started = time.monotonic()

        self.prepare(demo_db, "demo")
        if not quick:
            self.prepare(region_db, "region")
        self.collect_static(demo_db)

        scales = [("demo", demo_db)] + ([] if quick else [("region", region_db)])
        queries, plans = {}, {}
        for scale, database in scales:
            probed = self.probe(
                database, "pages", "--clients", str(self.args.clients), "--status-runs", str(self.args.status_runs)
            )
            queries[scale] = probed["queries"]
            detail.setdefault("queries_computed", {})[scale] = probed.get("queries_computed")
            plans[scale] = probed["pages"]
            results[f"status_ms_{scale}"] = probed["status_ms"]
            detail[f"status_samples_ms_{scale}"] = probed["status_samples_ms"]
            log(
                f"{scale}: queries {queries[scale]}; status function median {probed['status_ms']} ms "
                f"({time.monotonic() - started:.0f} s in)"
            )
        results["queries"] = queries

        self.start_server(main_db)
        try:
            loads, js = self.load_test(plans["demo" if quick else "region"])
            if not self.args.skip_api:
                detail["api_write"] = self.api_write(main_db, rows=self.args.api_rows)
                log(f"API write of {self.args.api_rows} values: {detail['api_write']}")
        finally:
            self.stop_server()
        if detail.get("api_write"):
            results["api_write_1000_ms"] = detail["api_write"]["first_ms"]
            floor_p50 = loads["floor"].summary()["p50_ms"] if "floor" in loads else None
            detail["api_write"]["floor_p50_ms"] = floor_p50
            detail["api_write"]["x_floor"] = round(detail["api_write"]["first_ms"] / floor_p50) if floor_p50 else None
        for name in LOAD_PAGES:
            results[f"{name}_rps"] = round(loads[name].rps, 1) if name in loads else None
        # The load test reads remembered pages (core.generation); the first view after any change computes them.
        detail["in_process_ms"] = {
            "remembered": self.probe(main_db, "times")["ms"],
            "computed": self.probe(main_db, "times", "--computed")["ms"],
        }
        log(f"in process, ms: {detail['in_process_ms']}")
        results["js_gzip_bytes"] = js.get("total")
        detail["load"] = {name: result.summary() for name, result in loads.items()}
        detail["errors"] = {name: r.first_error for name, r in loads.items() if r.first_error}
        detail["js"] = js

        if not self.args.skip_reports:
            one = self.probe(main_db, "report-one")
            detail["report_one"] = one
            results["report_one_s"] = one.get("seconds")
            log(f"one department's report: {one}")
            batch = self.report_batch(main_db)
            detail["report_batch"] = batch
            results["report_batch_s"] = batch.get("seconds")
            log(f"report batch: {batch}")
        if not quick:
            export = self.probe(region_db, "export", "--format", "xlsx")
            detail["export"] = export
            results["export_region_s"] = export.get("seconds")
            log(f"export at region scale: {export}")
        detail["seconds"] = round(time.monotonic() - started)
        detail["load_after"] = os.getloadavg()[0]
        return results, detail

    def run_national(self) -> dict:
        """The national figures: seeding time, the status function (warm, after one change, cold), one hospital's
        status page, and queries per page at region and national scale (they must be equal)."""
        started = time.monotonic()
        results: dict = {"load_before": os.getloadavg()[0]}
        self.prepare(self.args.demo_db, "demo")
        self.prepare(self.args.region_db, "region")
        seeded = self.prepare(self.args.national_db, "national")
        self.collect_static(self.args.demo_db)
        results["national"] = {k: seeded[k] for k in ("departments", "measures", "values")}
        if seeded.get("seeded"):  # seeded in this run (otherwise: the figure of the run that seeded it)
            results["seed_national_s"] = seeded["seconds"]
            results["seed_output"] = seeded["seeded"]
        queries = {}
        for scale, database in (("region", self.args.region_db), ("national", self.args.national_db)):
            probed = self.probe(database, "pages", "--clients", str(self.args.clients))
            queries[scale] = probed["queries"]
            results.setdefault("queries_computed", {})[scale] = probed.get("queries_computed")
            log(f"{scale}: queries {queries[scale]} ({time.monotonic() - started:.0f} s in)")
        results["queries"] = queries
        results["status"] = self.probe(
            self.args.national_db, "status-changes", "--runs", "9", "--cold-runs", str(self.args.cold_runs)
        )
        log(f"status function, national: {results['status']}")
        results["status_hospital"] = {
            scale: self.probe(database, "status-hospital")
            for scale, database in (("region", self.args.region_db), ("national", self.args.national_db))
        }
        log(f"status page, one hospital: {results['status_hospital']}")
        results["seconds"] = round(time.monotonic() - started)
        results["load_after"] = os.getloadavg()[0]
        return results


def national_table(results: dict) -> str:
    status, national = results["status"], results["national"]
    lines = [
        f"Vælg Klogt benchmark — national scale, {results['seconds']} s",
        f"machine: {os.cpu_count()} cores, load average {results['load_before']:.1f} before, "
        f"{results['load_after']:.1f} after",
        "",
        f"data: {national['departments']} departments, {national['measures']} measures, {national['values']} values",
    ]
    if "seed_national_s" in results:
        ok = results["seed_national_s"] <= NATIONAL_SEED_BUDGET_S
        lines.append(
            f"seed_demo --scale national: {results['seed_national_s']} s "
            f"(budget ≤ {NATIONAL_SEED_BUDGET_S} s: {'ok' if ok else 'MISSED'})"
        )
    one = status["one_changed_ms"]
    lines += [
        f"status function ({status['departments']} departments, {status['counted_measures']} counted measures):",
        f"  all from the summaries: {status['warm_ms']} ms (CPU in this process {status['warm_cpu_ms']} ms)",
        f"  after one value changed: {one} ms (CPU {status['one_changed_cpu_ms']} ms), recomputed per change "
        f"{status['recomputed_per_change']} (budget ≤ {STATUS_BUDGET_MS} ms: {'ok' if one <= STATUS_BUDGET_MS else 'MISSED'})",
        f"  fully cold: {status['cold_ms']} ms (CPU {status['cold_cpu_ms']} ms)",
    ]
    for scale, page in results["status_hospital"].items():
        lines.append(
            f"status page, {page['hospital']} ({page['departments']} departments), {scale}: {page['ms']} ms, "
            f"queries {page['queries']['status_one_hospital']} (all hospitals {page['queries']['status']})"
        )
    region, national_queries = results["queries"]["region"], results["queries"]["national"]
    names = sorted(set(region) | set(national_queries))
    lines.append("queries per page: " + ", ".join(f"{n} {region.get(n)}/{national_queries.get(n)}" for n in names))
    same = all(region.get(n) == national_queries.get(n) for n in names)
    pages = [p["queries"] for p in results["status_hospital"].values()]
    same = same and pages[0] == pages[-1]
    computed = results.get("queries_computed") or {}
    if len(computed) == 2 and all(computed.values()):
        first, second = computed.values()
        lines.append("  computed afresh: " + ", ".join(f"{n} {first.get(n)}/{second.get(n)}" for n in sorted(first)))
        same = same and first == second
    lines.append(f"  (region/national) same at both scales: {'ok' if same else 'MISSED'}")
    return "\n".join(lines)


def table(results: dict, detail: dict) -> str:
    lines = [f"Vælg Klogt benchmark — {detail['mode']}, {detail['seconds']} s", ""]
    if "load_before" in detail:
        lines[-1] = (
            f"machine: {os.cpu_count()} cores, load average {detail['load_before']:.1f} before, "
            f"{detail.get('load_after', 0):.1f} after (other programs slow every figure alike; compare ratios)"
        )
        lines.append("")
    floor = results.get("floor_rps") or 0
    lines.append(f"{'page':<12} {'req/s':>8} {'÷ floor':>8} {'p50 ms':>8} {'p95 ms':>8}  budget")
    for name in LOAD_PAGES:
        rps = results.get(f"{name}_rps")
        if rps is None:
            lines.append(f"{name:<12} {'–':>8}  (not on this branch yet)")
            continue
        ratio = rps / floor if floor else 0
        summary = detail["load"][name]
        budget = ""
        if name in BUDGETS:
            text, ok = BUDGETS[name]
            budget = f"{text}: {'ok' if ok(ratio) else 'MISSED'}"
        lines.append(
            f"{name:<12} {rps:>8.1f} {ratio:>8.2f} {summary['p50_ms']:>8.1f} {summary['p95_ms']:>8.1f}  {budget}"
        )
    in_process = detail.get("in_process_ms")
    if in_process:
        remembered, computed = in_process["remembered"], in_process["computed"]
        floor_ms = remembered.get("floor") or 0
        lines.append(
            "in process (test client, median ms): remembered page / computed afresh (first view after a change)"
        )
        for name in ("dashboard", "status"):
            if remembered.get(name) is not None and computed.get(name) is not None:
                ratio = f"{floor_ms / computed[name]:.2f}" if floor_ms and computed[name] else "–"
                lines.append(
                    f"  {name:<10} {remembered[name]:>6.1f} / {computed[name]:>6.1f}  (floor {floor_ms} ms; "
                    f"computed ÷ floor {ratio})"
                )
    lines.append("")
    for scale in ("demo", "region"):
        value = results.get(f"status_ms_{scale}")
        if value is not None:
            budget = f"  (budget ≤ {STATUS_BUDGET_MS} ms: {'ok' if value <= STATUS_BUDGET_MS else 'MISSED'})"
            cpu = detail.get(f"status_cpu_ms_{scale}")
            cpu_text = f" (of which {cpu} ms CPU in this process)" if cpu is not None else ""
            lines.append(f"status function, {scale}: {value} ms{cpu_text}" + (budget if scale == "region" else ""))
    queries = results.get("queries") or {}
    names = sorted({n for per in queries.values() for n in per})
    if queries:
        lines.append(
            "queries per page: "
            + ", ".join(f"{n} {'/'.join(str(q.get(n)) for q in queries.values())}" for n in names)
            + f"  ({'/'.join(queries)})"
        )
        computed = detail.get("queries_computed") or {}
        if computed and all(computed.values()):
            lines.append(
                "  computed afresh: "
                + ", ".join(
                    f"{n} {'/'.join(str(c.get(n)) for c in computed.values())}"
                    for n in sorted(next(iter(computed.values())))
                )
            )
        if len(queries) == 2:
            demo, region = queries.values()
            same = all(demo.get(n) == region.get(n) for n in names)
            if computed and len(computed) == 2 and all(computed.values()):
                first, second = computed.values()
                same = same and first == second
            lines.append(f"  same at both scales: {'ok' if same else 'MISSED'}")
    js = results.get("js_gzip_bytes")
    if js is not None:
        lines.append(
            f"first-load JS (gzip): {js / 1024:.0f} KB (budget ≤ 450 KB: {'ok' if js <= JS_BUDGET_BYTES else 'MISSED'})"
        )
    for key, label in (
        ("report_one_s", "one department's report"),
        ("report_batch_s", "report batch, 2 workers"),
        ("export_region_s", "export, region"),
    ):
        value = results.get(key)
        budget = ""
        if key == "report_one_s" and value is not None:
            budget = f" (budget ≤ {REPORT_BUDGET_S} s: {'ok' if value <= REPORT_BUDGET_S else 'MISSED'})"
        if key == "report_batch_s" and value is not None:
            budget = f" (budget ≤ {REPORT_BATCH_BUDGET_S} s: {'ok' if value <= REPORT_BATCH_BUDGET_S else 'MISSED'})"
        lines.append(f"{label}: {'–' if value is None else f'{value} s'}{budget}")
    api = detail.get("api_write")
    if api:
        lines.append(
            f"API write, {api['rows']} values in one request: {api['first_ms']} ms "
            f"(re-run, all unchanged: {api['rerun_ms']} ms; {api.get('x_floor')} × the floor's p50 of "
            f"{api.get('floor_p50_ms')} ms)"
        )
    if detail.get("errors"):
        lines.append("errors: " + "; ".join(f"{k}: {v}" for k, v in detail["errors"].items()))
    return "\n".join(lines)


def main(argv=None) -> int:
    user = os.environ.get("USER") or getpass.getuser()
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="demo scale only, under two minutes")
    parser.add_argument(
        "--reseed", action="store_true", help="seed the demo data again and drop and seed the region database"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", f"postgres://{urllib.parse.quote(user)}@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name",
    )
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--demo-db", default=os.environ.get("BENCH_DEMO_DB", "vk_bench_demo"))
    parser.add_argument("--region-db", default=os.environ.get("BENCH_REGION_DB", "vk_bench_region"))
    parser.add_argument("--national-db", default=os.environ.get("BENCH_NATIONAL_DB", "vk_bench_national"))
    parser.add_argument(
        "--scale",
        choices=["region", "national"],
        default=os.environ.get("BENCH_SCALE") or "region",
        help="region (the page budgets, default) or national (the national figures only)",
    )
    parser.add_argument("--cold-runs", type=int, default=3, help="fully cold runs of the status function (national)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8110")))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default: 2)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients (default: 4)")
    parser.add_argument("--seconds", type=float, help="measured seconds per page (default 6 quick, 20 full)")
    parser.add_argument("--rounds", type=int, help="rounds the pages take turns in (default 2 quick, 4 full)")
    parser.add_argument("--warmup", type=float, default=0.5, help="unmeasured seconds before each window")
    parser.add_argument("--status-runs", type=int, default=15, help="runs of the status function (median)")
    parser.add_argument("--report-workers", type=int, default=2, help="Celery worker processes for the batch")
    parser.add_argument("--report-timeout", type=float, default=3600, help="seconds to wait for the batch")
    parser.add_argument("--skip-reports", action="store_true", help="leave out the report figures (faster)")
    parser.add_argument("--skip-api", action="store_true", help="leave out the API write figure")
    parser.add_argument("--api-rows", type=int, default=1000, help="values in the timed API write (default 1000)")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (4 if args.quick else 20)
    args.rounds = args.rounds or (2 if args.quick else 4)

    bench = Bench(args)
    if args.scale == "national":
        results = bench.run_national()
        output = Path(args.output if args.output != str(RESULTS) else NATIONAL_RESULTS)
        output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(national_table(results))
        print(f"\nresults: {output}")
        return 0
    results, detail = bench.run()
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(table(results, detail))
    print(f"\nresults: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
