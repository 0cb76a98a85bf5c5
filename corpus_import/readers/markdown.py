"""Markdown, with or without YAML-like front matter.

Front matter is a hint, not the truth: a date that does not parse is reported, and a
language that the text contradicts is replaced by the detected one (metadata stage).
`#` lines (and setext `===`/`---` underlines) are headings only when they look like one
(short). The first heading is the title when the front matter has none; when it repeats
the front matter's title (or subtitle) it is that title written again, not a section.
"""

from __future__ import annotations

import re

from ..data import DraftNote, Hints, Para, RawDocument
from ..metadata import (
    archive_date,
    credit_block,
    date_at_end,
    file_date_line,
    names_from_list,
    parse_byline,
    parse_date,
    same_title,
    series_label,
    source_date,
    whole_date,
)
from ..normalize import collapse_spaces, count_words
from . import register
from ._text import NOTES_HEADING, cites_a_marker, numbered_lines

FRONT = re.compile(r"\A---[ \t]*\n(?P<body>(?:.*\n)*?)(?:---|\.\.\.)[ \t]*(\n|\Z)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
REF_DEF = re.compile(r"^\s*\[[^\]]+\]:\s+\S+.*$")
TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
# Emphasis marks: a "*" touching text on either side (CommonMark's flanking rule); a "*"
# with spaces on both sides is a literal asterisk or a bullet. Lines are read one at a
# time, so the closing mark of "*Enterprises of the\nProletarian Government.* --" is
# found by what touches it, not by its opening mark.
EMPHASIS = re.compile(r"(\*\*|__|`|(?<=\S)\*|\*(?=\S))")
HR = re.compile(r"^\s*([-*_]\s*){3,}$")
SETEXT = re.compile(r"^(=+|-+)\s*$")
LIST = re.compile(r"^\s*([-*+]|\d{1,3}[.)])\s+")


@register
class MarkdownReader:
    name = "markdown"
    max_score = 0.9  # the most `detect` returns

    def detect(self, text: str) -> float:
        if FRONT.match(text[:20_000]) and ":" in text[:2000]:
            return 0.9
        head = text[:100_000].split("\n")
        headings = sum(1 for line in head if HEADING.match(line))
        features = sum(1 for line in head if LINK.search(line) or line.startswith("> "))
        features += sum(1 for line in head if "**" in line)
        if headings >= 1 and (headings >= 2 or features >= 1):
            return 0.8
        return 0.6 if headings >= 1 else 0.0

    def read(self, text, ledger):
        ledger.read = count_words(text)
        hints = Hints()
        warnings: list[str] = []
        offset = 0
        m = FRONT.match(text)
        if m:
            ledger.meta(m.group(0))
            self._front_matter(m.group("body"), hints, warnings)
            offset = m.group(0).count("\n")
            text = text[m.end() :]
        evidence: list[str] = []
        text = _pandoc_clean(text, ledger, evidence)
        lines = numbered_lines(text, first_line=offset + 1)
        paras = self._blocks(lines, ledger)
        kept_paras = []
        for para in paras:
            if (
                para.kind == "heading"
                and not _LETTER.search(para.text)
                and not whole_date(para.text)[0]
            ):
                # A heading with no letter ("# 3", "# * * *") is a divider: chrome.
                ledger.drop(para.text)
            else:
                kept_paras.append(para)
        paras = kept_paras
        paras = _page_furniture(paras, ledger, evidence)
        notes = _take_notes(paras, ledger, evidence)
        _byline_before_title(paras, hints, ledger, evidence)
        _author_heading(paras, hints, ledger, evidence)
        paras = _info_block(paras, hints, ledger, evidence)
        if not hints.title and paras and paras[0].kind == "heading":
            # No title in the front matter (or an empty one): the opening heading, at
            # whatever level, is the title (pandoc pages often use ### for it).
            hints.title = paras[0].text
            ledger.meta(paras[0].text)
            evidence.append(f"Title from the opening heading: “{hints.title}”.")
            del paras[0]
        if not hints.title:
            for k, para in enumerate(paras[:5]):
                if para.kind == "heading" and para.level == 1:
                    hints.title = para.text
                    ledger.meta(para.text)
                    del paras[k]
                    break
        else:
            _drop_repeated_title(paras, hints, ledger)
        _date_under_title(paras, hints, ledger, evidence)
        found, precision = date_at_end(hints.title or "")
        if found and (
            not hints.published
            or (hints.date_precision == "year" and found.year == hints.published.year)
        ):
            # "Karl Marx to Ludwig Kugelmann, 30 January 1868": the letter's date.
            hints.published, hints.date_precision = found, precision
            evidence.append(f"Date of the work from the title: “{hints.title}”.")
        for para in paras[:3]:
            if not para.kind and _SALUTATION.match(para.text):
                para.kind = "paragraph"  # "Dear Kugelmann" opens a letter: no heading
        levels = [p.level for p in paras if p.kind == "heading"]
        shift = min(levels) - 2 if levels else 0
        for para in paras:
            if para.kind == "heading":
                para.level = max(2, para.level - shift)
        if not paras:
            return []
        doc = RawDocument(
            paras=paras,
            line_start=paras[0].line,
            line_end=lines[-1][0],
            hints=hints,
            head_parsed=bool(hints.title),
            warnings=warnings,
            family="Pandoc Markdown conversion" if evidence else "Markdown document",
            evidence=evidence,
            notes=notes,
        )
        return [doc]

    def _front_matter(self, body: str, hints: Hints, warnings: list[str]) -> None:
        key = None
        values: dict[str, list[str]] = {}
        for line in body.split("\n"):
            item = re.match(r"^\s+-\s+(.*)$", line)
            if item and key:
                values.setdefault(key, []).append(item.group(1).strip().strip("\"'"))
                continue
            kv = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
            if kv:
                key = kv.group(1).lower()
                raw = kv.group(2).strip()
                if raw.startswith("[") and raw.endswith("]"):
                    values[key] = [
                        v.strip().strip("\"'") for v in raw[1:-1].split(",") if v.strip()
                    ]
                elif raw:
                    values[key] = [raw.strip("\"'")]
        first = {k: v[0] for k, v in values.items() if v}
        hints.title = first.get("title", "")
        hints.subtitle = first.get("subtitle", "")
        for k in ("authors", "author", "by"):
            if k in values:
                # The byline rule used everywhere: an organization is not an author.
                hints.authors, org = names_from_list(values[k])
                hints.organization = hints.organization or org
                break
        hints.organization = (
            hints.organization or first.get("organization", "") or first.get("publisher", "")
        )
        hints.venue = first.get("venue", "") or first.get("source", "")
        for k in ("date", "published"):
            if k in first:
                found, precision = parse_date(first[k])
                if found:
                    hints.published, hints.date_precision = found, precision
                else:
                    warnings.append(f"The front matter's date “{first[k]}” could not be read.")
                break
        lang = first.get("language", "") or first.get("lang", "")
        hints.language = lang[:2].lower() if lang else ""

    def _blocks(self, lines, ledger) -> list[Para]:
        paras: list[Para] = []
        current: list[str] = []
        start = 0
        kind = ""
        in_fence = False

        def flush():
            nonlocal current, kind
            if current:
                joined = collapse_spaces(" ".join(current))
                if joined:
                    paras.append(Para(joined, start, kind))
            current, kind = [], ""

        for n, raw in lines:
            if FENCE.match(raw):
                ledger.drop(raw)
                flush()
                in_fence = not in_fence
                continue
            if in_fence:
                if raw.strip():
                    paras.append(Para(collapse_spaces(raw), n, "paragraph"))
                continue
            line = self._inline(raw, ledger)
            stripped = line.strip()
            if not stripped:
                flush()
                continue
            if (
                SETEXT.match(stripped)
                and len(current) == 1
                and kind == ""
                and not LIST.match(current[0])
                and count_words(current[0]) <= 15
            ):
                # Setext heading: the one line above, underlined with === or ---.
                ledger.drop(raw)
                paras.append(
                    Para(collapse_spaces(current[0]), start, "heading", 1 if "=" in raw else 2)
                )
                current = []
                continue
            if HR.match(stripped) or REF_DEF.match(raw):
                ledger.drop(raw)
                flush()
                continue
            h = HEADING.match(stripped)
            if h and count_words(h.group(2)) <= 15:
                flush()
                paras.append(Para(h.group(2).strip(), n, "heading", level=len(h.group(1))))
                continue
            if stripped.startswith(">"):
                if kind != "quotation":
                    flush()
                    kind, start = "quotation", n
                current.append(stripped.lstrip(">").strip())
                continue
            if LIST.match(stripped):
                flush()
                start = n
                current.append(stripped)
                continue
            if not current:
                start = n
            elif kind == "quotation":
                flush()
                start = n
            current.append(stripped)
        flush()
        return paras

    @staticmethod
    def _inline(line: str, ledger) -> str:
        before = count_words(line)
        out = IMAGE.sub(lambda m: m.group(1), line)
        out = LINK.sub(lambda m: m.group(1), out)
        out = TAG.sub(" ", out)
        out = EMPHASIS.sub("", out)
        after = count_words(out)
        if before != after:
            ledger.drop("", words=before - after)
        return out


def _drop_repeated_title(paras: list[Para], hints: Hints, ledger) -> None:
    """Remove the opening heading(s) that repeat the front matter's title or subtitle.

    Only headings before the first paragraph of text are looked at, so a later section
    that happens to share the title's words stays a section.
    """
    k = 0
    while k < len(paras) and paras[k].kind == "heading":
        text = paras[k].text
        if same_title(text, hints.title) or (hints.subtitle and same_title(text, hints.subtitle)):
            ledger.drop(text)  # its words were counted once already, as the title
            del paras[k]
            continue
        k += 1


# --- pandoc conversions of web pages -------------------------------------------------

_LETTER = re.compile(r"[^\W\d_]")
_FENCED_DIV = re.compile(r"^\s*:{3,}.*$", re.M)
_PANDOC_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?", re.S)
_PANDOC_SPAN = re.compile(r"\[([^\[\]]*)\]\{[^}]*\}")
_ATTRIBUTES = re.compile(r"\{[#.][^}]*\}")
_SUPERSCRIPT = re.compile(r"\^([^^\s][^^]{0,40}?)\^")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!'\"$|<>~^])")
# An in-page link whose text is an escaped note marker: [\[2\]](#n2) -> \[2\]
_NOTE_LINK = re.compile(r"\[((?:\\\[|\\\]|[^\[\]])*)\]\(#[^)]*\)")
_HARD_BREAK = re.compile(r"\\$", re.M)
# Attributes pandoc writes after a link: [MIA](../index.htm){#top}, ](url){target="new"}.
_LINK_ATTRIBUTES = re.compile(r"\)\{[^{}\n]{1,80}\}")
# A breadcrumb: links joined by ">" (escaped or not) or "»", over one or two lines.
# Each run of blanks is one [ \t]* (never two side by side, which backtrack
# quadratically over a long run of spaces).
_BREADCRUMB = re.compile(
    r"^[ \t]*\[[^\]\n]+\]\([^)\n]*\)(?:[ \t]*(?:\n[ \t]*)?(?:\\?>|»)[ \t]*(?:\n[ \t]*)?"
    r"\[[^\]\n]+\]\([^)\n]*\))+(?:[ \t]*(?:\\?>|»))?[ \t]*$",
    re.M,
)
# A line (or lines) of nothing but links, "|" between them.
_NAV_LINE = re.compile(r"^\s*(?:\[[^\]]+\]\([^)]*\)\s*(?:\\?\|\s*)?)+$", re.M)
_REFERENCES_HEADING = re.compile(r"^references$", re.I)
_NOTE_START = re.compile(r"^\[?(\d{1,3}|[*†‡])\]?[.)]?\s+(\S.*)$", re.S)
# A letter's salutation ("Dear Kugelmann", "My dear Engels,", "Querido amigo:").
_SALUTATION = re.compile(
    r"^\s*(?:my\s+|mi\s+|mon\s+|ma\s+)?(?:dear(?:est)?|beloved|querid[oa]s?|estimad[oa]s?|"
    r"lieber?|liebe|cher|chère|chers|caro|cara)\b[^.!?]{0,40}[,:!]?\s*$",
    re.I,
)
_NAME_YEAR = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}),?\s+\(?(?P<year>1[5-9]\d\d|20\d\d)\)?$"
)


