"""Measure a post as a browser without JavaScript makes it, in process: the POST and the
discussion page its redirect leads to, in CPU time, on the posting benchmark's data.

Not a test (pytest collects only test_*.py): run it by hand, before and after a change,

    .venv/bin/python tests/discussions/measure_posting.py            # CPU per POST / page
    .venv/bin/python tests/discussions/measure_posting.py --profile  # + cProfile of pages
    .venv/bin/python tests/discussions/measure_posting.py --profile-post  # ... of the POSTs

It builds the data as tests/bench/test_posting_bench.py does (`generate_demo_data --size
tiny --seed 41 --discussion-posts 20`) in a scratch SQLite file, with the benchmark's
production settings (tests.bench.settings), and has 10 members (MEASURE_WRITERS; the
bench has 50) post in turn into the discussion, each following the redirect with its
cookies. It prints the median `time.process_time` of the POST and of the page over
MEASURE_POSTS posts (after WARM), and the statements each ran. MEASURE_START_ROOTS adds
that many general threads first (bulk-written, as the benchmark's end state has 5,000 of
them). MEASURE_SQL=1 prints the statements' time per post (the costliest first;
MEASURE_TOP of them, 14), and MEASURE_EXPLAIN=N the plans of the N costliest.
MEASURE_ROOT measures another checkout with this script; MEASURE_PROFILE_OUT keeps the
profile.
"""

