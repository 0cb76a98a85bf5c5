"""Benchmark: 50 members posting 5,000 posts at once into one discussion over HTTP.

Run by `make bench`, on SQLite and (under scripts/with-postgres.sh, as `make bench` does
for its PostgreSQL leg) on PostgreSQL. gunicorn (2 sync workers, production settings,
posting rate limits off: RATELIMIT_ENABLE=0) serves a database built by
generate_demo_data; each writer is a different member of the group (50 members follow
the discussion), with its own keep-alive connection, session and CSRF token, and posts
its share one after another through the ordinary form (no JavaScript: a 302 is a saved
post) and, as a browser does, follows the redirect and reads the page it leads to (the
discussion with the new post and the "Your post is up." message). A post counts once its
page is read; latency is the form's submission to the page read. Afterwards every post's
idempotency key is looked up in the database.

The client runs on the same machine: its CPU time is reported as a share of the run, so
that a rate limited by the client is seen as such.

Targets (issue #14): zero errors, zero lost, at least 40 posts a second.

BENCH_WRITERS (default 50), BENCH_WRITE_POSTS (default 5000) and BENCH_WRITE_SECONDS (a
bound on the whole run, default 240: writers stop starting new posts after it, and the
run is reported as missed) make a quicker run.
"""

import http.client
import json
import os
import resource
import secrets
import threading
import time
import uuid
from urllib.parse import urlencode, urlsplit

import pytest

from tests.bench.support import (
    fresh_database,
    generate,
    gunicorn,
    manage,
    record,
    server_cpu_seconds,
    sessions,
    vendor,
    verdict,
)

pytestmark = [pytest.mark.bench]

WRITERS = int(os.environ.get("BENCH_WRITERS", "50"))
POSTS = int(os.environ.get("BENCH_WRITE_POSTS", "5000"))
BOUND = float(os.environ.get("BENCH_WRITE_SECONDS", "240"))
TARGET_RATE = 40

KEYS_CODE = """
import json, sys
from studygroups.discussions.models import Post
keys = Post.objects.filter(
    discussion__group__slug=sys.argv[1], discussion__document__slug=sys.argv[2]
)
print(json.dumps([k.hex for k in keys.values_list("idempotency_key", flat=True)]))
"""


def _stored_keys(env, group_slug, document_slug) -> set[str]:
    out = manage(
        env,
        "shell",
        "-c",
        KEYS_CODE.replace("sys.argv[1]", repr(group_slug)).replace(
            "sys.argv[2]", repr(document_slug)
        ),
    )
    return set(json.loads(out.strip().splitlines()[-1]))


