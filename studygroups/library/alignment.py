"""Paragraph identity across revisions of a text (pure Python: no ORM, no Django).

Given the paragraphs of the old revision (anchor, text) and the texts of the new one,
decide which anchor each new paragraph carries, so that links, reading ranges and
discussions follow their text through a correction:

- an unchanged paragraph keeps its anchor wherever it moves;
- an edited one keeps it when a fuzzy match finds it, at any position;
- a split keeps the anchor on the part holding most of the old text, the other parts get
  new anchors;
- a merge keeps the first paragraph's anchor and records the others as aliases of it.

Fuzzy matching uses rapidfuzz (Indel similarity, C++), which scores every old/new pair
of the paragraphs left unmatched in one vectorised call.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

EDIT_SIMILARITY = 60.0  # rapidfuzz ratio (0–100) for "the same paragraph, edited"
CONTAINED_SIMILARITY = 85.0  # partial_ratio for "this text is (mostly) inside that one"

MIN_CONTAINED = 20  # shorter texts (headings, "Yes.") are inside too many paragraphs

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """The text as compared across revisions: NFKC, casefolded, typographic quotes and
    dashes as ASCII, whitespace collapsed; only for comparison, never shown."""
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(_QUOTES)
    return _SPACE.sub(" ", text).strip()


@dataclass
class AlignmentReport:
    """What a new revision did to the paragraphs (anchors named)."""

    kept: list[str] = field(default_factory=list)  # same text, same relative place
    moved: list[str] = field(default_factory=list)  # same text, elsewhere
    edited: list[str] = field(default_factory=list)  # text changed, anchor kept
    split: dict[str, list[str]] = field(default_factory=dict)  # anchor -> new parts' anchors
    merged: dict[str, str] = field(default_factory=dict)  # old anchor -> anchor it joined
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "kept": len(self.kept),
            "moved": len(self.moved),
            "edited": len(self.edited),
            "split": len(self.split),
            "merged": len(self.merged),
            "removed": len(self.removed),
            "added": len(self.added),
        }

    @property
    def changed(self) -> bool:
        return bool(
            self.moved or self.edited or self.split or self.merged or self.removed or self.added
        )


@dataclass
class Alignment:
    anchors: list[str]  # one per new paragraph, in order
    aliases: dict[str, str]  # old anchor no longer on a paragraph -> the anchor holding it
    report: AlignmentReport

    def fate(self, anchor: str) -> str | None:
        """Where an old anchor's text now is: the same anchor, the paragraph it was merged
        into, or None when it was removed."""
        if anchor in self.aliases:
            return self.aliases[anchor]
        if anchor in self.report.removed:
            return None
        return anchor


def _default_anchor(text: str, taken: set[str]) -> str:
    n = len(taken) + 1
    while f"p-new{n}" in taken:
        n += 1
    taken.add(f"p-new{n}")
    return f"p-new{n}"


def align(
    old: Sequence[tuple[str, str]],
    new: Sequence[str],
    *,
    make_anchor: Callable[[str, set[str]], str] = _default_anchor,
    reserved: set[str] | frozenset[str] = frozenset(),
) -> Alignment:
    """Anchors for the `new` paragraph texts, given the `old` (anchor, text) paragraphs.

    `make_anchor(text, taken)` returns a fresh anchor not in `taken` and adds it there;
    `reserved` are anchors never to hand out again (aliases of earlier revisions)."""
    old_keys = [fold(text) for _, text in old]
    new_keys = [fold(text) for text in new]
    assigned: list[str | None] = [None] * len(new)
    old_used = [False] * len(old)
    report = AlignmentReport()
    aliases: dict[str, str] = {}

    # 1. Unchanged paragraphs in the same relative order: kept.
    matcher = difflib.SequenceMatcher(a=old_keys, b=new_keys, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            i, j = block.a + k, block.b + k
            assigned[j] = old[i][0]
            old_used[i] = True
            report.kept.append(old[i][0])

    # 2. Unchanged paragraphs elsewhere: moved.
    free_old: dict[str, list[int]] = {}
    for i, key in enumerate(old_keys):
        if not old_used[i]:
            free_old.setdefault(key, []).append(i)
    for j, key in enumerate(new_keys):
        if assigned[j] is None and free_old.get(key):
            i = free_old[key].pop(0)
            assigned[j] = old[i][0]
            old_used[i] = True
            report.moved.append(old[i][0])

    # 3. Merges and splits: several unmatched paragraphs lying inside one, each in its
    #    own stretch of it (so a near-identical neighbour is not counted twice). A merge
    #    keeps the first old anchor; a split keeps it on the part holding most of the text.
    merged_into: dict[str, int] = {}
    split_parts: dict[int, list[int]] = {}
    in_new: dict[int, list[tuple[int, int]]] = {}  # stretches of a new text claimed
    in_old: dict[int, list[tuple[int, int]]] = {}  # stretches of an old text claimed
    source_of: dict[int, int] = {}  # new index -> old index it was matched to (edits)
    inside = _containment(old_keys, new_keys, old_used, assigned)
    for j in range(len(new)):
        if assigned[j] is not None:
            continue
        pieces = [i for i in range(len(old)) if (i, j) in inside and not old_used[i]]
        pieces = [i for i in pieces if len(old_keys[i]) < len(new_keys[j])]
        pieces = _disjoint(pieces, lambda i: old_keys[i], new_keys[j], in_new.setdefault(j, []))
        if len(pieces) >= 2:
            first, *others = sorted(pieces)
            assigned[j] = old[first][0]
            report.edited.append(old[first][0])
            for i in [first, *others]:
                old_used[i] = True
            for i in others:
                merged_into[old[i][0]] = j
        else:
            in_new[j] = []
    for i in range(len(old)):
        if old_used[i]:
            continue
        parts = [j for j in range(len(new)) if (i, j) in inside and assigned[j] is None]
        parts = [j for j in parts if len(new_keys[j]) < len(old_keys[i])]
        parts = _disjoint(parts, lambda j: new_keys[j], old_keys[i], in_old.setdefault(i, []))
        if len(parts) >= 2:
            largest = max(parts, key=lambda j: (len(new_keys[j]), -j))
            assigned[largest] = old[i][0]
            old_used[i] = True
            report.edited.append(old[i][0])
            split_parts[i] = [j for j in parts if j != largest]
            for j in split_parts[i]:
                assigned[j] = ""  # a new anchor below
        else:
            in_old[i] = []

    # 4. Edited paragraphs: the best fuzzy pairs, one to one, at any position.
    rest_old = [i for i in range(len(old)) if not old_used[i]]
    rest_new = [j for j in range(len(new)) if assigned[j] is None]
    if rest_old and rest_new:
        scores = process.cdist(
            [old_keys[i] for i in rest_old],
            [new_keys[j] for j in rest_new],
            scorer=fuzz.ratio,
            score_cutoff=EDIT_SIMILARITY,
        )
        pairs = sorted(
            (-float(scores[a][b]), abs(rest_old[a] - rest_new[b]), rest_old[a], rest_new[b])
            for a in range(len(rest_old))
            for b in range(len(rest_new))
            if scores[a][b] >= EDIT_SIMILARITY
        )
        for _, _, i, j in pairs:
            if old_used[i] or assigned[j] is not None:
                continue
            assigned[j] = old[i][0]
            old_used[i] = True
            source_of[j] = i
            report.edited.append(old[i][0])

    # 5. What is left inside another paragraph, in a stretch of it not already matched:
    #    the smaller part of a split whose larger part was matched as an edit, or a
    #    paragraph merged into an edited one.
    for j, i in source_of.items():
        if len(new_keys[j]) < len(old_keys[i]):
            in_old.setdefault(i, []).append(_stretch(new_keys[j], old_keys[i]))
        else:
            in_new.setdefault(j, []).append(_stretch(old_keys[i], new_keys[j]))
    for i, j in sorted(inside):
        if (
            assigned[j] is None
            and len(new_keys[j]) < len(old_keys[i])
            and _disjoint([j], lambda j: new_keys[j], old_keys[i], in_old.setdefault(i, []))
        ):
            split_parts.setdefault(i, []).append(j)
            assigned[j] = ""
            old_used[i] = True
    for i, j in sorted(inside):
        if (
            not old_used[i]
            and assigned[j]
            and len(old_keys[i]) < len(new_keys[j])
            and _disjoint([i], lambda i: old_keys[i], new_keys[j], in_new.setdefault(j, []))
        ):
            merged_into[old[i][0]] = j
            old_used[i] = True

    # 6. The rest: removed and added.
    report.removed = [old[i][0] for i in range(len(old)) if not old_used[i]]
    taken = {a for a in assigned if a} | set(reserved) | {anchor for anchor, _ in old}
    for j in range(len(new)):
        if not assigned[j]:
            is_part = assigned[j] == ""
            assigned[j] = make_anchor(new[j], taken)
            if not is_part:
                report.added.append(assigned[j])  # type: ignore[arg-type]
    for i, parts in split_parts.items():
        report.split[old[i][0]] = [assigned[j] for j in parts]  # type: ignore[misc]
    for anchor, j in merged_into.items():
        aliases[anchor] = assigned[j]  # type: ignore[assignment]
        report.merged[anchor] = assigned[j]  # type: ignore[assignment]
    return Alignment(anchors=[a for a in assigned if a], aliases=aliases, report=report)


def _containment(
    old_keys: Sequence[str],
    new_keys: Sequence[str],
    old_used: Sequence[bool],
    assigned: Sequence[str | None],
) -> set[tuple[int, int]]:
    """Pairs (old index, new index), among paragraphs not matched exactly, where the
    shorter text lies (nearly) inside the longer one. One vectorised rapidfuzz call."""
    rest_old = [i for i in range(len(old_keys)) if not old_used[i]]
    rest_new = [j for j in range(len(new_keys)) if assigned[j] is None]
    if not rest_old or not rest_new:
        return set()
    scores = process.cdist(
        [old_keys[i] for i in rest_old],
        [new_keys[j] for j in rest_new],
        scorer=fuzz.partial_ratio,
        score_cutoff=CONTAINED_SIMILARITY,
    )
    pairs = set()
    for a, i in enumerate(rest_old):
        for b, j in enumerate(rest_new):
            shorter = min(len(old_keys[i]), len(new_keys[j]))
            if scores[a][b] and shorter >= MIN_CONTAINED:
                pairs.add((i, j))
    return pairs


def _stretch(short: str, long: str) -> tuple[int, int]:
    """Where `short` best aligns inside `long` (start, end in `long`)."""
    found = fuzz.partial_ratio_alignment(short, long)
    return (found.dest_start, found.dest_end) if found else (0, 0)


def _disjoint(candidates, text_of, container: str, claimed: list[tuple[int, int]]) -> list:
    """The candidates (in order) whose text aligns with a stretch of `container` that no
    earlier one claimed (overlap under a fifth of its length); claims their stretches."""
    accepted = []
    for candidate in candidates:
        start, end = _stretch(text_of(candidate), container)
        overlap = max((min(end, e) - max(start, s) for s, e in claimed), default=0)
        if end > start and overlap < (end - start) / 5:
            claimed.append((start, end))
            accepted.append(candidate)
    return accepted
