"""Realistic volume for demos and benchmarks: members, groups, documents with paragraphs,
discussions with nested replies and posts on paragraphs, written in bulk.

    manage.py generate_demo_data --size medium --seed 7
    manage.py generate_demo_data --size tiny --discussion-posts 50 --discussion-posts 5000 \\
        --manifest /tmp/demo.json

Rows are written with bulk inserts in batches, inside one transaction (all or nothing).
The search index's per-row triggers are set aside while writing and the index is rebuilt
once at the end (`search.schema.ensure`), which is several times faster than indexing row
by row and leaves the index exactly as the triggers would have. Posts are plain text (no
Markdown syntax, no @mentions), so their stored HTML is the paragraphs escaped, which is
what the Markdown renderer gives for such text (a test checks it).

The same --seed on the same (empty) database gives the same content. Everything this
command creates is named after its seed (slugs `s<seed>-…`, e-mails `…@s<seed>.demo.invalid`),
so runs with different seeds add to each other; the same seed twice is refused.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import json
import random
import time
import uuid
from dataclasses import dataclass
from html import escape

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from studygroups.discussions.models import PATH_SEGMENT, Discussion, Follow, Post
from studygroups.groups.models import Group, Membership
from studygroups.library.models import Author, Block, Document, DocumentAuthor, reading_minutes_for
from studygroups.search import schema

BATCH = 5_000
PASSWORD = "demo-data-2026"  # noqa: S105 - demo accounts only; every generated account's; printed and in the manifest
MAX_REPLY_DEPTH = 8
CIRCLE_MEMBERS = 50  # members of the group holding the --discussion-posts discussions


@dataclass(frozen=True)
class Size:
    groups: int
    members: int
    documents: int
    blocks: int  # paragraphs per document
    discussions: int
    posts: int


SIZES = {
    "tiny": Size(groups=4, members=16, documents=6, blocks=8, discussions=8, posts=80),
    "small": Size(groups=12, members=150, documents=120, blocks=20, discussions=150, posts=5_000),
    "medium": Size(
        groups=100, members=2_000, documents=1_000, blocks=20, discussions=2_000, posts=100_000
    ),
    "large": Size(
        groups=400,
        members=20_000,
        documents=10_000,
        blocks=20,
        discussions=20_000,
        posts=1_000_000,
    ),
}

# Common English words first (frequent), then generated words for the long tail; real
# words at chosen ranks so searches for them mean something at every size.
COMMON = (  # noqa: SIM905 - word lists read better as prose
    "the of and to a in that is was he for it with as his on be at by i this had not are but "
    "from or have an they which one you were her all she there would their we him been has "
    "when who will more no if out so said what up its about into than them can only other new "
    "some could time these two may then do first any my now such like our over man me even "
    "most made after also did many before must through back years where much your way well "
    "down should because each just those people how too little state good very make world "
    "still own see men work long get here between both life being under never day same "
    "another know while last might us great old year off come since against go came right "
    "used take three workers union wages land power class labour history women city "
    "council housing school rent strike meeting party movement question chapter book text "
    "reading group members discussion argument point page passage author idea freedom"
).split()
REAL = {
    "reading": 40,
    "together": 90,
    "committee": 400,
    "strike": 900,
    "revolución": 1500,
    "harbour": 3000,
    "cooperativa": 6000,
    "lighthouse": 15000,
}
SYLLABLES = ["ka", "lo", "mi", "ren", "sta", "vo", "dun", "pel", "tri", "gos", "an", "e", "ul"]
FIRST_NAMES = (  # noqa: SIM905
    "Ada Alba Amir Ana Ben Bea Carla Chen Dara Diego Elif Ema Farah Femi Gita Hugo Ines Ivan "
    "Jon Juno Kai Kemi Lena Luis Mara Milo Nia Noor Omar Otto Pia Raul Rosa Sami Sara Tao "
    "Teo Uma Vera Wen Yara Zoe"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Abebe Alvarez Bauer Costa Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski "
    "Larsen Mendes Novak Okafor Petrov Quinn Rossi Silva Tanaka Umar Varga Weber Yilmaz Zhou"
).split()


class Words:
    """Zipf-distributed words (the word of rank r is used in proportion to 1/r)."""

    def __init__(self, rng: random.Random, size: int = 30_000):
        self.rng = rng
        generated = set()
        taken = set(COMMON) | set(REAL)
        while len(generated) < size - len(COMMON) - len(REAL):
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            if word not in taken:
                generated.add(word)
        tail = sorted(generated)
        rng.shuffle(tail)
        vocab = list(COMMON) + tail
        for word, rank in sorted(REAL.items(), key=lambda item: item[1]):
            vocab.insert(rank, word)
        self.vocab = vocab
        self.cumulative = list(itertools.accumulate(1 / (r + 1) for r in range(len(vocab))))
        self.total = self.cumulative[-1]

    def words(self, n: int) -> list[str]:
        rnd, cum, vocab, total, hi = (
            self.rng.random,
            self.cumulative,
            self.vocab,
            self.total,
            len(self.vocab) - 1,
        )
        return [vocab[bisect.bisect(cum, rnd() * total, 0, hi)] for _ in range(n)]

    def sentence(self, low: int, high: int) -> str:
        words = self.words(self.rng.randint(low, high))
        if self.rng.random() < 0.02:  # some texts say "reading together" as a phrase
            words[self.rng.randrange(len(words))] = "reading together"
        return " ".join(words).capitalize() + "."

    def paragraph(self, sentences_low: int, sentences_high: int) -> str:
        return " ".join(
            self.sentence(6, 18) for _ in range(self.rng.randint(sentences_low, sentences_high))
        )

    def title(self) -> str:
        return " ".join(self.words(self.rng.randint(2, 6))).capitalize()


def body_html(body: str) -> str:
    """The stored HTML of a generated post (plain paragraphs: what Markdown renders)."""
    return "\n".join(f"<p>{escape(p, quote=False)}</p>" for p in body.split("\n\n"))


def _anchor(text: str, taken: set[str]) -> str:
    base = "p-" + hashlib.sha1(text.casefold().encode(), usedforsecurity=False).hexdigest()[:6]
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor


def _next_id(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def _insert(model, fields: list[str], rows: list[tuple]) -> None:
    """Write `rows` (values in `fields` order): COPY on PostgreSQL, one prepared INSERT
    run over the rows (executemany) on SQLite. Django's bulk_create compiles each field of
    each row, several times the statement's own cost at a million rows, and psycopg's
    client-side cursors (Django's default) make executemany a round trip per row."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from _meta
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


class Generator:
    """Plans and writes one data set. `write()` returns the manifest (what was made)."""

    def __init__(self, size: Size, *, seed: int, discussion_posts: list[int], log=None):
        self.size = size
        self.seed = seed
        self.discussion_posts = discussion_posts
        self.rng = random.Random(seed)
        # A small data set needs no 30,000-word vocabulary (and builds in a fraction of the time).
        small = size.posts + size.documents * size.blocks + sum(discussion_posts) < 20_000
        self.words = Words(self.rng, size=3_000 if small else 30_000)
        self.prefix = f"s{seed}"
        self.log = log or (lambda message: None)
        self.timings: dict[str, float] = {}
        self.now = timezone.now().replace(microsecond=0)
        self.start = self.now - dt.timedelta(days=730)
        self.adapt_dt = connection.ops.adapt_datetimefield_value
        sqlite = connection.vendor == "sqlite"
        self.adapt_uuid = (lambda u: u.hex) if sqlite else (lambda u: u)

    # ------------------------------------------------------------------ helpers
    def _timed(self, name: str, started: float) -> None:
        self.timings[name] = round(time.perf_counter() - started, 2)
        self.log(f"  {name}: {self.timings[name]:.1f} s")

    def _when(self, fraction: float) -> dt.datetime:
        """A moment in the last two years; later for a larger fraction (ids grow with time)."""
        return self.start + (self.now - self.start) * min(max(fraction, 0.0), 1.0)

    # ------------------------------------------------------------------ people
    def _users(self, count: int, label: str) -> list:
        User = get_user_model()
        password = make_password(PASSWORD)  # hashed once: the same for every account
        users = []
        for n in range(count):
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            users.append(
                User(
                    email=f"{label}{n}@{self.prefix}.demo.invalid",
                    display_name=name,
                    password=password,
                    date_joined=self._when(n / max(count, 1) * 0.5),
                )
            )
        users = User.objects.bulk_create(users, batch_size=BATCH)
        EmailAddress.objects.bulk_create(
            (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users),
            batch_size=BATCH,
        )
        return users

    def _groups(self, users: list) -> tuple[list, dict[int, list]]:
        size = self.size
        groups = []
        for n in range(size.groups):
            private = n % 5 == 0
            groups.append(
                Group(
                    name=f"{self.words.title()} reading circle"[:120],
                    slug=f"{self.prefix}-group-{n}",
                    description=self.words.paragraph(1, 3),
                    visibility=Group.Visibility.PRIVATE if private else Group.Visibility.PUBLIC,
                    join_policy=Group.JoinPolicy.INVITATION if private else Group.JoinPolicy.OPEN,
                )
            )
        groups = Group.objects.bulk_create(groups, batch_size=BATCH)
        # Everyone belongs to one to three groups; each group's first member organizes it
        # and its second facilitates.
        members_of: dict[int, list] = {g.pk: [] for g in groups}
        for user in users:
            for group in self.rng.sample(groups, min(len(groups), self.rng.randint(1, 3))):
                members_of[group.pk].append(user)
        for group in groups:  # no group without members
            if not members_of[group.pk]:
                members_of[group.pk].append(self.rng.choice(users))
        memberships = []
        for group in groups:
            for i, user in enumerate(members_of[group.pk]):
                role = (
                    Membership.Role.ORGANIZER
                    if i == 0
                    else Membership.Role.FACILITATOR
                    if i == 1
                    else Membership.Role.MEMBER
                )
                memberships.append(
                    Membership(group=group, user=user, role=role, conduct_accepted_at=self.start)
                )
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        return groups, members_of

    # ------------------------------------------------------------------ library
    def _documents(self, count: int, label: str) -> tuple[list[int], dict[int, list]]:
        """Documents with `size.blocks` paragraphs each; returns their ids and, per
        document, its paragraphs as (anchor, text)."""
        authors = Author.objects.bulk_create(
            (
                Author(
                    name=f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
                    slug=f"{self.prefix}-{label}-author-{n}",
                )
                for n in range(max(3, count // 4))
            ),
            batch_size=BATCH,
        )
        first = _next_id(Document)
        changed = self.adapt_dt(self.start)
        doc_rows, block_rows, paragraphs = [], [], {}
        for n in range(count):
            pk = first + n
            language = "es" if n % 10 == 9 else "en"
            texts = [self.words.paragraph(2, 6) for _ in range(self.size.blocks)]
            taken: set[str] = set()
            paragraphs[pk] = [(_anchor(text, taken), text) for text in texts]
            words = sum(len(t.split()) for t in texts)
            published = dt.date(1880 + self.rng.randrange(140), 1, 1)
            doc_rows.append(
                (pk, self.words.title()[:300], "", f"{self.prefix}-{label}-{n}", False, "")
                + (language, published, "year", "", "", words, reading_minutes_for(words, language))
                + (hashlib.sha256(" ".join(texts).encode()).hexdigest(), changed, changed)
                + (changed, 1)
            )
            for order, (anchor, text) in enumerate(paragraphs[pk]):
                block_rows.append((pk, "paragraph", order, anchor, text, len(text.split())))
        _insert(
            Document,
            [
                "id",
                "title",
                "subtitle",
                "slug",
                "needs_review",
                "review_note",
                "language",
                "published",
                "date_precision",
                "organization",
                "venue",
                "word_count",
                "reading_minutes",
                "text_hash",
                "created_at",
                "updated_at",
                "text_changed_at",
                "text_revision",
            ],
            doc_rows,
        )
        DocumentAuthor.objects.bulk_create(
            (
                DocumentAuthor(document_id=first + n, author=authors[n % len(authors)], order=0)
                for n in range(count)
            ),
            batch_size=BATCH,
        )
        _insert(Block, ["document", "kind", "order", "anchor", "text", "word_count"], block_rows)
        return [first + n for n in range(count)], paragraphs

    # ------------------------------------------------------------------ discussions
    def _post_counts(self, discussions: int, posts: int) -> list[int]:
        """Posts per discussion: a few long discussions, many short ones (Zipf, s=0.7)."""
        if not discussions:
            return []
        weights = [1 / (r + 1) ** 0.7 for r in range(discussions)]
        total = sum(weights)
        counts = [int(posts * w / total) for w in weights]
        for i in range(posts - sum(counts)):
            counts[i % discussions] += 1
        self.rng.shuffle(counts)
        return counts

    def _threads(self, discussion_id, document_id, paragraphs, authors, count, first_pk, span):
        """Rows of `count` posts in one discussion: threads on paragraphs and general
        ones, replies under recent posts, up to MAX_REPLY_DEPTH deep."""
        rng, rows, follows = self.rng, [], set()
        recent: list[tuple[int, str, int, str]] = []  # (pk, path, depth, anchor)
        low, high = span
        for k in range(count):
            pk = first_pk + k
            author = rng.choice(authors)
            follows.add((author.pk, discussion_id))
            body = "\n\n".join(self.words.paragraph(1, 3) for _ in range(rng.randint(1, 2)))
            anchor = quote = prefix = suffix = ""
            start = end = None
            if k and recent and rng.random() < 0.6:
                parent_pk, parent_path, parent_depth, anchor = rng.choice(recent[-12:])
                if parent_depth + 1 >= MAX_REPLY_DEPTH:
                    parent_pk, parent_path, parent_depth, anchor = recent[0]
                parent, depth = parent_pk, parent_depth + 1
                path = parent_path + f"{pk:0{PATH_SEGMENT}d}"
            else:
                parent, depth, path = None, 0, f"{pk:0{PATH_SEGMENT}d}"
                if paragraphs and rng.random() < 0.5:
                    anchor, text = rng.choice(paragraphs)
                    words = text.split(" ")
                    i = rng.randrange(max(1, len(words) - 8))
                    quote = " ".join(words[i : i + rng.randint(3, 8)])
                    start = len(" ".join(words[:i])) + (1 if i else 0)
                    end = start + len(quote)
                    prefix, suffix = text[max(0, start - 40) : start], text[end : end + 40]
            recent.append((pk, path, depth, anchor))
            if depth == 0 and len(recent) > 40:
                recent = recent[-40:]
            created = self.adapt_dt(self._when(low + (high - low) * (k + 1) / (count + 1)))
            rows.append(
                (pk, discussion_id, parent, path, depth, author.pk, body, body_html(body))
                + (anchor, quote, prefix, suffix, start, end, 1)
                + (self.adapt_uuid(uuid.UUID(int=rng.getrandbits(128), version=4)), created)
                + (False, False, "", "", "")
            )
        return rows, follows

    POST_FIELDS = [
        "id",
        "discussion",
        "parent",
        "path",
        "depth",
        "author",
        "body",
        "body_html",
        "anchor",
        "quote",
        "quote_prefix",
        "quote_suffix",
        "quote_start",
        "quote_end",
        "text_revision",
        "idempotency_key",
        "created_at",
        "deleted_by_moderator",
        "awaiting_approval",
        "detached_anchor",
        "hidden_category",
        "hidden_reason",
    ]

    def _discussions(self, pairs, counts, members_of, paragraphs, span=(0.0, 1.0)) -> int:
        """Discussions for (group, document) pairs with counts[i] posts each."""
        discussions = Discussion.objects.bulk_create(
            (Discussion(group_id=g, document_id=d) for g, d in pairs), batch_size=BATCH
        )
        pk = _next_id(Post)
        written = 0
        rows: list[tuple] = []
        follows: set[tuple[int, int]] = set()
        # Posts are written in id order across discussions, interleaved in time: ids
        # follow creation time as they would on a live site (search ranks the newest).
        for discussion, count in zip(discussions, counts, strict=True):
            group_id, document_id = discussion.group_id, discussion.document_id
            made, followed = self._threads(
                discussion.pk,
                document_id,
                paragraphs.get(document_id, []),
                members_of[group_id],
                count,
                pk,
                span,
            )
            rows.extend(made)
            follows |= followed
            pk += count
            written += count
            if len(rows) >= 10 * BATCH:
                _insert(Post, self.POST_FIELDS, rows)
                rows = []
        _insert(Post, self.POST_FIELDS, rows)
        following_since = self.adapt_dt(self.start)
        _insert(
            Follow,
            ["user", "discussion", "following", "created_at"],
            [(u, d, True, following_since) for u, d in sorted(follows)],
        )
        return written

    # ------------------------------------------------------------------ the whole set
    def write(self) -> dict:
        size = self.size
        if Group.objects.filter(slug__startswith=f"{self.prefix}-").exists():
            raise CommandError(
                f"Data for seed {self.seed} is already here (groups '{self.prefix}-…'). "
                "Choose another --seed, or start from an empty database."
            )
        started = time.perf_counter()
        t = time.perf_counter()
        users = self._users(size.members, "member")
        groups, members_of = self._groups(users)
        self._timed("members and groups", t)

        t = time.perf_counter()
        document_ids, paragraphs = self._documents(size.documents, "doc")
        self._timed("documents and paragraphs", t)

        t = time.perf_counter()
        pairs: set[tuple[int, int]] = set()
        wanted = min(size.discussions, len(groups) * len(document_ids))
        while len(pairs) < wanted:
            pairs.add((self.rng.choice(groups).pk, self.rng.choice(document_ids)))
        pairs_list = sorted(pairs)
        self.rng.shuffle(pairs_list)
        counts = self._post_counts(len(pairs_list), size.posts)
        posts = self._discussions(pairs_list, counts, members_of, paragraphs)
        self._timed("discussions and posts", t)

        circle = self._circle()
        self._sequences()
        t = time.perf_counter()
        restore_index()
        self._timed("search index rebuilt", t)
        self.timings["total"] = round(time.perf_counter() - started, 2)
        return {
            "seed": self.seed,
            "database": connection.vendor,
            "size": size.__dict__,
            "posts": posts + sum(self.discussion_posts),
            "password": PASSWORD,
            "member": users[0].email,
            "groups": [g.slug for g in groups],
            "documents": [self._document_slug(n) for n in range(len(document_ids))],
            "circle": circle,
            "timings": self.timings,
        }

    def _document_slug(self, n: int, label: str = "doc") -> str:
        return f"{self.prefix}-{label}-{n}"

    def _circle(self) -> dict:
        """One private group of CIRCLE_MEMBERS members with one discussion per
        --discussion-posts count, each on its own document (for page benchmarks)."""
        if not self.discussion_posts:
            return {}
        t = time.perf_counter()
        users = self._users(CIRCLE_MEMBERS + 1, "circle")
        group = Group.objects.create(
            name="Long discussions circle",
            slug=f"{self.prefix}-circle",
            description="A group whose discussions have many posts.",
            visibility=Group.Visibility.PRIVATE,
            join_policy=Group.JoinPolicy.INVITATION,
        )
        Membership.objects.bulk_create(
            Membership(
                group=group,
                user=user,
                role=Membership.Role.ORGANIZER if i == 0 else Membership.Role.MEMBER,
                conduct_accepted_at=self.now,
            )
            for i, user in enumerate(users)
        )
        document_ids, paragraphs = self._documents(len(self.discussion_posts), "circle-doc")
        pairs = [(group.pk, d) for d in document_ids]
        # Written in the last month, after the rest: the newest posts on the site.
        self._discussions(
            pairs, list(self.discussion_posts), {group.pk: users[1:]}, paragraphs, (0.96, 1.0)
        )
        self._timed("long discussions", t)
        return {
            "group": group.slug,
            "organizer": users[0].email,
            "member": users[1].email,
            "members": [user.email for user in users[1:]],
            "discussions": {
                str(n): f"/discussions/{group.slug}/{self._document_slug(i, 'circle-doc')}/"
                for i, n in enumerate(self.discussion_posts)
            },
            "documents": [self._document_slug(i, "circle-doc") for i in range(len(document_ids))],
        }

    def _sequences(self) -> None:
        """Rows were written with their ids: move PostgreSQL's sequences past them."""
        statements = connection.ops.sequence_reset_sql(no_style(), [Document, Block, Post, Follow])
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def set_aside_index_triggers() -> None:
    """Drop the search index's per-row triggers; `schema.ensure` puts them back and
    rebuilds the index from the tables once."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            schema.detach(connection)
        elif connection.vendor == "postgresql":
            for name, (table, _) in schema.PG_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")


# PostgreSQL's GIN indexes of the search tables: built once after the rows are in
# (CREATE INDEX sorts everything in one pass) rather than grown row by row by the rebuild.
PG_VECTOR_INDEXES = ["search_document_vector", "search_block_vector", "search_post_vector"]


def restore_index() -> None:
    """Put back the set-aside triggers and re-index every row, as `schema.ensure` does;
    on PostgreSQL with the GIN indexes dropped during the rebuild and made again after
    (`schema.install` creates what is missing)."""
    if connection.vendor != "postgresql":
        schema.ensure(connection)
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")  # each GIN built in memory
        cursor.execute("SET LOCAL work_mem = '128MB'")  # the rebuild's joins, in memory
        for name in PG_VECTOR_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    schema.rebuild(connection)
    schema.install(connection)


class Command(BaseCommand):
    help = (
        "Generate realistic demo data in bulk (members, groups, documents, discussions with "
        "nested replies and posts on paragraphs). Deterministic for a given --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        for name in ("groups", "members", "documents", "blocks", "discussions", "posts"):
            parser.add_argument(
                f"--{name}", type=int, help=f"Override the preset's number of {name}."
            )
        parser.add_argument(
            "--discussion-posts",
            type=int,
            action="append",
            default=[],
            metavar="N",
            help="Also make one discussion with N posts (repeatable), in a private group of "
            f"{CIRCLE_MEMBERS} members, for page benchmarks.",
        )
        parser.add_argument("--manifest", help="Write what was made (as JSON) to this file.")

    def handle(self, *args, **options):
        preset = SIZES[options["size"]]
        values = {
            name: options[name] if options[name] is not None else getattr(preset, name)
            for name in preset.__dict__
        }
        if any(v < 0 for v in values.values()) or any(n < 1 for n in options["discussion_posts"]):
            raise CommandError("Sizes must be positive numbers.")
        if values["members"] < 1 or values["groups"] < 1:
            raise CommandError("At least one member and one group are needed.")
        if values["discussions"] and not values["documents"]:
            raise CommandError("Discussions need documents: give --documents.")
        if values["blocks"] < 1 and values["documents"]:
            raise CommandError("Documents need at least one paragraph: give --blocks 1 or more.")
        size = Size(**values)
        self.stdout.write(
            f"Generating on {connection.vendor} (seed {options['seed']}): "
            + ", ".join(f"{v:,} {k}" for k, v in values.items())
            + (
                f"; long discussions of {options['discussion_posts']} posts"
                if options["discussion_posts"]
                else ""
            )
        )
        generator = Generator(
            size,
            seed=options["seed"],
            discussion_posts=options["discussion_posts"],
            log=self.stdout.write,
        )
        with transaction.atomic():
            set_aside_index_triggers()
            manifest = generator.write()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if options["manifest"]:
            with open(options["manifest"], "w", encoding="utf-8") as out:
                json.dump(manifest, out, indent=2)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {manifest['timings']['total']:.1f} s: {manifest['posts']:,} posts. "
                f"Log in as {manifest['member']} / {PASSWORD}."
            )
        )
