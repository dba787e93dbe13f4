"""Load-test Skills Map the way it runs in production, and say how each page compares.

`make bench`, or `.venv/bin/python scripts/bench.py --help` with wrk installed. On SQLite, and
on PostgreSQL too when DATABASE_URL is set, it serves a "big" database (the map plus
`synthesize`d users and audits) and a "fresh" one (the map and the bench user's audits) with
gunicorn under production settings, logs in, and drives each page with wrk from 127.0.0.1.
Databases, servers, log-in and memory come from tests/servers.py, the tests' own harness; the
SQL per page from tests/bench_probe.py. It prints a table per database and writes everything
to test-artifacts/bench-<db>.json, and removes what it made on the way out, Ctrl-C included.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # scripts/ holds plain files; the harness is in the tests package
from tests import servers  # noqa: E402

BENCH_USERNAME = "bench"  # made by tests/synthesize.py
BENCH_PASSWORD = "bench-password-123"  # tests/synthesize.py gives the bench user this
RATED_SKILL = "python-and-pytorch"
TRACK_SLUG = "research-engineer"
RATIO_TARGET = 1.5  # a page on the big database may be at most this much slower than fresh
ENGINES = {"sqlite": "sqlite", "postgres": "postgresql"}  # --databases names: the harness's
# Production as deployed (DEBUG off, hashed static files), over plain HTTP on the loopback.
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "tests.bench_settings",
    "DJANGO_ENV": "production",
    "SECURE_SSL_REDIRECT": "false",  # wrk speaks plain HTTP
    "LOG_LEVEL": "WARNING",
    "MAIL_BACKEND": "console",
}


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str  # may name {form}, {results} or {tick}: the bench user's pages, found by the probe
    signed_in: bool = False
    # An htmx post of this one field, its value going round 1..`values` (or 0..1 for two).
    post: str = ""
    values: int = 5

    @property
    def method(self) -> str:
        return "POST" if self.post else "GET"

    @property
    def first(self) -> int:
        return 0 if self.values == 2 else 1

    @property
    def data(self) -> dict[str, str] | None:
        return {self.post: str(self.first)} if self.post else None


ENDPOINTS = (
    Endpoint("hello (baseline)", "/bench/hello/"),
    # Floors: what every map page and every signed-in page does before its own work.
    Endpoint("floor: revision", "/bench/revision/"),
    Endpoint("floor: signed in", "/bench/signed-in/", signed_in=True),
    Endpoint("home, anonymous", "/"),
    Endpoint("home, signed in", "/", signed_in=True),
    Endpoint("track page", f"/tracks/{TRACK_SLUG}/"),
    Endpoint("audit form GET", "{form}", signed_in=True),
    Endpoint("rating save (htmx)", "{form}", signed_in=True, post=f"rating-{RATED_SKILL}"),
    Endpoint("results", "{results}", signed_in=True),
    Endpoint("plan tick (htmx)", "{tick}", signed_in=True, post="done", values=2),
    Endpoint("history", "/audits/", signed_in=True),
)
BASELINE = ENDPOINTS[0].name


@dataclass
class Options:
    """The command line's numbers (each is a --flag), as recorded in the report."""

    users: int = 10_000
    audits: int = 50_000
    seed: int = 1
    duration: int = field(default=10, metadata={"help": "seconds per page"})
    warmup: int = field(default=3, metadata={"help": "seconds per page, discarded"})
    rounds: int = field(default=2, metadata={"help": "runs per page, big and fresh alternating"})
    # As many as on the big database: a page shows the same rows on both, and only the size of
    # the database differs.
    fresh_bench_audits: int = field(
        default=50, metadata={"help": "the bench user's audits on the fresh database"}
    )
    connections: int = 16
    threads: int = 2
    workers: int = (os.cpu_count() or 1) * 2 + 1


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


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


