"""The data generation: a token that changes with every committed transaction that changed the data, and the
pages remembered under it.

The hospital status and a department's dashboard are read far more often than the data change (values come once
a month). They are remembered under the token, so a page is computed once per change and then served as it was.
The guarantee is the status's own: **never stale**. It holds because the database keeps the token itself:

- Every table the pages can show carries a statement trigger (`vk_note_change`). The first writing statement of a
  transaction sets a transaction-local flag and leaves a marker row (an unlogged table) whose deferred trigger runs
  at commit; it queues a second marker behind every other deferred event, and that one gives one of the `SHARDS`
  rows of `vk_data_generation` a new random token. The token is all rows' tokens, read in one statement.
  Inserts, updates, deletes, `COPY` and `TRUNCATE` all count, the ORM's and raw SQL alike; a rolled-back write (or
  savepoint) never changes the token. The new token is part of the writing transaction, so readers see it exactly
  when they see its data. The token's row is locked only after every other deferred check of the transaction (the
  foreign keys'), just before the commit, so a writer holding it never waits for another: no deadlock, and the
  entry save's conflict check is unchanged. Concurrent commits wait for each other only when they pick the same
  row.
- A page reads the token **before** its data. Under READ COMMITTED each later statement sees every commit the token
  saw, so a page remembered under a token shows at least that token's data; any later commit makes a new token.
- A request whose own transaction has written (the flag is set) is given no token: its own changes are not in the
  token yet, so it computes afresh and remembers nothing. This also keeps a test's uncommitted data out of the cache.
- The token is random, not a counter: a database restored from a backup can never meet a page remembered for a
  different state under the same token.
- The key also holds the code's fingerprint (every source, template, translation and static file, see
  `code_fingerprint`), so a page remembered in the shared cache (Redis) before a deploy is never served after it.

Tables left out (`UNWATCHED_TABLES`) are those written by reading and signing in, which no remembered page shows.
`install` runs after every `migrate` (`core.apps`) and adds the trigger to any table that lacks it; a test fails if
a table is neither watched nor left out with a reason. Only PostgreSQL keeps the token: on the embedded SQLite
default every page is computed afresh, as before.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection as default_connection
from django.utils.translation import get_language

#: Tables whose writes do not change any remembered page, and why.
UNWATCHED_TABLES = {
    "django_session": "written on every request (the session's clock)",
    "django_migrations": "the schema's own bookkeeping",
    "axes_accessattempt": "sign-in attempts",
    "axes_accessattemptexpiration": "sign-in attempts",
    "axes_accessfailurelog": "sign-in attempts",
    "axes_accesslog": "sign-ins",
    "departments_auditevent": "the audit log, written when pages are read",
    "measurements_measuresummary": "derived from the watched tables and written when a page is computed",
    "vk_data_generation": "the token itself",
    "vk_data_marker": "the commit markers",
}

TRIGGER = "vk_note_change"

#: The token is kept in this many rows; a commit changes one of them (its transaction id picks which), so
#: concurrent commits rarely wait for each other, and a reader reads all of them in one statement.
SHARDS = 16

_SETUP = f"""
CREATE TABLE IF NOT EXISTS vk_data_generation (
    id smallint PRIMARY KEY CHECK (id >= 0 AND id < {SHARDS}),
    token text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO vk_data_generation (id, token)
    SELECT shard, md5(random()::text || clock_timestamp()::text) FROM generate_series(0, {SHARDS - 1}) AS shard
    ON CONFLICT (id) DO NOTHING;
CREATE UNLOGGED TABLE IF NOT EXISTS vk_data_marker (
    final boolean NOT NULL DEFAULT false,
    tx xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX IF NOT EXISTS vk_data_marker_tx ON vk_data_marker (tx);
CREATE OR REPLACE FUNCTION vk_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('vaelgklogt.changed', true), '') = '' THEN
        PERFORM set_config('vaelgklogt.changed', '1', true);
        INSERT INTO vk_data_marker DEFAULT VALUES;
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION vk_new_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT NEW.final THEN
        -- Queued behind every deferred event of the transaction (the foreign keys' checks), so the token's row
        -- is locked last and held only until the commit.
        INSERT INTO vk_data_marker (final) VALUES (true);
    ELSE
        DELETE FROM vk_data_marker WHERE tx = pg_current_xact_id();
        UPDATE vk_data_generation
            SET token = md5(random()::text || clock_timestamp()::text), changed_at = now()
            WHERE id = txid_current() % {SHARDS};
    END IF;
    RETURN NULL;
END $$;
"""

_COMMIT_TRIGGER = """
CREATE CONSTRAINT TRIGGER vk_new_generation AFTER INSERT ON vk_data_marker
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION vk_new_generation()
"""


def supported(connection=default_connection) -> bool:
    return connection.vendor == "postgresql"


def install(connection=default_connection) -> list[str]:
    """Create the token and its triggers where missing (idempotent); the tables that got a trigger now."""
    if not supported(connection):
        return []
    with connection.cursor() as cursor:
        cursor.execute(_SETUP)
        cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'vk_new_generation'")
        if cursor.fetchone() is None:
            cursor.execute(_COMMIT_TRIGGER)
        added = [table for table in unwatched_candidates(connection) if table not in UNWATCHED_TABLES]
        for table in added:
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quoted} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
            )
    return added


def watched_tables(connection=default_connection) -> set[str]:
    """The tables that carry the trigger."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND NOT t.tgisinternal",
            [TRIGGER],
        )
        return {name for (name,) in cursor.fetchall()}


def unwatched_candidates(connection=default_connection) -> list[str]:
    """The schema's tables without the trigger (those left out on purpose included)."""
    tables = set(connection.introspection.table_names(include_views=False))
    return sorted(tables - watched_tables(connection))


def current(connection=default_connection) -> str | None:
    """The token now; None when a page must be computed afresh (not PostgreSQL, or this transaction has written)."""
    if not supported(connection):
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT string_agg(token, '' ORDER BY id) FROM vk_data_generation), "
            "coalesce(current_setting('vaelgklogt.changed', true), '') = ''"
        )
        token, clean = cursor.fetchone()
    if token is None or not clean:
        return None
    return token


