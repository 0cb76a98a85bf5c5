"""The importer's pure pipeline for one file: bytes -> FileResult of DraftDocuments.

decode -> clean -> detect format -> read (split into documents) -> strip known chrome ->
strip learned chrome (across the file's documents and the batch) -> metadata ->
structure. No ORM; `load.py` saves the result. Every word read ends up kept, dropped as
chrome, or taken as metadata, and the ledger records which.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib

import numpy as np

from .chrome import ChromeMemory, strip_known
from .data import DraftDocument, DraftSection, FileResult, Hints, Ledger, Para, RawDocument
from .dedupe import signature_of_ids
from .metadata import (
    LANGUAGE_SAMPLE,
    detect_language,
    is_file_date,
    looks_like_byline,
    looks_like_title,
    parse_byline,
    parse_date,
    provisional_title,
    same_title,
)
from .normalize import (
    DecodeError,
    casefolded_word_ids,
    clean_text,
    count_words,
    count_words_ahead,
    decode_bytes,
)
from .pages import strip_page_furniture
from .readers import choose_reader
from .readers.epub import EpubError, is_epub, read_epub
from .readers.feed import FeedError
from .readers.webextract import PageError
from .structure import structure

PROVENANCE = re.compile(
    r"^(originally |first )?(published|posted|shared|reprinted|appeared|written)\b.{0,300}$",
    re.I,
)
# "PLACE, when —": `when` ends at the first dash that is not inside a number, so ISO
# dates and timestamps ("2019-04-18T10:00:00Z") are read whole.
DATELINE = re.compile(
    r"^(?P<place>[A-ZÀ-Þ][A-ZÀ-Þ .,'()-]{2,60}),\s+"
    r"(?P<when>(?:[^—–-]|(?<=\d)-(?=\d)){3,40}?)\s*[—–-](?!\d)"
)
# Language detection reads the first blocks of each section (then the first
# LANGUAGE_SAMPLE characters of them).
LANGUAGE_BLOCKS = 40
BY_LINE = re.compile(r"^(by|por)\s+\S", re.I)
DATE_LABEL = re.compile(r"^(date|published|posted on|fecha)\s*:\s*(.+)$", re.I)


# Formats that can be printed pages (a browser's print view, a PDF's text): their running
# heads and footers are looked for. Feeds, dumps, books and markup have their own shape.
PAGED_READERS = {"plain", "generic", "webpage", "pdf_extract", "flattened"}

DEFAULT_FAMILY = {
    "html": "Web page",
    "feed": "Feed",
    "book": "E-book (plain text)",
    "markdown": "Markdown document",
    "reader_dump": "Feed-reader dump",
    "pdf_extract": "Text exported from a PDF",
    "flattened": "Text flattened onto one line",
    "webpage": "Text copied from a web page",
    "plain": "Plain text",
    "generic": "Plain text",
    "epub": "EPUB e-book",
}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run_file(name: str, data: bytes, *, memory: ChromeMemory | None = None) -> FileResult:
    """Read one file. Errors are returned in `result.errors`, never raised."""
    result = FileResult(name=name, sha256=sha256_of(data), size=len(data))
    memory = memory or ChromeMemory()
    ledger = result.ledger
    if is_epub(data):
        result.format = "epub"
        try:
            raws = read_epub(data, ledger)
        except EpubError as exc:
            result.errors.append(as_sentence(str(exc)))
            return result
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            # A part whose compressed bytes are corrupt: the directory was readable.
            result.errors.append(
                "This file is a damaged EPUB (a part of its zip archive cannot be read)."
            )
            return result
        reader_name = "epub"
    else:
        try:
            text, _encoding = decode_bytes(data)
        except DecodeError as exc:
            result.errors.append(as_sentence(str(exc)))
            return result
        text = clean_text(text)
        reader = choose_reader(text)
        furniture_words, furniture = 0, []
        if reader.name in PAGED_READERS:
            text, furniture_words, furniture = strip_page_furniture(text)
            if furniture_words:
                reader = choose_reader(text)
        result.format = reader_name = reader.name
        try:
            raws = reader.read(text, ledger)
        except (FeedError, PageError) as exc:
            result.errors.append(as_sentence(str(exc)))
            return result
        except RecursionError:
            result.errors.append("The file's markup is nested too deeply to be read.")
            return result
        if furniture_words:
            # Read, then dropped as chrome: the running heads and footers of the pages.
            ledger.read += furniture_words
            ledger.chrome += furniture_words
            if raws:
                raws[0].evidence.append(
                    "Running page heads/footers removed: " + " · ".join(furniture) + "."
                )
    count_words_ahead([p.text for raw in raws for p in raw.paras])
    for raw in raws:
        strip_known(raw, ledger)
    memory.strip_learned(raws, ledger, file_id=name)
    # The family and its evidence once the chrome stages have added theirs (a page saved
    # as text found to be an encyclopedia's by its references, numbered headings).
    result.family = next((r.family for r in raws if r.family), "") or DEFAULT_FAMILY.get(
        reader_name, reader_name
    )
    if raws:
        result.evidence = list(raws[0].evidence)
    if not result.evidence:
        result.evidence = [f"Read as {result.family.lower()}: told from the text, not the name."]
    for index, raw in enumerate(raws):
        draft = draft_document(raw, ledger)
        if draft is None:
            continue
        draft.index = len(result.documents)
        result.documents.append(draft)
        del index
    ledger.kept = sum(_kept_words(d) for d in result.documents)
    if not result.documents:
        result.errors.append("No readable text was found in the file.")
    if not ledger.balanced:
        # A bug, not the input's fault: say so rather than hide it.
        off = ledger.read - ledger.kept - ledger.chrome - ledger.metadata
        for d in result.documents:
            d.warnings.append(
                f"The importer lost count of {abs(off)} word{'s' if abs(off) != 1 else ''} "
                "of this file: every word read should be kept, dropped as clutter or taken "
                "as metadata, and these were not accounted for. This is a fault in the "
                "importer, not in the file; check the text against the original."
            )
    return result


def as_sentence(message: str) -> str:
    """A reason as a sentence: its first letter capitalised (only that: "PDF", "XML" and
    names keep their case) and a full stop at the end."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."


