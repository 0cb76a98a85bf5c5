"""Property: arbitrary text never makes the pipeline raise, and words always balance."""

from hypothesis import HealthCheck, given, settings
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
def test_pipeline_never_raises_and_balances(lines, sep):
    data = sep.join(lines).encode("utf-8", errors="surrogatepass")
    result = run_file("x.txt", data)
    ledger = result.ledger
    assert ledger.read == ledger.kept + ledger.chrome + ledger.metadata, ledger.as_dict()


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data):
    result = run_file("x.bin", data)
    assert result.errors or result.ledger.balanced


@given(st.text(alphabet=st.sampled_from(list("ab_1é İ-'’.\n\t-")), max_size=60))
def test_fast_word_count_matches_word_re(text):
    """The counter's runs-minus-links shortcut counts exactly WORD_RE's words."""
    from corpus_import.normalize import WORD_RE, _count

    assert _count.__wrapped__(text) == len(WORD_RE.findall(text))


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
