"""Benchmark: requests per second under gunicorn (2 sync workers) on loopback.

Run by `make bench`. A SQLite file (or, under scripts/with-postgres.sh, a new PostgreSQL
database) is built by generate_demo_data, gunicorn serves it with the production
settings (tests/bench/settings.py) on a free port, and a load generator (wrk when
installed, else a threaded Python client) requests each page for a bounded time over 4
keep-alive connections with a member's session cookie. Each page is reported as a ratio
to `/healthz` (a trivial view through the whole middleware stack) measured in the same
round; the ratio's median over BENCH_ROUNDS rounds is compared with the targets of
issue #14: the discussion page at least 0.25 at 50 and at 5,000 posts, the dashboard,
library page and reader at least 0.40.

BENCH_SECONDS (per page and round, default 8), BENCH_ROUNDS (default 3) and
BENCH_THROUGHPUT_SIZE (generate_demo_data preset, default small) make a quicker run.
"""

import os

import pytest

from tests.bench.support import (
    as_dict,
    fetch,
    fresh_database,
    generate,
    gunicorn,
    load,
    median,
    record,
    sessions,
    settle,
    vendor,
    verdict,
)

pytestmark = [pytest.mark.bench]

SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "3")))
SIZE = os.environ.get("BENCH_THROUGHPUT_SIZE", "small")
CONNECTIONS = 4
DISCUSSION_SIZES = [50, 500, 5000]
TARGETS = {"discussion 50": 0.25, "discussion 5000": 0.25}
OTHER_TARGET = 0.40


def test_throughput(tmp_path):
    env = fresh_database(tmp_path, "bench_throughput")
    args = ["--size", SIZE, "--seed", "31"]
    for n in DISCUSSION_SIZES:
        args += ["--discussion-posts", str(n)]
    manifest = generate(env, tmp_path, *args)
    member = manifest["circle"]["member"]
    cookie = f"sessionid={sessions(env, [member])[member]}"
    pages = {"healthz": "/healthz"}
    for n in DISCUSSION_SIZES:
        pages[f"discussion {n}"] = manifest["circle"]["discussions"][str(n)]
    pages["dashboard"] = "/groups/dashboard/"
    pages["library"] = "/library/"
    pages["reader"] = f"/library/{manifest['documents'][0]}/"

    runs: dict[str, list] = {name: [] for name in pages}
    with gunicorn(env, tmp_path) as base:
        sizes = {}
        for name, path in pages.items():
            status, size = fetch(base + path, cookie)
            assert status == 200, f"{name} ({path}) answered {status}"
            sizes[name] = size
        for path in pages.values():  # warm both workers
            load(base + path, seconds=1, connections=CONNECTIONS, cookie=cookie)
            settle(base, CONNECTIONS)
        for _ in range(ROUNDS):
            for name, path in pages.items():
                run = load(base + path, seconds=SECONDS, connections=CONNECTIONS, cookie=cookie)
                runs[name].append(run)
                settle(base, CONNECTIONS)

    assert all(run.rps for run in runs["healthz"]), f"no baseline: {runs['healthz']}"
    rows = []
    for name in pages:
        ratios = [
            run.rps / base_run.rps
            for run, base_run in zip(runs[name], runs["healthz"], strict=True)
        ]
        target = None if name in ("healthz", "discussion 500") else TARGETS.get(name, OTHER_TARGET)
        ratio = median(ratios)
        rows.append(
            {
                "page": name,
                "path": pages[name],
                "kb": round(sizes[name] / 1024),
                "rps_median": round(median([r.rps for r in runs[name]]), 1),
                "ratio": round(ratio, 3),
                "target": target,
                "ok": target is None or ratio >= target,
                "errors": sum(r.errors for r in runs[name]),
                "latency_p50_ms": median([r.latency_p50_ms or 0 for r in runs[name]]),
            }
        )
    tool = runs["healthz"][0].tool
    print(
        f"\n[throughput] {vendor()} database built by generate_demo_data --size {SIZE} in "
        f"{manifest['seconds']} s; gunicorn 2 sync workers; {tool}, {CONNECTIONS} connections, "
        f"{SECONDS} s per page, median of {ROUNDS} rounds"
    )
    print("  page              KB    req/s  ratio  latency p50  errors  target")
    for r in rows:
        target = f">= {r['target']:.2f} {verdict(r['ok'])}" if r["target"] else "-"
        if r["page"] == "healthz":
            target = "baseline"
        print(
            f"  {r['page']:<16} {r['kb']:>4} {r['rps_median']:>8} {r['ratio']:>6.3f} "
            f"{r['latency_p50_ms']:>9} ms {r['errors']:>7}  {target}"
        )
    record(
        f"throughput_{vendor()}",
        {
            "size": SIZE,
            "seconds": SECONDS,
            "rounds": ROUNDS,
            "tool": tool,
            "rows": rows,
            "runs": {name: [as_dict(r) for r in rs] for name, rs in runs.items()},
        },
    )
    assert not any(r["errors"] for r in rows), "errors under load"
    missed = [f"{r['page']} ({r['ratio']:.3f} < {r['target']})" for r in rows if not r["ok"]]
    assert not missed, "under target: " + ", ".join(missed)
