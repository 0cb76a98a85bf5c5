"""Benchmark: one document's discussion page at 50, 500 and 5,000 posts, in-process.

Run by `make bench`. For each size: SQL queries, page size, server time p50/p95 through
Django's test client (the whole middleware stack and template rendering), logged in as a
member of the (private) group. `/healthz` through the same client is the baseline of the
same run. Targets (issue #14): queries constant, page size bounded, p95 under 100 ms at
500 posts and under 150 ms at 5,000.

BENCH_PAGE_SIZES (default "50,500,5000") and BENCH_PAGE_REPEATS (default 30) make a
quicker run.
"""

import json
import os
import time

import pytest
from django.core.management import call_command
from django.db import connection

from studygroups.accounts.models import User
from tests.bench.support import median, ms, percentile, record, verdict

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

SIZES = [int(n) for n in os.environ.get("BENCH_PAGE_SIZES", "50,500,5000").split(",")]
REPEATS = max(3, int(os.environ.get("BENCH_PAGE_REPEATS", "30")))
TARGET_P95_MS = {500: 100, 5000: 150}


class QueryLog(list):
    """Every statement run (execute_wrapper), whatever the DEBUG setting."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def _timed(client, url, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
    return times, response


def test_discussion_page(tmp_path, client):
    manifest_path = tmp_path / "manifest.json"
    args = ["--size", "tiny", "--seed", "21", "--manifest", str(manifest_path)]
    for n in SIZES:
        args += ["--discussion-posts", str(n)]
    started = time.perf_counter()
    call_command("generate_demo_data", *args, stdout=open(os.devnull, "w"))  # noqa: SIM115
    built = time.perf_counter() - started
    manifest = json.loads(manifest_path.read_text())
    client.force_login(User.objects.get(email=manifest["circle"]["member"]))

    baseline, _ = _timed(client, "/healthz", REPEATS * 2)
    rows = []
    for n in SIZES:
        url = manifest["circle"]["discussions"][str(n)]
        _timed(client, url, 2)  # warm: templates compiled, caches filled
        queries = QueryLog()
        with connection.execute_wrapper(queries):
            client.get(url)
        times, response = _timed(client, url, REPEATS)
        p50, p95 = median(times), percentile(times, 0.95)
        target = TARGET_P95_MS.get(n)
        rows.append(
            {
                "posts": n,
                "queries": len(queries),
                "page_kb": round(len(response.content) / 1024),
                "p50_ms": ms(p50),
                "p95_ms": ms(p95),
                "ratio_to_healthz_p50": round(p50 / median(baseline), 1),
                "target_p95_ms": target,
                "ok": target is None or ms(p95) < target,
            }
        )
    print(
        f"\n[discussion page] {connection.vendor}, {REPEATS} requests each "
        f"(data built in {built:.1f} s); baseline /healthz p50 {ms(median(baseline))} ms, "
        f"p95 {ms(percentile(baseline, 0.95))} ms"
    )
    print("  posts  queries  page KB   p50 ms   p95 ms  x healthz  target p95")
    for r in rows:
        target = f"< {r['target_p95_ms']} ms {verdict(r['ok'])}" if r["target_p95_ms"] else "-"
        print(
            f"  {r['posts']:>5}  {r['queries']:>7}  {r['page_kb']:>7}  {r['p50_ms']:>7}  "
            f"{r['p95_ms']:>7}  {r['ratio_to_healthz_p50']:>9}  {target}"
        )
    queries = {r["queries"] for r in rows}
    print(f"  queries constant: {verdict(len(queries) == 1)}")
    record(
        f"discussion_page_{connection.vendor}",
        {
            "repeats": REPEATS,
            "healthz_p50_ms": ms(median(baseline)),
            "healthz_p95_ms": ms(percentile(baseline, 0.95)),
            "rows": rows,
        },
    )
    missed = [r for r in rows if not r["ok"]]
    assert len(queries) == 1, f"the query count grows with the discussion: {sorted(queries)}"
    assert not missed, "p95 over target at " + ", ".join(f"{r['posts']} posts" for r in missed)
