#!/usr/bin/env bash
# Grade the app's HTTP security headers with the MDN HTTP Observatory, run locally.
#
# The app is served as in production: gunicorn, DJANGO_ENV=production, collected static files,
# TLS with a throwaway self-signed certificate for "localhost" on 127.0.0.1:443, and a second
# gunicorn on 127.0.0.1:80 (no TLS) whose only job is the production http->https redirect.
# The scanner's command line takes a host name only and always connects to ports 443 and 80,
# so those are the ports used (binding them needs root, or CAP_NET_BIND_SERVICE).
#
# The certificate is trusted through NODE_EXTRA_CA_CERTS rather than by switching verification
# off: the scanner marks an unverified certificate as a failed HSTS and redirection test.
#
# Exits non-zero unless the grade is A+. Usage: scripts/observatory.sh  (or: make observatory)
set -euo pipefail

OBSERVATORY_VERSION=1.4.8
HOST=localhost
HTTPS_BIND=127.0.0.1:443
HTTP_BIND=127.0.0.1:80

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/.tools/observatory"
PACKAGE="$TOOLS/node_modules/@mdn/mdn-http-observatory"
PY="$ROOT/.venv/bin/python"
GUNICORN="$ROOT/.venv/bin/gunicorn"

die() {
  echo "observatory: $*" >&2
  exit 2
}

[[ -x "$PY" && -x "$GUNICORN" ]] || die "no .venv: run 'make test' or 'uv sync' first"
command -v node >/dev/null || die "node is not installed (apt-get install nodejs npm)"
command -v openssl >/dev/null || die "openssl is not installed"
command -v curl >/dev/null || die "curl is not installed"

install_scanner() {
  local installed=""
  if [[ -f "$PACKAGE/package.json" ]]; then
    installed=$(node -p "require('$PACKAGE/package.json').version")
  fi
  if [[ "$installed" != "$OBSERVATORY_VERSION" ]]; then
    echo "observatory: installing @mdn/mdn-http-observatory@$OBSERVATORY_VERSION into $TOOLS"
    # --ignore-scripts: the install hooks download the HSTS preload list, a TLD list and a CA
    # bundle from outside the package registry; a local scan of "localhost" needs none of them.
    npm install --prefix "$TOOLS" --ignore-scripts --no-audit --no-fund --loglevel=error \
      "@mdn/mdn-http-observatory@$OBSERVATORY_VERSION"
  fi
  # The HSTS test looks the host up in Chromium's preload list; localhost is never on it.
  if [[ ! -f "$PACKAGE/conf/hsts-preload.json" ]]; then
    echo '{}' >"$PACKAGE/conf/hsts-preload.json"
  fi
}

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for() {
  local url=$1 log=$2
  for _ in $(seq 1 100); do
    if curl --silent --output /dev/null --cacert "$WORK/cert.pem" "$url"; then
      return 0
    fi
    sleep 0.2
  done
  cat "$log" >&2
  die "the server behind $url did not start"
}

install_scanner

for bind in "$HTTPS_BIND" "$HTTP_BIND"; do
  port_is_free "${bind##*:}" || die "port ${bind##*:} is in use; stop whatever listens there"
done

echo "observatory: a self-signed certificate for $HOST"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HOST" \
  -addext "subjectAltName=DNS:$HOST" \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

# Production settings, on a fresh SQLite database and static root of their own.
export DJANGO_ENV=production
export DJANGO_SETTINGS_MODULE=config.settings
export ALLOWED_HOSTS="$HOST"
export DATA_DIR="$WORK/data"
export STATIC_ROOT="$WORK/static"
export WEB_CONCURRENCY=2
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
export SECRET_KEY
unset DATABASE_URL REDIS_URL DEBUG SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS BEHIND_TLS_PROXY

echo "observatory: migrate, seed, collectstatic"
(
  cd "$ROOT"
  "$PY" manage.py migrate --noinput --verbosity 0
  "$PY" manage.py seed --verbosity 0
  "$PY" manage.py collectstatic --noinput --verbosity 0
)

echo "observatory: gunicorn on https://$HTTPS_BIND and http://$HTTP_BIND"
(cd "$ROOT" && exec "$GUNICORN" --config gunicorn.conf.py --bind "$HTTPS_BIND" \
  --certfile "$WORK/cert.pem" --keyfile "$WORK/key.pem") >"$WORK/https.log" 2>&1 &
PIDS+=($!)
(cd "$ROOT" && exec "$GUNICORN" --config gunicorn.conf.py --bind "$HTTP_BIND") \
  >"$WORK/http.log" 2>&1 &
PIDS+=($!)
wait_for "https://$HOST/healthz" "$WORK/https.log"
wait_for "http://$HOST/healthz" "$WORK/http.log"

echo "observatory: scanning $HOST"
# src/scan.js directly: the package's bin wrapper replaces NODE_EXTRA_CA_CERTS with a bundle
# that --ignore-scripts never downloaded.
NODE_EXTRA_CA_CERTS="$WORK/cert.pem" node "$PACKAGE/src/scan.js" "$HOST" >"$WORK/scan.json" || {
  cat "$WORK/scan.json" >&2
  die "the scan failed"
}

# The scanner reads only "/", which sets no cookie; the login page sets the CSRF cookie.
curl --silent --cacert "$WORK/cert.pem" --dump-header "$WORK/login.headers" --output /dev/null \
  "https://$HOST/account/login/"

"$PY" - "$WORK/scan.json" "$WORK/login.headers" <<'PYTHON'
import json
import sys

with open(sys.argv[1]) as f:
    report = json.load(f)
with open(sys.argv[2]) as f:
    cookies = [line.split(":", 1)[1].strip() for line in f if line.lower().startswith("set-cookie:")]
if report.get("error"):
    sys.exit(f"observatory: the scan failed: {report['error']}")
scan, tests = report["scan"], report["tests"]
print(f"\nGrade {scan['grade']}, score {scan['score']}/100 "
      f"({scan['testsPassed']} of {scan['testsQuantity']} tests passed, "
      f"HTTP {scan['statusCode']})\n")
width = max(len(name) for name in tests)
for name, test in sorted(tests.items()):
    mark = "pass" if test["pass"] else "FAIL"
    print(f"  {mark}  {name:<{width}}  {test['scoreModifier']:+4d}  {test['result']}")
failing = [name for name, test in tests.items() if not test["pass"]]
if failing:
    print("\nFailing:", ", ".join(failing))
    for name in failing:
        print(f"  {name}: {json.dumps(tests[name], indent=None)}")
print("\nCookies set by /account/login/:")
bad_cookies = []
for cookie in cookies:
    attributes = {a.strip().split("=")[0].lower(): a.strip() for a in cookie.split(";")[1:]}
    good = (
        cookie.startswith("__Host-")
        and "secure" in attributes
        and attributes.get("samesite", "").lower() == "samesite=lax"
        and attributes.get("path") == "Path=/"
        and "domain" not in attributes
    )
    print(f"  {'pass' if good else 'FAIL'}  {cookie.split('=')[0]}: {'; '.join(attributes.values())}")
    if not good:
        bad_cookies.append(cookie)
if not cookies:
    print("  FAIL  no CSRF cookie on the login page")
if scan["grade"] != "A+":
    sys.exit(f"\nobservatory: grade {scan['grade']} is below A+")
if bad_cookies or not cookies:
    sys.exit("\nobservatory: cookies must be __Host-, Secure, SameSite=Lax, Path=/")
PYTHON
