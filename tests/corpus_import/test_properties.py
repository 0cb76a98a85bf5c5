"""Property: arbitrary text never makes the pipeline raise, and words always balance."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corpus_import.pipeline import run_file

LINES = st.one_of(
    st.text(max_size=200),
    st.sampled_from([
        "", "[*] [+] [-] [x] [A+] [a-]", "[l] at 4/18/19 11:00pm", "From the ISO", "Contents",
        "CHAPTER I", "# Heading", "---", "title: x", "> quote", "1. item", "- item",
        "Print Friendly, PDF & Email", "A B C D A B C D", "12", "2003", "<p>para</p>",
        "<rss>", "*** START OF THE PROJECT GUTENBERG EBOOK X ***", "KWANGJU\t11",
        "Maryam A and Nikki W", "April 14, 2019", "[link](http://x.y)", "**bold** _it_",
    ]),
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, max_size=40), st.sampled_from(["\n", "\n\n", "\r\n"]))
@example(lines=["# 0"], sep="\n")  # a heading with no letter is dropped, and counted
def test_pipeline_never_raises_and_balances(lines, sep):
    data = sep.join(lines).encode("utf-8", errors="surrogatepass")
    result = run_file("x.txt", data)
    ledger = result.ledger
    assert ledger.read == ledger.kept + ledger.chrome + ledger.metadata, ledger.as_dict()
    # Every block comes with its own word count (the later stages read it).
    from corpus_import.normalize import count_words

    assert all(b.words == count_words(b.text) for d in result.documents for b in d.blocks)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data):
    result = run_file("x.bin", data)
    assert result.errors or result.ledger.balanced


# Texts for the fast word scanners: word characters, joiners in every position, spaces,
# punctuation; ASCII only, non-ASCII (accents, Greek and Turkish letters that casefold to
# several characters, digits of other scripts, a lone surrogate), or with a character
# outside the Basic Multilingual Plane; short ones take the regex, long ones numpy.
_ASCII = list("ab_1Z9 -'.,\n\t\x1c\x7f\x00\x01")
_WIDE = _ASCII + list("é İ’“”—ßﬁΣΐǰ\u0345\u0307٣²Ⅻ\u00a0\u2028\ud800")
WORDY = st.one_of(
    st.text(alphabet=st.sampled_from(_ASCII), max_size=300),
    st.text(alphabet=st.sampled_from(_WIDE), max_size=300),
    st.text(alphabet=st.sampled_from(_WIDE + ["\U0001f600"]), max_size=300),
)


@settings(deadline=None)  # the first non-ASCII text builds the class table
@given(WORDY, st.booleans())
def test_fast_word_scanning_matches_word_re(text, numpy_for_all):
    """Counting and finding words by character class gives exactly WORD_RE's results on
    every path: bytes for ASCII, numpy for longer non-ASCII texts (here, when asked, for
    texts of any length), the regex itself for short texts and outside the BMP."""
    from unittest.mock import patch

    from corpus_import import normalize

    words = normalize.WORD_RE.findall(text)
    count_from = 0 if numpy_for_all else normalize._NUMPY_COUNT_FROM
    words_from = 0 if numpy_for_all else normalize._NUMPY_WORDS_FROM
    with patch.multiple(normalize, _NUMPY_COUNT_FROM=count_from, _NUMPY_WORDS_FROM=words_from):
        assert normalize._count_uncached(text) == len(words)
        assert normalize.find_words(text) == words
    assert normalize.count_words(text) == len(words)


def test_class_table_agrees_with_the_regex_on_every_code_point():
    """The table the fast scanners use classes every character of the Basic Multilingual
    Plane exactly as `\\w` and the joiners do (U+0001, the marker it is built with,
    included)."""
    import re

    from corpus_import.normalize import _JOINERS, _plane_classes

    table = _plane_classes()
    word = re.compile(r"\w")
    for code in range(0x10000):
        char = chr(code)
        expected = "a" if word.match(char) else "j" if char in _JOINERS else " "
        assert chr(table[code]) == expected, hex(code)


@settings(deadline=None)  # the first non-ASCII text builds the class table
@given(WORDY)
def test_control_check_matches_regex(text):
    from corpus_import.normalize import _CONTROL_RE, _has_controls

    assert _has_controls(text) == bool(_CONTROL_RE.search(text))


def _every_detector(text):
    from corpus_import.readers import REGISTRY

    scores = [reader.detect(text) for reader in REGISTRY]
    for reader, score in zip(REGISTRY, scores, strict=True):
        assert score <= reader.max_score, reader.name
    return max(zip(REGISTRY, scores, strict=True), key=lambda pair: pair[1])[0]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, max_size=40), st.sampled_from(["\n", "\n\n"]))
def test_early_stopping_detection_chooses_as_every_detector(lines, sep):
    """`choose_reader` stops asking detectors early; its choice is still the first most
    confident reader, and no detector scores above its `max_score`."""
    from corpus_import.readers import choose_reader

    text = sep.join(lines)
    assert choose_reader(text) is _every_detector(text)


def test_early_stopping_detection_on_fixtures():
    from corpus_import.normalize import clean_text, decode_bytes
    from corpus_import.readers import choose_reader

    from .conftest import FIXTURES

    for path in sorted(FIXTURES.iterdir()):
        text = clean_text(decode_bytes(path.read_bytes())[0])
        assert choose_reader(text) is _every_detector(text), path.name


@settings(deadline=None)  # the first example imports datasketch
@given(st.lists(st.text(alphabet=st.sampled_from(list("abcdeİß -'")), max_size=40), max_size=8))
def test_signature_matches_reference(texts):
    """The in-place, shift-once MinHash equals the straightforward formula."""
    import numpy as np

    from corpus_import import dedupe

    hashes = dedupe.shingle_hashes(texts)
    expected = np.full(dedupe.NUM_PERM, dedupe._MAX_HASH, dtype=np.uint64)
    if len(hashes):
        expected = ((np.outer(hashes, dedupe._A) + dedupe._B) >> np.uint64(32)).min(axis=0)
    assert (dedupe.signature(texts).hashvalues == expected).all()


def _word_id_reference(word: str) -> int:
    """A word's id as defined: Σ code(k) · ID_BASE^k mod 2^64, then splitmix64's
    finalizer, in plain integers."""
    from corpus_import.normalize import ID_BASE

    mask = (1 << 64) - 1
    h = sum(ord(c) * pow(ID_BASE, k, 1 << 64) for k, c in enumerate(word)) & mask
    h ^= h >> 30
    h = h * 0xBF58476D1CE4E5B9 & mask
    h ^= h >> 27
    h = h * 0x94D049BB133111EB & mask
    return h ^ (h >> 31)


def _shingle_reference(texts):
    """Shingle hashes as defined (stored signatures depend on them, with their
    `SIGNATURE_VERSION`): the id of each casefolded WORD_RE word, five in a row combined,
    mixed, distinct, sampled."""
    import numpy as np

    from corpus_import import dedupe
    from studygroups.library.models import WORD_RE

    words = [w.casefold() for w in WORD_RE.findall(" ".join(texts))]
    ids = [_word_id_reference(w) for w in words]
    mask = (1 << 32) - 1
    if len(ids) < dedupe.SHINGLE:
        combined = ids
    else:
        combined = []
        for i in range(len(ids) - dedupe.SHINGLE + 1):
            h = 0
            for k in range(dedupe.SHINGLE):
                h = (h * 1000003 + ids[i + k]) % (1 << 64)
            combined.append(h)
    values = sorted({(h ^ (h >> 29)) & mask for h in combined})
    if len(values) > dedupe.SAMPLE_ABOVE:
        values = [v for v in values if v % 4 == 0]
    return np.array(values, dtype=np.uint64)


@settings(deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from(list("abcéİß’“ -'")), max_size=60), max_size=8),
)
# A long text: the 1-in-4 sample of shingles.
@example([" ".join(f"w{i % 997}é{i % 13}" for i in range(3000))])
def test_shingle_hashes_match_their_definition(texts):
    """Signatures are stored: the hashes are those of the definition."""
    from corpus_import import dedupe

    assert dedupe.shingle_hashes(texts).tolist() == _shingle_reference(texts).tolist()


@settings(deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("aBcé ’'-İßΣς\u00a0\n𝔘ﬁ")), max_size=80),
    st.sampled_from([1, 2, 3, 7, 1 << 16]),
)
def test_word_ids_of_a_text_are_those_of_its_words(text, stretch):
    """The ids found on the whole text's code points (in stretches of any length) are
    the ids of its casefolded words, one by one, as defined."""
    from corpus_import.normalize import casefolded_word_ids, casefolded_words, word_id

    words = casefolded_words(text)
    expected = [_word_id_reference(w) for w in words]
    assert casefolded_word_ids(text, stretch=stretch).tolist() == expected
    assert [word_id(w) for w in words] == expected


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab é’'-\n\tİα𝔘“—")), max_size=14)))
def test_words_counted_ahead_are_counted_as_one_by_one(texts):
    """Paragraphs counted all at once are counted as `count_words` counts each."""
    from corpus_import import normalize

    normalize._COUNTS.clear()
    normalize.count_words_ahead(texts * 8)  # enough paragraphs to be counted at once
    ahead = dict(normalize._COUNTS)
    for text in texts:
        if text in ahead:
            assert ahead[text] == normalize._count_uncached(text), text


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab dérİß’-")), max_size=12), max_size=30))
def test_stop_words_counted_by_id_as_by_word(words):
    """Stop words counted through their ids are the stop words among the words."""
    from collections import Counter

    from corpus_import import metadata
    from corpus_import.normalize import ids_of_words

    stops = sorted(metadata._ALL_STOPS)[::97]  # a spread of real stop words among them
    words = [w.casefold() for w in words] + stops[: len(words)]
    expected = Counter(w for w in words if w in metadata._ALL_STOPS)
    assert metadata._stop_counts(ids_of_words(words)) == expected


@given(
    st.text(
        alphabet=st.sampled_from(list("ab \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u2028\u3000")),
        max_size=12,
    )
)
def test_collapse_whitespace_is_split_and_join(text):
    from corpus_import.normalize import collapse_whitespace

    assert collapse_whitespace(text) == " ".join(text.split())


@given(
    st.lists(
        st.lists(st.text(alphabet=st.sampled_from(list("abİß’- é")), max_size=15), max_size=4),
        min_size=1,
        max_size=4,
    ),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=1, max_value=3),
)
def test_language_sample_ids_are_those_of_the_sample(texts, limit, blocks):
    """The language sample's word ids taken from the body's are the sample's own."""
    from corpus_import import pipeline
    from corpus_import.data import DraftBlock, DraftSection
    from corpus_import.normalize import casefolded_word_ids

    sections = [DraftSection("", [DraftBlock(t) for t in ts]) for ts in texts]
    ids = casefolded_word_ids(" ".join(b.text for s in sections for b in s.blocks))
    old, pipeline.LANGUAGE_BLOCKS = pipeline.LANGUAGE_BLOCKS, blocks
    try:
        sample = " ".join(b.text for s in sections for b in s.blocks[:blocks])[:limit]
        got = pipeline.language_sample_ids(sections, ids, limit=limit)
    finally:
        pipeline.LANGUAGE_BLOCKS = old
    assert got.tolist() == casefolded_word_ids(sample).tolist()