def wrk_script(endpoint: Endpoint, headers: dict[str, str]) -> str:
    # A JSON string of ASCII text is also a Lua string literal.
    lines = [f"wrk.method = {json.dumps(endpoint.method)}"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    if endpoint.post:
        # Each post changes the value (a rating 1..5, a tick on and off in turn), as a person
        # clicking along would.
        lines += [
            "local n = 0",
            "request = function()",
            f"  n = n % {endpoint.values} + 1",
            f"  return wrk.format(nil, nil, nil, {json.dumps(endpoint.post + '=')} .. "
            f"(n - 1 + {endpoint.first}))",
            "end",
        ]
    return "\n".join(lines) + "\n" + WRK_DONE


def drive(wrk: str, url: str, script: Path, seconds: int, opts: Options) -> dict[str, Any]:
    cmd = [wrk, f"-t{opts.threads}", f"-c{opts.connections}", f"-d{seconds}s", "--timeout", "5s"]
    cmd += ["--latency", "-s", str(script), url]
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


def probe(db: servers.Database) -> dict[str, Any]:
    """tests/bench_probe.py, in Django: the bench user's audit pages and each page's SQL."""
    pages = [{**asdict(e), "data": e.data} for e in ENDPOINTS]
    code = f"from tests.bench_probe import probe; probe({BENCH_USERNAME!r}, {json.dumps(pages)!r})"
    out = servers.manage(db.env, "shell", "--no-imports", "--command", code, timeout=300).stdout
    return dict(json.loads(out.splitlines()[-1]))


@dataclass
class Site:
    """One dataset served, the bench user's browser on it, and the dataset's part of the report."""

    server: servers.Server
    browser: servers.Browser
    probe: dict[str, Any]
    figures: dict[str, Any]


def open_site(kind: str, name: str, opts: Options, tmp: Path, stack: contextlib.ExitStack) -> Site:
    """A database made for this dataset (migrated, seeded, synthesized and probed), served by
    gunicorn with the bench user signed in; all of it kept until `stack` closes."""
    log(f"{kind}/{name}: migrate, seed, synthesize")
    started = time.perf_counter()
    place = tmp / f"{kind}-{name}"
    database = servers.fresh_database(
        place, collect_static=True, kind=ENGINES[kind], env=PRODUCTION
    )
    db = stack.enter_context(database)
    if name == "big":
        sizes = {"users": opts.users, "audits": opts.audits}
    else:  # the map and the bench user's audits, nothing else
        sizes = {"users": 0, "audits": 0, "bench_audits": opts.fresh_bench_audits}
    code = (
        f"from tests.synthesize import synthesize; print(synthesize(seed={opts.seed}, **{sizes}))"
    )
    out = servers.manage(db.env, "shell", "--no-imports", "--command", code, timeout=1200)
    out = out.stdout.strip()
    log(out)
    figures = {"prepare_seconds": round(time.perf_counter() - started, 1), "synthesize": out}
    found = probe(db)
    figures |= {"ids": found["ids"], "endpoints": {}}
    env = {"GUNICORN_MAX_REQUESTS": "0"}  # the same workers throughout, none recycled
    serving = servers.app_server(place, opts.workers, db, start_timeout=60, env=env)
    server = stack.enter_context(serving)
    browser = servers.Browser(server.base_url)
    browser.log_in(BENCH_USERNAME, BENCH_PASSWORD)
    return Site(server, browser, found, figures)


def bench_page(
    endpoint: Endpoint, sites: dict[str, Site], opts: Options, wrk: str, tmp: Path
) -> None:
    """One page on every site: fetched once (it must answer 200), then driven with wrk on one
    site right after the other, so a change in the machine's background load (it is shared)
    falls on both sides of the big-vs-fresh comparison alike."""
    pages = {}
    for name, site in sites.items():
        url = endpoint.path.format(**site.probe["urls"])
        browser = site.browser if endpoint.signed_in else servers.Browser(site.server.base_url)
        headers = browser.headers(form=endpoint.post, htmx=endpoint.post)
        response = browser.request(endpoint.method, url, endpoint.data, headers)
        if response.status != 200:  # gunicorn's log has the traceback of a 500
            raise RuntimeError(
                f"{name}: {endpoint.name}: {url} answered {response.status}\n"
                f"{site.server.errors()[-3000:]}"
            )
        script = tmp / f"wrk-{name}.lua"
        script.write_text(wrk_script(endpoint, headers))
        pages[name] = (f"{site.server.base_url}{url}", script)
        site.figures["endpoints"][endpoint.name] = {
            "method": endpoint.method,
            "path": url,
            "signed_in": endpoint.signed_in,
            "html_bytes": len(response.content),
            "html_gzip_bytes": len(gzip.compress(response.content, compresslevel=6)),
            "queries": len(site.probe["sql"][endpoint.name]),
            "sql": site.probe["sql"][endpoint.name],
        }
    log(f"{endpoint.name}: {' / '.join(target for target, _ in pages.values())}")
    for target, script in pages.values():
        if opts.warmup:
            drive(wrk, target, script, opts.warmup, opts)
    # ABBA: each site runs early and late in turn, so drift in the load favours neither.
    names = list(sites)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    seconds = max(1, round(opts.duration / opts.rounds))
    for index in range(opts.rounds):
        for name in names if index % 2 == 0 else reversed(names):
            target, script = pages[name]
            runs[name].append(drive(wrk, target, script, seconds, opts))
    for name, site in sites.items():
        stats = site.figures["endpoints"][endpoint.name]
        stats |= combine(runs[name])
        base_rps = site.figures["endpoints"][BASELINE]["rps"]  # driven first
        stats["x_baseline"] = round(stats["rps"] / base_rps, 3) if base_rps else None


def bench_database(kind: str, opts: Options, wrk: str, tmp: Path, fresh: bool) -> dict[str, Any]:
    """Each dataset on this kind of database served side by side, and every page on each."""
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
    with contextlib.ExitStack() as stack:
        names = ["big", "fresh"] if fresh else ["big"]
        sites = {name: open_site(kind, name, opts, tmp, stack) for name in names}
        for endpoint in ENDPOINTS:
            bench_page(endpoint, sites, opts, wrk, tmp)
        for name, site in sites.items():
            peaks = site.server.peak_rss_mib()
            report[name] = site.figures
            report[name]["memory"] = {
                "workers_seen": len(peaks),
                "peak_rss_mib_max": max(peaks, default=None),
                "peak_rss_mib_median": peaks[len(peaks) // 2] if peaks else None,
            }
            report[name]["statuses"] = site.server.statuses()
    if fresh:
        big, small = report["big"]["endpoints"], report["fresh"]["endpoints"]
        report["p50_big_over_fresh"] = {
            name: round(stats["p50_ms"] / small[name]["p50_ms"], 2)
            for name, stats in big.items()
            if small[name]["p50_ms"]
        }
    report["machine"]["load_average_after"] = os.getloadavg()
    return report


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for f in fields(Options):
        flag = "--" + f.name.replace("_", "-")
        parser.add_argument(flag, type=int, default=f.default, help=f.metadata.get("help"))
    parser.add_argument(
        "--databases",
        default="sqlite,postgres" if os.environ.get("DATABASE_URL") else "sqlite",
        help="comma-separated: sqlite, postgres (needs DATABASE_URL)",
    )
    parser.add_argument("--no-fresh", action="store_true", help="skip the big-vs-fresh comparison")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    if not set(kinds) <= set(ENGINES):
        parser.error("--databases takes sqlite and/or postgres")
    if "postgres" in kinds and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("postgres needs DATABASE_URL=postgres://...")
    opts = Options(**{f.name: getattr(args, f.name) for f in fields(Options)})
    opts.rounds = max(1, opts.rounds)
    opts.fresh_bench_audits = max(2, opts.fresh_bench_audits)
    wrk = shutil.which("wrk")
    if wrk is None:
        parser.error("wrk is needed; `make bench` installs Debian's package (apt-get install wrk)")

    # SIGTERM, and Ctrl-C even when started in the background, unwind through every `finally`.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    servers.ARTIFACTS.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="skillmap-bench-"))
    try:
        for kind in kinds:
            report = bench_database(kind, opts, wrk, tmp, fresh=not args.no_fresh)
            out = servers.ARTIFACTS / f"bench-{kind}.json"
            out.write_text(json.dumps(report, indent=2) + "\n")
            print(f"\n{table(report)}\n(written to {out.relative_to(ROOT)})", flush=True)
    except KeyboardInterrupt:
        log("interrupted; cleaning up")
        return 130
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
