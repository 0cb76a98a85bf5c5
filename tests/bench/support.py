"""What the benchmarks share: statistics, a fresh database built by generate_demo_data,
logged-in sessions, a gunicorn server on a free loopback port, a bounded-time load
generator (wrk when installed, else a threaded Python client), and a results file.

Every figure is reported beside a baseline measured in the same run: this is a shared
2-core machine and absolute times vary from one run to the next.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "test-artifacts" / "bench"))
BENCH_SETTINGS = "tests.bench.settings"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def percentile(values, fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def median(values) -> float:
    return statistics.median(values)


def record(name: str, data: dict) -> None:
    """Keep a benchmark's figures as JSON (test-artifacts/bench/<name>.json), for
    BENCHMARKS.md and for comparing runs."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"recorded_at": time.strftime("%Y-%m-%d %H:%M:%S"), **data}
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, default=str))


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


# ------------------------------------------------------------------------ databases


def vendor() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


def fresh_database(directory: Path, name: str, *, on: str | None = None) -> dict:
    """The environment of a new, migrated database: a SQLite file in `directory`, or a
    new database on the PostgreSQL server of DATABASE_URL (scripts/with-postgres.sh)."""
    on = on or vendor()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS, "PYTHONUNBUFFERED": "1"}
    if on == "postgresql":
        import psycopg

        url = os.environ["DATABASE_URL"]
        parts = urlsplit(url)
        server = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        path = directory / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    manage(env, "migrate", "--noinput", "-v0")
    return env


def manage(env: dict, *args: str, timeout: float = 3600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def generate(env: dict, directory: Path, *args: str) -> dict:
    """Run generate_demo_data with `args`; returns its manifest (with `seconds`)."""
    manifest = directory / f"manifest-{time.monotonic_ns()}.json"
    started = time.perf_counter()
    output = manage(env, "generate_demo_data", *args, "--manifest", str(manifest))
    data = json.loads(manifest.read_text())
    data["seconds"] = round(time.perf_counter() - started, 1)
    data["output"] = output
    return data


SESSIONS_CODE = """
import json, sys
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
out = {}
for email in sys.argv[1:]:
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    out[email] = client.cookies[settings.SESSION_COOKIE_NAME].value
print(json.dumps(out))
"""


def sessions(env: dict, emails: list[str]) -> dict[str, str]:
    """A logged-in session id for each e-mail."""
    result = subprocess.run(
        [PYTHON, "-c", "import django; django.setup(); exec(open(0).read())", *emails],
        input=SESSIONS_CODE,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------ the server


SERVERS: dict[str, int] = {}  # base URL -> gunicorn master's pid, while it runs


def _children(pid: int) -> list[int]:
    """`pid`'s child processes (from /proc; empty where there is none)."""
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(c) for c in children.read().split()]
    except OSError:
        return []
    return found


def server_cpu_seconds(base: str) -> float | None:
    """CPU time (user + system) used so far by the workers of the gunicorn serving
    `base`; None where /proc cannot tell. Compared before and after a run, it gives what
    the server spent per request whatever else the machine was doing."""
    pid = SERVERS.get(base)
    if pid is None:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for child in _children(pid):
        try:
            with open(f"/proc/{child}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total if _children(pid) else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict, directory: Path, *, workers: int = 2, extra_env: dict | None = None):
    """gunicorn with `workers` sync workers on a free loopback port; yields its base URL."""
    port = free_port()
    log = open(directory / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [GUNICORN, "studygroups.wsgi:application", "--workers", str(workers)]
        + ["--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
        + ["--timeout", "120"],
        cwd=ROOT,
        env={**env, **(extra_env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(
                        "gunicorn did not start:\n" + Path(log.name).read_text()[-3000:]
                    ) from None
                time.sleep(0.3)
        SERVERS[base] = process.pid
        yield base
    finally:
        SERVERS.pop(base, None)
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, cookie: str = "") -> tuple[int, int]:
    """(status, bytes) of one GET, redirects not followed."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, 0


# ------------------------------------------------------------------------ load


@dataclass
class Load:
    url: str
    seconds: float
    requests: int
    errors: int  # non-2xx/3xx answers and socket errors
    rps: float
    latency_p50_ms: float | None = None
    tool: str = ""


def _wrk_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def load(url: str, *, seconds: float, connections: int = 4, cookie: str = "") -> Load:
    """GET `url` over `connections` keep-alive connections for `seconds`."""
    if shutil.which("wrk") and not os.environ.get("BENCH_PYTHON_CLIENT"):
        command = ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--latency"]
        command += ["--timeout", "30s"]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        out = subprocess.run(
            [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
        socket_errors = re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
        )
        if socket_errors:
            errors += sum(int(n) for n in socket_errors.groups())
        p50 = re.search(r"^\s+50%\s+([\d.]+(?:us|ms|s))\s*$", out, re.M)
        return Load(
            url=url,
            seconds=seconds,
            requests=requests,
            errors=errors,
            rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            latency_p50_ms=_wrk_ms(p50.group(1)) if p50 else None,
            tool="wrk",
        )
    return _python_load(url, seconds=seconds, connections=connections, cookie=cookie)


def settle(base: str, connections: int = 4) -> None:
    """Wait out the requests a finished run left behind: the load generator closes its
    connections, but requests already sent are still served (each worker's current one,
    and those waiting in the listen backlog) and would slow the next run. `connections`
    requests for /healthz sent at once queue behind them; when all are answered, the
    leftovers were served."""
    threads = [
        threading.Thread(target=fetch, args=(base + "/healthz",)) for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _python_load(url: str, *, seconds: float, connections: int, cookie: str) -> Load:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    counts = {"ok": 0, "errors": 0}
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        ok = errors = 0
        mine = []
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = conn.getresponse()
                response.read()
                if response.status < 400:
                    ok += 1
                else:
                    errors += 1
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            mine.append(time.perf_counter() - t0)
        with lock:
            counts["ok"] += ok
            counts["errors"] += errors
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    total = counts["ok"] + counts["errors"]
    return Load(
        url=url,
        seconds=seconds,
        requests=total,
        errors=counts["errors"],
        rps=round(total / elapsed, 1),
        latency_p50_ms=ms(median(latencies)) if latencies else None,
        tool="python threads",
    )


def as_dict(item) -> dict:
    return asdict(item)
