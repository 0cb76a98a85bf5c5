"""Scoring the importer on ../shared/corpus-dev against its hand-written expected.json.

Pure pipeline (no database): every file goes through `run_file` with one shared chrome
memory, as a batch does, and near-duplicates are judged with the batch's signatures. Each
expectation is one check; the score is the share of checks that hold.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from corpus_import.chrome import ChromeMemory
from corpus_import.dedupe import NEAR_DUPLICATE_THRESHOLD, signature, similarity
from corpus_import.pipeline import run_file
from studygroups.library.names import same_person

CORPUS_DEV = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus-dev"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def _fold(text: str) -> str:
    text = _norm(text).casefold().replace("’", "'")
    return re.sub(r"[^\w' ]+", " ", text).split() and " ".join(
        re.sub(r"[^\w' ]+", " ", text).split()
    )


@dataclass
class Score:
    checks: list[tuple[str, str, bool, str]] = field(default_factory=list)

    def add(self, name: str, what: str, ok: bool, detail: str = "") -> None:
        self.checks.append((name, what, bool(ok), detail))

    @property
    def share(self) -> float:
        return sum(ok for *_, ok, _ in self.checks) / max(1, len(self.checks))

    def failures(self) -> list[str]:
        return [f"{n}: {w} ({d})" for n, w, ok, d in self.checks if not ok]


def stored_text(doc) -> str:
    parts = [doc.title, doc.subtitle]
    for s in doc.sections:
        parts.append(s.heading)
        parts.extend(b.text for b in s.blocks)
    # Notes are stored with the document (kept out of the body, not dropped).
    parts.extend(n.text for n in getattr(doc, "notes", []))
    return _norm("\n".join(p for p in parts if p))


def top_sections(doc) -> list[str]:
    """Chapter-level sections (level 2). Parts above chapters (BOOK, PART, VOLUME) are
    level 1 and are not chapters; sub-sections are level 3 and below."""
    return [s.heading for s in doc.sections if s.heading and s.level == 2]


def run_corpus(directory: Path = CORPUS_DEV):
    memory = ChromeMemory()
    results = {}
    for path in sorted(directory.iterdir()):
        if path.name in ("EXPECTED.md", "expected.json"):
            continue
        results[path.name] = run_file(path.name, path.read_bytes(), memory=memory)
    return results


def score(directory: Path = CORPUS_DEV) -> tuple[Score, dict]:
    expected = json.loads((directory / "expected.json").read_text())["files"]
    results = run_corpus(directory)
    sc = Score()
    sigs = {}
    for name, exp in expected.items():
        res = results.get(name)
        if res is None:
            sc.add(name, "file read", False, "missing")
            continue
        docs = res.documents
        sc.add(name, "docs", len(docs) == exp["docs"], f"{len(docs)} != {exp['docs']}")
        if not docs:
            continue
        text = "\n".join(stored_text(d) for d in docs)
        for s in exp.get("forbid", []):
            sc.add(name, f"forbid {s!r}", _norm(s) not in text)
        for s in exp.get("require", []):
            sc.add(name, f"require {s!r}", _norm(s) in text)
        langs = {d.language for d in docs}
        sc.add(name, "language", langs == {exp["language"]}, str(langs))
        lo, hi = exp["sections"]
        counts = [len(top_sections(d)) for d in docs]
        sc.add(name, "sections", all(lo <= c <= hi for c in counts), str(counts[:5]))
        years = [d.published.year for d in docs if d.published]
        bad = set(exp.get("forbid_years", [])) & set(years)
        sc.add(name, "no forbidden year", not bad, str(bad))
        if exp["docs"] == 1:
            doc = docs[0]
            titles = [exp["title"], *exp.get("title_alternatives", [])]
            sc.add(name, "title", any(_fold(doc.title) == _fold(t) for t in titles), doc.title)
            _check_authors(sc, name, exp, doc.authors)
            _check_date(sc, name, exp, doc)
            wanted = [t for t in exp.get("section_titles", []) if not t.startswith("(")]
            got = [_fold(h) for h in top_sections(doc)]
            missing = [t for t in wanted if not any(_fold(t) in g for g in got)]
            if wanted:
                sc.add(name, "section titles", not missing, f"missing {missing[:3]}")
        else:
            titles = [d.title for d in docs]
            inc = exp.get("titles_include", [])
            sc.add(name, "titles include", all(t in titles for t in inc), str(titles[:6]))
            sc.add(name, "every title non-empty", all(t.strip() for t in titles))
            ok = all(_authors_ok(exp, d.authors) for d in docs)
            sc.add(name, "authors", ok, str({tuple(d.authors) for d in docs}))
            _check_feed_dates(sc, name, exp, docs)
        sigs[name] = [signature([b.text for b in d.blocks]) for d in docs]
    # Duplicate relations: expected pairs are near-duplicates, nothing else is.
    names = list(sigs)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            want = expected[a].get("dup_of") == b or expected[b].get("dup_of") == a
            best = max(similarity(x, y) for x in sigs[a] for y in sigs[b])
            if want:
                sc.add(f"{a}~{b}", "near-duplicate", best >= NEAR_DUPLICATE_THRESHOLD, best)
            elif best >= NEAR_DUPLICATE_THRESHOLD:
                sc.add(f"{a}~{b}", "not duplicate", False, best)
    # Within a file (feeds): no two items are duplicates of each other.
    for name, file_sigs in sigs.items():
        if len(file_sigs) > 1:
            worst = max(
                (similarity(x, y) for k, x in enumerate(file_sigs) for y in file_sigs[k + 1 :]),
                default=0.0,
            )
            sc.add(name, "items not duplicates", worst < NEAR_DUPLICATE_THRESHOLD, worst)
    return sc, results


def _same_names(got: list[str], want: list[str]) -> bool:
    """One person per position, in any form of their name (EXPECTED.md: "any of these
    forms is the same person"), but written as a name, not left in capitals."""
    return len(got) == len(want) and all(
        a == b or (same_person(a, b) and not a.isupper()) for a, b in zip(got, want, strict=True)
    )


def _authors_ok(exp, authors) -> bool:
    accept = exp.get("authors_accept")
    if accept:
        if any(a and a[0].startswith("<") for a in accept):
            return True  # "the item's handle or []": any short handle list
        return any(_same_names(list(authors), a) for a in accept)
    return _same_names(list(authors), exp["authors"])


def _check_authors(sc, name, exp, authors) -> None:
    sc.add(name, "authors", _authors_ok(exp, authors), str(authors))


def _check_date(sc, name, exp, doc) -> None:
    got = doc.published
    if "date" in exp:
        sc.add(name, "date", got and got.isoformat() == exp["date"], str(got))
    elif exp.get("no_date"):
        sc.add(name, "no date", got is None, str(got))
    elif "year" in exp:
        lo, hi = exp["year"]
        accept = set(exp.get("year_accept", [])) or set(range(lo, hi + 1))
        ok = (got is None and exp.get("no_date_ok")) or (got is not None and got.year in accept)
        sc.add(name, "year", ok, str(got))


def _check_feed_dates(sc, name, exp, docs) -> None:
    dates = [d.published for d in docs]
    if "date" in exp:
        ok = all(d and d.isoformat() == exp["date"] for d in dates)
    else:
        lo, hi = exp["date_range"]
        ok = all(d and lo <= d.isoformat() <= hi for d in dates)
    sc.add(name, "item dates", ok, str(sorted({str(d) for d in dates})[:4]))


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studygroups.settings.test")
    django.setup()
    result, _ = score()
    for line in result.failures():
        print("FAIL", line[:300])
    print(f"score {result.share:.1%} of {len(result.checks)} checks")