@given(st.text(alphabet=st.sampled_from(list("aB \t\nİß\u00a0\u2003ﬁ①Ⅻ’")), max_size=12))
def test_normalized_paragraph_is_the_library_normalized_text(text):
    """The worker's paragraph normalization is the library's (anchors are compared)."""
    from corpus_import.load import normalized_paragraph
    from studygroups.library.services import normalized_text

    assert normalized_paragraph(text) == normalized_text([text])


def _undouble_reference(text):
    words = text.split()
    n = len(words)
    if n >= 4 and n % 2 == 0 and words[: n // 2] == words[n // 2 :]:
        return " ".join(words[: n // 2])
    return None


@given(
    st.lists(st.sampled_from(["a", "b", "ab", "ba", "’", "x-y", "é"]), max_size=10),
    st.booleans(),
    st.sampled_from([" ", "  ", "\n", " \t"]),
)
def test_undouble_matches_its_definition(words, doubled, space):
    """The quick refusal in `undouble` never refuses a phrase written twice."""
    from corpus_import.normalize import undouble

    text = space.join(words + words if doubled else words)
    assert undouble(text) == _undouble_reference(text)


@given(
    st.text(max_size=20),
    st.sampled_from(["paragraph", "heading", "list_item"]),
    st.none() | st.integers(min_value=0, max_value=99),
    st.none() | st.integers(min_value=0, max_value=99),
    st.text(max_size=8),
)
def test_a_block_comes_back_from_the_worker_as_it_was(text, kind, number, words, anchor):
    """Blocks cross from the read-ahead worker pickled as their constructor's arguments:
    every field comes back, and so do copies."""
    import copy
    import pickle
    from dataclasses import fields

    from corpus_import.data import DraftBlock

    # A new field must be added to DraftBlock.__reduce__ too.
    assert [f.name for f in fields(DraftBlock)] == [
        "text",
        "kind",
        "list_number",
        "words",
        "anchor_base",
    ]
    block = DraftBlock(text, kind, number, words=words, anchor_base=anchor)
    assert pickle.loads(pickle.dumps(block)) == block  # noqa: S301 - our own bytes
    assert copy.deepcopy(block) == block and copy.copy(block) == block
