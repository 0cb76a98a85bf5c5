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


@pytest.mark.django_db
def test_corpus_dev_imports_into_the_library_with_its_duplicates(tmp_path):
    """The whole folder through import_paths (the management command's path): every file
    imports, and each expected near-duplicate pair becomes one document with two sources."""
    import json

    from corpus_import.load import import_paths
    from studygroups.library.models import DocumentSource

    expected = json.loads((CORPUS_DEV / "expected.json").read_text())["files"]
    report = import_paths([CORPUS_DEV])
    assert report.ok, [f["errors"] for f in report.report["files"] if f["errors"]]
    pairs = {frozenset((name, exp["dup_of"])) for name, exp in expected.items() if "dup_of" in exp}
    assert report.totals["duplicate"] == len(pairs)
    for pair in pairs:
        a, b = sorted(pair)
        doc_a = DocumentSource.objects.get(file_name=a).document_id
        doc_b = DocumentSource.objects.get(file_name=b).document_id
        assert doc_a == doc_b, pair
    for entry in report.report["files"]:
        assert entry["family"] and entry["evidence"], entry["file"]
