#!/usr/bin/env bash
# Lighthouse scores for the map, an audit form and a results page, served the way production
# serves them (gunicorn, DEBUG off, hashed and compressed static files) but over plain HTTP on
# 127.0.0.1, with a throwaway database. Prints the four category scores for each page and,
# for a score below its target, the audits that failed.
#
#   scripts/lighthouse.sh       (LIGHTHOUSE_PORT=<port> to pick one, CHROME_PATH=/usr/bin/chromium)
#
# Targets: accessibility and best practices 100, performance and SEO at least 95.
# Reports (JSON) are kept in test-artifacts/lighthouse/<timestamp>/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
LH_VERSION=12.2.3
LH_DIR="$ROOT/.tools/lighthouse"
LH="$LH_DIR/node_modules/.bin/lighthouse"
PY="$ROOT/.venv/bin/python"
GUNICORN="$ROOT/.venv/bin/gunicorn"
# A free port unless one is given: other servers may be running on this machine.
PORT=${LIGHTHOUSE_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BASE="http://127.0.0.1:$PORT"
OUT="$ROOT/test-artifacts/lighthouse/$(date +%Y%m%d-%H%M%S)"
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

die() { echo "lighthouse.sh: $*" >&2; exit 1; }
[ -x "$PY" ] || die "no .venv: run 'make test' (or uv sync) first"
[ -x "$CHROME_PATH" ] || die "no Chromium at $CHROME_PATH (apt-get install chromium)"
command -v npm >/dev/null || die "npm is missing (apt-get install npm)"

# Exactly the pinned version, into a git-ignored folder; never a browser download.
installed=$(node -p "require('$LH_DIR/node_modules/lighthouse/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$LH_VERSION" ]; then
  npm install --prefix "$LH_DIR" --no-audit --no-fund --save-exact "lighthouse@$LH_VERSION" >/dev/null
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Production-like: DEBUG off, the manifest storage, no SSL redirect (production would force
# one, and this is plain HTTP on the loopback).
export DJANGO_ENV=development DEBUG=false DATA_DIR="$work/data" STATIC_ROOT="$work/static"
export ALLOWED_HOSTS=127.0.0.1 MAIL_BACKEND=console RATE_LIMIT_ENABLED=false LOG_LEVEL=WARNING
unset DATABASE_URL REDIS_URL
"$PY" manage.py migrate --noinput --verbosity 0
"$PY" manage.py seed --verbosity 0 >/dev/null
"$PY" manage.py collectstatic --noinput --verbosity 0

# A visitor's session holding two audits: one half rated (the form), one complete (results).
made=$("$PY" manage.py shell --verbosity 0 --no-imports -c '
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from audits import accounts
from audits.models import Audit, Rating
from skillmap.models import Skill, Track
from skillmap.guide import current_guide
guide = current_guide()
ratings = {"python-and-pytorch": 4, "deep-learning-and-transformers": 3, "reading-papers": 2,
           "career-and-communication": 5, "math-you-actually-need": 3}
skills = {s.slug: s for s in Skill.objects.all()}
track = Track.objects.get(slug="research-scientist")
form = Audit.objects.create(track=track)
for slug in list(ratings)[:2]:
    Rating.objects.create(audit=form, skill=skills[slug], value=ratings[slug])
done = Audit.objects.create(track=track)
for slug, value in ratings.items():
    Rating.objects.create(audit=done, skill=skills[slug], value=value)
done.complete(guide)
session = SessionStore()
session[accounts.SESSION_AUDITS] = [str(form.public_id), str(done.public_id)]
session.create()
print(form.get_absolute_url(), done.get_absolute_url() + "results/",
      f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
')
read -r FORM_PATH RESULTS_PATH SESSION_COOKIE <<<"$(tail -n 1 <<<"$made")"
[ -n "$SESSION_COOKIE" ] || die "could not create the audits and their session"

mkdir -p "$OUT"
WEB_CONCURRENCY=2 "$GUNICORN" --config gunicorn.conf.py --bind "127.0.0.1:$PORT" \
  --access-logfile /dev/null >"$OUT/gunicorn.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$OUT/gunicorn.log" >&2; die "gunicorn did not start"; }
  sleep 0.2
done
curl -fsS -o /dev/null "$BASE/healthz" || die "gunicorn is not answering on $BASE"
kill -0 "$server_pid" 2>/dev/null || { cat "$OUT/gunicorn.log" >&2; die "gunicorn exited (is port $PORT taken?)"; }

run() {  # name path [cookie]
  local name=$1 path=$2 cookie=${3:-}
  local extra=()
  [ -n "$cookie" ] && extra=(--extra-headers "{\"Cookie\": \"$cookie\"}")
  # Lighthouse now and then loses its trace (NO_NAVSTART); that says nothing of the page, so
  # one more try is allowed before giving up.
  local attempt
  for attempt in 1 2; do
    "$LH" "$BASE$path" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking" \
      --only-categories=performance,accessibility,best-practices,seo \
      --output=json --output-path="$OUT/$name.json" --quiet "${extra[@]}" && break
    [ "$attempt" = 2 ] && die "lighthouse failed on $path"
  done
}
run map /
run audit-form "$FORM_PATH" "$SESSION_COOKIE"
run results "$RESULTS_PATH" "$SESSION_COOKIE"

node - "$OUT" map audit-form results <<'EOF'
const fs = require("fs");
const [dir, ...names] = process.argv.slice(2);
const targets = {performance: 95, accessibility: 100, "best-practices": 100, seo: 95};
let short = 0;
for (const name of names) {
  const report = JSON.parse(fs.readFileSync(`${dir}/${name}.json`, "utf8"));
  if (report.runtimeError) console.log(`${name}: runtime error ${report.runtimeError.code}`);
  const scores = Object.entries(targets).map(([id, target]) => {
    const category = report.categories[id];
    const score = Math.round((category.score ?? 0) * 100);
    return {id, target, score, category};
  });
  console.log(`${name.padEnd(11)} ${report.finalDisplayedUrl}`);
  console.log("  " + scores.map(s => `${s.id} ${s.score}`).join("  "));
  for (const s of scores.filter(s => s.score < s.target)) {
    short += 1;
    console.log(`  ${s.id} ${s.score} is below ${s.target}; failing audits:`);
    for (const ref of s.category.auditRefs) {
      const audit = report.audits[ref.id];
      const failing = audit.score !== null && audit.score < 1 &&
        !["notApplicable", "informative", "manual"].includes(audit.scoreDisplayMode);
      if (!failing || (ref.weight === 0 && s.id !== "performance")) continue;
      const value = audit.displayValue ? ` (${audit.displayValue})` : "";
      console.log(`    - ${audit.id}: ${audit.title}${value} [weight ${ref.weight}]`);
      for (const item of (audit.details?.items ?? []).slice(0, 5)) {
        const where = item.node?.selector || item.url || item.source?.url || item.description || "";
        const what = item.node?.snippet || item.node?.explanation || "";
        if (where || what) console.log(`        ${where} ${what}`.slice(0, 240));
      }
    }
  }
}
console.log(`\nreports: ${dir}`);
process.exitCode = short ? 1 : 0;
EOF
