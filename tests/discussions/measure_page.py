"""Measure the discussion page in process: SQL queries, bytes and median time.

Not a test (pytest collects only test_*.py): run it by hand, before and after a change,

    .venv/bin/python tests/discussions/measure_page.py 50 500 5000

It builds each discussion in a fresh SQLite file (posts written in bulk with their
paths, as `posting` would), logs a member in with Django's test Client, and requests the
page 20 times after 3 warm-ups, printing the median and p95 of `time.perf_counter`.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

# MEASURE_ROOT: measure another checkout (the code before a change) with this script.
ROOT = Path(os.environ.get("MEASURE_ROOT") or Path(__file__).resolve().parents[2])
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
TMP = tempfile.mkdtemp(prefix="measure-page-")
os.environ["DJANGO_SETTINGS_MODULE"] = "studygroups.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/measure.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from studygroups.discussions.models import PATH_SEGMENT, Discussion, Post  # noqa: E402
from studygroups.groups.models import Group  # noqa: E402

REQUESTS = 20


def build(count: int):
    from tests.factories import add_member, make_document, make_group

    group = make_group(organizer=None, visibility=Group.Visibility.PRIVATE)
    document = make_document(sections=4, paragraphs=10)
    authors = [add_member(group).user for _ in range(8)]
    anchors = list(
        document.blocks.exclude(kind="heading").order_by("order").values_list("anchor", flat=True)
    )
    discussion = Discussion.objects.create(group=group, document=document)
    rng = random.Random(count)
    made: list[Post] = []
    start = timezone.now() - timezone.timedelta(days=30)
    with transaction.atomic():
        for i in range(count):
            parent = rng.choice(made[-200:]) if made and rng.random() < 0.7 else None
            anchor = parent.anchor if parent else (rng.choice(anchors) if i % 3 == 1 else "")
            body = f"Post {i}: " + " ".join(
                rng.choice(["reading", "text", "claim", "why"]) for _ in range(40)
            )
            post = Post(
                discussion=discussion,
                parent=parent,
                author=authors[i % len(authors)],
                body=body,
                body_html=f"<p>{body}</p>",
                anchor=anchor,
                depth=parent.depth + 1 if parent else 0,
                path="",
            )
            post.save()
            post.path = (parent.path if parent else "") + f"{post.pk:0{PATH_SEGMENT}d}"
            made.append(post)
        Post.objects.bulk_update(made, ["path"], batch_size=500)
        Post.objects.filter(pk__in=[p.pk for p in made]).update(created_at=start)
    return group, document, authors[0]


def measure(count: int) -> dict:
    group, document, member = build(count)
    client = Client()
    client.force_login(member)
    url = reverse("discussions:document", args=[group.slug, document.slug])
    for _ in range(3):
        client.get(url)
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)
    ):
        response = client.get(url)
    times, cpu = [], []
    for _ in range(REQUESTS):
        t, c = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 200
    times.sort()
    return {
        "posts": count,
        "queries": len(queries),
        "kb": len(response.content) / 1024,
        "median_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        # CPU time of this process: steadier than wall time on a shared, busy machine.
        "cpu_ms": statistics.median(cpu),
    }


def main(sizes: list[int]) -> None:
    call_command("migrate", verbosity=0)
    print(
        f"{'posts':>6} {'queries':>7} {'size KB':>8} {'median ms':>9} {'p95 ms':>7} {'cpu ms':>7}"
    )
    for size in sizes:
        r = measure(size)
        print(
            f"{r['posts']:>6} {r['queries']:>7} {r['kb']:>8.0f} "
            f"{r['median_ms']:>9.1f} {r['p95_ms']:>7.1f} {r['cpu_ms']:>7.1f}"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [50, 500, 5000])