def _pandoc_clean(text: str, ledger, evidence: list[str]) -> str:
    """pandoc's Markdown of a web page: the page wrapped in one blockquote, fenced divs,
    attribute spans ({.info}), images with attributes, superscript note links,
    backslash escapes. Plain Markdown passes through unchanged."""
    if ">" in text[:2000]:
        lines = text.split("\n")
        nonblank = [line for line in lines if line.strip()]
        quoted = sum(1 for line in nonblank if line.lstrip().startswith(">"))
        if quoted > 0.8 * len(nonblank) and len(nonblank) >= 5:
            text = "\n".join(re.sub(r"^\s*> ?", "", line) for line in lines)
            evidence.append("The whole page is one blockquote (a pandoc wrapper): unwrapped.")
    if ":::" not in text and "]{" not in text and "){" not in text:
        return text
    pandoc = bool(
        _FENCED_DIV.search(text) or _PANDOC_SPAN.search(text) or _LINK_ATTRIBUTES.search(text)
    )
    if not pandoc:
        return text
    before = count_words(text)
    evidence.append("pandoc markup (fenced divs, attribute spans) removed.")
    text = _FENCED_DIV.sub("", text)
    text = _PANDOC_IMAGE.sub("", text)
    text = _LINK_ATTRIBUTES.sub(")", text)
    text = _BREADCRUMB.sub("", text)
    text = _NAV_LINE.sub("", text)
    for _ in range(2):
        text = _PANDOC_SPAN.sub(r"\1", text)
    text = _ATTRIBUTES.sub("", text)
    text = _SUPERSCRIPT.sub(r"\1", text)
    text = _NOTE_LINK.sub(r"\1", text)
    text = _HARD_BREAK.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    removed = before - count_words(text)
    if removed > 0:
        ledger.drop("", words=removed)
    elif removed < 0:
        ledger.read -= removed
    return text