#: Bump to forget every remembered page at once.
VERSION = 1
#: A remembered page lives at most this long without a change (the token changes on any change anyway).
TIMEOUT = 24 * 3600
#: What the pages are made from; a change to any of these files is a new fingerprint.
_SOURCES = (
    "core",
    "departments",
    "initiatives",
    "measurements",
    "goals",
    "improvement",
    "dashboards",
    "reports",
    "api",
    "vaelgklogt",
    "templates",
    "locale",
    "static",
)
_SUFFIXES = {".py", ".html", ".mo", ".js", ".css", ".svg", ".png", ".json", ".txt"}


@functools.cache
def code_fingerprint() -> str:
    """A digest of the code that draws the pages and of the settings read from the environment."""
    digest = hashlib.blake2b(digest_size=16)
    root = Path(settings.BASE_DIR)
    for name in _SOURCES:
        for path in sorted((root / name).rglob("*")):
            if path.suffix in _SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    for key in sorted(os.environ):
        if key.startswith("VAELGKLOGT_"):
            digest.update(f"{key}={os.environ[key]}".encode())
    return digest.hexdigest()


def remembered(name: str, parts: tuple, compute: Callable[[], str], *, token: str | None) -> str:
    """The HTML `compute()` gives for `parts`, remembered under `token` (from `current`, read before any data the
    caller has already used); computed afresh without a token."""
    if token is None:
        return compute()
    text = "|".join(map(str, (VERSION, name, token, code_fingerprint(), get_language(), *parts)))
    key = "page:" + hashlib.blake2b(text.encode(), digest_size=20).hexdigest()
    html = cache.get(key)
    if html is None:
        html = compute()
        cache.set(key, html, TIMEOUT)
    return html
