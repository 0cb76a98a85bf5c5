"""Importing the whole development corpus (../shared/corpus-dev) and scoring it against its
hand-written expected.json: the share of checks that hold must be at least 95%."""

import pytest

from .corpus_dev_score import CORPUS_DEV, score

pytestmark = pytest.mark.skipif(
    not (CORPUS_DEV / "expected.json").is_file(),
    reason="../shared/corpus-dev (the development corpus) is not beside the checkout",
)

THRESHOLD = 0.95


def test_corpus_dev_score():
    result, files = score()
    print(f"\ncorpus-dev: {result.share:.1%} of {len(result.checks)} checks hold")
    for line in result.failures():
        print("  failed:", line[:200])
    assert all(not r.errors for r in files.values()), {n: r.errors for n, r in files.items()}
    assert result.share >= THRESHOLD, result.failures()


def test_every_file_reports_its_family_and_evidence():
    _, files = score()
    for name, res in files.items():
        assert res.family, name
        assert res.evidence or res.family in ("Feed", "EPUB e-book"), name