def _take_notes(paras: list[Para], ledger, evidence: list[str]) -> list[DraftNote]:
    """Numbered paragraphs under a "Notes" heading closing the text, cited in the text
    ("[1]", "¹"), are the document's notes."""
    notes: list[DraftNote] = []
    for k, para in enumerate(paras):
        heading = para.text.strip(" :.")
        if para.kind != "heading" or not (
            NOTES_HEADING.match(heading) or _REFERENCES_HEADING.match(heading)
        ):
            continue
        j = k + 1
        found = []
        while j < len(paras) and paras[j].kind != "heading":
            m = _NOTE_START.match(paras[j].text.strip())
            if m:
                found.append(DraftNote(marker=m.group(1), text=m.group(2).strip()))
            elif found:
                found[-1].text += " " + paras[j].text.strip()
            else:
                break
            j += 1
        # Only closing notes (to the end of the text) that the text cites: a numbered
        # list under "## Note" that nobody cites is text.
        if found and j == len(paras):
            body = "\n".join(p.text for p in paras[:k])
            if not cites_a_marker(body, [n.marker for n in found]):
                continue
            for p in paras[k:j]:
                ledger.meta(p.text)
            del paras[k:j]
            notes = found
            evidence.append(f"{len(notes)} notes under “{para.text}” kept as notes.")
            break
    return notes


