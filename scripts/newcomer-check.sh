#!/usr/bin/env bash
# The newcomer test: run the README's first command (`make run`) the way a new user would — in the background, on
# its SQLite default — wait for /readyz, sign in as `noegle`, build last quarter's quality-team report for
# Ortopædkirurgisk Afdeling through the command line, check its PDF text, and stop the server.
# Run by .ci/run in a fresh clone; works in a scratch copy so the clone's own files stay untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${NEWCOMER_PORT:-8000}"
work="$(mktemp -d)"
log="$work/make-run.log"
git ls-files -z | xargs -0 -I{} cp --parents {} "$work"   # only what a fresh clone has
ln -s "$PWD/.venv" "$work/.venv"                          # reuse the installed environment (same lock file)
cd "$work"
sed -i "s/runserver 127.0.0.1:8000/runserver 127.0.0.1:$PORT/" Makefile

fail() { echo "newcomer check FAILED: $*" >&2; tail -n 40 "$log" >&2 || true; exit 1; }

setsid make run >"$log" 2>&1 &
server=$!
trap 'kill -- -"$server" 2>/dev/null || true; rm -rf "$work"' EXIT

for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || fail "make run stopped before the app answered"
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null || fail "/readyz never answered"

jar="$work/cookies"
curl -fsS -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/login/" -o /dev/null
token="$(awk '$6 == "csrftoken" {print $7}' "$jar")"
status="$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -e "http://127.0.0.1:$PORT/login/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode username=noegle --data-urlencode password=demo \
  "http://127.0.0.1:$PORT/login/")"
[ "$status" = 302 ] || fail "signing in as noegle answered $status, not a redirect"
curl -fsS -b "$jar" "http://127.0.0.1:$PORT/" | grep -q "Ortopædkirurgisk Afdeling" || fail "noegle's start page"

period="$(DEBUG=true .venv/bin/python -c 'import datetime as d; t=d.date.today(); q=(t.month-1)//3; y=t.year-(q==0); print(f"{y}Q{q or 4}")')"
DEBUG=true .venv/bin/python manage.py build_reports --kind quality-team --period "$period" --department ORT --rebuild \
  || fail "build_reports failed"
# `make run` already built last quarter's reports (seed_demo --reports): read the one this check built.
pdf="$(find media/reports -name "kvalitetsteam-ort-$period.pdf" -newer "$jar" | head -n 1)"
[ -n "$pdf" ] || fail "no PDF was written"
text="$(pdftotext "$pdf" -)"
grep -q "Ortopædkirurgisk Afdeling" <<<"$text" || fail "the PDF does not name the department"
grep -qi "kvalitetsteam" <<<"$text" || fail "the PDF is not a quality-team report"
echo "newcomer check passed: make run served /readyz, noegle signed in, $period report built ($(wc -w <<<"$text") words)"
