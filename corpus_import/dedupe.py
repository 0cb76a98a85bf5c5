"""Exact and near-duplicate detection.

Exact: the library's own normalized-text hash (`library.services.text_hash_for`), which
every Document stores in `text_hash`.

Near: MinHash over 5-word shingles of the casefolded words, 128 permutations, indexed
with datasketch's MinHashLSH. Two texts are the same text when their estimated Jaccard
similarity is at least NEAR_DUPLICATE_THRESHOLD (0.7): re-typeset, re-paragraphed or
lightly edited copies score 0.8-1.0; different articles on the same subject score
below 0.1. Word ids (`normalize.word_id`) are a fixed hash of the word's code points, so
signatures are stable across processes and can be stored (with
`models.SIGNATURE_VERSION`: a change of definition must raise it). For long texts only
shingles whose hash falls in a fixed 1-in-4 sample are used (a consistent sample keeps
the Jaccard estimate unbiased and makes large imports fast).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from .normalize import casefolded_word_ids

NEAR_DUPLICATE_THRESHOLD = 0.7
NUM_PERM = 128
SHINGLE = 5
SAMPLE_ABOVE = 2000  # shingles; longer texts use the 1-in-4 consistent sample
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
# Where each permutation's minimum starts (`np.iinfo` is built anew on every call: 4 us,
# once per document).
_HIGHEST = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
_rng = np.random.RandomState(1)
_A = _rng.randint(1, int(_MERSENNE), size=NUM_PERM, dtype=np.uint64)
_B = _rng.randint(0, int(_MERSENNE), size=NUM_PERM, dtype=np.uint64)


def shingle_hashes(texts: Iterable[str]) -> np.ndarray:
    # One pass over the joined text: a space can neither be part of a word nor join two,
    # so the words are those of the texts one by one.
    return shingle_hashes_of_ids(casefolded_word_ids(" ".join(texts)))


def shingle_hashes_of_ids(ids: np.ndarray) -> np.ndarray:
    """Shingle hashes of the texts' casefolded words, given by their ids
    (`normalize.casefolded_word_ids` of the texts joined by spaces)."""
    if len(ids) < SHINGLE:
        combined = ids.copy()
    else:
        combined = np.zeros(len(ids) - SHINGLE + 1, dtype=np.uint64)
        for k in range(SHINGLE):
            combined = combined * np.uint64(1000003) + ids[k : len(ids) - SHINGLE + 1 + k]
    combined = (combined ^ (combined >> np.uint64(29))) & _MAX_HASH
    # Distinct shingles, by sorting: several times faster here than np.unique's hashing.
    combined.sort()
    if len(combined) > 1:
        combined = combined[np.concatenate(([True], combined[1:] != combined[:-1]))]
    if len(combined) > SAMPLE_ABOVE:
        combined = combined[(combined % np.uint64(4)) == 0]
    return combined


def signature(texts: Iterable[str]) -> LeanMinHash:
    return signature_of_ids(casefolded_word_ids(" ".join(texts)))


def signature_of_ids(ids: np.ndarray) -> LeanMinHash:
    """`signature(texts)` from the ids of the texts' casefolded words."""
    hashes = shingle_hashes_of_ids(ids)
    if not len(hashes):
        values = np.full(NUM_PERM, _MAX_HASH, dtype=np.uint64)
        return LeanMinHash(seed=1, hashvalues=values, scheme="legacy")
    # Multiply-shift hashing (wrapping uint64 arithmetic): no slow modulo. The shift is
    # monotonic, so the minimum of the shifted values is the shifted minimum: it is done
    # once at the end, and the products are made in place, in cache-sized chunks.
    lowest = _HIGHEST.copy()
    for start in range(0, len(hashes), 2048):
        permuted = np.multiply.outer(hashes[start : start + 2048], _A)
        permuted += _B
        np.minimum(lowest, permuted.min(axis=0), out=lowest)
    return LeanMinHash(seed=1, hashvalues=lowest >> np.uint64(32), scheme="legacy")


def signature_bytes(sig: LeanMinHash) -> bytes:
    return np.asarray(sig.hashvalues, dtype=np.uint64).tobytes()


def signature_from_bytes(data: bytes) -> LeanMinHash:
    return LeanMinHash(
        seed=1, hashvalues=np.frombuffer(bytes(data), dtype=np.uint64), scheme="legacy"
    )


def similarity(a: LeanMinHash, b: LeanMinHash) -> float:
    return float(np.count_nonzero(a.hashvalues == b.hashvalues)) / NUM_PERM


class DedupeIndex:
    """Near-duplicate index over the library plus this batch's new documents."""

    def __init__(self, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.signatures: dict[str, LeanMinHash] = {}
        self.exact: dict[str, str] = {}
        self._hashes: dict[str, set[str]] = {}  # key -> its text hashes in `exact`

    def add(self, key: str, sig: LeanMinHash, text_hash: str = "") -> None:
        if key in self.signatures:
            self.remove(key)
        self.lsh.insert(key, sig)
        self.signatures[key] = sig
        if text_hash:
            previous = self.exact.get(text_hash)
            if previous is not None:
                self._hashes[previous].discard(text_hash)
            self.exact[text_hash] = key
            self._hashes.setdefault(key, set()).add(text_hash)

    def remove(self, key: str) -> None:
        if key in self.signatures:
            self.lsh.remove(key)
            del self.signatures[key]
        for h in self._hashes.pop(key, ()):
            del self.exact[h]

    def best_match(self, sig: LeanMinHash) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for key in self.lsh.query(sig):
            score = similarity(sig, self.signatures[key])
            if score >= self.threshold and (best is None or score > best[1]):
                best = (key, score)
        return best
