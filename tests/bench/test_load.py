"""The load generator against a tiny local HTTP server (no Django, no gunicorn): login, counting, JS bytes."""

import gzip
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load

SCRIPT = b"function f(){return 1}\n" * 200


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn
    posts: list = []

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def logged_in(self):
        return "sessionid=abc" in (self.headers.get("Cookie") or "")

    def do_GET(self):
        if self.path == "/login/":
            page = b'<form><input type="hidden" name="csrfmiddlewaretoken" value="tok123"></form>'
            return self.send(200, page, [("Set-Cookie", "csrftoken=c00kie; Path=/")])
        if self.path == "/page":
            return self.send(200 if self.logged_in() else 302, b"ok")
        if self.path == "/dashboard":
            html = b'<script src="/static/a.js"></script><script defer src="/static/b.js"></script><script src="/static/a.js"></script>'
            return self.send(200, html)
        if self.path == "/static/a.js":
            return self.send(200, gzip.compress(SCRIPT), [("Content-Encoding", "gzip")])
        if self.path == "/static/b.js":
            return self.send(200, SCRIPT)
        return self.send(404)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        fields = dict(urllib.parse.parse_qsl(body.decode()))
        if self.path == "/login/":
            ok = fields == {"csrfmiddlewaretoken": "tok123", "username": "noegle", "password": "demo"}
            ok = ok and "csrftoken=c00kie" in self.headers.get("Cookie", "")
            return self.send(302, b"", [("Set-Cookie", "sessionid=abc; HttpOnly; Path=/")] if ok else [])
        Handler.posts.append(fields)
        return self.send(200 if self.logged_in() and fields.get("csrfmiddlewaretoken") == "c00kie" else 403)


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.posts = []
    yield httpd.server_address
    httpd.shutdown()
    httpd.server_close()


def test_login_goes_through_the_form_with_the_csrf_cookie_and_token(server):
    session = load.login(*server, "noegle", "demo")
    assert session.cookies["sessionid"] == "abc"
    assert session.csrf_token == "c00kie"


def test_login_with_a_wrong_password_raises(server):
    with pytest.raises(RuntimeError, match="login as noegle failed"):
        load.login(*server, "noegle", "forkert")


def test_measure_counts_only_successful_answers_inside_the_window(server):
    session = load.login(*server, "noegle", "demo")
    result = load.measure(session, lambda _c, _n: load.Request("GET", "/page"), clients=3, seconds=0.5, warmup=0.1)
    assert result.requests > 10 and result.errors == 0
    assert result.rps == pytest.approx(result.requests / 0.5)
    assert 0 < result.percentile_ms(0.5) <= result.percentile_ms(0.95)

    anonymous = load.Session(*server)
    failed = load.measure(anonymous, lambda _c, _n: load.Request("GET", "/page"), clients=2, seconds=0.3, warmup=0)
    assert failed.requests == 0 and failed.errors > 0
    assert "302" in failed.first_error


def test_posts_carry_the_csrf_token_and_their_request_number(server):
    session = load.login(*server, "noegle", "demo")

    def save(client, n):
        return load.form_post("/save", {"client": str(client), "n": str(n)}, csrf=session.csrf_token, expect=(200,))

    result = load.measure(session, save, clients=2, seconds=0.3, warmup=0, offset=1000)
    assert result.errors == 0 and result.requests > 0
    numbers = {(p["client"], int(p["n"])) for p in Handler.posts}
    assert len(numbers) == len(Handler.posts)  # no request number repeats for a client
    assert min(n for _c, n in numbers) == 1000
    assert result.next_offset == max(n for _c, n in numbers) + 1


def test_interleaved_runs_every_scenario_in_each_round(server):
    session = load.login(*server, "noegle", "demo")
    page = load.Scenario("page", session, lambda _c, _n: load.Request("GET", "/page"))
    missing = load.Scenario("missing", session, lambda _c, _n: load.Request("GET", "/nowhere"))
    seen = []
    results = load.interleaved([page, missing], clients=2, seconds=0.4, rounds=2, warmup=0, progress=seen.append)
    assert [line.split()[2] for line in seen] == ["page:", "missing:", "page:", "missing:"]
    assert results["page"].seconds == pytest.approx(0.4)
    assert results["page"].requests > 0 and results["missing"].requests == 0


def test_script_sources_finds_each_script_once():
    html = b'<script src="/s/a.js?v=1&amp;x=2"></script><SCRIPT type="module" src="/s/b.js"></SCRIPT><script>1</script>'
    assert load.script_sources(html) == ["/s/a.js?v=1&x=2", "/s/b.js"]


def test_js_first_load_bytes_counts_gzip_as_sent_and_gzips_the_rest(server):
    session = load.Session(*server)
    total, files = load.js_first_load_bytes(session, "/dashboard")
    assert set(files) == {"/static/a.js", "/static/b.js"}
    assert files["/static/a.js"] == len(gzip.compress(SCRIPT))
    assert files["/static/b.js"] == load.gzip_size(SCRIPT) < len(SCRIPT)
    assert total == sum(files.values())