_TO_TOP = re.compile(r"^\s*\[[^\]]{1,40}\]\(#(?:top|page-top|inicio)?\)\s*$", re.I)


def _page_furniture(paras: list[Para], ledger, evidence: list[str]) -> list[Para]:
    """A web page's furniture left by its conversion: "Top of the page" links (to the
    page's own top) and the file's "Last updated on …" line: chrome."""
    kept = []
    for para in paras:
        short = para.kind != "heading" and count_words(para.text) <= 12
        if short and (_TO_TOP.match(para.text) or file_date_line(para.text)):
            ledger.drop(para.text)
            evidence.append(f"Page furniture dropped: “{para.text[:60]}”.")
            continue
        kept.append(para)
    return kept


def _author_heading(paras: list[Para], hints: Hints, ledger, evidence) -> None:
    """ "## James Connolly" over "# Press Poisoners in Ireland": a heading naming a person,
    set over a heading of a higher rank, is the author, not the title."""
    if len(paras) < 2 or paras[0].kind != "heading" or paras[1].kind != "heading":
        return
    if paras[1].level >= paras[0].level or count_words(paras[0].text) > 5:
        return
    people, _org = parse_byline(paras[0].text)
    if not people or series_label(paras[0].text) or any(c.isdigit() for c in paras[0].text):
        return
    if not hints.authors:
        hints.authors = people
    ledger.meta(paras[0].text)
    evidence.append(f"Author from the heading over the title: “{paras[0].text}”.")
    del paras[0]


