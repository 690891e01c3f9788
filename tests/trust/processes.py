"""Real processes for the fault tests: gunicorn serving the app on the test database, a throwaway redis-server,
and a small HTTP client that signs in through the real login form.

Ports: gunicorn on TRUST_GUNICORN_PORT (default 8106), the throwaway Redis on TRUST_REDIS_PORT (default 16379).
Every process is started in its own session and stopped by its own process id, never by name.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
GUNICORN_PORT = int(os.environ.get("TRUST_GUNICORN_PORT", "8106"))
REDIS_PORT = int(os.environ.get("TRUST_REDIS_PORT", "16379"))


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("fault tests need the shared PostgreSQL test database")


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def app_env(**extra) -> dict:
    env = {
        **os.environ,
        "DEBUG": "false",
        "TESTING": "true",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "test-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "60",
        "AXES_ENABLED": "false",  # 20 users signing in from one address within a second is not an attack here
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
        "DJANGO_SETTINGS_MODULE": "vaelgklogt.settings",
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(predicate, *, timeout: float, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


def _stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 20) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


@contextmanager
def gunicorn(*, log_path: Path, workers: int = 3, threads: int = 4, port: int = GUNICORN_PORT, **env):
    if _port_open(port):
        pytest.fail(f"port {port} is taken; set TRUST_GUNICORN_PORT")
    log = log_path.open("ab")
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "vaelgklogt.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--timeout=60",
            "--graceful-timeout=5",
            "--access-logfile=-",
        ],
        cwd=ROOT,
        env=app_env(**env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    base = f"http://127.0.0.1:{port}"
    try:

        def up():
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log_path.read_text(errors='replace')}")
            with suppress(requests.RequestException):
                return requests.get(f"{base}/healthz", timeout=2).status_code == 200
            return False

        wait_for(up, timeout=60, interval=0.25, message="gunicorn")
        yield base
    finally:
        _stop(process)


class RedisServer:
    """A redis-server of our own (nothing kept on disk), so a test may stop it without touching the shared one."""

    def __init__(self, port: int = REDIS_PORT):
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server not found")
        if _port_open(self.port):
            pytest.fail(f"port {self.port} is taken; set TRUST_REDIS_PORT")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(lambda: _port_open(self.port), timeout=10, message="redis-server")
        return self

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None
        wait_for(lambda: not _port_open(self.port), timeout=10, message="redis-server to stop")


@contextmanager
def redis_server(port: int = REDIS_PORT):
    server = RedisServer(port).start()
    try:
        yield server
    finally:
        server.stop()


class Browser:
    """A minimal HTTP user: signs in through the login form and sends the CSRF token like the pages do.

    Cookies are sent explicitly: the app marks them Secure (as in production), which `requests` would otherwise keep
    back over plain HTTP to 127.0.0.1."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def _keep(self, response):
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path: str, **kwargs):
        return self._keep(
            requests.get(self.base + path, cookies=self.cookies, allow_redirects=False, timeout=60, **kwargs)
        )

    def post(self, path: str, data=None, files=None, headers=None, **kwargs):
        headers = {"X-CSRFToken": self.cookies.get("csrftoken", ""), **(headers or {})}
        return self._keep(
            requests.post(
                self.base + path,
                data=data,
                files=files,
                headers=headers,
                cookies=self.cookies,
                allow_redirects=False,
                timeout=60,
                **kwargs,
            )
        )

    def csrf_from(self, html: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return found.group(1) if found else self.cookies.get("csrftoken", "")

    def sign_in(self, username: str, password: str) -> Browser:
        page = self.get("/login/")
        token = self.csrf_from(page.text)
        response = self.post("/login/", data={"username": username, "password": password, "csrfmiddlewaretoken": token})
        assert response.status_code == 302, f"sign-in of {username} failed: {response.status_code}"
        return self