def _kept_words(doc: DraftDocument) -> int:
    words = sum(count_words(s.heading) for s in doc.sections)
    for block in doc.blocks:
        words += block.words if block.words is not None else count_words(block.text)
        if block.list_number is not None:
            words += 1  # the item's number, kept as list_number
    return words


def parse_head(raw: RawDocument, ledger: Ledger) -> None:
    """Title, subtitle, byline, provenance and date from the first lines of a plain text."""
    hints = raw.hints
    paras = raw.paras
    i = 0
    # Provenance lines ("originally published on Facebook, ...") come before the title.
    while (
        i < len(paras)
        and i < 2
        and PROVENANCE.match(paras[i].text)
        and count_words(paras[i].text) <= 40
        and i + 1 < len(paras)
    ):
        hints.venue = hints.venue or paras[i].text[:300]
        ledger.meta(paras[i].text)
        i += 1
    if (
        i + 1 < len(paras)
        and paras[i].kind in ("", "heading")
        and looks_like_title(paras[i].text)
        and count_words(paras[i].text) <= 20
        and not BY_LINE.match(paras[i].text)
    ):
        hints.title = " ".join(paras[i].text.split())
        ledger.meta(paras[i].text)
        i += 1
        i = _skip_repeated_title(paras, i, hints.title, ledger)
        if (
            i + 1 < len(paras)
            and paras[i].kind in ("", "heading")
            and not _file_date_line(paras[i].text)
            and looks_like_title(paras[i].text)
            and not looks_like_byline_strict(paras[i].text)
            and count_words(paras[i].text) <= 20
            and not BY_LINE.match(paras[i].text)
            and count_words(paras[i + 1].text) >= 15
            and not paras[i].text.rstrip().endswith("?")
        ):
            hints.subtitle = " ".join(paras[i].text.split())
            ledger.meta(paras[i].text)
            i += 1
    # Byline and date lines right after the title.
    for _ in range(3):
        if i + 1 >= len(paras):
            break
        text = paras[i].text.strip()
        label = DATE_LABEL.match(text)
        if _file_date_line(text):
            # "Last updated: ...", "Release date: ...": the file's date, not the work's.
            ledger.drop(text)
            i += 1
        elif (
            BY_LINE.match(text)
            and looks_like_byline(text)
            or (hints.title and hints.authors is None and looks_like_byline_strict(text))
        ):
            hints.authors, org = parse_byline(text)
            hints.organization = hints.organization or org
            ledger.meta(text)
            i += 1
        elif label or (count_words(text) <= 6 and parse_date(text)[0]):
            found, precision = parse_date(label.group(2) if label else text)
            if found and not hints.published:
                hints.published, hints.date_precision = found, precision
            ledger.meta(text)
            i += 1
        else:
            break
    raw.paras = paras[i:]
    if raw.paras and not hints.published:
        m = DATELINE.match(raw.paras[0].text)
        if m:
            found, precision = parse_date(m.group("when"))
            if found:
                hints.published, hints.date_precision = found, precision
            else:
                raw.warnings.append(
                    f"The dateline gives “{m.group('when').strip()}” without a year; "
                    "no date was set."
                )


