"""Load-test Skills Map the way it runs in production, and say how each page compares.

`make bench` (or `.venv/bin/python scripts/bench.py --help`). For each database (SQLite in a
temporary DATA_DIR; PostgreSQL too when DATABASE_URL is set, in a database made for the run and
dropped after) and each dataset ("big": the seeded map plus `synthesize`d users and audits;
"fresh": the map plus the bench user's two audits), it:

1. migrates, seeds and synthesizes;
2. counts SQL queries per request in-process (django.test.Client + CaptureQueriesContext);
3. starts gunicorn (production settings, DEBUG off, 2 × cores + 1 sync workers), logs in as
   the bench user, and drives each page with wrk from 127.0.0.1 (a warm-up, then a fixed run),
   sampling the workers' resident memory from /proc throughout.

It prints one table per database and writes everything to test-artifacts/bench-<db>.json.
Servers, temporary files and databases are removed on the way out, Ctrl-C included.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPResponse
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "test-artifacts"
BENCH_USERNAME = "bench"
BENCH_PASSWORD = "bench-password-123"
RATED_SKILL = "python-and-pytorch"
TRACK_SLUG = "research-engineer"
RATIO_TARGET = 1.5  # a page on the big database may be at most this much slower than fresh


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str  # may name {in_progress} or {completed}: the bench user's audits
    signed_in: bool = False
    post: bool = False  # an htmx rating save

    def url(self, ids: dict[str, str]) -> str:
        return self.path.format(**ids)


ENDPOINTS = (
    Endpoint("hello (baseline)", "/bench/hello/"),
    Endpoint("home, anonymous", "/"),
    Endpoint("home, signed in", "/", signed_in=True),
    Endpoint("track page", f"/tracks/{TRACK_SLUG}/"),
    Endpoint("audit form GET", "/audits/{in_progress}/", signed_in=True),
    Endpoint("rating save (htmx)", "/audits/{in_progress}/", signed_in=True, post=True),
    Endpoint("results", "/audits/{completed}/results/", signed_in=True),
    Endpoint("history", "/audits/", signed_in=True),
)
BASELINE = ENDPOINTS[0].name


class Stop(Exception):
    """SIGTERM: unwind through every `finally`, as Ctrl-C does."""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], env: dict[str, str], timeout: float) -> str:
    """Run a command to completion within `timeout` seconds; its output, or a clear failure."""
    result = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- Databases ------------------------------------------------------------------------------


@contextlib.contextmanager
def sqlite_database(tmp: Path, name: str) -> Iterator[dict[str, str]]:
    data_dir = tmp / f"sqlite-{name}"
    data_dir.mkdir()
    try:
        yield {"DATA_DIR": str(data_dir), "DATABASE_URL": ""}
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@contextlib.contextmanager
def postgres_database(server_url: str, tmp: Path, name: str) -> Iterator[dict[str, str]]:
    """A database made for this run on DATABASE_URL's server, dropped afterwards."""
    import psycopg

    db_name = f"skillmap_bench_{os.getpid()}_{name}"
    parts = urllib.parse.urlsplit(server_url)
    url = urllib.parse.urlunsplit(parts._replace(path=f"/{db_name}"))
    data_dir = tmp / f"postgres-{name}"
    data_dir.mkdir()
    with psycopg.connect(server_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{db_name}"')
    try:
        yield {"DATA_DIR": str(data_dir), "DATABASE_URL": url}
    finally:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


# --- The server -----------------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; the ppid follows it.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == master:
            pids.append(int(entry.name))
    return pids


def memory_kib(pid: int) -> dict[str, int]:
    out = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


class MemorySampler(threading.Thread):
    """The peak resident set of every gunicorn worker over the server's life."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master = master
        self.peaks: dict[int, int] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.sample()
            self.stopping.wait(0.5)

    def sample(self) -> None:
        for pid in worker_pids(self.master):
            mem = memory_kib(pid)
            peak = max(mem.get("VmHWM", 0), mem.get("VmRSS", 0))
            if peak:
                self.peaks[pid] = max(self.peaks.get(pid, 0), peak)

    def stop(self) -> dict[str, Any]:
        self.sample()
        self.stopping.set()
        self.join(timeout=5)
        peaks = sorted(self.peaks.values())
        return {
            "workers_seen": len(peaks),
            "peak_rss_mib_max": round(peaks[-1] / 1024, 1) if peaks else None,
            "peak_rss_mib_median": round(peaks[len(peaks) // 2] / 1024, 1) if peaks else None,
        }


class Server:
    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port)}
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.sampler: MemorySampler | None = None

    def __enter__(self) -> Server:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> Server:
        with self.log_path.open("wb") as out:
            # Its own session, so Ctrl-C reaches us first and we stop it in order.
            self.proc = subprocess.Popen(
                [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.sampler = MemorySampler(self.proc.pid)
        self.sampler.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_path.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                status, _, _ = request(self.port, "GET", "/healthz")
                if status == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in 60s:\n{self.log_path.read_text()[-3000:]}")

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        self.stop()
        if exc_type is not None and self.log_path.exists():
            # The run failed: keep the server's log (tracebacks of any 500) for a look.
            kept = ARTIFACTS / f"bench-{self.log_path.stem}.log"
            shutil.copyfile(self.log_path, kept)
            log(f"gunicorn's log kept in {kept.relative_to(ROOT)}")

    def stop(self) -> dict[str, Any]:
        memory = self.sampler.stop() if self.sampler else {}
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.sampler = None
        return memory

    def statuses(self) -> dict[str, int]:
        """Responses by status code, from gunicorn's access log."""
        pattern = re.compile(rb'" (\d{3}) ')
        counts: Counter[str] = Counter()
        with self.log_path.open("rb") as lines:
            for line in lines:
                if match := pattern.search(line):
                    counts[match.group(1).decode()] += 1
        return dict(sorted(counts.items()))


def request(
    port: int, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    conn = HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body.encode() or None, headers=headers or {})
        response: HTTPResponse = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def cookies_from(headers: list[tuple[str, str]], jar: dict[str, str]) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            for key, morsel in SimpleCookie(value).items():
                jar[key] = morsel.value


def log_in(port: int) -> dict[str, str]:
    """Sign in as the bench user; the cookie jar (session and CSRF cookies)."""
    jar: dict[str, str] = {}
    status, headers, html = request(port, "GET", "/account/login/")
    cookies_from(headers, jar)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if status != 200 or not match:
        raise RuntimeError(f"login page: status {status}, no CSRF token")
    form = urllib.parse.urlencode(
        {
            "username": BENCH_USERNAME,
            "password": BENCH_PASSWORD,
            "csrfmiddlewaretoken": match.group(1).decode(),
        }
    )
    status, headers, _ = request(
        port,
        "POST",
        "/account/login/",
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(jar),
        },
    )
    cookies_from(headers, jar)  # a new session, and CSRF rotates on login
    if status != 302 or not any("sessionid" in name for name in jar):
        raise RuntimeError(f"login as {BENCH_USERNAME!r} failed: status {status}")
    return jar


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def request_headers(endpoint: Endpoint, jar: dict[str, str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    if endpoint.signed_in:
        headers["Cookie"] = cookie_header(jar)
    if endpoint.post:
        csrf = next(v for k, v in jar.items() if k.endswith("csrftoken"))
        headers.update(
            {
                "X-CSRFToken": csrf,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            }
        )
    return headers


# --- wrk ------------------------------------------------------------------------------------

WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"mean_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), math.floor(latency.mean), latency.max))
end
"""


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_script(endpoint: Endpoint, headers: dict[str, str]) -> str:
    lines = [f"wrk.method = {lua_string('POST' if endpoint.post else 'GET')}"]
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()]
    if endpoint.post:
        # Each save changes the rating (1..5 in turn), as a person clicking along would.
        lines += [
            "local n = 0",
            "request = function()",
            "  n = n % 5 + 1",
            f"  return wrk.format(nil, nil, nil, {lua_string(f'rating-{RATED_SKILL}=')} .. n)",
            "end",
        ]
    return "\n".join(lines) + "\n" + WRK_DONE


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk is missing; installing Debian's package")
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, timeout=300)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("bench: wrk is needed (Debian: apt-get install wrk)")
    return found


def drive(
    wrk: str, url: str, script: Path, seconds: int, connections: int, threads: int
) -> dict[str, Any]:
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if done.returncode or line is None:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    return dict(json.loads(line.removeprefix("BENCHJSON ")))


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One page's rounds as one result: throughput over all of them, the median round's p50
    and p90, and the worst round's p99 and maximum (a p99 cannot be averaged)."""
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["duration_us"] for r in runs) / 1e6
    socket_errors = sum(r["connect"] + r["read"] + r["write"] + r["timeout"] for r in runs)
    status_errors = sum(r["status"] for r in runs)  # wrk counts responses with status >= 400
    return {
        "requests": requests,
        "rps": round(requests / seconds, 1),
        "p50_ms": round(statistics.median(r["p50_us"] for r in runs) / 1000, 2),
        "p90_ms": round(statistics.median(r["p90_us"] for r in runs) / 1000, 2),
        "p99_ms": round(max(r["p99_us"] for r in runs) / 1000, 2),
        "max_ms": round(max(r["max_us"] for r in runs) / 1000, 2),
        "socket_errors": socket_errors,
        "status_errors": status_errors,
        "errors": socket_errors + status_errors,
        "rounds": runs,
    }


# --- One dataset ----------------------------------------------------------------------------


@dataclass
class Options:
    users: int
    audits: int
    seed: int
    duration: int
    warmup: int
    rounds: int
    fresh_bench_audits: int
    connections: int
    threads: int
    workers: int


def base_env(tmp: Path) -> dict[str, str]:
    """Production mode as deployed (DEBUG off, hashed static files), over plain HTTP locally."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.bench_settings",
            "DJANGO_ENV": "production",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",  # wrk speaks plain HTTP on the loopback
            "STATIC_ROOT": str(tmp / "static"),
            "LOG_LEVEL": "WARNING",
            "MAIL_BACKEND": "console",
            "REDIS_URL": "",
        }
    )
    return env


def prepare(env: dict[str, str], opts: Options, big: bool) -> dict[str, Any]:
    manage = [sys.executable, "manage.py"]
    started = time.perf_counter()
    run([*manage, "migrate", "--noinput", "-v0"], env, timeout=300)
    run([*manage, "seed"], env, timeout=120)
    if big:
        sizes = ["--users", str(opts.users), "--audits", str(opts.audits)]
    else:  # the map and the bench user's two audits, nothing else
        sizes = ["--users", "0", "--audits", "0", "--bench-audits", str(opts.fresh_bench_audits)]
    out = run([*manage, "synthesize", "--seed", str(opts.seed), *sizes], env, timeout=1200)
    log(out.strip())
    return {"prepare_seconds": round(time.perf_counter() - started, 1), "synthesize": out.strip()}


def measure(
    kind: str, envs: dict[str, dict[str, str]], opts: Options, wrk: str, tmp: Path
) -> dict[str, dict[str, Any]]:
    """Every page on every dataset's server. The servers run side by side and each page is
    driven on one right after the other, so a change in the machine's background load (this
    machine is shared) falls on both sides of the big-vs-fresh comparison alike."""
    probes = {
        name: json.loads(run([sys.executable, __file__, "--probe"], env, timeout=300))
        for name, env in envs.items()
    }
    results: dict[str, dict[str, Any]] = {
        name: {"ids": probes[name]["ids"], "endpoints": {}} for name in envs
    }
    with contextlib.ExitStack() as stack:
        servers = {
            name: stack.enter_context(
                Server(
                    {**env, "WEB_CONCURRENCY": str(opts.workers), "GUNICORN_MAX_REQUESTS": "0"},
                    tmp / f"gunicorn-{kind}-{name}.log",
                )
            )
            for name, env in envs.items()
        }
        jars = {name: log_in(server.port) for name, server in servers.items()}
        names = list(servers)
        seconds = max(1, round(opts.duration / opts.rounds))
        for endpoint in ENDPOINTS:
            pages = {}
            for name, server in servers.items():
                url = endpoint.url(results[name]["ids"])
                headers = request_headers(endpoint, jars[name])
                method, body = ("POST", f"rating-{RATED_SKILL}=3") if endpoint.post else ("GET", "")
                status, _, html = request(server.port, method, url, body, headers)
                if status != 200:
                    raise RuntimeError(f"{name}: {endpoint.name}: {url} answered {status}")
                script = tmp / f"wrk-{name}.lua"
                script.write_text(wrk_script(endpoint, headers))
                pages[name] = (f"http://127.0.0.1:{server.port}{url}", script, html)
                results[name]["endpoints"][endpoint.name] = {
                    "method": method,
                    "path": url,
                    "signed_in": endpoint.signed_in,
                    "html_bytes": len(html),
                    "html_gzip_bytes": len(gzip.compress(html, compresslevel=6)),
                    "queries": probes[name]["queries"][endpoint.name],
                    "sql": probes[name]["sql"][endpoint.name],
                }
            log(f"{endpoint.name}: {' / '.join(p[0] for p in pages.values())}")
            for target, script, _ in pages.values():
                if opts.warmup:
                    drive(wrk, target, script, opts.warmup, opts.connections, opts.threads)
            # ABBA: each dataset runs early and late in turn, so drift in the background load
            # does not favour one of them.
            runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
            for index in range(opts.rounds):
                for name in names if index % 2 == 0 else reversed(names):
                    target, script, _ = pages[name]
                    runs[name].append(
                        drive(wrk, target, script, seconds, opts.connections, opts.threads)
                    )
            for name in names:
                results[name]["endpoints"][endpoint.name].update(combine(runs[name]))
        for name, server in servers.items():
            results[name]["memory"] = server.stop()
            results[name]["statuses"] = server.statuses()
    for result in results.values():
        base_rps = result["endpoints"][BASELINE]["rps"]
        for stats in result["endpoints"].values():
            stats["x_baseline"] = round(stats["rps"] / base_rps, 3) if base_rps else None
    return results


def bench_database(kind: str, opts: Options, wrk: str, tmp: Path, fresh: bool) -> dict[str, Any]:
    env = base_env(tmp)
    version = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False).stdout
    report: dict[str, Any] = {
        "database": kind,
        "options": vars(opts),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "wrk": version.split("\n")[0],
            "load_average_before": os.getloadavg(),
        },
    }
    if not (tmp / "static").exists():
        run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env, timeout=300)
    server_url = os.environ.get("DATABASE_URL", "")
    with contextlib.ExitStack() as stack:
        envs = {}
        for name in ["big", "fresh"] if fresh else ["big"]:
            database = (
                postgres_database(server_url, tmp, name)
                if kind == "postgres"
                else sqlite_database(tmp, name)
            )
            envs[name] = {**env, **stack.enter_context(database)}
            log(f"{kind}/{name}: migrate, seed, synthesize")
            report[name] = prepare(envs[name], opts, big=name == "big")
        for name, result in measure(kind, envs, opts, wrk, tmp).items():
            report[name].update(result)
    if fresh:
        big, small = report["big"]["endpoints"], report["fresh"]["endpoints"]
        report["p50_big_over_fresh"] = {
            name: round(stats["p50_ms"] / small[name]["p50_ms"], 2)
            for name, stats in big.items()
            if small[name]["p50_ms"]
        }
    report["machine"]["load_average_after"] = os.getloadavg()
    return report


# --- Report ---------------------------------------------------------------------------------


def table(report: dict[str, Any]) -> str:
    big = report["big"]
    opts = report["options"]
    ratios = report.get("p50_big_over_fresh", {})
    head = (
        f"{report['database']}: {opts['users']:,} users, {opts['audits']:,} audits; "
        f"gunicorn {opts['workers']} sync workers; wrk {opts['connections']} connections, "
        f"{opts['threads']} threads, {opts['duration']}s in {opts['rounds']} rounds after "
        f"{opts['warmup']}s warm-up; "
        f"load average {report['machine']['load_average_before'][0]:.1f} at start"
    )
    columns = (
        f"{'endpoint':<20} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'×hello':>7} {'queries':>7} {'bytes':>7} {'gzip':>6}"
    )
    if ratios:
        columns += f" {'fresh p50':>9} {'big/fresh':>9}"
    lines = [head, columns, "-" * len(columns)]
    for name, s in big["endpoints"].items():
        line = (
            f"{name:<20} {s['rps']:>8.1f} {s['p50_ms']:>8.2f} {s['p99_ms']:>8.2f} "
            f"{s['errors']:>7} {s['x_baseline']:>7.2f} {s['queries']:>7} "
            f"{s['html_bytes']:>7} {s['html_gzip_bytes']:>6}"
        )
        if ratios:
            fresh_p50 = report["fresh"]["endpoints"][name]["p50_ms"]
            ratio = ratios.get(name)
            mark = "" if ratio is None else (" ok" if ratio <= RATIO_TARGET else " SLOW")
            line += f" {fresh_p50:>9.2f} {ratio if ratio is not None else '-':>9}{mark}"
        lines.append(line)
    memory = big["memory"]
    lines.append(
        f"peak RSS per worker: {memory['peak_rss_mib_max']} MiB max, "
        f"{memory['peak_rss_mib_median']} MiB median, over {memory['workers_seen']} workers"
    )
    lines.append(f"responses by status (access log): {big['statuses']}")
    if ratios:
        lines.append(
            "big/fresh = p50 on the big database ÷ p50 on a fresh one (target ≤ 1.5); "
            "the hello row's shows the measurement noise"
        )
    return "\n".join(lines)


# --- In-process query counts ----------------------------------------------------------------


def probe() -> None:
    """Inside Django, against the same database and settings: ids and queries per request."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from audits.models import Audit

    user = get_user_model().objects.get(username=BENCH_USERNAME)
    mine = Audit.objects.filter(owner=user).order_by("-created_at")
    in_progress = mine.filter(completed_at__isnull=True).first()
    completed = mine.filter(completed_at__isnull=False).first()
    assert in_progress is not None and completed is not None, "synthesize makes one of each"
    ids = {"in_progress": str(in_progress.public_id), "completed": str(completed.public_id)}

    anonymous = Client(HTTP_HOST="127.0.0.1")
    signed_in = Client(HTTP_HOST="127.0.0.1")
    signed_in.force_login(user)
    queries: dict[str, int] = {}
    sql: dict[str, list[str]] = {}
    for endpoint in ENDPOINTS:
        client = signed_in if endpoint.signed_in else anonymous
        url = endpoint.url(ids)

        def hit(client: Client = client, url: str = url, post: bool = endpoint.post) -> int:
            if post:
                response = client.post(
                    url, {f"rating-{RATED_SKILL}": "4"}, headers={"HX-Request": "true"}
                )
            else:
                response = client.get(url)
            return response.status_code

        hit()  # the first request in a process builds the map; count a warm one, as served
        with CaptureQueriesContext(connection) as captured:
            status = hit()
        assert status == 200, f"{endpoint.name}: {status}"
        queries[endpoint.name] = len(captured.captured_queries)
        sql[endpoint.name] = [q["sql"][:300] for q in captured.captured_queries]
    print(json.dumps({"ids": ids, "queries": queries, "sql": sql}))