def _writer(base, path, session, count, deadline, results, lock):
    parts = urlsplit(base)
    token = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and header
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={token}",
        "X-CSRFToken": token,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    sent, failures, latencies = [], [], []
    for i in range(count):
        if time.monotonic() > deadline:
            break
        key = uuid.uuid4()
        body = urlencode({"body": f"Post {i} of a writer: reading together, at once.", "key": key})
        t0 = time.perf_counter()
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read()
            if response.status in (302, 303):
                sent.append(key.hex)
                # The browser's next request: the page the redirect names (the fragment
                # stays in the browser), with the same cookies.
                location = urlsplit(response.getheader("Location"))
                conn.request(
                    "GET",
                    location.path + f"?{location.query}" * bool(location.query),
                    headers={"Cookie": headers["Cookie"]},
                )
                page = conn.getresponse()
                text = page.read()
                shown = f'id="{location.fragment}"'.encode()  # the new post, on its page
                if page.status != 200 or shown not in text:
                    failures.append(f"after the redirect, {page.status}: {text[:200]!r}")
            else:
                failures.append(f"{response.status}: {text[:200]!r}")
        except (OSError, http.client.HTTPException) as error:
            failures.append(repr(error))
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        latencies.append(time.perf_counter() - t0)
    with lock:
        results["sent"].extend(sent)
        results["failures"].extend(failures)
        results["latencies"].extend(latencies)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_concurrent_posting(tmp_path, database):
    if database == "postgresql" and vendor() != "postgresql":
        pytest.skip("run under scripts/with-postgres.sh (make bench does) for PostgreSQL")
    env = fresh_database(tmp_path, "bench_posting", on=database)
    manifest = generate(env, tmp_path, "--size", "tiny", "--seed", "41", "--discussion-posts", "20")
    circle = manifest["circle"]
    writers = circle["members"][:WRITERS]
    ids = sessions(env, writers)
    page = circle["discussions"]["20"]
    group_slug, document_slug = page.strip("/").split("/")[1:3]
    before = _stored_keys(env, group_slug, document_slug)
    share = [
        POSTS // len(writers) + (1 if n < POSTS % len(writers) else 0) for n in range(len(writers))
    ]
    results = {"sent": [], "failures": [], "latencies": []}
    lock = threading.Lock()
    with gunicorn(env, tmp_path, extra_env={"RATELIMIT_ENABLE": "0"}) as base:
        deadline = time.monotonic() + BOUND
        threads = [
            threading.Thread(
                target=_writer,
                args=(base, page + "posts/", ids[email], count, deadline, results, lock),
            )
            for email, count in zip(writers, share, strict=True)
        ]
        started = time.perf_counter()
        server_before = server_cpu_seconds(base)
        client_cpu = resource.getrusage(resource.RUSAGE_SELF)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        server_after = server_cpu_seconds(base)
        used = resource.getrusage(resource.RUSAGE_SELF)
        client_seconds = (used.ru_utime - client_cpu.ru_utime) + (
            used.ru_stime - client_cpu.ru_stime
        )
    stored = _stored_keys(env, group_slug, document_slug) - before
    sent = set(results["sent"])
    lost = sent - stored
    attempted = len(results["sent"]) + len(results["failures"])
    rate = len(sent) / elapsed
    latencies = sorted(results["latencies"])
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else 0
    p95 = latencies[int(len(latencies) * 0.95)] * 1000 if latencies else 0
    finished = attempted == POSTS
    print(
        f"\n[concurrent posting] {database}: {len(writers)} writers, {len(sent):,} of {POSTS:,} "
        f"posts saved in {elapsed:.1f} s"
        + ("" if finished else f" (stopped at the {BOUND:.0f} s bound)")
    )
    print(
        f"  {rate:.1f} posts/s (target >= {TARGET_RATE}: {verdict(rate >= TARGET_RATE)}); "
        f"errors {len(results['failures'])} ({verdict(not results['failures'])}); "
        f"lost {len(lost)} ({verdict(not lost)}); unexpected extra {len(stored - sent)}; "
        f"latency p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    share = client_seconds / elapsed
    server_seconds = (
        server_after - server_before if None not in (server_before, server_after) else None
    )
    per_post = server_seconds / len(sent) * 1000 if server_seconds and sent else None
    if per_post:
        # The workers' CPU per post (the post and the page it leads to), whatever the
        # machine's load; the database's own CPU (PostgreSQL's backends) is not in it.
        print(
            f"  the server's 2 workers used {server_seconds:.1f} s of CPU: {per_post:.1f} ms per "
            f"post and its page, so at most {2000 / per_post:.0f} posts/s on two idle cores"
        )
    print(
        f"  the client (this process, {len(writers)} threads) used {client_seconds:.1f} s of CPU: "
        f"{share:.0%} of one core, {share / (os.cpu_count() or 1):.0%} of the machine; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for failure in results["failures"][:5]:
        print(f"  error: {failure}")
    record(
        f"posting_{database}",
        {
            "writers": len(writers),
            "posts_wanted": POSTS,
            "posts_saved": len(sent),
            "seconds": round(elapsed, 1),
            "posts_per_second": round(rate, 1),
            "errors": len(results["failures"]),
            "first_errors": results["failures"][:5],
            "lost": len(lost),
            "latency_p50_ms": round(p50),
            "latency_p95_ms": round(p95),
            "client_cpu_seconds": round(client_seconds, 1),
            "server_cpu_seconds": round(server_seconds, 1) if server_seconds else None,
            "server_cpu_ms_per_post": round(per_post, 1) if per_post else None,
            "client_cpu_share_of_one_core": round(client_seconds / elapsed, 2),
            "load_average": os.getloadavg()[0],
            "finished": finished,
        },
    )
    assert not results["failures"], f"{len(results['failures'])} errors"
    assert not lost, f"{len(lost)} posts answered as saved are not in the database"
    assert finished, f"only {attempted} of {POSTS} posts in the {BOUND:.0f} s bound"
    assert rate >= TARGET_RATE, f"{rate:.1f} posts/s"
