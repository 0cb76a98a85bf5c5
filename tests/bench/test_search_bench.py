"""Benchmark: full-text search over 10,000 documents and 1,000,000 posts.

Run by `make bench` (pytest -m bench tests/bench -s); on PostgreSQL with
`scripts/with-postgres.sh .venv/bin/pytest -m bench tests/bench/test_search_bench.py -s`
(`make bench` runs both). Target: p95 under 50 ms for a set of realistic queries, on
each database.

The data is made by `generate_demo_data --size large` (its build time is reported): Zipf
distributed words with real words at chosen ranks, so the queries below find what a
library of that size would. Sizes can be lowered for a quick look: BENCH_SEARCH_DOCS,
BENCH_SEARCH_POSTS, BENCH_SEARCH_BLOCKS (per document), BENCH_REPEATS.

Figures are in-process: `selectors.search()` (what the view calls: memberships, the
kind shown's page of 20 ids with its capped count, the other kind's capped count,
snippets and the rows to show them) and the whole view
through Django's test client (adds middleware and template rendering). A trivial ORM
query is timed in the same run as a baseline, since absolute times vary on this shared
machine.
"""

import json
import os
import statistics
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test import Client

from studygroups.accounts.models import User
from studygroups.discussions.models import Post
from studygroups.groups.models import Group, Membership
from studygroups.library.models import Block, Document
from studygroups.search.selectors import search
from tests.bench.support import record

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

DOCS = int(os.environ.get("BENCH_SEARCH_DOCS", "10000"))
POSTS = int(os.environ.get("BENCH_SEARCH_POSTS", "1000000"))
BLOCKS = int(os.environ.get("BENCH_SEARCH_BLOCKS", "20"))
REPEATS = max(1, int(os.environ.get("BENCH_REPEATS", "5")))
GROUPS = 400
DISCUSSIONS = min(20_000, DOCS * 2)

QUERIES = [
    "reading",  # common: ~1 in 25 texts
    "committee",
    "strike committee",
    "harbour",
    "lighthouse",  # rare
    "revolucion",  # typed without its accent
    "cooperativa reading",
    '"reading together"',
    "reading together committee",
    'strike "unbalanced',  # treated as plain words
    "title:harbour OR NEAR",
]