def _byline_before_title(paras: list[Para], hints: Hints, ledger, evidence) -> None:
    """ "Alexandra Kollontai 1920" over the title: the author and the year of the work."""
    if not paras or paras[0].kind == "heading" or len(paras) < 2:
        return
    m = _NAME_YEAR.match(" ".join(paras[0].text.split()))
    if not m or paras[1].kind != "heading":
        return
    if series_label(m.group("name")):
        # "Marx-Engels Correspondence 1868": the series the page belongs to, no byline;
        # its year is the volume's.
        ledger.drop(paras[0].text)
        evidence.append(f"Series label over the title dropped: “{paras[0].text}”.")
        del paras[0]
        return
    people, _org = parse_byline(m.group("name"))
    if people and not hints.authors:
        hints.authors = people
    if not hints.published:
        hints.published, hints.date_precision = parse_date(m.group("year"))
    ledger.meta(paras[0].text)
    evidence.append(f"Author and year from the line over the title: “{paras[0].text}”.")
    del paras[0]


def _date_under_title(paras: list[Para], hints: Hints, ledger, evidence) -> None:
    """A heading or line that is only a date, before the text ("### (26 July 1913)"), is
    the work's date, never a section."""
    while paras and paras[0].kind in ("heading", "paragraph"):
        found, precision = whole_date(paras[0].text)
        if not found:
            return
        if not hints.published or (
            hints.date_precision == "year"
            and precision != "year"
            and found.year == hints.published.year
        ):
            hints.published, hints.date_precision = found, precision
        evidence.append(f"Date of the work from the line under the title: {paras[0].text}.")
        ledger.meta(paras[0].text)
        del paras[0]


def _info_block(paras: list[Para], hints: Hints, ledger, evidence) -> list[Para]:
    kept = []
    for k, para in enumerate(paras):
        info = archive_date(para.text) if k < 8 and para.kind != "heading" else None
        if info is None and k < 8 and para.kind != "heading" and credit_block(para.text):
            # Credits with no "Written:" field: chrome; the source line's date stands
            # when nothing dates the work yet.
            ledger.drop(para.text)
            found, precision, line = source_date(para.text)
            evidence.append(f"Credit block dropped as chrome: “{para.text[:90]}”.")
            if found and (
                not hints.published
                or (
                    hints.date_precision == "year"
                    and precision != "year"
                    and found.year == hints.published.year
                )
            ):
                hints.published, hints.date_precision = found, precision
                evidence.append(f"Date of the work from the source line “{line}”.")
            continue
        if info is None:
            kept.append(para)
            continue
        found, precision, line = info
        ledger.meta(para.text)
        evidence.append(f"Information block taken as metadata: “{para.text[:90]}”.")
        work = line and not re.match(r"\s*source\s*:", line, re.I)
        more_precise = (
            found
            and hints.published
            and hints.date_precision == "year"
            and precision != "year"
            and found.year == hints.published.year
        )
        if found and (
            (work and (not hints.published or hints.date_precision == "year"))
            or not hints.published
            or more_precise
        ):
            hints.published, hints.date_precision = found, precision
            evidence.append(f"Date of the work from “{line}” ({precision}).")
    return kept