def _file_date_line(text: str) -> bool:
    return count_words(text) <= 12 and is_file_date(text) and parse_date(text)[0] is not None


def _skip_repeated_title(paras: list[Para], i: int, title: str, ledger: Ledger) -> int:
    """The title written again (a web page's headline over its own title): not body text."""
    while i + 1 < len(paras) and same_title(paras[i].text, title):
        ledger.drop(paras[i].text)
        i += 1
    return i


def looks_like_byline_strict(text: str) -> bool:
    """A bare name line: two or three capitalized words, no common words, no digits."""
    words = text.split()
    if not 2 <= len(words) <= 3 or any(c.isdigit() for c in text):
        return False
    common = {"the", "of", "and", "a", "an", "in", "on", "for", "to", "not", "is", "with"}
    return all(w[:1].isupper() and w.lower() not in common for w in words) and not text.isupper()


def draft_document(raw: RawDocument, ledger: Ledger) -> DraftDocument | None:
    if not raw.head_parsed:
        parse_head(raw, ledger)
    hints: Hints = raw.hints
    sections, warnings, resegmented_words = structure(
        raw.paras, ledger, hints.contents, marked=raw.paragraphs_marked
    )
    if not any(s.blocks for s in sections):
        for s in sections:
            # Headings with no text under them: not a document. Their words are chrome.
            ledger.drop(s.heading)
        if hints.title:
            ledger.metadata -= count_words(hints.title)
            ledger.drop(hints.title)
        return None
    # Each block's word count, counted once here: the later stages (the balance, the
    # language sample, the worker's report, the writer) read it instead of counting again.
    for s in sections:
        for b in s.blocks:
            b.words = count_words(b.text)
    body_words = sum(b.words for s in sections for b in s.blocks)
    body_text = " ".join(b.text for s in sections for b in s.blocks[:LANGUAGE_BLOCKS])
    # The ids of the body's casefolded words, found once: language detection counts the
    # stop words of its sample by them, and the document's MinHash signature is made of
    # all of them.
    ids = casefolded_word_ids(" ".join(b.text for s in sections for b in s.blocks))
    language = detect_language(
        body_text, default=hints.language or "en", ids=language_sample_ids(sections, ids)
    )
    warnings = raw.warnings + warnings
    if hints.language and language != hints.language and body_words >= 30:
        warnings.append(
            f"The source says the language is “{hints.language}”, but the text reads as "
            f"“{language}”; “{language}” was used."
        )
    notes: list[str] = []
    title = hints.title
    if not title:
        first = next(b.text for s in sections for b in s.blocks)
        title = provisional_title(first)
        notes.append("Provisional title: the source gives none.")
    if len(title) > 300:
        title = title[:297].rstrip() + "…"
        notes.append("The title was shortened.")
    authors = [a for a in (hints.authors or []) if a]
    return DraftDocument(
        title=title,
        subtitle=hints.subtitle,
        sections=sections,
        authors=authors,
        organization=hints.organization[:200],
        venue=hints.venue[:300],
        published=hints.published,
        date_precision=hints.date_precision if hints.published else "",
        language=language,
        needs_review=bool(notes),
        review_note=" ".join(notes),
        warnings=warnings,
        line_start=raw.line_start,
        line_end=raw.line_end,
        resegmented=resegmented_words > body_words / 2,
        notes=list(raw.notes),
        signature=signature_of_ids(ids),
    )


def language_sample_ids(
    sections: list[DraftSection], ids: np.ndarray, limit: int = LANGUAGE_SAMPLE
) -> np.ndarray:
    """`casefolded_word_ids(body_text[:limit])`, where body_text joins the first
    LANGUAGE_BLOCKS blocks of each section with spaces, taken from `ids`, those of all
    the blocks joined with spaces: a space joins no words, so each block's words are its
    own run of them, as many as `count_words` says. Only a block cut by the limit is read
    again."""
    runs: list[np.ndarray] = []
    start = 0  # where the block's words begin in `ids`
    used = -1  # characters of the sample so far, less the space before the next block
    for s in sections:
        for i, b in enumerate(s.blocks):
            n = b.words if b.words is not None else count_words(b.text)
            if i < LANGUAGE_BLOCKS:
                room = limit - (used + 1)
                if len(b.text) > room:
                    if room > 0:
                        runs.append(casefolded_word_ids(b.text[:room]))
                    return np.concatenate(runs) if runs else ids[:0]
                runs.append(ids[start : start + n])
                used += 1 + len(b.text)
            start += n
    return np.concatenate(runs) if runs else ids[:0]


def paras_of(texts: list[str]) -> list[Para]:
    """Convenience for tests: paragraph candidates from strings."""
    return [Para(t, n + 1) for n, t in enumerate(texts)]
