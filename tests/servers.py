"""A real Skills Map for tests that need more than Django's test client.

`fresh_database()` makes an empty database of the same kind the test run uses (SQLite under a
temporary DATA_DIR, or a new PostgreSQL database beside the one in DATABASE_URL), migrated and
seeded by `manage.py` in a subprocess. `app_server()` serves it with gunicorn, started exactly
as `make run` starts it (`gunicorn --config gunicorn.conf.py`), and watches its workers' memory.
`Browser` is a minimal HTTP client with its own cookie jar, so each simulated visitor keeps its
own session. `make bench` (scripts/bench.py) drives the app through the same pieces.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = BASE_DIR / ".venv" / "bin" / "python"
GUNICORN = BASE_DIR / ".venv" / "bin" / "gunicorn"
ARTIFACTS = BASE_DIR / "test-artifacts"
FORM = "application/x-www-form-urlencoded"
SKILLS = [
    "python-and-pytorch",
    "deep-learning-and-transformers",
    "reading-papers",
    "career-and-communication",
    "math-you-actually-need",
]
# Variables of the outer run that would point a child at the wrong place or change its mode.
_DROPPED = {
    "DATABASE_URL",
    "DATA_DIR",
    "STATIC_ROOT",
    "SQLITE_TEST_NAME",
    "REDIS_URL",
    "PORT",
    "BIND",
    "WEB_CONCURRENCY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
}


# Collected once per test process (the files do not change during a run) into a directory of
# its own, never the project's staticfiles/: collecting costs seconds on a busy machine.
STATIC_ROOT = Path(tempfile.gettempdir()) / f"skillmap-test-static-{os.getpid()}"
_static_collected = False


@atexit.register
def _remove_static_root() -> None:
    shutil.rmtree(STATIC_ROOT, ignore_errors=True)


def engine() -> str:
    """The database this test run uses: "postgresql" when DATABASE_URL is set."""
    return "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"


@dataclass
class Database:
    """A database made for one test, and the environment that points the app at it."""

    engine: str
    env: dict[str, str]
    sqlite_path: Path | None = None
    pg_url: str | None = None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of a read-only query, straight from the database (not through Django)."""
        if self.sqlite_path is not None:
            lite = sqlite3.connect(self.sqlite_path, timeout=20)
            try:
                return lite.execute(sql).fetchall()
            finally:
                lite.close()
        assert self.pg_url is not None
        with psycopg.connect(self.pg_url) as pg:
            return pg.execute(sql).fetchall()  # type: ignore[arg-type]

    def ratings(self) -> dict[tuple[str, str], tuple[int, str]]:
        """{(audit public id, skill slug): (value, note)}; fails if a pair has two rows."""
        rows = self.query(
            "SELECT a.public_id, s.slug, r.value, r.note FROM audits_rating r "
            "JOIN audits_audit a ON a.id = r.audit_id JOIN skillmap_skill s ON s.id = r.skill_id"
        )
        stored: dict[tuple[str, str], tuple[int, str]] = {}
        for public_id, slug, value, note in rows:
            key = (str(uuid.UUID(str(public_id))), slug)
            assert key not in stored, f"two rating rows for {key}"
            stored[key] = (int(value), note)
        return stored

    @contextlib.contextmanager
    def holding_writes(self) -> Iterator[None]:
        """Hold the database's write lock (SQLite) or every audit's row lock (PostgreSQL).

        While it is held, every save waits inside its request (on PostgreSQL, inside its
        transaction), so a test can catch workers in the middle of one.
        """
        if self.sqlite_path is not None:
            lite = sqlite3.connect(self.sqlite_path, timeout=20, isolation_level=None)
            try:
                lite.execute("BEGIN IMMEDIATE")
                yield
                lite.execute("ROLLBACK")
            finally:
                lite.close()
            return
        assert self.pg_url is not None
        with psycopg.connect(self.pg_url) as pg:
            pg.execute("SELECT id FROM audits_audit FOR UPDATE")
            yield
            pg.rollback()

    def duplicate_ratings(self) -> list[tuple[Any, ...]]:
        return self.query(
            "SELECT audit_id, skill_id, COUNT(*) FROM audits_rating "
            "GROUP BY audit_id, skill_id HAVING COUNT(*) > 1"
        )


def manage(
    env: Mapping[str, str],
    *args: str,
    check: bool = True,
    timeout: float = 120,
    stdin: str | None = None,
) -> Any:
    """Run `manage.py <args>` in a subprocess; its CompletedProcess (text)."""
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=BASE_DIR,
        env=dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="skillmap-test-" + "k" * 40 + "-not-secret",
        DJANGO_ENV="development",
        DEBUG="false",
        RATE_LIMIT_ENABLED="false",
        DATA_DIR=str(tmp_path / "data"),
        STATIC_ROOT=str(STATIC_ROOT),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        GUNICORN_GRACEFUL_TIMEOUT="5",
    )
    return env