def build(tmp_path):
    """generate_demo_data at the benchmark's size; returns the manifest and a member of
    one group in ten (private and public alike), as a person in a large organization
    might be."""
    manifest_path = tmp_path / "manifest.json"
    call_command(
        "generate_demo_data",
        *("--size", "large", "--seed", "51", "--groups", str(GROUPS)),
        *("--documents", str(DOCS), "--blocks", str(BLOCKS)),
        *("--discussions", str(DISCUSSIONS), "--posts", str(POSTS)),
        *("--members", str(max(50, min(20_000, POSTS // 50)))),
        "--manifest",
        str(manifest_path),
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    manifest = json.loads(manifest_path.read_text())
    member = User.objects.get(email=manifest["member"])
    groups = Group.objects.filter(slug__startswith="s51-group-").order_by("pk")
    Membership.objects.bulk_create(
        (Membership(group=g, user=member) for n, g in enumerate(groups) if n % 20 in (0, 1)),
        ignore_conflicts=True,
    )
    return manifest, member


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _ms(values):
    median, p95 = statistics.median(values) * 1000, _percentile(values, 0.95) * 1000
    return f"median {median:6.1f} ms, p95 {p95:6.1f} ms"


def _backend_cpu():
    """A function giving the CPU seconds used so far by this connection's PostgreSQL
    backend, when the server runs on this machine; else one that gives 0 (SQLite, or a
    remote server), so that "cpu" is this process's alone."""
    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        path = f"/proc/{cursor.fetchone()[0]}/schedstat"
    if not os.path.exists(path):
        return lambda: 0.0

    def seconds():
        with open(path) as stat:
            return int(stat.read().split()[0]) / 1e9  # time on a CPU, in nanoseconds

    return seconds


def test_search_at_scale(tmp_path):
    started = time.perf_counter()
    manifest, member = build(tmp_path)
    built = time.perf_counter() - started
    print(
        f"\n[search bench] {connection.vendor}: {Document.objects.count():,} documents, "
        f"{Block.objects.count():,} blocks, {Post.objects.count():,} posts; "
        f"built and indexed in {built:.0f} s"
    )
    anonymous = AnonymousUser()
    client = Client()
    client.force_login(member)

    baseline = []
    for _ in range(REPEATS * 10):
        t0 = time.perf_counter()
        list(Document.objects.filter(slug="s51-doc-5").values_list("pk", flat=True))
        baseline.append(time.perf_counter() - t0)

    # Wall time, and this process's CPU time: on this shared 2-core machine other jobs
    # inflate wall time; SQLite runs in-process, so its CPU time is what a search costs
    # on an idle machine. PostgreSQL works in its own process: its backend's CPU time is
    # added when the server runs on this machine (/proc), as a second figure beside the
    # wall time the target is judged on.
    wall = {"document": [], "post": [], "view": []}
    cpu = {"document": [], "post": []}
    backend = _backend_cpu()
    per_query = {}
    for query in QUERIES:
        for viewer in (anonymous, member):  # warm caches once per query and viewer
            search(user=viewer, text=query, kind="post")
            search(user=viewer, text=query, kind="document")
        mine = []
        for _ in range(REPEATS):
            for viewer in (anonymous, member):
                for kind in ("document", "post"):
                    t0, c0, b0 = time.perf_counter(), time.process_time(), backend()
                    results = search(user=viewer, text=query, kind=kind)
                    elapsed = time.perf_counter() - t0
                    cpu[kind].append(time.process_time() - c0 + backend() - b0)
                    wall[kind].append(elapsed)
                    mine.append(elapsed)
            t0 = time.perf_counter()
            response = client.get("/search/", {"q": query, "kind": "post"})
            wall["view"].append(time.perf_counter() - t0)
            assert response.status_code == 200
        per_query[query] = (mine, results.document_count, results.post_count)

    for query, (values, documents, posts) in per_query.items():
        print(f"  {query!r:32} {documents:>5} docs {posts:>5} posts  wall {_ms(values)}")
    print(f"  documents, search(): wall {_ms(wall['document'])}; cpu {_ms(cpu['document'])}")
    print(f"  posts, search():     wall {_ms(wall['post'])}; cpu {_ms(cpu['post'])}")
    print(f"  whole view (posts, test client, template rendering): wall {_ms(wall['view'])}")
    print(f"  baseline (one indexed ORM lookup): wall {_ms(baseline)}")
    every_wall = wall["document"] + wall["post"]
    every_cpu = cpu["document"] + cpu["post"]
    print(
        f"  ALL search() calls: wall {_ms(every_wall)}; cpu {_ms(every_cpu)} (target p95 < 50 ms"
        + (
            ", on wall time; cpu here is this process's plus the PostgreSQL backend's)"
            if connection.vendor == "postgresql"
            else ", on cpu time)"
        )
    )
    measured = every_cpu if connection.vendor == "sqlite" else every_wall
    p95 = _percentile(measured, 0.95)

    def figures(values):
        return {
            "median_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(_percentile(values, 0.95) * 1000, 1),
        }

    record(
        f"search_{connection.vendor}",
        {
            "documents": DOCS,
            "posts": POSTS,
            "built_seconds": round(built),
            "generator_timings": manifest["timings"],
            "queries": {
                q: {"documents": d, "posts": n, **figures(v)} for q, (v, d, n) in per_query.items()
            },
            "documents_wall": figures(wall["document"]),
            "posts_wall": figures(wall["post"]),
            "documents_cpu": figures(cpu["document"]),
            "posts_cpu": figures(cpu["post"]),
            "view_wall": figures(wall["view"]),
            "baseline_wall": figures(baseline),
            "all_wall": figures(every_wall),
            "all_cpu": figures(every_cpu),
            "measured": "cpu" if connection.vendor == "sqlite" else "wall",
            "ok": p95 < 0.050,
        },
    )
    assert p95 < 0.050, f"p95 {p95 * 1000:.1f} ms is over the 50 ms target"
