"""Backup and restore with the PostgreSQL tools the README's Operations section names: pg_dump (custom format) of a
database holding the demo data, pg_restore into a new database, then every table's row count and the sums of the
numerators and denominators must be equal."""

import os
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.postgres

SUMS = [
    ("measurements_measurement", "count(*), coalesce(sum(numerator), 0), coalesce(sum(denominator), 0)"),
    ("measurements_historicalmeasurement", "count(*), coalesce(sum(numerator), 0), coalesce(sum(denominator), 0)"),
]


def _pg_env():
    settings = connection.settings_dict
    env = {**os.environ, "PGHOST": settings["HOST"] or "127.0.0.1", "PGPORT": str(settings["PORT"] or 5432)}
    if settings["USER"]:
        env["PGUSER"] = settings["USER"]
    if settings["PASSWORD"]:
        env["PGPASSWORD"] = settings["PASSWORD"]
    return env


def _psql(env, database, sql):
    result = subprocess.run(
        ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def _snapshot(env, database):
    tables = _psql(
        env, database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).split()
    counts = {table: int(_psql(env, database, f'SELECT count(*) FROM "{table}"')) for table in tables}
    sums = {table: _psql(env, database, f'SELECT {columns} FROM "{table}"') for table, columns in SUMS}
    return counts, sums


def test_pg_dump_and_pg_restore_give_the_same_data(transactional_db, tmp_path, capsys):
    if connection.vendor != "postgresql":
        pytest.skip("backup test needs PostgreSQL")
    for tool in ("pg_dump", "pg_restore", "psql"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} not found: install postgresql-client")
    call_command("seed_demo", verbosity=0)
    env = _pg_env()
    source = connection.settings_dict["NAME"]
    target = f"{source}_restore"
    dump = tmp_path / "vaelgklogt.dump"

    # The commands, as in the README.
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "-d", source, "-f", str(dump)], env=env, check=True)
    _psql(env, "postgres", f'DROP DATABASE IF EXISTS "{target}"')
    _psql(env, "postgres", f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", target, str(dump)], env=env, check=True)
        before_counts, before_sums = _snapshot(env, source)
        after_counts, after_sums = _snapshot(env, target)
    finally:
        _psql(env, "postgres", f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')

    assert before_counts == after_counts
    assert before_sums == after_sums
    assert before_counts["measurements_measurement"] > 400  # the demo data really was there
    with capsys.disabled():
        rows = sum(before_counts.values())
        print(f"\nbackup/restore: {len(before_counts)} tables, {rows} rows, measurements {before_sums[SUMS[0][0]]}")