import cProfile
import io
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(os.environ.get("MEASURE_ROOT") or Path(__file__).resolve().parents[2])
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
TMP = Path(tempfile.mkdtemp(prefix="measure-posting-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.settings"
# MEASURE_DATABASE_URL: another database (an empty one), e.g. PostgreSQL under
# scripts/with-postgres.sh: MEASURE_DATABASE_URL="$DATABASE_URL".
os.environ["DATABASE_URL"] = os.environ.get(
    "MEASURE_DATABASE_URL", f"sqlite:///{TMP}/posting.sqlite3"
)
os.environ.setdefault("RATELIMIT_ENABLE", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

POSTS = int(os.environ.get("MEASURE_POSTS", "60"))
WRITERS = int(os.environ.get("MEASURE_WRITERS", "10"))
# The discussion's size before the posts (the bench starts at 20 and ends past 5,000).
START = int(os.environ.get("MEASURE_START_POSTS", "20"))
# General threads added to it first, as the benchmark's posts leave it (all of them new
# threads): its end state is 5,000 of them.
START_ROOTS = int(os.environ.get("MEASURE_START_ROOTS", "0"))
# Every writer's first request is left out: each test Client loads the middleware on its
# first request (WhiteNoise scans the static files, ~25 ms), which a server does once.
WARM = max(10, WRITERS)
PROFILE = "--profile" in sys.argv or "--profile-post" in sys.argv
PROFILE_POST = "--profile-post" in sys.argv  # the POST's profile instead of the page's


def build() -> dict:
    python = str(ROOT / ".venv/bin/python")
    run = {"cwd": ROOT, "env": os.environ, "check": True, "capture_output": True}
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], **run)
    manifest = TMP / "manifest.json"
    subprocess.run(
        [python, "manage.py", "generate_demo_data", "--size", "tiny", "--seed", "41"]
        + ["--discussion-posts", str(START), "--manifest", str(manifest)],
        **run,
    )
    return json.loads(manifest.read_text())


class BackendCPU:
    """The CPU time a PostgreSQL server process spent on this connection (from /proc:
    the server runs on this machine)."""

    def __init__(self, connection):
        self.pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]

    def _cpu(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def start(self):
        if self.pid:
            self.begun = self._cpu()

    def used(self) -> float:
        return self._cpu() - self.begun


class StatementTimer:
    """An execute wrapper: the wall time of each statement, by request kind and the
    statement's first words."""

    def __init__(self):
        self.kind, self.times, self.last = None, {}, {}

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if self.kind is not None:
                head = re.sub(r'"s\d+_x\d+"', "<name>", " ".join(sql.split()))[:110]
                self.times.setdefault((self.kind, head), []).append(time.perf_counter() - start)
                self.last[(self.kind, head)] = (sql, params)


def add_roots(discussion_path: str, users) -> None:
    """START_ROOTS general threads by the writers, bulk-written (no notifications)."""
    from django.db.models import Max

    from studygroups.discussions.models import PATH_SEGMENT, Discussion, Post

    group_slug, document_slug = discussion_path.rstrip("/").split("/")[-2:]
    discussion = Discussion.objects.get(group__slug=group_slug, document__slug=document_slug)
    first = (Post.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    body = "An earlier thread: reading together."
    Post.objects.bulk_create(
        Post(
            pk=pk,
            discussion=discussion,
            author=users[pk % len(users)],
            path=f"{pk:0{PATH_SEGMENT}d}",
            body=body,
            body_html=f"<p>{body}</p>",
        )
        for pk in range(first, first + START_ROOTS)
    )
    Discussion.objects.filter(pk=discussion.pk).update(version=discussion.version + 1)
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:  # ids given: PostgreSQL's sequence catches up
        for statement in connection.ops.sequence_reset_sql(no_style(), [Post]):
            cursor.execute(statement)
        if connection.vendor == "postgresql":  # as autovacuum would after such a write
            cursor.execute("ANALYZE")


def main() -> None:
    manifest = build()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    del reset_queries
    circle = manifest["circle"]
    page = circle["discussions"][str(START)]
    users = get_user_model().objects.filter(email__in=circle["members"][:WRITERS])
    if START_ROOTS:
        add_roots(page, list(users))
    clients = []
    for user in users:
        client = Client(enforce_csrf_checks=False)
        client.force_login(user)
        clients.append(client)
    post_cpu, page_cpu, post_sql, page_sql = [], [], [], []
    timer = StatementTimer()
    if os.environ.get("MEASURE_SQL"):
        connection.execute_wrappers.append(timer)
    profile = cProfile.Profile() if PROFILE else None
    backend = BackendCPU(connection)
    for i in range(WARM + POSTS):
        if i == WARM:
            backend.start()
        client = clients[i % len(clients)]
        body = {"body": f"Post {i} of a writer: reading together, at once.", "key": uuid.uuid4()}
        with CaptureQueriesContext(connection) as q1:
            if PROFILE_POST and i >= WARM:
                profile.enable()
            timer.kind = "POST" if i >= WARM else None
            t0 = time.process_time()
            response = client.post(page + "posts/", body)
            t1 = time.process_time()
            if PROFILE_POST and i >= WARM:
                profile.disable()
        assert response.status_code == 302, response.status_code
        location = response["Location"]
        with CaptureQueriesContext(connection) as q2:
            if profile is not None and not PROFILE_POST and i >= WARM:
                profile.enable()
            timer.kind = "page" if i >= WARM else None
            t2 = time.process_time()
            shown = client.get(location.split("#")[0])
            t3 = time.process_time()
            if profile is not None and not PROFILE_POST and i >= WARM:
                profile.disable()
        assert shown.status_code == 200
        assert f'id="{location.split("#")[1]}"'.encode() in shown.content
        if i >= WARM:
            post_cpu.append(t1 - t0)
            page_cpu.append(t3 - t2)
            post_sql.append(len(q1))
            page_sql.append(len(q2))
    print(f"load average {os.getloadavg()}")
    if backend.pid:
        print(f"the database's CPU {backend.used() / POSTS * 1000:.1f} ms per post and page")
    print(
        f"POST  median {statistics.median(post_cpu) * 1000:.1f} ms CPU, "
        f"{statistics.median(post_sql)} statements"
    )
    print(
        f"page  median {statistics.median(page_cpu) * 1000:.1f} ms CPU, "
        f"{statistics.median(page_sql)} statements, {len(shown.content)} bytes"
    )
    if timer.times:  # MEASURE_SQL: each statement's median wall time, slowest first
        medians = {key: statistics.median(times) for key, times in timer.times.items()}
        spent = sum(sum(times) for times in timer.times.values())
        print(f"statements' wall time {spent / POSTS * 1000:.1f} ms per post and page")
        print("per post and page: total, then median of one, of the statements taking most")
        by_total = sorted(timer.times.items(), key=lambda item: -sum(item[1]))
        for (name, head), times in by_total[: int(os.environ.get("MEASURE_TOP", "14"))]:
            total = sum(times) / POSTS * 1000
            print(f"{name} {total:6.2f} ms {medians[(name, head)] * 1000:6.2f} ms  {head}")
        connection.execute_wrappers.remove(timer)
        explain = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else None
        for key, _times in by_total[: int(os.environ.get("MEASURE_EXPLAIN", "0"))]:
            sql, params = timer.last[key]
            with connection.cursor() as cursor:
                cursor.execute((explain or "EXPLAIN QUERY PLAN ") + sql, params)
                print(f"--- {key[0]} {key[1][:60]}")
                print("\n".join(" ".join(map(str, row)) for row in cursor.fetchall()))
    if connection.vendor == "postgresql":  # the statements core.prepared.fetch prepared
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generic_plans, custom_plans, left(statement, 70) "
                "FROM pg_prepared_statements"
            )
            for generic, custom, head in cursor.fetchall():
                print(f"prepared: {generic} generic, {custom} custom plans: {head}")
    both = [a + b for a, b in zip(post_cpu, page_cpu, strict=True)]
    print(f"both  median {statistics.median(both) * 1000:.1f} ms CPU ({POSTS} posts)")
    if profile is not None:
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
        stats.print_stats(60)
        if os.environ.get("MEASURE_PROFILE_OUT"):
            stats.dump_stats(os.environ["MEASURE_PROFILE_OUT"])
        print(out.getvalue())


if __name__ == "__main__":
    main()
