"""The search selectors on whichever database the suite runs on (SQLite or PostgreSQL)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studygroups.discussions import posting as discussions
from studygroups.groups.models import Group, Membership
from studygroups.library.models import Author, Block, Document
from studygroups.library.services import BlockInput, SectionInput, document_replace_text
from studygroups.moderation import services as moderation
from studygroups.search import selectors
from studygroups.search.backends import Filters
from studygroups.search.selectors import search, search_in_document
from tests.factories import add_member, make_group, post, reply, verified_user

from .conftest import make_text

pytestmark = pytest.mark.django_db
anonymous = AnonymousUser()
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming is PostgreSQL's text search"
)


def titles(results):
    return [hit.document.title for hit in results.page.items]


def post_ids(results):
    return [hit.post.pk for hit in results.page.items]


# ----------------------------------------------------------------------------- documents


def test_finds_a_word_in_the_body_and_links_to_its_paragraph():
    document = make_text("Nothing here.", "The parliamentarian spoke at length.", title="Minutes")
    results = search(user=anonymous, text="parliamentarian")
    assert results.document_count == 1
    [hit] = results.page.items
    anchor = document.blocks.order_by("order")[1].anchor
    assert hit.anchor == anchor
    assert hit.url == f"{document.get_absolute_url()}#{anchor}"
    assert "<mark>parliamentarian</mark>" in hit.snippet_html.lower()


def test_finds_titles_and_authors():
    make_text("Body text.", title="Letters from the quarry", authors=["Mira Feldspar"])
    assert titles(search(user=anonymous, text="quarry")) == ["Letters from the quarry"]
    assert titles(search(user=anonymous, text="feldspar")) == ["Letters from the quarry"]
    hit = search(user=anonymous, text="quarry").page.items[0]
    assert "<mark>quarry</mark>" in hit.title_html.lower()


def test_title_match_ranks_before_body_match():
    make_text("A note on the cooperative movement and its cooperative stores.", title="Notes")
    make_text("Short.", title="The cooperative")
    make_text("Nothing relevant.", title="Elsewhere")
    assert titles(search(user=anonymous, text="cooperative")) == ["The cooperative", "Notes"]


def test_better_body_match_ranks_first():
    make_text("Strike once.", title="One")
    make_text("Strike, strike and strike again: the strike committee.", title="Many")
    make_text("Filler words without the term.", title="None")
    assert titles(search(user=anonymous, text="strike")) == ["Many", "One"]


def test_every_word_must_match_and_phrases_keep_order():
    make_text("The reading circle met on Tuesday.", title="A")
    make_text("Circle back to reading later.", title="B")
    assert sorted(titles(search(user=anonymous, text="reading circle"))) == ["A", "B"]
    assert titles(search(user=anonymous, text='"reading circle"')) == ["A"]
    assert titles(search(user=anonymous, text="reading absentword")) == []


def test_snippets_escape_the_text():
    make_text("Beware <script>alert('x')</script> & the tyrannosaur.", title="Escapes")
    hit = search(user=anonymous, text="tyrannosaur").page.items[0]
    assert "<script>" not in hit.snippet_html
    assert "<mark>tyrannosaur</mark>" in hit.snippet_html
    if connection.vendor == "sqlite":  # PostgreSQL's ts_headline drops tag-like tokens
        assert "&lt;script&gt;" in hit.snippet_html


def test_title_markup_is_escaped():
    make_text("Body.", title="<b>Bold</b> ideas about dromedaries")
    hit = search(user=anonymous, text="dromedaries").page.items[0]
    assert "<b>" not in hit.title_html
    if connection.vendor == "sqlite":  # PostgreSQL's ts_headline drops tag-like tokens
        assert "&lt;b&gt;" in hit.title_html


def test_diacritics_are_folded():
    make_text("La revolución de los lectores.", title="Texto", language="es")
    assert titles(search(user=anonymous, text="revolucion")) == ["Texto"]
    assert titles(search(user=anonymous, text="REVOLUCIÓN")) == ["Texto"]


@on_postgres
def test_spanish_text_is_found_by_a_stemmed_spanish_variant():
    make_text("Las revoluciones cambiaron las imprentas.", title="Imprentas", language="es")
    assert titles(search(user=anonymous, text="revolución")) == ["Imprentas"]
    assert titles(search(user=anonymous, text="imprenta")) == ["Imprentas"]


@on_postgres
def test_english_text_is_stemmed_as_english():
    make_text("The printers were organizing.", title="Printers")
    assert titles(search(user=anonymous, text="printer organize")) == ["Printers"]


# ---------------------------------------------------------------------------- in-document


def test_search_in_document_lists_matching_paragraphs_in_order():
    document = make_text("First oak.", "No tree.", "Second oak and another oak.", title="Oaks")
    make_text("An oak elsewhere.", title="Other")
    hits = search_in_document(document=document, text="oak")
    anchors = list(document.blocks.order_by("order").values_list("anchor", flat=True))
    assert [h.anchor for h in hits] == [anchors[0], anchors[2]]
    assert hits[0].url.endswith(f"#{anchors[0]}")
    assert "<mark>oak</mark>" in hits[0].snippet_html.lower()
    assert search_in_document(document=document, text='"((') == []


# -------------------------------------------------------------------------------- posts


def test_private_posts_are_only_for_active_members(planted, member, outsider, private_group):
    secret = planted["secret"].pk
    assert post_ids(search(user=member, text="zanzibarite")) == [secret]
    for viewer in (anonymous, outsider):
        results = search(user=viewer, text="zanzibarite")
        assert results.post_count == 0
        assert post_ids(search(user=viewer, text="zanzibarite", kind="post")) == []
    left = verified_user()
    add_member(private_group, left, state=Membership.State.LEFT)
    requested = verified_user()
    add_member(private_group, requested, state=Membership.State.REQUESTED)
    for viewer in (left, requested):
        assert search(user=viewer, text="zanzibarite").post_count == 0


def test_public_and_unlisted_posts_are_for_everyone(planted, member):
    unlisted = make_group(organizer=None, visibility=Group.Visibility.UNLISTED)
    add_member(unlisted, member)
    hidden_link = post(unlisted, planted["document"], member, body="A quorum of the unlisted.")
    results = search(user=anonymous, text="quorum", kind="post")
    assert set(post_ids(results)) == {planted["open"].pk, hidden_link.pk}


def test_post_hits_carry_a_highlighted_snippet_and_link(planted):
    [hit] = search(user=anonymous, text="quorum", kind="post").page.items
    assert "<mark>quorum</mark>" in hit.snippet_html
    assert hit.url == planted["open"].get_absolute_url()


def test_post_markup_is_escaped_in_snippets(public_group, member):
    document = make_text("Text.")
    post(public_group, document, member, body="<img src=x onerror=alert(1)> the okapi")
    [hit] = search(user=anonymous, text="okapi", kind="post").page.items
    assert "<img" not in hit.snippet_html
    assert "<mark>okapi</mark>" in hit.snippet_html


def test_gated_answers_are_left_out_except_for_facilitators(public_group, member):
    from tests.factories import make_question

    document = make_text("Text.")
    question = make_question(public_group, document, gated=True)
    answer = post(
        public_group, document, member, body="My answer mentions the axolotl.", question=question
    )
    reply(reply(answer, member, body="An axolotl, again."), member, body="Axolotl, deeper.")
    post(public_group, document, member, body="An open thread: axolotl.")  # a root, no question
    assert search(user=anonymous, text="axolotl").post_count == 1
    assert search(user=member, text="axolotl", kind="post").post_count == 1
    facilitator = verified_user()
    add_member(public_group, facilitator, role=Membership.Role.FACILITATOR)
    assert search(user=facilitator, text="axolotl").post_count == 4
    results = search(user=facilitator, text="axolotl", kind="post")
    assert len(results.page.items) == 4


# --------------------------------------------------------------------------------- sync


def test_edited_post_is_reindexed(planted, member):
    open_post = planted["open"]
    discussions.post_edit(editor=member, post=open_post, body="Now it speaks of a plenary.")
    assert search(user=anonymous, text="quorum").post_count == 0
    assert post_ids(search(user=anonymous, text="plenary")) == [open_post.pk]


def test_hidden_and_deleted_posts_leave_the_index(planted, member, public_group):
    moderator = verified_user()
    add_member(public_group, moderator, role=Membership.Role.ORGANIZER)
    open_post = planted["open"]
    moderation.post_hide(actor=moderator, post=open_post)
    assert search(user=anonymous, text="quorum").post_count == 0
    assert search(user=member, text="quorum").post_count == 0
    moderation.post_unhide(actor=moderator, post=open_post)
    assert search(user=anonymous, text="quorum").post_count == 1
    answer = reply(open_post, member, body="A reply about the quorum bell.")
    assert search(user=anonymous, text="bell").post_count == 1
    discussions.post_delete(actor=member, post=answer)
    assert search(user=anonymous, text="bell").post_count == 0


def test_group_turning_private_hides_its_posts(planted, public_group, private_group, member):
    public_group.visibility = Group.Visibility.PRIVATE
    public_group.save()
    assert search(user=anonymous, text="quorum").post_count == 0
    assert search(user=member, text="quorum").post_count == 1
    private_group.visibility = Group.Visibility.PUBLIC
    private_group.save()
    assert search(user=anonymous, text="zanzibarite").post_count == 1
    Group.objects.filter(pk=private_group.pk).update(visibility=Group.Visibility.UNLISTED)
    assert search(user=anonymous, text="zanzibarite").post_count == 1


def test_scope_words_are_not_searchable(planted, private_group):
    for word in ("closed", f"g{private_group.pk}"):
        assert search(user=anonymous, text=word).post_count == 0
    assert search(user=anonymous, text="open").post_count == 1  # in its body, not its scope


def test_deleting_rows_removes_them(planted):
    planted["document"].delete()
    assert search(user=anonymous, text="quorum").post_count == 0
    assert search(user=anonymous, text="committees").document_count == 0


def test_reimported_text_is_reindexed():
    document = make_text("The old wording about pelicans.", "Kept paragraph.", title="Birds")
    document_replace_text(
        document=document,
        sections=[
            SectionInput(
                heading="",
                blocks=[BlockInput("The new wording about flamingos."), BlockInput("Kept.")],
            )
        ],
    )
    assert search(user=anonymous, text="pelicans").document_count == 0
    assert titles(search(user=anonymous, text="flamingos")) == ["Birds"]


def test_raw_updates_and_metadata_changes_are_followed():
    document = make_text("Plain text.", title="Before", authors=["Ada Lovelace"])
    Block.objects.filter(document=document).update(text="Raw update mentions walruses.")
    assert titles(search(user=anonymous, text="walruses")) == ["Before"]
    Document.objects.filter(pk=document.pk).update(title="After the thaw")
    assert titles(search(user=anonymous, text="thaw")) == ["After the thaw"]
    assert search(user=anonymous, text="before").document_count == 0
    Author.objects.filter(name="Ada Lovelace").update(name="Ada Byron")
    assert titles(search(user=anonymous, text="byron")) == ["After the thaw"]
    assert search(user=anonymous, text="lovelace").document_count == 0


def test_language_change_reindexes_text_and_posts(public_group, member):
    document = make_text("Las imprentas.", title="Doc", language="en")
    post(public_group, document, member, body="Hablamos de imprentas.")
    Document.objects.filter(pk=document.pk).update(language="es")
    assert search(user=anonymous, text="imprentas", filters=Filters(language="es")).total == 2


def test_rebuild_matches_the_triggers(planted):
    from studygroups.search import schema

    schema.rebuild(connection)
    assert search(user=anonymous, text="quorum").post_count == 1
    assert search(user=anonymous, text="zanzibarite").post_count == 0  # still private
    assert search(user=anonymous, text="committees").document_count == 1


def test_triggers_are_reinstalled_after_a_table_rebuild():
    from studygroups.search import schema

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps triggers when a table is altered")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_block_ai")
    assert schema.missing_triggers(connection) == {"search_block_ai"}
    schema.ensure_after_migrate(sender=None, using="default")
    assert schema.missing_triggers(connection) == set()
    make_text("Back in sync: narwhal.")
    assert search(user=anonymous, text="narwhal").document_count == 1


# -------------------------------------------------------------------------- bad queries


BAD = [
    '"unbalanced',
    'a "b',
    "AND",
    "OR OR",
    "NOT x",
    "NEAR(a b)",
    "x*",
    "*",
    "title:x",
    "-x",
    "^x",
    "a + b",
    "{title subtitle}: x",
    "((((",
    "'; DROP TABLE library_block; --",
    "%",
    "%s %(x)s",
    "\\",
    "x" * 5000,
    "word " * 500,
    "?!.,;:",
    "",
    " ",
    "\x00",
    "😀 emoji",
    "\ue000mark\ue001",
]


@pytest.mark.parametrize("text", BAD)
def test_bad_queries_never_error(text, planted, member):
    for kind in ("", "document", "post"):
        results = search(user=member, text=text, kind=kind)
        assert results.total >= 0
    search_in_document(document=planted["document"], text=text)


def test_operators_are_plain_words():
    make_text("Cats and dogs.", title="Pets")
    make_text("Cats, not dogs.", title="Choice")
    found = titles(search(user=anonymous, text="cats NOT dogs"))
    # As an operator NOT would exclude both texts. SQLite needs the word itself;
    # PostgreSQL drops it as an English stop word.
    assert "Choice" in found
    assert ("Pets" in found) is (connection.vendor == "postgresql")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_any_text_is_a_valid_query(text, planted, member):
    results = search(user=member, text=text)
    assert results.total >= 0


# ------------------------------------------------------------------ filters and paging


def test_filters(public_group, member):
    other_group = make_group(organizer=None, visibility=Group.Visibility.PUBLIC)
    add_member(other_group, member)
    english = make_text(
        "The harbour strike.",
        title="Harbour",
        authors=["Rosa Harbour"],
        published=dt.date(1910, 5, 1),
        date_precision="day",
    )
    spanish = make_text(
        "La huelga del harbour.",
        title="Puerto",
        language="es",
        published=dt.date(1930, 1, 1),
        date_precision="year",
    )
    mine = post(public_group, english, member, body="harbour thoughts")
    theirs = post(other_group, spanish, member, body="harbour pensamientos")
    author = Author.objects.get(name="Rosa Harbour")

    def docs(**f):
        return sorted(titles(search(user=member, text="harbour", filters=Filters(**f))))

    def posts(**f):
        return post_ids(search(user=member, text="harbour", filters=Filters(**f), kind="post"))

    assert docs() == ["Harbour", "Puerto"]
    assert docs(language="es") == ["Puerto"]
    assert docs(author_id=author.pk) == ["Harbour"]
    assert docs(since=dt.date(1920, 1, 1)) == ["Puerto"]
    assert docs(until=dt.date(1920, 1, 1)) == ["Harbour"]
    assert docs(group_id=other_group.pk) == ["Puerto"]
    assert posts(group_id=public_group.pk) == [mine.pk]
    assert posts(language="es") == [theirs.pk]
    assert posts(author_id=author.pk) == [mine.pk]
    today = dt.date.today()
    assert len(posts(since=today, until=today)) == 2
    assert posts(until=today - dt.timedelta(days=1)) == []


def test_kind_defaults_to_posts_when_no_document_matches(planted):
    results = search(user=anonymous, text="quorum")
    assert results.document_count == 0
    assert results.kind == "post"


def test_pagination_and_capped_counts(monkeypatch):
    for n in range(45):
        make_text(f"Paragraph {n} mentions the gazebo.", title=f"Gazebo text {n:02d}")
    first = search(user=anonymous, text="gazebo")
    assert first.document_count == 45
    assert len(first.page.items) == selectors.PAGE_SIZE
    assert first.page.has_next and not first.page.has_previous
    last = search(user=anonymous, text="gazebo", page=3)
    assert len(last.page.items) == 5
    assert not last.page.has_next and last.page.has_previous
    seen = set()
    for number in (1, 2, 3):
        seen.update(titles(search(user=anonymous, text="gazebo", page=number)))
    assert len(seen) == 45
    monkeypatch.setattr(selectors, "COUNT_CAP", 30)
    capped = search(user=anonymous, text="gazebo")
    assert capped.document_count == 30
    assert capped.capped["document"]


def test_rebuild_command(planted):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("search_rebuild", stdout=out)
    assert "rebuilt" in out.getvalue()
    assert search(user=anonymous, text="quorum").post_count == 1
    assert search(user=anonymous, text="zanzibarite").post_count == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics")
def test_newest_matches_walk_the_primary_key_only_for_common_words(monkeypatch, public_group):
    """The walk reads CANDIDATES x rows / matches rows, the GIN index every match: the
    backend walks (a bounded walk, then the index) only when matches exceed
    sqrt(CANDIDATES x rows); either way the same posts."""
    from studygroups.search import backends
    from studygroups.search.query import parse

    document = make_text("A text.")
    author = verified_user()
    add_member(public_group, author)
    for n in range(30):
        post(public_group, document, author, body=f"Kestrel number {n}.")
    # Statistics of every table the statement reads, its join included: whatever an
    # autoanalyze left from other tests' groups (mostly private ones, say) would
    # otherwise make the estimate, not this test's rows.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_post, groups_group")

    def newest_sql(limit):
        backend = backends.backend_for(connection)
        where = backend._post_where(
            parse("kestrel"), backends.Filters(), backends.Scope(), vector=False
        )
        return backend._newest(where, "search_post", "s.post_id", limit, query=parse("kestrel")).sql

    assert "walked" not in newest_sql(1000)  # 30 matches of 30 rows: 30² < 1000 x 30
    assert "walked" in newest_sql(1)  # 30² > 1 x 30
    expected = None
    for candidates in (1000, 1):
        monkeypatch.setattr(backends, "CANDIDATES", candidates)
        results = search(user=anonymous, text="kestrel", kind="post")
        assert (results.post_count, results.capped["post"]) == (30, False)
        ids = post_ids(results)
        if candidates == 1000:
            assert len(ids) == 20
            expected = ids
        else:  # ranked among the newest one only
            assert len(ids) == 1
            assert ids[0] == max(expected)


@pytest.mark.parametrize("walk", [3, 1_000_000])
def test_a_phrase_finds_the_same_posts_whether_the_walk_finds_enough_or_not(
    monkeypatch, public_group, walk
):
    """A quoted phrase is looked for first among the newest PHRASE_WALK rows, then (only
    if fewer than needed were found there) in the index among the older ones: the same
    posts either way, and only those with the words in that order."""
    from studygroups.search import backends

    monkeypatch.setattr(backends, "PHRASE_WALK", walk)
    document = make_text("A text.")
    author = verified_user()
    add_member(public_group, author)
    older = [post(public_group, document, author, body=f"The night harbour {n}.") for n in range(5)]
    for n in range(5):  # both words, not the phrase
        post(public_group, document, author, body=f"A harbour at night {n}.")
    newer = [
        post(public_group, document, author, body=f"Again the night harbour {n}.") for n in range(2)
    ]
    results = search(user=anonymous, text='"night harbour"', kind="post")
    assert sorted(post_ids(results)) == sorted(p.pk for p in older + newer)
    assert results.post_count == 7


def test_a_document_count_from_some_of_their_paragraphs_says_more_than(monkeypatch):
    """Documents are counted from at most CANDIDATES matching paragraphs; when that many
    matched, the count is a lower bound ("More than 2 documents"), on both databases —
    and on PostgreSQL that is what tells the page to walk the newest paragraphs."""
    from studygroups.search import backends

    for n in range(2):
        make_text(*[f"Ospreys nest here, {n}.{p}" for p in range(3)], title=f"Coast {n}")
    monkeypatch.setattr(backends, "CANDIDATES", 3)
    results = search(user=anonymous, text="ospreys", kind="document")
    assert results.capped["document"] is True
    assert 1 <= results.document_count <= 2
    monkeypatch.setattr(backends, "CANDIDATES", 100)
    results = search(user=anonymous, text="ospreys", kind="document")
    assert (results.document_count, results.capped["document"]) == (2, False)
    assert sorted(titles(results)) == ["Coast 0", "Coast 1"]


@pytest.mark.parametrize("kind", ["document", "post"])
def test_counts_say_more_than_exactly_when_there_are_more(monkeypatch, public_group, kind):
    """Each count stops at COUNT_CAP: "more than N" when, and only when, more than N
    match, whether the count came with the page (the kind shown) or alone (the other)."""
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    author = verified_user()
    add_member(public_group, author)
    document = make_text("A text.")

    def add():
        make_text("Of cormorants.", title="Cormorants")
        post(public_group, document, author, body="Cormorants again.")

    for _ in range(4):
        add()
    results = search(user=anonymous, text="cormorants", kind=kind)
    assert (results.document_count, results.post_count) == (4, 4)
    assert results.capped == {"document": False, "post": False}
    add()  # exactly the cap: all of them, not "more than"
    results = search(user=anonymous, text="cormorants", kind=kind)
    assert (results.document_count, results.post_count) == (5, 5)
    assert results.capped == {"document": False, "post": False}
    assert (results.page.count, results.page.capped) == (5, False)
    assert len(results.page.items) == 5
    add()  # one more than the cap
    results = search(user=anonymous, text="cormorants", kind=kind)
    assert (results.document_count, results.post_count) == (5, 5)
    assert results.capped == {"document": True, "post": True}
    assert (results.page.count, results.page.capped) == (5, True)


def test_a_private_groups_posts_do_not_count_for_outsiders(planted, member, private_group):
    """The capped count is taken with the page, over the same readable posts only."""
    for _ in range(3):
        post(private_group, planted["document"], member, body="Zanzibarite minutes.")
    for viewer in (anonymous, verified_user()):
        for kind in ("post", "document", ""):
            results = search(user=viewer, text="zanzibarite", kind=kind)
            assert (results.post_count, results.capped["post"]) == (0, False)
            assert results.page.items == [] or kind == "document"
    results = search(user=member, text="zanzibarite", kind="post")
    assert (results.post_count, len(results.page.items)) == (4, 4)


@pytest.mark.parametrize("kind", ["document", "post"])
def test_a_page_past_the_last_still_gives_the_counts(public_group, kind):
    author = verified_user()
    add_member(public_group, author)
    document = make_text("A text.")
    for n in range(3):
        make_text(f"Herons {n}.", title=f"Herons {n}")
        post(public_group, document, author, body=f"Herons {n}.")
    results = search(user=anonymous, text="herons", kind=kind, page=2)
    assert results.page.items == []
    assert (results.document_count, results.post_count) == (3, 3)
    assert results.page.number == 2 and not results.page.has_next


def test_the_default_kind_shows_posts_only_when_no_document_matches(planted, member):
    results = search(user=member, text="zanzibarite")
    assert results.kind == "post" and len(results.page.items) == 1
    results = search(user=anonymous, text="zanzibarite")  # nothing it may read
    assert results.kind == "document" and results.total == 0
    results = search(user=anonymous, text="committees")
    assert results.kind == "document" and len(results.page.items) == 1


def test_search_in_document_says_whether_more_paragraphs_match():
    document = make_text(*[f"Paragraph {n} about puffins." for n in range(4)], "No birds.")
    hits = search_in_document(document=document, text="puffins", limit=4)
    assert (len(hits), hits.more) == (4, False)
    hits = search_in_document(document=document, text="puffins", limit=3)
    assert (len(hits), hits.more) == (3, True)
    assert [hit.anchor for hit in hits] == [b.anchor for b in document.blocks.order_by("order")[:3]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics")
def test_one_explain_gives_both_kinds_estimates(planted, member):
    """`prepare` asks the planner about paragraphs and posts in one EXPLAIN; its figures
    are those each would get from an EXPLAIN of its own."""
    from studygroups.search import backends
    from studygroups.search.query import parse

    query, filters = parse("quorum committees"), Filters(language="en")
    scope = selectors.scope_for(member)
    prepared = backends.backend_for(connection)
    prepared.prepare(query, filters, scope)
    alone = backends.backend_for(connection)
    for table, where in (
        ("search_block", alone._block_where(query, filters, vector=True)),
        ("search_post", alone._post_where(query, filters, scope, vector=True)),
    ):
        key = prepared._where_key(where, table)
        assert key in prepared._estimates
        assert prepared._estimates[key] == alone._estimate(where, table)[0]