# --- Main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--audits", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds per page, discarded")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="split --duration into this many runs per page, alternating big and fresh",
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument(
        "--databases",
        default="sqlite,postgres" if os.environ.get("DATABASE_URL") else "sqlite",
        help="comma-separated: sqlite, postgres (needs DATABASE_URL)",
    )
    parser.add_argument(
        "--no-fresh", action="store_true", help="skip the comparison with a fresh database"
    )
    parser.add_argument(
        "--fresh-bench-audits",
        type=int,
        default=50,
        help="the bench user's audits on the fresh database (the default matches the big "
        "one's, so a page shows the same rows on both and only the database size differs)",
    )
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe()
        return 0

    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    if not set(kinds) <= {"sqlite", "postgres"}:
        parser.error("--databases takes sqlite and/or postgres")
    if "postgres" in kinds and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("postgres needs DATABASE_URL=postgres://...")
    opts = Options(
        users=args.users,
        audits=args.audits,
        seed=args.seed,
        duration=args.duration,
        warmup=args.warmup,
        rounds=max(1, args.rounds),
        fresh_bench_audits=max(2, args.fresh_bench_audits),
        connections=args.connections,
        threads=args.threads,
        workers=args.workers,
    )
    wrk = ensure_wrk()

    def on_sigterm(signum: int, frame: object) -> None:
        raise Stop

    signal.signal(signal.SIGTERM, on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in background
    ARTIFACTS.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="skillmap-bench-"))
    tables = []
    try:
        for kind in kinds:
            report = bench_database(kind, opts, wrk, tmp, fresh=not args.no_fresh)
            out = ARTIFACTS / f"bench-{kind}.json"
            out.write_text(json.dumps(report, indent=2) + "\n")
            tables.append(table(report))
            print("\n" + tables[-1] + f"\n(written to {out.relative_to(ROOT)})", flush=True)
    except (KeyboardInterrupt, Stop):
        log("interrupted; cleaning up")
        return 130
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