def _pg_url_for(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


@contextlib.contextmanager
def fresh_database(
    tmp_path: Path,
    collect_static: bool = False,
    kind: str | None = None,
    env: Mapping[str, str] | None = None,
    migrate_to: tuple[str, str] | None = None,
) -> Iterator[Database]:
    """An empty, migrated and seeded database in its own place, removed afterwards.

    With `collect_static`, the static files are also collected (once per test process). `kind`
    ("sqlite" or "postgresql", on DATABASE_URL's server) defaults to the test run's; `env` is
    laid over `base_env()` for every command and server that uses the database. With
    `migrate_to` (app, migration), it is migrated only that far, and not seeded.
    """
    env = {**base_env(tmp_path), **(env or {})}
    outer_url = os.environ.get("DATABASE_URL", "")
    if (kind or engine()) == "sqlite":
        data_dir = tmp_path / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        db = Database("sqlite", env, sqlite_path=data_dir / "skillmap.sqlite3")
        _prepare(db, collect_static, migrate_to)
        yield db
        return
    assert outer_url, "a PostgreSQL database needs DATABASE_URL to name the server"
    name = f"skillmap_srv_{secrets.token_hex(6)}"
    with psycopg.connect(outer_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    url = _pg_url_for(outer_url, name)
    env["DATABASE_URL"] = url
    try:
        db = Database("postgresql", env, pg_url=url)
        _prepare(db, collect_static, migrate_to)
        yield db
    finally:
        with psycopg.connect(outer_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def _prepare(db: Database, collect_static: bool, migrate_to: tuple[str, str] | None) -> None:
    # `manage.py migrate`, `seed` and perhaps `collectstatic`, in one process: each Django
    # start-up costs a second or more on a busy machine.
    global _static_collected
    if migrate_to:
        target = ", ".join(repr(part) for part in migrate_to)
        calls = [f"call_command('migrate', {target}, interactive=False, verbosity=0)"]
    else:
        calls = ["call_command('migrate', interactive=False, verbosity=0)"]
        calls.append("call_command('seed', verbosity=0)")
    if collect_static and not _static_collected:
        calls.append("call_command('collectstatic', interactive=False, verbosity=0)")
    script = "from django.core.management import call_command; " + "; ".join(calls)
    manage(db.env, "shell", "--no-imports", "--command", script)
    _static_collected = _static_collected or collect_static


def ensure_static_collected(env: Mapping[str, str]) -> None:
    global _static_collected
    if not _static_collected:
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        _static_collected = True


@dataclass
class Server:
    base_url: str
    env: dict[str, str]
    pid: int
    db: Database
    stdout_path: Path
    stderr_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    memory: PeakMemory = field(repr=False)

    def workers(self) -> set[int]:
        """The master's children: its workers, as /proc shows them now."""
        return worker_pids(self.pid)

    def busy_workers(self) -> set[int]:
        """Workers holding an open client connection now: those in the middle of a request."""
        port = int(urlsplit(self.base_url).port or 80)
        connections = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].split(":")[1], 16)
            if local_port == port and fields[3] == "01":  # ESTABLISHED
                connections.add(f"socket:[{fields[9]}]")
        busy = set()
        for pid in self.workers():
            with contextlib.suppress(OSError):
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    with contextlib.suppress(OSError):
                        if os.readlink(fd) in connections:
                            busy.add(pid)
                            break
        return busy

    def output(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def errors(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def statuses(self) -> dict[str, int]:
        """Responses by status code so far, from the access log (stdout)."""
        counts = Counter(re.findall(r'" (\d{3}) ', self.output()))
        return dict(sorted(counts.items()))

    def peak_rss_mib(self) -> list[float]:
        """The peak resident set (MiB) of every worker this server has had, replaced ones too,
        smallest first."""
        return sorted(round(kib / 1024, 1) for kib in self.memory.sample().values())


class PeakMemory(threading.Thread):
    """Samples a gunicorn master's workers' peak resident set (VmHWM) twice a second, so a
    worker that is replaced still counts."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master = master
        self.peaks: dict[int, int] = {}
        self.done = threading.Event()
        self.lock = threading.Lock()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.sample()

    def sample(self) -> dict[int, int]:
        """Sample now; each worker's peak so far, in KiB."""
        with self.lock:
            for pid in worker_pids(self.master):
                with contextlib.suppress(OSError, ValueError, IndexError):
                    status = Path(f"/proc/{pid}/status").read_text()
                    kib = int(re.findall(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)[0])
                    self.peaks[pid] = max(self.peaks.get(pid, 0), kib)
            return dict(self.peaks)

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=5)


def worker_pids(master: int) -> set[int]:
    children: set[int] = set()
    for task in Path(f"/proc/{master}/task").glob("*"):
        with contextlib.suppress(OSError):
            children.update(int(p) for p in (task / "children").read_text().split())
    return children


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def app_server(
    tmp_path: Path,
    workers: int = 3,
    db: Database | None = None,
    start_timeout: float = 30,
    env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """gunicorn serving a fresh database (or `db`), on a free port of 127.0.0.1.

    `env` is laid over the database's environment for the server only (gunicorn's settings).
    """
    with contextlib.ExitStack() as stack:
        if db is None:
            db = stack.enter_context(fresh_database(tmp_path, collect_static=True))
        else:
            ensure_static_collected(db.env)
        port = free_port()
        env = {
            **db.env,
            **(env or {}),
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
        }
        logs = tmp_path / f"gunicorn-{port}"
        logs.mkdir(parents=True, exist_ok=True)
        stdout_path, stderr_path = logs / "stdout.log", logs / "stderr.log"
        with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
            process = subprocess.Popen(
                [str(GUNICORN), "--config", "gunicorn.conf.py"],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        memory = PeakMemory(process.pid)
        memory.start()
        stack.callback(memory.stop)
        server = Server(
            f"http://127.0.0.1:{port}",
            env,
            process.pid,
            db,
            stdout_path,
            stderr_path,
            process,
            memory,
        )
        stack.callback(_stop, process)
        _wait_healthy(server, start_timeout)
        yield server


def _wait_healthy(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            response = Browser(server.base_url, timeout=5).get("/healthz")
            if response.status == 200:
                return
            last = response.status
        except OSError as exc:
            last = exc
        time.sleep(0.1)
    raise AssertionError(
        f"gunicorn did not answer /healthz with 200 (last: {last!r}, "
        f"exit: {server.process.poll()})\nstdout:\n{server.output()[-3000:]}\n"
        f"stderr:\n{server.errors()[-3000:]}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # Our own session (start_new_session): the master and its workers, nothing else.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# --- A visitor ------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    content: bytes

    @property
    def body(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Browser:
    """One visitor: plain HTTP to 127.0.0.1, its own cookies, no redirects followed."""

    def __init__(self, base_url: str, timeout: float = 30) -> None:
        parts = urlsplit(base_url)
        assert parts.hostname == "127.0.0.1", "tests only talk to 127.0.0.1"
        self.host = parts.hostname
        self.port = parts.port or 80
        self.base_url = base_url
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def sharing_cookies(self) -> Browser:
        """Another browser holding this one's cookies (so its session, and its audits)."""
        other = Browser(self.base_url, self.timeout)
        other.cookies = dict(self.cookies)
        return other

    def request(
        self,
        method: str,
        path: str,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        send = {"Host": f"{self.host}:{self.port}", "Connection": "close", **self.headers()}
        send |= headers or {}
        body = None
        if data is not None:
            body = urlencode(data).encode()
            send["Content-Type"] = FORM
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=send)
            raw = connection.getresponse()
            content = raw.read()
        finally:
            connection.close()
        for header in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(raw.status, raw.headers, content)

    def headers(self, form: bool = False, htmx: bool = False) -> dict[str, str]:
        """What this browser sends besides Host: its cookies and, for a form post, the form's
        type and the CSRF token; `htmx` adds htmx's header. (`make bench` hands them to wrk.)"""
        sent: dict[str, str] = {}
        if form:  # first: the token may take a request, which sets cookies
            sent |= {"Content-Type": FORM, "X-CSRFToken": self.csrf_token()}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            sent["HX-Request"] = "true"
        return sent

    def csrf_token(self) -> str:
        """The CSRF cookie's value (csrftoken, or __Host-csrftoken in production settings)."""
        if not any(name.endswith("csrftoken") for name in self.cookies):
            self.get("/audits/new/")  # a page with a form sets it
        token = next((v for k, v in self.cookies.items() if k.endswith("csrftoken")), None)
        assert token is not None, "the app set no CSRF cookie"
        return token

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: Mapping[str, str], htmx: bool = False) -> Response:
        return self.request("POST", path, data, self.headers(form=True, htmx=htmx))

    def log_in(self, username: str, password: str) -> Response:
        """Sign in through the login form; its response, a redirect."""
        self.get("/account/login/")  # the form sets the CSRF cookie
        response = self.post("/account/login/", {"username": username, "password": password})
        assert response.status == 302, f"log-in as {username!r}: {response.status}"
        return response

    def start_audit(self, track: str = "research-scientist") -> str:
        """A new audit in this browser's session; its public id."""
        response = self.post("/audits/new/", {"track": track})
        match = re.fullmatch(r"/audits/([0-9a-f-]{36})/", response.location)
        assert response.status == 302 and match, (response.status, response.body[:500])
        return match.group(1)

    def save(self, public_id: str, ratings: Mapping[str, tuple[int, str]]) -> Response:
        """A live (htmx) save of {skill slug: (value, note)}."""
        data: dict[str, str] = {}
        for slug, (value, note) in ratings.items():
            data[f"rating-{slug}"] = str(value)
            data[f"note-{slug}"] = note
        return self.post(f"/audits/{public_id}/", data, htmx=True)


def write_artifact(name: str, key: str, figures: dict[str, Any]) -> Path:
    """Merge `figures` under `key` into test-artifacts/<name>.json; the file's path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.json"
    existing: dict[str, Any] = {}
    if path.exists():
        with contextlib.suppress(ValueError):
            existing = json.loads(path.read_text())
    existing[key] = figures
    path.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
    return path
