"""A small load generator on the standard library: a fixed number of keep-alive clients for a fixed time.

Each client is a thread with its own `http.client.HTTPConnection` (HTTP/1.1 keep-alive) that sends its requests one
after another, as fast as the server answers, and records each answer's status and time. `measure` runs a warm-up
and then the measured window; `interleaved` alternates several scenarios in rounds, so a change in the machine's
background load (other programs on a shared machine) hits every scenario alike and the ratios stay fair.

No Django here: the benchmark's own process stays light, and this module is tested against a tiny local server.
"""

from __future__ import annotations

import gzip
import http.client
import re
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expect: tuple[int, ...] = (200,)


#: Builds client `i`'s `n`-th request (a POST that must change state, such as a save, varies with n).
RequestFactory = Callable[[int, int], Request]
#: Looks at client `i`'s answer (status, body) and says whether it succeeded; may keep state for the next request.
Observer = Callable[[int, int, bytes], bool]


class Session:
    """Cookies for one logged-in user, shared read-only by the clients that act as that user."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    def connection(self, timeout: float = 60) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def remember(self, response: http.client.HTTPResponse) -> None:
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value

    def request(self, request: Request, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes, dict]:
        own = conn is None
        conn = conn or self.connection()
        try:
            conn.request(request.method, request.path, body=request.body, headers={**self.header(), **request.headers})
            response = conn.getresponse()
            body = response.read()
            self.remember(response)
            return response.status, body, dict(response.headers)
        finally:
            if own:
                conn.close()

    @property
    def csrf_token(self) -> str:
        return self.cookies.get("csrftoken", "")


_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def form_post(path: str, fields: dict[str, str], *, csrf: str, expect=(200, 302), headers=None) -> Request:
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, **fields}).encode()
    return Request(
        "POST",
        path,
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf, **(headers or {})},
        expect=expect,
    )


def login(host: str, port: int, username: str, password: str, path: str = "/login/") -> Session:
    """Log in through the real login form (CSRF cookie and token included); raises when it fails."""
    session = Session(host, port)
    status, body, _headers = session.request(Request("GET", path))
    match = _CSRF_INPUT.search(body)
    if status != 200 or not match:
        raise RuntimeError(f"login page {path} answered {status} without a CSRF token")
    status, _body, _headers = session.request(
        form_post(path, {"username": username, "password": password}, csrf=match.group(1).decode())
    )
    if status != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login as {username} failed (status {status})")
    return session


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    first_error: str = ""
    next_offset: int = 0  # the first request number not used yet (to continue in a later window)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, q: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def add(self, other: LoadResult) -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.first_error = self.first_error or other.first_error

    def summary(self) -> dict:
        return {
            "rps": round(self.rps, 1),
            "requests": self.requests,
            "errors": self.errors,
            "p50_ms": round(self.percentile_ms(0.5), 1),
            "p95_ms": round(self.percentile_ms(0.95), 1),
        }


def measure(
    session: Session,
    factory: RequestFactory,
    *,
    clients: int,
    seconds: float,
    warmup: float = 1.0,
    offset: int = 0,
    observe: Observer | None = None,
) -> LoadResult:
    """`clients` keep-alive clients send requests for `warmup` + `seconds`; only the last `seconds` count.

    Successful answers (status in the request's `expect`, and `observe` says so when given) count as requests;
    others count as errors. `offset` numbers the requests on from an earlier window.
    """
    start = time.monotonic()
    counting_from = start + warmup
    stop = counting_from + seconds
    results = [LoadResult() for _ in range(clients)]
    counters = [offset] * clients

    def client(index: int) -> None:
        result = results[index]
        conn = session.connection()
        try:
            while True:
                now = time.monotonic()
                if now >= stop:
                    return
                request = factory(index, counters[index])
                counters[index] += 1
                try:
                    status, body, _headers = session.request(request, conn)
                except (OSError, http.client.HTTPException) as error:
                    conn.close()
                    conn = session.connection()
                    status, body = 0, str(error).encode()
                done = time.monotonic()
                ok = status in request.expect
                if observe is not None:
                    ok = observe(index, status, body) and ok
                if done < counting_from or done > stop:
                    continue
                if ok:
                    result.requests += 1
                    result.latencies.append(done - now)
                else:
                    result.errors += 1
                    result.first_error = (
                        result.first_error or f"{request.method} {request.path}: {status} {body[:200]!r}"
                    )
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = LoadResult(seconds=seconds)
    for result in results:
        total.requests += result.requests
        total.errors += result.errors
        total.latencies += result.latencies
        total.first_error = total.first_error or result.first_error
    total.next_offset = max(counters, default=offset)
    return total


@dataclass
class Scenario:
    name: str
    session: Session
    factory: RequestFactory
    observe: Observer | None = None


def interleaved(
    scenarios: list[Scenario], *, clients: int, seconds: float, rounds: int, warmup: float = 1.0, progress=None
) -> dict[str, LoadResult]:
    """Run every scenario `rounds` times, in turn, `seconds / rounds` each; sums per scenario."""
    totals = {scenario.name: LoadResult() for scenario in scenarios}
    sent = dict.fromkeys(totals, 0)
    for round_number in range(rounds):
        for scenario in scenarios:
            result = measure(
                scenario.session,
                scenario.factory,
                clients=clients,
                seconds=seconds / rounds,
                warmup=warmup,
                offset=sent[scenario.name],
                observe=scenario.observe,
            )
            sent[scenario.name] = result.next_offset
            totals[scenario.name].add(result)
            if progress:
                progress(f"  round {round_number + 1}/{rounds} {scenario.name}: {result.rps:.1f} req/s")
    return totals


_SCRIPT_SRC = re.compile(rb"<script\b[^>]*\bsrc=\"([^\"]+)\"", re.IGNORECASE)


def script_sources(html: bytes) -> list[str]:
    """The `src` of every `<script src=…>` in a page, in order, without duplicates."""
    seen = []
    for match in _SCRIPT_SRC.finditer(html):
        src = match.group(1).decode().replace("&amp;", "&")
        if src not in seen:
            seen.append(src)
    return seen


def gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=9, mtime=0))


def js_first_load_bytes(session: Session, page: str) -> tuple[int, dict[str, int]]:
    """Gzipped bytes of the JavaScript a first visit to `page` loads: each script fetched as a browser would, with
    `Accept-Encoding: gzip`; what the server sends compressed counts as sent, anything else is gzipped here."""
    status, html, _headers = session.request(Request("GET", page))
    if status != 200:
        raise RuntimeError(f"{page} answered {status}")
    sizes = {}
    for src in script_sources(html):
        path = urllib.parse.urljoin(page, src)
        status, body, headers = session.request(Request("GET", path, headers={"Accept-Encoding": "gzip"}))
        if status != 200:
            raise RuntimeError(f"script {path} answered {status}")
        sizes[src] = len(body) if headers.get("Content-Encoding") == "gzip" else gzip_size(body)
    return sum(sizes.values()), sizes


def median_ms(samples: list[float]) -> float:
    return round(1000 * statistics.median(samples), 1)
